import { projectsExportInput } from "@/modules/console/console-schemas";
import { exportProjectsCsv } from "@/modules/exports/export-projects-csv";
import { serveConsoleExport } from "@/server/http/serve-console-export";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return serveConsoleExport(request, { name: "projets", input: projectsExportInput, run: exportProjectsCsv });
}
