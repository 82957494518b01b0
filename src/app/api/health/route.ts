import { checkHealth } from "@/server/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const healthy = await checkHealth();
  return Response.json(healthy ? { status: "ok" } : { status: "unavailable" }, { status: healthy ? 200 : 503 });
}
