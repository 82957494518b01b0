// Inngest's endpoint when configured; a 404 envelope otherwise (src/server/inngest/http-handler.ts).
import { inngestHandlers } from "@/server/inngest/http-handler";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = inngestHandlers();
