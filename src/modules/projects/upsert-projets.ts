// POST /projets and /projets/bulk: upsert keyed by (calling service, externalId), all-or-nothing,
// in one transaction that also writes the outbox rows of every effective change.
import { randomUUID } from "node:crypto";
import type { SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { WRITE_CLOCK, type StatementPart } from "@/db/combine-writes";
import { AppError, type ValidationIssue } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { allows, userLevels, type Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog, type PhasePair, type StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { resolvePhase, unknownPhase } from "@/modules/statuses/phase-vocabulary";
import { announceChanges, type ProjectChange } from "./announce-changes";
import { applyPhasePair, applyProjetInput, blankProject, filledFields } from "./apply-projet-input";
import { checkCollectivites } from "./check-collectivites";
import type { LinkRow, ProjectRow, ProjectState } from "./project-state";
import { DEFAULT_PHASE_STATUT, projetInputSchema, type ProjetInput } from "./projet-schemas";
import { resolveStatut, unknownStatus } from "./resolve-statut";
import { knowsAnyLink, rememberLinks } from "./known-links";
import { isLinkRace, retryLinkRaces } from "./retry-link-races";
import {
  findLinksByExternalIds,
  insertProjectsParts,
  loadProjects,
  updateLinkLabelsParts,
  updatePhasePairsParts,
  updateProjectsParts,
} from "./store-projects";

export type UpsertResult = { id: string; version: number; created: boolean };
export type UpsertOutcome = { results: UpsertResult[]; queued: number };

type Item = { input: ProjetInput; generic: string | null | undefined; pair?: PhasePair | null; prefix: string; index: number };

/**
 * @param bulk true for /bulk: item paths are prefixed `projets.<i>.` and an unknown status label is
 *   one more validation issue (400) instead of a 422, so that every failing index is reported at once.
 */
export async function upsertProjets(db: Db, caller: Caller, rawItems: unknown[], bulk: boolean): Promise<UpsertOutcome> {
  const catalog = await loadStatusCatalog(db, caller);
  const issues: ValidationIssue[] = [];
  const items: Item[] = [];
  const seen = new Map<string, number>();
  rawItems.forEach((raw, index) => {
    const prefix = bulk ? `projets.${index}.` : "";
    const parsed = projetInputSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...toValidationIssues(parsed.error, bulk ? ["projets", index] : []));
      return;
    }
    const input = parsed.data;
    issues.push(...checkCollectivites(input.collectivites, prefix));
    const first = seen.get(input.externalId);
    if (first !== undefined) {
      issues.push({ path: `${prefix}externalId`, message: `externalId déjà présent à l'indice ${first} du lot` });
    } else seen.set(input.externalId, index);
    items.push({ input, generic: undefined, prefix, index });
  });
  // A single item answers its form errors before its label (422 comes after 400); a lot keeps going
  // so that one 400 lists every failing index, labels included (issue #13 part 4).
  if (issues.length > 0 && !bulk) throw AppError.validation(issues);

  for (const item of items) {
    if (item.input.phase !== undefined) {
      // The phase vocabulary instead of an own label (CONTRACT §8).
      const phase = resolvePhase(catalog, item.input.phase, item.input.phaseStatut, DEFAULT_PHASE_STATUT, `${item.prefix}phase`);
      if (phase.issue) {
        if (!bulk) throw unknownPhase(phase);
        issues.push(phase.issue);
      }
      item.generic = phase.generic;
      item.pair = phase.pair;
      continue;
    }
    const resolution = resolveStatut(catalog, caller.serviceId, item.input.statut, `${item.prefix}statut`);
    if (resolution.issue) {
      if (!bulk) throw unknownStatus(item.input.statut!, resolution.accepted ?? []);
      issues.push(resolution.issue);
    }
    item.generic = resolution.generic;
  }
  if (issues.length > 0) throw AppError.validation(issues);

  const externalIds = items.map((i) => i.input.externalId);
  if (mayAllBeNew(caller, items, externalIds)) {
    // Optimistic creation (issue #17): the creation statement without looking the links up first,
    // one round trip instead of two. The unique index on (service, externalId) is its guard: when
    // an item's link exists (or a concurrent creator commits it first), the statement fails on it
    // and writes nothing (one statement, one transaction), and the path below runs: links looked
    // up, rows locked, permissions checked, exactly as if this attempt had not been made. That
    // attempt does not count among retryLinkRaces' runs.
    try {
      return await writeItems(db, caller, items, catalog, bulk, new Map());
    } catch (error) {
      if (!isLinkRace(error)) throw error;
    }
  }
  // No lock per externalId: a concurrent creator of the same key makes this transaction fail on the
  // unique index, and retryLinkRaces runs it again, then finding that project (issue #15 item 4).
  return retryLinkRaces(async () => {
    // Outside the transaction: a link is never removed nor moved to another project, so the links
    // found here still hold in it. One that another writer creates meanwhile makes the insert fail on
    // the unique index, and retryLinkRaces runs this again.
    const links = await findLinksByExternalIds(db, caller.serviceId, externalIds);
    rememberLinks(caller.serviceId, links.keys());
    return writeItems(db, caller, items, catalog, bulk, links);
  });
}

