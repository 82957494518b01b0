// Commune (INSEE) and EPCI (SIREN) codes are checked offline against the official administrative
// division shipped by @etalab/decoupage-administratif: no network call on the request path.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ValidationIssue } from "@/modules/errors/app-error";

type CodeSets = { Commune: Set<string>; EPCI: Set<string> };
let codeSets: CodeSets | null = null;

function dataFile(name: string): string {
  // Read from node_modules at run time rather than bundled: the files weigh several megabytes.
  return path.join(process.cwd(), "node_modules", "@etalab", "decoupage-administratif", "data", name);
}

function loadCodeSets(): CodeSets {
  if (!codeSets) {
    const communes = JSON.parse(readFileSync(dataFile("communes.json"), "utf8")) as { code: string }[];
    const epci = JSON.parse(readFileSync(dataFile("epci.json"), "utf8")) as { code: string }[];
    codeSets = { Commune: new Set(communes.map((c) => c.code)), EPCI: new Set(epci.map((e) => e.code)) };
  }
  return codeSets;
}

/** Issues for every unknown code, each naming the code (public data, not personal data). */
export function checkCollectivites(
  collectivites: { type: "Commune" | "EPCI"; code: string }[] | undefined,
  pathPrefix: string,
): ValidationIssue[] {
  if (!collectivites) return [];
  const sets = loadCodeSets();
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
