import { auditExportInput } from "@/modules/console/console-schemas";
import { exportAuditCsv } from "@/modules/exports/export-audit-csv";
import { serveConsoleExport } from "@/server/http/serve-console-export";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return serveConsoleExport(request, { name: "journal", input: auditExportInput, run: exportAuditCsv });
}
