// Fuzzed requests for every route of the hub, generated with fast-check from a fixed seed (the same
// seed gives the same requests). Each request says what the contract requires of the answer:
//   expect "reject": a 4xx (the request is invalid by the contract: malformed JSON, wrong type,
//                    out-of-range value, unknown key, unknown label, bad id, bad auth, unknown route…)
//   expect "any":    any non-5xx answer (valid but odd input: unicode, injection strings, NUL…);
//                    when such a request may write, it only ever touches the "fuzzok" namespace
//                    (new externalIds `fuzzok-…` or the dedicated project `okId`).
// Nothing here writes outside that namespace when the hub behaves: the suite checks it.
import fc from "fast-check";
import { projetInput } from "../../bench/lib/projets.mjs";

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE projects; --",
  '" OR ""="',
  "1; SELECT pg_sleep(10)--",
  "' UNION SELECT key_hash FROM api_keys --",
  "admin'--",
  "$(reboot)",
  "`id`",
  "<script>alert(1)</script>",
  "{{7*7}}",
  "${7*7}",
  "../../../../etc/passwd",
  "%00",
  "%s%s%s%n",
  '{"$gt":""}',
  "\\",
  "\r\nX-Injected: 1",
  "\u0000",
  "nul\u0000inside",
  "\ud83d",
  "\u202eRTL override",
  "e\u0301\u0301\u0301",
  "👩‍👩‍👧‍👦🇫🇷",
  "\uFEFFbom",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0x41",
];

const big = (n, ch = "x") => ch.repeat(n);
/**
 * encodeURIComponent; a lone surrogate (which it refuses) is sent as U+FFFD. Malformed
 * percent-encodings in the path itself (e.g. "%ED%A0%BD") are left out on purpose: Next.js's route
 * matcher answers them with its own plain-text 500 before any of the hub's code runs, and the only
 * in-app remedy (a proxy/middleware) cost 25–50 % of the API's throughput on every request
 * (measured, see docs/BENCHMARKS.md). Malformed escapes in query strings and bodies stay in.
 */
const enc = (s) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.toWellFormed());
  }
};
const wrongTypes = fc.constantFrom(0, -1, 1.5, true, false, null, [], {}, ["x"], { a: 1 }, "");
const wrongTypesNotNull = fc.constantFrom(0, -1, 1.5, true, false, [], {}, ["x"], { a: 1 });
const injection = fc.constantFrom(...INJECTIONS);
const weirdText = fc.oneof(
  injection,
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 60 }),
);
/** Weird but valid for a field limited to `max` characters and non-blank when `nonBlank`. */
const weirdValid = (max, nonBlank) =>
  weirdText.map((s) => s.slice(0, max)).filter((s) => (nonBlank ? s.trim().length > 0 : true));

const randomUuid = fc.uuid({ version: 4 });
const badId = fc.oneof(injection, fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), fc.constantFrom("1", "0", "-1", "null", "00000000-0000-0000-0000-00000000000g", "' OR 1=1 --", "%2e%2e%2f"));

