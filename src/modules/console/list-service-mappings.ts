// A service's status mapping with what is missing: every generic status needs a default label
// (CONTRACT §2), else webhooks carry `statut.service: null` for it.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { genericStatuses, statusMappings } from "@/db/schema";

export async function listServiceMappings(db: DbOrTx, serviceId: string) {
  const statuses = await db.select().from(genericStatuses).orderBy(asc(genericStatuses.position));
  const mappings = await db
    .select({ id: statusMappings.id, label: statusMappings.label, generique: statusMappings.genericStatus, isDefault: statusMappings.isDefault })
    .from(statusMappings)
    .where(eq(statusMappings.serviceId, serviceId))
    .orderBy(asc(statusMappings.label));
  const groups = statuses.map((s) => {
    const labels = mappings.filter((m) => m.generique === s.code);
    return { code: s.code, libelle: s.libelle, labels, defaultLabel: labels.find((l) => l.isDefault)?.label ?? null };
  });
  return { statuses: groups, missingDefaults: groups.filter((g) => !g.defaultLabel).map((g) => g.code) };
}
