// Names of collectivités for the console (issue #11): a project stores INSEE/SIREN codes; operators
// read "Lyon (Rhône, 69)". Read once per process from @etalab/decoupage-administratif (offline, the
// same source as subscriptions/territories.ts), keeping only names.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CollectiviteRef } from "@/db/schema";

export type NamedCollectivite = CollectiviteRef & {
  /** Official name, or null for a code unknown to the shipped division. */
  nom: string | null;
  /** "Rhône (69)" for a commune; for an EPCI, the départements of its members. */
  departements: string[];
  /** For a commune: its EPCI's name, if any. */
  epci: string | null;
};

type Names = {
  communes: Map<string, { nom: string; departement?: string; epci?: string }>;
  epcis: Map<string, { nom: string; departements: Set<string> }>;
  departements: Map<string, string>;
};
let names: Names | null = null;

function load<T>(file: string): T {
  // Read from node_modules at run time rather than bundled: the files weigh several megabytes.
  return JSON.parse(readFileSync(path.join(process.cwd(), "node_modules", "@etalab", "decoupage-administratif", "data", file), "utf8")) as T;
}

function loadNames(): Names {
  if (names) return names;
  const communes = new Map<string, { nom: string; departement?: string; epci?: string }>();
  for (const c of load<{ code: string; nom: string; type: string; departement?: string }[]>("communes.json")) {
    // A delegated or associated commune may share its code with the current one: the current wins.
    if (!communes.has(c.code) || c.type === "commune-actuelle") communes.set(c.code, { nom: c.nom, departement: c.departement });
  }
  const epcis = new Map<string, { nom: string; departements: Set<string> }>();
  for (const e of load<{ code: string; nom: string; membres: { code: string }[] }[]>("epci.json")) {
    const departements = new Set<string>();
    for (const m of e.membres) {
      const commune = communes.get(m.code);
      if (!commune) continue;
      commune.epci = e.nom;
      if (commune.departement) departements.add(commune.departement);
    }
    epcis.set(e.code, { nom: e.nom, departements });
  }
  const departements = new Map(load<{ code: string; nom: string }[]>("departements.json").map((d) => [d.code, d.nom]));
  names = { communes, epcis, departements };
  return names;
}

/**
 * Names each collectivité of a project (same order).
 * Takes the stored refs (`Commune` by INSEE code, `EPCI` by SIREN); returns them with the official
 * name, the département(s) as "Nom (code)" and, for a commune, its EPCI's name. Unknown codes get
 * `nom: null` (never an error: the code was valid when written, the division may have changed since).
 */
export function nameCollectivites(refs: CollectiviteRef[]): NamedCollectivite[] {
  const { communes, epcis, departements } = loadNames();
  const departement = (code: string) => `${departements.get(code) ?? "?"} (${code})`;
  return refs.map((ref) => {
    if (ref.type === "Commune") {
      const c = communes.get(ref.code);
      return { ...ref, nom: c?.nom ?? null, departements: c?.departement ? [departement(c.departement)] : [], epci: c?.epci ?? null };
    }
    const e = epcis.get(ref.code);
    return { ...ref, nom: e?.nom ?? null, departements: e ? [...e.departements].sort().map(departement) : [], epci: null };
  });
}
