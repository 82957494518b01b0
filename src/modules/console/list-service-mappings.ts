// A service's status mapping with what is missing: every generic status needs a default label
// (CONTRACT §2), else webhooks carry `statut.service: null` for it. Each label says how many of the
// service's projects carry it (a used label is deleted only by moving them, issue #11).
import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { genericStatuses, statusMappings } from "@/db/schema";

export async function listServiceMappings(db: DbOrTx, serviceId: string) {
  const statuses = await db.select().from(genericStatuses).orderBy(asc(genericStatuses.position));
  const mappings = await db
    .select({
      id: statusMappings.id,
      label: statusMappings.label,
      generique: statusMappings.genericStatus,
      isDefault: statusMappings.isDefault,
      projets: sql<number>`(select count(*)::int from project_links pl where pl.service_id = status_mappings.service_id and pl.status_label = status_mappings.label)`,
    })
    .from(statusMappings)
    .where(eq(statusMappings.serviceId, serviceId))
    .orderBy(asc(statusMappings.label));
  const groups = statuses.map((s) => {
    const labels = mappings.filter((m) => m.generique === s.code);
    return { code: s.code, libelle: s.libelle, labels, defaultLabel: labels.find((l) => l.isDefault)?.label ?? null };
  });
  return { statuses: groups, missingDefaults: groups.filter((g) => !g.defaultLabel).map((g) => g.code) };
}
