// Commune (INSEE) and EPCI (SIREN) codes are checked offline against the official administrative
// division shipped by @etalab/decoupage-administratif (read once per process with the territories,
// territories.ts): no network call on the request path.
import type { ValidationIssue } from "@/modules/errors/app-error";
import { loadGeography } from "@/modules/subscriptions/territories";

/** Issues for every unknown code, each naming the code (public data, not personal data). */
export function checkCollectivites(
  collectivites: { type: "Commune" | "EPCI"; code: string }[] | undefined,
  pathPrefix: string,
): ValidationIssue[] {
  if (!collectivites) return [];
  // The same data as the territory keys (territories.ts), parsed once for both: every commune code
  // of communes.json and every EPCI SIREN of epci.json is a key of these maps.
  const geography = loadGeography();
  const sets = { Commune: geography.commune, EPCI: geography.epci };
  const issues: ValidationIssue[] = [];
  collectivites.forEach((c, i) => {
    if (!sets[c.type].has(c.code)) {
      issues.push({
        path: `${pathPrefix}collectivites.${i}.code`,
        message:
          c.type === "Commune"
            ? `code INSEE de commune inconnu : « ${c.code} »`
            : `code SIREN d'EPCI inconnu : « ${c.code} »`,
      });
    }
  });
  return issues;
}
