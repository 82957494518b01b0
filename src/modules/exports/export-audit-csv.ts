// CSV export of the audit log under the console's filter (issue #11), streamed by keyset pages of
// the journal's read model (list-audit.ts). The log names operators (their emails): the export is
// itself audited.
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { listAudit } from "@/modules/console/list-audit";
import { keysetPages, streamCsv } from "./stream-csv";
import { EXPORT_PAGE_SIZE } from "./export-deliveries-csv";

const header = ["N°", "Date (heure de Paris)", "Auteur", "Action", "Type de cible", "Cible", "Avant", "Après"];

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Audits the export (`audit.export`) and returns the CSV byte stream of the audit entries matching `filter`, newest first. */
export async function exportAuditCsv(db: Db, filter: { action?: string }, actor: Actor): Promise<ReadableStream<Uint8Array>> {
  // Written first: the export lists its own entry, as the log it shows is complete.
  await writeAudit(db, actor, { action: "audit.export", targetType: "audit", after: { filter } });
  const pages = keysetPages(
    (cursor: number | undefined) => listAudit(db, { ...filter, cursor, limit: EXPORT_PAGE_SIZE }),
    (e) => [e.id, e.createdAt, e.actorLabel, e.action, e.targetType, e.targetId, json(e.before), json(e.after)],
  );
  return streamCsv(header, pages);
}
