// Territories of endpoint subscriptions (CONTRACT §8 "Subscriptions", issue #13 part 2): codes
// prefixed `reg:`, `dep:`, `epci:`, `com:`, and the territory keys a project's collectivités lie
// in, both from the official administrative division shipped by @etalab/decoupage-administratif
// (read once per process, offline).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ValidationIssue } from "@/modules/errors/app-error";

/** Event types an endpoint can subscribe to (`test.ping` is always sent to the endpoint tested). */
export const SUBSCRIBABLE_EVENT_TYPES = ["projet.cree", "projet.modifie", "utilisateur.efface"] as const;

export const TERRITORY_PREFIXES = ["reg", "dep", "epci", "com"] as const;

export type Geography = {
  /** Territory keys of a commune (INSEE code): its com, epci, dep and reg keys. */
  commune: Map<string, string[]>;
  /** Territory keys of an EPCI (SIREN): its epci key and the deps/regs of its member communes. */
  epci: Map<string, string[]>;
  known: Set<string>;
};
// On globalThis, under one key: Next.js loads this module once per bundle (the instrumentation that
// boots the server, each route), and each copy parsing the files again would both cost each route
// its first requests' time (found in the profile: the preload at boot did not reach the routes)
// and keep one copy of the maps per bundle.
const geographyKey = Symbol.for("les-communs.geography");
type GeographyHolder = { [geographyKey]?: Geography };

function dataFile(name: string): string {
  // Read from node_modules at run time rather than bundled: the files weigh several megabytes.
  return path.join(process.cwd(), "node_modules", "@etalab", "decoupage-administratif", "data", name);
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(dataFile(name), "utf8")) as T;
}

/**
 * Reads the official division once per process (~0.5–1 s of one core: several megabytes of JSON).
 * The server calls it at start (boot.ts), so that no request pays it: in the profile of the first
 * seconds after a start, the loading held 3–5 % of the hub's thread inside the measured ingest
 * (issue #17, docs/BENCHMARKS.md).
 */
export function loadGeography(): Geography {
  const holder = globalThis as GeographyHolder;
  const loaded = holder[geographyKey];
  if (loaded) return loaded;
  const communes = load<{ code: string; type: string; departement?: string; region?: string }[]>("communes.json");
  const epcis = load<{ code: string; membres: { code: string }[] }[]>("epci.json");
  const departements = load<{ code: string }[]>("departements.json");
  const regions = load<{ code: string }[]>("regions.json");
  const place = new Map<string, { dep?: string; reg?: string }>();
  for (const c of communes) {
    // A delegated or associated commune may share its code with the current one: the current wins.
    if (!place.has(c.code) || c.type === "commune-actuelle") place.set(c.code, { dep: c.departement, reg: c.region });
  }
  const epciOfCommune = new Map<string, string>();
  const epci = new Map<string, string[]>();
  for (const e of epcis) {
    const keys = new Set([`epci:${e.code}`]);
    for (const m of e.membres) {
      epciOfCommune.set(m.code, e.code);
      const p = place.get(m.code);
      if (p?.dep) keys.add(`dep:${p.dep}`);
      if (p?.reg) keys.add(`reg:${p.reg}`);
    }
    epci.set(e.code, [...keys]);
  }
  const commune = new Map<string, string[]>();
  for (const [code, p] of place) {
    const keys = [`com:${code}`];
    const e = epciOfCommune.get(code);
    if (e) keys.push(`epci:${e}`);
    if (p.dep) keys.push(`dep:${p.dep}`);
    if (p.reg) keys.push(`reg:${p.reg}`);
    commune.set(code, keys);
  }
  const known = new Set<string>([
    ...regions.map((r) => `reg:${r.code}`),
    ...departements.map((d) => `dep:${d.code}`),
    ...epcis.map((e) => `epci:${e.code}`),
    ...[...place.keys()].map((c) => `com:${c}`),
  ]);
  return (holder[geographyKey] = { commune, epci, known });
}

/**
 * The territory keys (`com:…`, `epci:…`, `dep:…`, `reg:…`) the given collectivités lie in: a
 * commune gives its own, its EPCI's, its département's and its région's; an EPCI its own and the
 * départements and régions of its member communes. Sorted, without duplicates. An unknown code
 * (checked at write time) gives only its own key.
 */
export function territoryKeysOf(collectivites: readonly { type: "Commune" | "EPCI"; code: string }[]): string[] {
  const geo = loadGeography();
  const keys = new Set<string>();
  for (const c of collectivites) {
    const found = c.type === "Commune" ? geo.commune.get(c.code) : geo.epci.get(c.code);
    for (const k of found ?? [c.type === "Commune" ? `com:${c.code}` : `epci:${c.code}`]) keys.add(k);
  }
  return [...keys].sort();
}

/** Issues for every territory code that is malformed or unknown, at `path.<index>`. */
export function checkTerritoires(codes: readonly string[], pathPrefix: string): ValidationIssue[] {
  const geo = loadGeography();
  const issues: ValidationIssue[] = [];
  codes.forEach((code, i) => {
    const prefix = code.split(":", 1)[0]!;
    if (!code.includes(":") || !(TERRITORY_PREFIXES as readonly string[]).includes(prefix)) {
      issues.push({ path: `${pathPrefix}.${i}`, message: `territoire mal écrit : « ${code} » (attendu reg:, dep:, epci: ou com: suivi du code)` });
    } else if (!geo.known.has(code)) {
      issues.push({ path: `${pathPrefix}.${i}`, message: `territoire inconnu : « ${code} »` });
    }
  });
  return issues;
}

/** Issues for every unknown event type, at `path.<index>`. */
export function checkEvenements(types: readonly string[], pathPrefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  types.forEach((t, i) => {
    if (!(SUBSCRIBABLE_EVENT_TYPES as readonly string[]).includes(t)) {
      issues.push({ path: `${pathPrefix}.${i}`, message: `type d'événement inconnu : « ${t} » (attendu : ${SUBSCRIBABLE_EVENT_TYPES.join(", ")})` });
    }
  });
  return issues;
}
