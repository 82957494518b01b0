// Pure merge of a ProjetInput (or partial update) into a stored project: an omitted field keeps its
// value, an explicit null clears it. Returns the new row and the names of the fields that changed
// in what other services see.
import { hashEmail } from "@/modules/permissions/hash-email";
import type { PhasePair, StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { phaseOf } from "@/modules/statuses/phase-vocabulary";
import type { ProjectRow, VisibleField } from "./project-state";
import type { ProjetPatch } from "./projet-schemas";

export type Applied = { next: ProjectRow; changes: VisibleField[] };

/** JSON with sorted keys: jsonb does not keep the key order it was given. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Equal as JSON. Two values of which one is not an object are equal as JSON only when `===` says so
 * (strings, numbers, booleans and null from parsed JSON or a row), so only two objects or arrays
 * are serialised (issue #17: `canonical` of every field of every item was 3–5 % of a bulk's JavaScript).
 */
const sameJson = (a: unknown, b: unknown) =>
  a === b || (typeof a === "object" && a !== null && typeof b === "object" && b !== null && canonical(a) === canonical(b));

/** A fresh row for a project about to be created (filled by `applyProjetInput`). */
export function blankProject(id: string, serviceId: string, now: Date): ProjectRow {
  return {
    id,
    version: 1,
    nom: "",
    description: null,
    genericStatus: null,
    collectivites: [],
    budgetPrevisionnel: null,
    dateDebutPrevisionnelle: null,
    programme: null,
    phase: null,
    phaseStatut: null,
    porteurEmail: null,
    porteurEmailHash: null,
    porteurNom: null,
    porteurPrenom: null,
    porteurTelephone: null,
    porteurFonction: null,
    porteurCodeSiret: null,
    createdByServiceId: serviceId,
    createdAt: now,
    updatedAt: now,
    txid: 0, // set by the database when the row is written (store-projects.ts)
  };
}

/**
 * @param genericStatus the generic status the input's `statut` maps to (undefined: not sent).
 * @param emailHashSecret the hub's EMAIL_HASH_SECRET (`Caller.emailHashSecret`): the porteur's email is
 *   also stored as its keyed hash, the form permissions and erasure look it up by.
 */
export function applyProjetInput(current: ProjectRow, input: ProjetPatch, genericStatus: string | null | undefined, emailHashSecret: string): Applied {
  const next: ProjectRow = { ...current };
  const changes: VisibleField[] = [];
  const set = <K extends keyof ProjectRow>(field: VisibleField, column: K, value: ProjectRow[K] | undefined) => {
    if (value === undefined) return;
    if (!sameJson(current[column], value)) {
      next[column] = value;
      if (!changes.includes(field)) changes.push(field);
    }
  };
  set("nom", "nom", input.nom);
  set("description", "description", input.description);
  set("statut", "genericStatus", genericStatus);
  set("collectivites", "collectivites", input.collectivites);
  set("budgetPrevisionnel", "budgetPrevisionnel", input.budgetPrevisionnel);
  set("dateDebutPrevisionnelle", "dateDebutPrevisionnelle", input.dateDebutPrevisionnelle);
  set("programme", "programme", input.programme);

  if (input.porteur !== undefined) {
    const p = input.porteur;
    const pick = (v: string | null | undefined, old: string | null) => (p === null ? null : v === undefined ? old : v);
    const email = pick(p?.email, current.porteurEmail);
    set("porteur", "porteurEmail", email);
    set("porteur", "porteurNom", pick(p?.nom, current.porteurNom));
    set("porteur", "porteurPrenom", pick(p?.prenom, current.porteurPrenom));
    set("porteur", "porteurTelephone", pick(p?.telephone, current.porteurTelephone));
    set("porteur", "porteurFonction", pick(p?.fonction, current.porteurFonction));
    set("porteur", "porteurCodeSiret", pick(p?.codeSiret, current.porteurCodeSiret));
    next.porteurEmailHash = next.porteurEmail ? hashEmail(next.porteurEmail, emailHashSecret) : null;
  }
  return { next, changes };
}

/**
 * Remembers the (phase, phaseStatut) pair sent with the input (CONTRACT §8) into `applied.next`, and
 * reports a change of the pair the project shows as a change of `statut` (the three fields
 * `statut`, `phase` and `phaseStatut` are views of one status).
 * @param pair the pair sent (null: `phase: null`; undefined: no phase sent).
 * @returns `storedOnly`: the remembered pair changed but nothing visible did (written without a new version).
 */
export function applyPhasePair(current: ProjectRow, applied: Applied, pair: PhasePair | null | undefined, catalog: StatusCatalog): { storedOnly: boolean } {
  const { next } = applied;
  if (pair !== undefined) {
    next.phase = pair?.phase ?? null;
    next.phaseStatut = pair?.phaseStatut ?? null;
  }
  const before = phaseOf(catalog, current.genericStatus, current);
  const after = phaseOf(catalog, next.genericStatus, next);
  if ((before.phase !== after.phase || before.phaseStatut !== after.phaseStatut) && !applied.changes.includes("statut")) applied.changes.push("statut");
  const stored = next.phase !== current.phase || next.phaseStatut !== current.phaseStatut;
  return { storedOnly: stored && applied.changes.length === 0 };
}

/** Fields reported in the `changements` of a `projet.cree`: every field the creation filled. */
export function filledFields(row: ProjectRow): VisibleField[] {
  const filled: VisibleField[] = ["nom", "collectivites"];
  if (row.description !== null) filled.push("description");
  if (row.genericStatus !== null) filled.push("statut");
  if ([row.porteurEmail, row.porteurNom, row.porteurPrenom, row.porteurTelephone, row.porteurFonction, row.porteurCodeSiret].some((v) => v !== null)) {
    filled.push("porteur");
  }
  if (row.budgetPrevisionnel !== null) filled.push("budgetPrevisionnel");
  if (row.dateDebutPrevisionnelle !== null) filled.push("dateDebutPrevisionnelle");
  if (row.programme !== null) filled.push("programme");
  filled.push("externalIds", "services");
  return filled;
}
