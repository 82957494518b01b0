// GET /api/metrics: Prometheus text format (issue #16), behind the bearer token METRICS_TOKEN.
// Without the setting the route does not exist (404); a missing or wrong token gets 401.
import { env } from "@/env";
import { otherMethods } from "@/server/http/route-methods";
import { serveMetrics } from "@/server/http/serve-metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return serveMetrics(request, env.METRICS_TOKEN);
}

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = otherMethods({ GET });
