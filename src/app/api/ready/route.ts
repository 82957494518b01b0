// GET /api/ready: readiness (database answers, schema at this build's version, worker lag).
// /api/health stays the liveness check.
import { otherMethods } from "@/server/http/route-methods";
import { serveReadiness } from "@/server/http/serve-readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  return serveReadiness();
}

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = otherMethods({ GET });
