// The phase vocabulary of the existing Les Communs API (CONTRACT §8, issue #13 part 3): a
// (phase, phaseStatut) pair in, a generic status stored; a pair out for every reader, beside `statut`.
import { AppError, type ValidationIssue } from "@/modules/errors/app-error";
import { phaseKey, type PhasePair, type StatusCatalog } from "./load-status-catalog";

export type PhaseResolution = {
  /** The pair as received (with its default phaseStatut), for error messages. */
  asked?: PhasePair;
  /** The generic status the pair maps to; null when `phase: null` clears the status; undefined when not sent. */
  generic: string | null | undefined;
  /** The pair to remember for the project (null: cleared; undefined: not sent). */
  pair: PhasePair | null | undefined;
  issue?: ValidationIssue;
  accepted?: string[];
};

/**
 * The generic status of a (phase, phaseStatut) pair sent in a `ProjetInput`, by the correspondence
 * table (data: `phase_mappings`). `phaseStatut` defaults to "En cours".
 * @param defaultStatut used when `phase` is sent without `phaseStatut`.
 * @returns `issue` (and the accepted pairs) when the table has no row for the pair: the caller
 *   answers 422 `unknown_status`, or a 400 issue in a bulk.
 */
export function resolvePhase(
  catalog: StatusCatalog,
  phase: string | null | undefined,
  phaseStatut: string | undefined,
  defaultStatut: string,
  path: string,
): PhaseResolution {
  if (phase === undefined) return { generic: undefined, pair: undefined };
  if (phase === null) return { generic: null, pair: null };
  const pair = { phase, phaseStatut: phaseStatut ?? defaultStatut };
  const generic = catalog.phases?.toGeneric.get(phaseKey(pair.phase, pair.phaseStatut));
  if (generic) return { generic, pair };
  const accepted = [...(catalog.phases?.toGeneric.keys() ?? [])].map((k) => k.replace("\u0000", " / "));
  return {
    generic: undefined,
    pair: undefined,
    asked: pair,
    accepted,
    issue: { path, message: `paire phase / phaseStatut absente de la table de correspondance : « ${pair.phase} / ${pair.phaseStatut} »` },
  };
}

/**
 * The pair a project shows for its generic status: the last pair given for it while that pair still
 * maps to the current generic status, else the default pair of the status, else nulls (no status,
 * or a generic status the table does not cover).
 */
export function phaseOf(
  catalog: StatusCatalog,
  generic: string | null,
  last: { phase: string | null; phaseStatut: string | null },
): { phase: string | null; phaseStatut: string | null } {
  const phases = catalog.phases;
  if (!generic || !phases) return { phase: null, phaseStatut: null };
  if (last.phase && last.phaseStatut && phases.toGeneric.get(phaseKey(last.phase, last.phaseStatut)) === generic) {
    return { phase: last.phase, phaseStatut: last.phaseStatut };
  }
  const fallback = phases.defaults.get(generic);
  return fallback ? { ...fallback } : { phase: null, phaseStatut: null };
}

/** 422 `unknown_status` for a pair the correspondence table lacks (only after an operator removed it). */
export function unknownPhase(resolution: PhaseResolution): AppError {
  const asked = resolution.asked;
  return new AppError(
    "unknown_status",
    `La paire « ${asked?.phase} / ${asked?.phaseStatut} » n'est pas dans la table de correspondance des phases.`,
    { accepted: resolution.accepted ?? [] },
  );
}
