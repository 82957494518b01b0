import { checkHealth } from "@/server/health";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export async function GET() {
  const healthy = await checkHealth();
  return Response.json(healthy ? { status: "ok" } : { status: "unavailable" }, { status: healthy ? 200 : 503 });
}

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = otherMethods({ GET });
