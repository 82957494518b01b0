// The Inngest client of the hub. Settings come from src/env.ts; the SDK is only used when one of
// them is set (inngestConfigured), otherwise the embedded worker delivers.
import { Inngest } from "inngest";
import { env } from "@/env";

export const OUTBOX_KICK_EVENT = "communs/outbox.kick";

export const inngest = new Inngest({
  id: "les-communs",
  ...(env.INNGEST_EVENT_KEY ? { eventKey: env.INNGEST_EVENT_KEY } : {}),
  ...(env.INNGEST_SIGNING_KEY ? { signingKey: env.INNGEST_SIGNING_KEY } : {}),
  ...(env.INNGEST_BASE_URL ? { baseUrl: env.INNGEST_BASE_URL } : {}),
  ...(env.INNGEST_DEV && env.INNGEST_DEV !== "0" ? { isDev: true } : {}),
});
