// Every service's status mapping, loaded in one query: translating a caller's own label to a
// generic status, and a generic status back to each reader's own label (CONTRACT §2).
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { genericStatuses, phaseMappings, services, statusMappings } from "@/db/schema";

export type ServiceStatuses = {
  slug: string;
  /** own label → generic status */
  labels: Map<string, string>;
  /** generic status → default own label */
  defaults: Map<string, string>;
};

export type PhasePair = { phase: string; phaseStatut: string };

/** The phase vocabulary's correspondence (CONTRACT §8). */
export type PhaseStatuses = {
  /** `phaseKey(phase, phaseStatut)` → generic status */
  toGeneric: Map<string, string>;
  /** generic status → default pair */
  defaults: Map<string, PhasePair>;
};

export type StatusCatalog = {
  generic: { code: string; libelle: string; position: number }[];
  services: Map<string, ServiceStatuses>;
  /** Absent from catalogs built by hand in tests: projects then render without a phase. */
  phases?: PhaseStatuses;
};

export const phaseKey = (phase: string, phaseStatut: string) => `${phase}\u0000${phaseStatut}`;

// Per database handle (tests open many databases in one process), the last catalog loaded with
// the `catalog_version` it was read under.
const cached = new WeakMap<object, { version: number; catalog: StatusCatalog }>();

/**
 * Every service with its mapping rows, in one round trip (generic statuses only when asked for).
 * Given the `catalog_version` read in this request (with the API key), the catalog cached in
 * process for that version is returned without a query: triggers move the version in the same
 * transaction as any change of services or mappings, whichever process makes it.
 */
export async function loadStatusCatalog(
  db: DbOrTx,
  options: { withGeneric?: boolean; catalogVersion?: number } = {},
): Promise<StatusCatalog> {
  const version = options.withGeneric ? undefined : options.catalogVersion;
  const hit = version === undefined ? undefined : cached.get(db);
  if (hit && hit.version === version) return hit.catalog;
  const catalog = await queryStatusCatalog(db, options.withGeneric ?? false);
  // Read after the version: the catalog is at least as new as it, so caching it under it is safe.
  if (version !== undefined) cached.set(db, { version, catalog });
  return catalog;
}

async function queryStatusCatalog(db: DbOrTx, withGeneric: boolean): Promise<StatusCatalog> {
  const [rows, generic, phaseRows] = await Promise.all([
    db
      .select({
        serviceId: services.id,
        slug: services.slug,
        label: statusMappings.label,
        generique: statusMappings.genericStatus,
        isDefault: statusMappings.isDefault,
      })
      .from(services)
      .leftJoin(statusMappings, eq(statusMappings.serviceId, services.id))
      .orderBy(asc(statusMappings.createdAt), asc(statusMappings.label)),
    withGeneric ? db.select().from(genericStatuses).orderBy(asc(genericStatuses.position)) : Promise.resolve([]),
    db.select().from(phaseMappings),
  ]);
  const phases: PhaseStatuses = { toGeneric: new Map(), defaults: new Map() };
  for (const row of phaseRows) {
    phases.toGeneric.set(phaseKey(row.phase, row.phaseStatut), row.genericStatus);
    if (row.isDefault) phases.defaults.set(row.genericStatus, { phase: row.phase, phaseStatut: row.phaseStatut });
  }
  const byService = new Map<string, ServiceStatuses>();
  for (const row of rows) {
    let entry = byService.get(row.serviceId);
    if (!entry) byService.set(row.serviceId, (entry = { slug: row.slug, labels: new Map(), defaults: new Map() }));
    if (row.label === null || row.generique === null) continue;
    entry.labels.set(row.label, row.generique);
    if (row.isDefault) entry.defaults.set(row.generique, row.label);
  }
  return { generic, services: byService, phases };
}

/**
 * The reader's own label for a generic status: its last own label while that label still maps to
 * the current generic status, else its default label for it, else null.
 */
export function ownLabelFor(
  catalog: StatusCatalog,
  readerServiceId: string | null,
  generique: string | null,
  lastOwnLabel: string | null | undefined,
): string | null {
  if (!generique || !readerServiceId) return null;
  const reader = catalog.services.get(readerServiceId);
  if (!reader) return null;
  if (lastOwnLabel && reader.labels.get(lastOwnLabel) === generique) return lastOwnLabel;
  return reader.defaults.get(generique) ?? null;
}

export function slugOf(catalog: StatusCatalog, serviceId: string): string {
  return catalog.services.get(serviceId)?.slug ?? serviceId;
}