/** One invalid mutation of a ProjetInput (for a create, or a patch when `patch`). */
function invalidMutation(patch) {
  const field = (name, values) => values.map((v) => ({ [name]: v }));
  const options = [
    field("nom", fc.oneof(wrongTypes.filter((v) => v !== null || !patch), fc.constantFrom("", "   ", big(501)))),
    field("description", fc.oneof(wrongTypesNotNull, fc.constant(big(20_001)))),
    field("statut", fc.oneof(wrongTypesNotNull, fc.constantFrom("", big(201)), fc.string({ minLength: 3, maxLength: 30 }).map((s) => `fuzz-statut-${s}`))),
    field("porteur", fc.oneof(fc.constantFrom(0, "x", ["x"], true), fc.constantFrom({ email: "pas-une-adresse" }, { codeSiret: "123" }, { inconnu: 1 }, { nom: big(201) }, { email: 42 }))),
    field("collectivites", fc.oneof(fc.constantFrom("69123", 69123, null, {}, [], [{ type: "Region", code: "69123" }], [{ type: "Commune" }], [{ type: "Commune", code: "00000" }], [{ type: "EPCI", code: "69123" }], [{ type: "Commune", code: "69123", extra: 1 }], [{ type: "Commune", code: big(21) }]))),
    field("budgetPrevisionnel", fc.constantFrom(-1, 1.5, "1000", true, 1e300, [], {}, Number.MAX_SAFE_INTEGER + 2)),
    field("dateDebutPrevisionnelle", fc.constantFrom("2026-02-30", "2026-13-01", "hier", 20260101, "2026-03-01T00:00:00Z", "", true)),
    field("programme", fc.oneof(wrongTypesNotNull, fc.constant(big(501)))),
    fc.constantFrom("Nom", "id", "version", "constructor", "externalIds", "services", "statut_generique", "createdAt").map((k) => ({ [k]: "x" })),
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !["nom", "description", "statut", "porteur", "collectivites", "budgetPrevisionnel", "dateDebutPrevisionnelle", "programme", "externalId"].includes(k)).map((k) => ({ [`x_${k}`]: 1 })),
    fc.constant({ __proto_json__: true }),
  ];
  if (patch) options.push(fc.constant({ externalId: "fuzz-patch-external" }));
  else options.push(field("externalId", fc.oneof(wrongTypes, fc.constant(big(256)))), fc.constantFrom("nom", "collectivites", "externalId").map((k) => ({ __drop__: k })));
  return fc.oneof(...options);
}

