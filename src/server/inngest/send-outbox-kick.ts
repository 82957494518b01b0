// Best-effort wake-up of the Inngest driver after a commit. The outbox row is the truth: a lost
// kick only delays delivery until the cron sweep. Kicks are coalesced (one send in flight, one
// more queued) so that a burst of writes does not become a burst of API calls.
import { inngest, OUTBOX_KICK_EVENT } from "./client";
import { describeError, logger } from "../logger";

let sending = false;
let again = false;

export function sendOutboxKick(): void {
  if (sending) {
    again = true;
    return;
  }
  sending = true;
  again = false;
  inngest
    .send({ name: OUTBOX_KICK_EVENT, data: {} })
    .catch((error: unknown) => logger.warn("inngest kick not sent (the cron sweep will deliver)", describeError(error)))
    .finally(() => {
      sending = false;
      if (again) sendOutboxKick();
    });
}
