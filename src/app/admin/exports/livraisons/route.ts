import { deliveryFilterSchema } from "@/modules/console/console-schemas";
import { exportDeliveriesCsv } from "@/modules/exports/export-deliveries-csv";
import { serveConsoleExport } from "@/server/http/serve-console-export";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return serveConsoleExport(request, { name: "livraisons", input: deliveryFilterSchema, run: exportDeliveriesCsv });
}