/**
 * Whether the optimistic creation is worth trying: every item carries what a creation requires
 * (otherwise, as a creation, it would be refused by `planWrites` before reaching the database, when
 * it may well be an update), and none is known to be linked already (`known-links.ts`), which would
 * make the attempt a statement run for nothing.
 */
function mayAllBeNew(caller: Caller, items: Item[], externalIds: string[]): boolean {
  return items.every((i) => i.input.nom !== undefined && i.input.collectivites !== undefined) && !knowsAnyLink(caller.serviceId, externalIds);
}

/**
 * Writes the items given the calling service's `links` for their externalIds (none: every item is a
 * creation). Every item's key is linked once it returns: they are remembered as such.
 */
async function writeItems(
  db: Db,
  caller: Caller,
  items: Item[],
  catalog: StatusCatalog,
  bulk: boolean,
  links: Map<string, LinkRow>,
): Promise<UpsertOutcome> {
  const announce = async (tx: Tx, states: Map<string, ProjectState>): Promise<UpsertOutcome> => {
    const plan = planWrites(caller, items, links, states, catalog, new Date());
    return { results: plan.results, queued: await announceChanges(tx, caller.serviceId, plan.announcements, catalog, plan.writes) };
  };
  const outcome =
    links.size === 0
      ? // Only new projects: nothing to read under a lock, and the whole write is one statement,
        // which PostgreSQL runs as a transaction of its own: no BEGIN and COMMIT round trips.
        await announce(singleStatement(db), new Map())
      : await db.transaction(async (tx) => {
          const states = await loadProjects(tx, [...new Set([...links.values()].map((l) => l.projectId))], { forUpdate: true });
          await requireWritePermission(tx, caller, items, links, states, bulk);
          return announce(tx, states);
        });
  rememberLinks(caller.serviceId, items.map((i) => i.input.externalId));
  return outcome;
}

/**
 * Throws `forbidden` (with the refused indexes on /bulk) when the user named by `X-User-Email`
 * lacks WRITE on one of the linked projects (`states`, locked by the caller). No user: nothing to check.
 */
async function requireWritePermission(
  tx: Tx,
  caller: Caller,
  items: Item[],
  links: Map<string, LinkRow>,
  states: Map<string, ProjectState>,
  bulk: boolean,
): Promise<void> {
  if (!caller.userHash || states.size === 0) return;
  const levels = await userLevels(tx, caller.userHash, [...states.values()].map((s) => s.row));
  const denied = items.filter((i) => {
    const link = links.get(i.input.externalId);
    return link && !allows(levels.get(link.projectId), "WRITE");
  });
  if (denied.length > 0) {
    throw new AppError(
      "forbidden",
      "L'utilisateur indiqué par X-User-Email n'a pas la permission WRITE sur ce projet.",
      bulk ? { indexes: denied.map((d) => d.index) } : undefined,
    );
  }
}