/** Serialises a mutated body; `__proto__` must be an own key of the JSON text, so it is spliced in. */
function applyMutation(base, mutation) {
  const body = { ...base };
  if (mutation.__drop__) {
    delete body[mutation.__drop__];
    return JSON.stringify(body);
  }
  if (mutation.__proto_json__) return JSON.stringify(body).replace(/^\{/, '{"__proto__":{"nom":"pollué"},');
  return JSON.stringify(Object.assign(body, mutation));
}

const MALFORMED = ["{", '{"externalId":', '{"a":1,}', "{'a':1}", "NaN", "undefined", '{"a":1}}', "\uFEFF{", "[", '"', "{\"nom\":\"\\x41\"}", "{\"nom\":\"\\ud800\"", "//", "{\"a\":01}", "tru", "1e99999"];

/**
 * @param ctx {key, targetId, tetOnlyId, okId, otherExternalId}
 * @returns fast-check arbitrary of requests {kind, method, path, headers, body, expect}
 */
function requestArbitrary(ctx) {
  const auth = { authorization: `Bearer ${ctx.key}` };
  const json = { ...auth, "content-type": "application/json" };
  let n = 0;
  const fresh = (prefix) => `${prefix}-${n++}`;
  const writeTargets = [
    { method: "POST", path: "/api/v1/projets" },
    { method: "POST", path: "/api/v1/projets/bulk" },
    { method: "PATCH", path: `/api/v1/projets/${ctx.targetId}` },
    { method: "PUT", path: `/api/v1/projets/${ctx.targetId}/external-id` },
    { method: "PUT", path: `/api/v1/projets/${ctx.targetId}/permissions` },
    { method: "DELETE", path: `/api/v1/projets/${ctx.targetId}/permissions` },
    { method: "POST", path: "/api/v1/utilisateurs/effacement" },
  ];
  const authedRoutes = [
    { method: "GET", path: "/api/v1/projets" },
    { method: "GET", path: `/api/v1/projets/${ctx.targetId}` },
    { method: "GET", path: "/api/v1/statuts" },
    { method: "GET", path: `/api/v1/projets/${ctx.targetId}/permissions?email=a%40b.fr` },
    ...writeTargets,
  ];

  const malformedJson = fc.record({
    target: fc.constantFrom(...writeTargets),
    raw: fc.oneof(fc.constantFrom(...MALFORMED), fc.string({ maxLength: 80 }), fc.constant("")),
  }).map(({ target, raw }) => ({ kind: "malformed-json", ...target, headers: json, body: raw, expect: "reject" }));

  const invalidUtf8 = fc.record({ target: fc.constantFrom(...writeTargets), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }).map(({ target, bytes }) => ({
    kind: "invalid-utf8",
    ...target,
    headers: json,
    body: Buffer.concat([Buffer.from('{"nom":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(bytes), Buffer.from('"}')]),
    expect: "reject",
  }));

  const invalidCreate = invalidMutation(false).map((mutation) => ({
    kind: "invalid-create",
    method: "POST",
    path: "/api/v1/projets",
    headers: json,
    body: applyMutation(projetInput(fresh("fuzzrej"), 0, n), mutation),
    expect: "reject",
  }));

  const invalidBulk = fc.record({ mutation: invalidMutation(false), size: fc.integer({ min: 1, max: 5 }), at: fc.nat() }).map(({ mutation, size, at }) => {
    const items = Array.from({ length: size }, () => JSON.stringify(projetInput(fresh("fuzzrej"), 0, n)));
    items[at % size] = applyMutation(projetInput(fresh("fuzzrej"), 0, n), mutation);
    return { kind: "invalid-bulk-item", method: "POST", path: "/api/v1/projets/bulk", headers: json, body: `{"projets":[${items.join(",")}]}`, expect: "reject" };
  });

  const invalidBulkShape = fc
    .constantFrom(
      () => ({ projets: [] }),
      () => ({ projets: "x" }),
      () => ({ projets: [projetInput(fresh("fuzzrej"))], extra: 1 }),
      () => ({}),
      () => [projetInput(fresh("fuzzrej"))],
      () => ({ projets: Array.from({ length: 1001 }, () => projetInput(fresh("fuzzrej"))) }),
    )
    .map((make) => ({ kind: "invalid-bulk-shape", method: "POST", path: "/api/v1/projets/bulk", headers: json, body: JSON.stringify(make()), expect: "reject" }));

  const invalidPatch = invalidMutation(true).map((mutation) => ({
    kind: "invalid-patch",
    method: "PATCH",
    path: `/api/v1/projets/${ctx.targetId}`,
    headers: json,
    body: applyMutation({ nom: "Nom modifié" }, mutation),
    expect: "reject",
  }));

  const forbiddenPatch = fc.constant(null).map(() => ({
    kind: "forbidden-patch",
    method: "PATCH",
    path: `/api/v1/projets/${ctx.tetOnlyId}`,
    headers: json,
    body: JSON.stringify({ nom: "Pas lié à MEC" }),
    expect: "reject",
  }));

  const badIdRoutes = fc.record({
    id: fc.oneof(badId.map((s) => enc(s)), randomUuid),
    route: fc.constantFrom(
      { method: "GET", suffix: "" },
      { method: "PATCH", suffix: "", body: { nom: "x" } },
      { method: "PUT", suffix: "/external-id", body: { externalId: "fuzz-link" } },
      { method: "PUT", suffix: "/permissions", body: { email: "a@b.fr", niveau: "READ" } },
      { method: "GET", suffix: "/permissions?email=a%40b.fr" },
    ),
  }).map(({ id, route }) => ({
    kind: "bad-id",
    method: route.method,
    path: `/api/v1/projets/${id}${route.suffix}`,
    headers: json,
    body: route.body ? JSON.stringify(route.body) : undefined,
    expect: "reject",
  }));

  const badQuery = fc
    .record({
      limit: fc.constantFrom("0", "501", "abc", "-1", "1.5", "", "1e3", enc("' OR 1=1")),
      updatedSince: fc.oneof(injection, fc.constantFrom("hier", "2026-13-45", "1700000000", "")),
      which: fc.constantFrom("limit", "updatedSince", "unknown"),
    })
    .map(({ limit, updatedSince, which }) => {
      const q = which === "limit" ? `limit=${limit}` : which === "updatedSince" ? `updatedSince=${enc(updatedSince)}` : `inconnu=${enc(updatedSince)}`;
      return { kind: "bad-query", method: "GET", path: `/api/v1/projets?${q}`, headers: auth, expect: "reject" };
    });

  const oddQuery = fc.record({ cursor: fc.oneof(injection, fc.string({ maxLength: 60 })), limit: fc.integer({ min: 1, max: 500 }) }).map(({ cursor, limit }) => ({
    kind: "odd-cursor",
    method: "GET",
    path: `/api/v1/projets?limit=${limit}&cursor=${enc(cursor)}`,
    headers: auth,
    expect: "any",
  }));

  const badAuth = fc
    .record({
      route: fc.constantFrom(...authedRoutes),
      header: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", `Bearer ${ctx.key}x`, `Bearer ${ctx.key.slice(0, -1)}`, `Bearer ${ctx.key.split("_").slice(0, 3).join("_")}`, `bearer  ${ctx.key} extra`, `Bearer lc_live_00000000_${"A".repeat(43)}`),
        injection.map((s) => `Bearer ${s}`),
      ),
    })
    .map(({ route, header }) => ({
      kind: "bad-auth",
      ...route,
      headers: { "content-type": "application/json", ...(header === undefined ? {} : { authorization: header.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "?") }) },
      body: route.method === "GET" ? undefined : JSON.stringify(projetInput(fresh("fuzzrej"))),
      expect: "reject",
    }));

  const badUser = fc
    .record({ route: fc.constantFrom(...authedRoutes.filter((r) => r.path.includes(ctx.targetId))), email: fc.oneof(injection, fc.constantFrom("pas-une-adresse", "@", "a@", "x".repeat(300) + "@b.fr"), fc.emailAddress().map((e) => `inconnu.${e}`)) })
    .map(({ route, email }) => ({
      kind: "bad-acting-user",
      ...route,
      headers: { ...json, "x-user-email": email.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "?") },
      body: route.method === "GET" ? undefined : route.path.endsWith("permissions") ? JSON.stringify({ email: "a@b.fr", niveau: "READ" }) : JSON.stringify({ nom: "Par un inconnu" }),
      // An unknown but well-formed user lacks permission (403); a malformed one is a 400.
      expect: "reject",
    }));

  const badPermission = fc.oneof(
    fc
      .oneof(
        fc.constantFrom({ email: "pas-une-adresse", niveau: "READ" }, { email: "a@b.fr", niveau: "ADMIN" }, { email: "a@b.fr" }, { niveau: "READ" }, { email: "a@b.fr", niveau: "READ", extra: 1 }, { email: 42, niveau: "WRITE" }, []),
        injection.map((s) => ({ email: s, niveau: "READ" })),
      )
      .map((body) => ({ method: "PUT", body })),
    // DELETE of a well-formed email is valid (204 even when absent): only malformed ones here.
    fc.oneof(fc.constantFrom({ email: "pas-une-adresse" }, { email: 42 }, [], {}, { email: null }), injection.map((s) => ({ email: s }))).map((body) => ({ method: "DELETE", body })),
  ).map(({ method, body }) => ({ kind: "bad-permission", method, path: `/api/v1/projets/${ctx.targetId}/permissions`, headers: json, body: JSON.stringify(body), expect: "reject" }));

  const badPermissionQuery = fc.oneof(injection, fc.constantFrom("", "pas-une-adresse")).map((email) => ({
    kind: "bad-permission-query",
    method: "GET",
    path: `/api/v1/projets/${ctx.targetId}/permissions?email=${enc(email)}`,
    headers: auth,
    expect: "reject",
  }));

  const badExternalId = fc.oneof(wrongTypes.map((v) => ({ externalId: v })), fc.constantFrom({ externalId: big(256) }, {}, { externalId: "x", extra: 1 }, { externalId: ctx.otherExternalId })).map((body) => ({
    kind: "bad-external-id",
    method: "PUT",
    path: `/api/v1/projets/${ctx.targetId}/external-id`,
    headers: json,
    body: JSON.stringify(body),
    expect: "reject",
  }));

  const badErasure = fc.oneof(wrongTypes.map((v) => ({ email: v })), injection.map((s) => ({ email: s })), fc.constantFrom({}, { email: "a@b.fr", extra: 1 })).map((body) => ({
    kind: "bad-erasure",
    method: "POST",
    path: "/api/v1/utilisateurs/effacement",
    headers: json,
    body: JSON.stringify(body),
    expect: "reject",
  }));

  const hugeBody = fc.constantFrom("/api/v1/projets", `/api/v1/projets/${ctx.targetId}`).map((path) => ({
    kind: "huge-body",
    method: path.endsWith("projets") ? "POST" : "PATCH",
    path,
    headers: json,
    body: JSON.stringify({ ...(path.endsWith("projets") ? projetInput(fresh("fuzzrej")) : {}), description: big(1024 * 1024 + 10, "é") }),
    expect: "reject",
  }));

  const unknownRoute = fc.record({
    method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
    path: fc.oneof(
      // "." and ".." segments are normalised by the server (a redirect), not routed: left out.
      fc
        .array(fc.oneof(injection, fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 })).filter((p) => p !== "." && p !== ".."), { minLength: 1, maxLength: 3 })
        .map((parts) => `/api/v1/${parts.map(enc).join("/")}`),
      fc.constantFrom("/api/v1/projets/bulk/x", "/api/v1/statuts/x", "/api/v1/utilisateurs", "/api/v1/projets/bulk%00"),
    ),
  }).map(({ method, path }) => ({ kind: "unknown-route", method, path, headers: json, body: method === "GET" ? undefined : "{}", expect: "reject" }));

  const wrongMethod = fc
    .constantFrom(
      { method: "DELETE", path: "/api/v1/projets" },
      { method: "PUT", path: "/api/v1/projets" },
      { method: "GET", path: "/api/v1/projets/bulk" },
      { method: "POST", path: "/api/v1/statuts" },
      { method: "DELETE", path: "/api/v1/utilisateurs/effacement" },
      { method: "POST", path: `/api/v1/projets/${ctx.targetId}` },
      { method: "DELETE", path: "/api/health" },
      { method: "POST", path: "/api/v1/openapi.json" },
    )
    .map((r) => ({ kind: "wrong-method", ...r, headers: json, body: r.method === "GET" ? undefined : "{}", expect: "reject" }));

  const consoleRoutes = fc
    .record({
      route: fc.constantFrom("/api/trpc/dashboard.stats", "/api/trpc/services.list", "/api/trpc/services.create", "/api/trpc/deliveries.replay", "/api/trpc/operators.add", `/api/trpc/${enc("' OR 1=1")}`, "/api/internal/cli"),
      method: fc.constantFrom("GET", "POST"),
      body: fc.oneof(fc.constantFrom(...MALFORMED), fc.constant('{"0":{"json":{"slug":"x","nom":"y"}}}'), fc.constant('{"command":"service:create","flags":{"slug":"pirate","nom":"Pirate"}}')),
      token: fc.constantFrom(undefined, "Bearer x", `Bearer ${ctx.key}`),
    })
    .map(({ route, method, body, token }) => ({
      kind: "console-and-internal",
      method,
      path: route.startsWith("/api/trpc/") && method === "POST" ? `${route}?batch=1` : route,
      headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
      body: method === "GET" ? undefined : body,
      expect: "reject",
    }));

  // ---- valid but odd: must not be a 5xx; writes only in the fuzzok namespace ----
  const oddCreate = fc
    .record({ nom: weirdValid(500, true), description: fc.option(weirdValid(20_000, false)), programme: fc.option(weirdValid(500, false)), porteurNom: fc.option(weirdValid(200, false)), externalSuffix: weirdValid(200, true) })
    .map((v) => {
      const body = projetInput(`fuzzok-${fresh("c")}-${v.externalSuffix}`.slice(0, 255), 0, n);
      body.nom = v.nom;
      body.description = v.description;
      body.programme = v.programme;
      body.porteur = { ...body.porteur, nom: v.porteurNom };
      return { kind: "odd-create", method: "POST", path: "/api/v1/projets", headers: json, body: JSON.stringify(body), expect: "any", okWrite: true };
    });

  const oddPatch = fc.record({ nom: weirdValid(500, true), description: fc.option(weirdValid(20_000, false)) }).map((v) => ({
    kind: "odd-patch",
    method: "PATCH",
    path: `/api/v1/projets/${ctx.okId}`,
    headers: json,
    body: JSON.stringify(v),
    expect: "any",
    okWrite: true,
  }));

  const oddPermission = fc.record({ local: fc.stringMatching(/^[a-z0-9._-]{1,20}$/), niveau: fc.constantFrom("READ", "WRITE") }).map(({ local, niveau }) => ({
    kind: "odd-permission",
    method: "PUT",
    path: `/api/v1/projets/${ctx.okId}/permissions`,
    headers: json,
    body: JSON.stringify({ email: `  ${local.toUpperCase()}.x@FUZZ-OK.example  `, niveau }),
    expect: "any",
    okWrite: true,
  }));

  const oddErasure = fc.stringMatching(/^[a-z0-9]{1,20}$/).map((local) => ({
    kind: "odd-erasure",
    method: "POST",
    path: "/api/v1/utilisateurs/effacement",
    headers: json,
    body: JSON.stringify({ email: `${local}@jamais-vu.example` }),
    expect: "any",
  }));

  const reads = fc
    .constantFrom(
      { path: `/api/v1/projets/${ctx.targetId}`, headers: auth },
      { path: `/api/v1/projets/${ctx.tetOnlyId}`, headers: auth },
      { path: "/api/v1/projets?limit=5", headers: auth },
      { path: "/api/v1/projets?updatedSince=2020-01-01T00:00:00Z&limit=3", headers: auth },
      { path: "/api/v1/statuts", headers: auth },
      { path: "/api/v1/openapi.json", headers: {} },
      { path: "/api/health", headers: {} },
      { path: "/api/docs", headers: {} },
      { path: "/api/auth/session", headers: {} },
      { path: "/api/auth/csrf", headers: {} },
    )
    .map((r) => ({ kind: "read", method: "GET", ...r, expect: "any" }));

  return fc.oneof(
    { weight: 10, arbitrary: malformedJson },
    { weight: 3, arbitrary: invalidUtf8 },
    { weight: 16, arbitrary: invalidCreate },
    { weight: 6, arbitrary: invalidBulk },
    { weight: 2, arbitrary: invalidBulkShape },
    { weight: 10, arbitrary: invalidPatch },
    { weight: 2, arbitrary: forbiddenPatch },
    { weight: 8, arbitrary: badIdRoutes },
    { weight: 5, arbitrary: badQuery },
    { weight: 3, arbitrary: oddQuery },
    { weight: 6, arbitrary: badAuth },
    { weight: 4, arbitrary: badUser },
    { weight: 4, arbitrary: badPermission },
    { weight: 2, arbitrary: badPermissionQuery },
    { weight: 3, arbitrary: badExternalId },
    { weight: 3, arbitrary: badErasure },
    { weight: 1, arbitrary: hugeBody },
    { weight: 4, arbitrary: unknownRoute },
    { weight: 2, arbitrary: wrongMethod },
    { weight: 3, arbitrary: consoleRoutes },
    { weight: 5, arbitrary: oddCreate },
    { weight: 3, arbitrary: oddPatch },
    { weight: 2, arbitrary: oddPermission },
    { weight: 1, arbitrary: oddErasure },
    { weight: 4, arbitrary: reads },
  );
}

export function fuzzRequests(ctx, count, seed) {
  return fc.sample(requestArbitrary(ctx), { numRuns: count, seed });
}
