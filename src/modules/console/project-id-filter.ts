// The project filter of the deliveries list (issue #11): it accepts what the list itself shows, the
// short id (first 8 hex digits, with or without the ellipsis), as well as the full UUID, in any case.
import { z } from "zod";

const full = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const short = /^[0-9a-f]{8}$/;

/** A full project UUID or its 8-digit short id, normalised to lower case without the ellipsis. */
export const projectIdFilterSchema = z
  .string()
  .trim()
  .transform((value) => value.toLowerCase().replace(/(…|\.\.\.)$/, ""))
  .refine((value) => full.test(value) || short.test(value), {
    error: "identifiant de projet attendu : l'identifiant complet ou ses 8 premiers caractères, tel qu'affiché dans la liste",
  });

/**
 * The inclusive UUID range a project filter covers: the id itself, or every id starting with the
 * short id. A range (not a text prefix) keeps the `events_project_idx` index usable.
 */
export function projectIdBounds(value: string): [string, string] {
  if (full.test(value)) return [value, value];
  return [`${value}-0000-0000-0000-000000000000`, `${value}-ffff-ffff-ffff-ffffffffffff`];
}