/**
 * What a write does, computed in JS from the items and the stored states of their projects
 * (`states`, locked by the caller): the statement parts of the project rows, the changes to
 * announce and each item's result. Throws `validation_failed` when a creation lacks a required field.
 */
function planWrites(
  caller: Caller,
  items: Item[],
  links: Map<string, LinkRow>,
  states: Map<string, ProjectState>,
  catalog: StatusCatalog,
  now: Date,
): { writes: StatementPart[]; announcements: ProjectChange[]; results: UpsertResult[] } {
  const issues: ValidationIssue[] = [];
  const created: ProjectRow[] = [];
  const newLinks: Omit<LinkRow, "createdAt">[] = [];
  const changed: ProjectRow[] = [];
  const rephased: ProjectRow[] = [];
  const labelUpdates: { projectId: string; statusLabel: string | null }[] = [];
  const announcements: ProjectChange[] = [];
  const results: UpsertResult[] = [];

  for (const item of items) {
    const { externalId, ...fields } = item.input;
    const link = links.get(externalId);
    const state = link ? states.get(link.projectId) : undefined;
    if (!link || !state) {
      for (const required of ["nom", "collectivites"] as const) {
        if (fields[required] === undefined) issues.push({ path: `${item.prefix}${required}`, message: "obligatoire à la création d'un projet" });
      }
      const blank = blankProject(randomUUID(), caller.serviceId, WRITE_CLOCK);
      const applied = applyProjetInput(blank, fields, item.generic, caller.emailHashSecret);
      applyPhasePair(blank, applied, item.pair, catalog);
      const { next } = applied;
      const newLink = { projectId: next.id, serviceId: caller.serviceId, externalId, statusLabel: item.input.statut ?? null };
      created.push(next);
      newLinks.push(newLink);
      announcements.push({ type: "projet.cree", state: { row: next, links: [{ ...newLink, createdAt: now }] }, changes: filledFields(next) });
      results.push({ id: next.id, version: next.version, created: true });
      continue;
    }
    const applied = applyProjetInput(state.row, fields, item.generic, caller.emailHashSecret);
    const { storedOnly } = applyPhasePair(state.row, applied, item.pair, catalog);
    const { next, changes } = applied;
    const ownLabel = item.input.statut;
    if (ownLabel !== undefined && ownLabel !== link.statusLabel) {
      labelUpdates.push({ projectId: state.row.id, statusLabel: ownLabel });
      state.links = state.links.map((l) => (l.serviceId === caller.serviceId ? { ...l, statusLabel: ownLabel } : l));
    }
    if (changes.length > 0) {
      const previousCollectivites = changes.includes("collectivites") ? state.row.collectivites : undefined;
      next.version = state.row.version + 1;
      next.updatedAt = WRITE_CLOCK;
      state.row = next;
      changed.push(next);
      announcements.push({ type: "projet.modifie", state, changes, previousCollectivites });
    } else if (storedOnly) {
      state.row = next;
      rephased.push(next);
    }
    results.push({ id: state.row.id, version: state.row.version, created: false });
  }
  if (issues.length > 0) throw AppError.validation(issues);

  const writes = [
    ...insertProjectsParts(created, newLinks, now),
    ...updateProjectsParts(changed),
    ...updatePhasePairsParts(rephased),
    ...updateLinkLabelsParts(caller.serviceId, labelUpdates, now),
  ];
  return { writes, announcements, results };
}

/**
 * `db` as the transaction that `announceChanges` asks for, for a write that `combineWrites` sends
 * as a single statement (its project rows and outbox rows together): PostgreSQL runs a statement
 * outside BEGIN atomically, so they still commit together. A second statement would not commit with
 * the first: it is refused (an error, never a half-written change).
 */
function singleStatement(db: Db): Tx {
  let sent = false;
  const execute = (query: SQL) => {
    if (sent) throw new Error("singleStatement: a write outside a transaction must be one statement");
    sent = true;
    return db.execute(query);
  };
  return { execute } as unknown as Tx;
}
