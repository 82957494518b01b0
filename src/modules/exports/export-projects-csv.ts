// CSV export of the projects list under the console's search (issue #11), streamed by keyset pages
// of the list's own read model (search-projects.ts). Audited. Like the list, it carries no porteur
// contact data.
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { searchProjects } from "@/modules/console/search-projects";
import { keysetPages, streamCsv } from "./stream-csv";
import { EXPORT_PAGE_SIZE } from "./export-deliveries-csv";

const header = ["Identifiant", "Nom", "Version", "Statut", "Collectivités", "Services liés", "Modifié le (heure de Paris)"];

/** Audits the export (`projects.export`) and returns the CSV byte stream of the projects matching `query`, latest change first. */
export async function exportProjectsCsv(db: Db, input: { query: string }, actor: Actor): Promise<ReadableStream<Uint8Array>> {
  await writeAudit(db, actor, { action: "projects.export", targetType: "projects", after: { query: input.query } });
  const pages = keysetPages(
    (cursor: string | undefined) => searchProjects(db, { ...input, cursor, limit: EXPORT_PAGE_SIZE }),
    (p) => [
      p.id,
      p.nom,
      p.version,
      p.genericStatus,
      p.collectivites.map((c) => `${c.type} ${c.code}`).join(", "),
      p.services.join(", "),
      p.updatedAt,
    ],
  );
  return streamCsv(header, pages);
}
