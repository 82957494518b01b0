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

// Dates around what JavaScript and PostgreSQL can read (issue #14: year 0 and year −100000 gave 500s).
const ODD_DATES = ["0000-01-01", "-100000-01-01", "-000001-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "9999-12-31", "9999-12-31T23:59:59.999-14:00", "10000-01-01", "1899-12-31", "1900-01-01", "0001-01-01T00:00:00+14:00", "2026-02-30", "2026-01-01T25:00:00Z", "1970-01-01T00:00:00Z", "2026-06-01", ""];
const oddDate = fc.oneof(fc.constantFrom(...ODD_DATES), fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()));
const oddText = fc.oneof(injection, weirdText, fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udc00y", big(300)));
const oddNumber = fc.constantFrom(0, -1, 1, 1.5, 2 ** 31, 2 ** 53, 2 ** 63, 1e308, "1", "abc", null, true, [], {});
/** A search cursor of the console (base64url of [date, uuid]) with odd parts, or garbage. */
const oddSearchCursor = fc.oneof(
  fc.record({ at: oddDate, id: fc.oneof(fc.uuid({ version: 4 }), oddText) }).map(({ at, id }) => Buffer.from(JSON.stringify([at, id])).toString("base64url")),
  fc.constantFrom(Buffer.from("{}").toString("base64url"), Buffer.from("[1,2]").toString("base64url"), Buffer.from("5").toString("base64url")),
  oddText,
);
/** A REST cursor (base64url of "<timestamp>|<uuid>") with odd dates, or garbage. */
const oddRestCursor = fc.oneof(
  fc.record({ at: fc.constantFrom("0000-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "2026-02-30T00:00:00.000000Z", "1899-01-01T00:00:00.000000Z"), id: fc.uuid({ version: 4 }) }).map(({ at, id }) => Buffer.from(`${at}|${id}`).toString("base64url")),
  oddText,
);

/**
 * Calls of the console's tRPC procedures as logged-in operators (issue #14): queries with odd but
 * well-typed or ill-typed inputs (never a 5xx), mutations that must be refused (a lecteur's, an
 * admin's without the same-origin proof, an admin's with invalid input), and the batch and body
 * limits. Nothing here may write: refused mutations only.
 */
function consoleArbitraries(ctx) {
  const cookie = (role) => `next-auth.session-token=${ctx.consoleSessions[role]}`;
  const role = fc.constantFrom("admin", "lecteur");
  const someId = fc.oneof(fc.uuid({ version: 4 }), badId, fc.constant(ctx.targetId));
  const queryCall = fc.oneof(
    fc.record({ query: oddText, cursor: fc.option(oddSearchCursor, { nil: undefined }), limit: fc.option(oddNumber, { nil: undefined }) }).map((i) => ["projects.search", i]),
    fc.record({ action: fc.option(oddText, { nil: undefined }), cursor: fc.option(oddNumber, { nil: undefined }), limit: fc.option(oddNumber, { nil: undefined }) }).map((i) => ["audit.list", i]),
    fc
      .record({ since: fc.option(oddDate, { nil: undefined }), until: fc.option(oddDate, { nil: undefined }), eventType: fc.option(oddText, { nil: undefined }), projectId: fc.option(someId, { nil: undefined }), serviceId: fc.option(someId, { nil: undefined }), state: fc.option(fc.oneof(fc.constantFrom("failed", "pending", "delivered"), oddText), { nil: undefined }), cursor: fc.option(oddNumber, { nil: undefined }) })
      .map((i) => ["deliveries.list", i]),
    oddNumber.map((deliveryId) => ["deliveries.get", { deliveryId }]),
    someId.map((projectId) => ["projects.get", { projectId }]),
    someId.map((serviceId) => ["services.get", { serviceId }]),
    someId.map((serviceId) => ["mappings.list", { serviceId }]),
    fc.constantFrom(["dashboard.stats", undefined], ["services.list", undefined], ["me", undefined], ["operators.list", undefined]),
    fc.record({ path: fc.oneof(injection, fc.string({ maxLength: 20 })), input: oddText }).map(({ path, input }) => [path.replace(/[,/?#%]/g, "") || "inconnu", input]),
  );
  const trpcQuery = fc.record({ role, calls: fc.array(queryCall, { minLength: 1, maxLength: 4 }) }).map(({ role: r, calls }) => {
    const input = Object.fromEntries(calls.map(([, i], n) => [n, i]));
    return {
      kind: "trpc-query",
      method: "GET",
      path: `/api/trpc/${calls.map(([p]) => enc(p)).join(",")}?batch=1&input=${enc(JSON.stringify(input))}`,
      headers: { cookie: cookie(r) },
      expect: "any",
    };
  });

  // Valid inputs: refused for a lecteur, and for an admin without the same-origin proof.
  const validMutations = [
    ["services.create", { slug: "fuzz-refuse", nom: "Ne doit pas exister" }],
    ["services.update", { slug: "tet", nom: "Renommé par le fuzz" }],
    ["services.createKey", { serviceId: ctx.tetServiceId ?? "00000000-0000-4000-8000-000000000000" }],
    ["mappings.set", { service: "tet", label: "Libellé du fuzz", generique: "IMPACTE" }],
    ["operators.add", { email: "fuzz-intrus@anct.gouv.fr", role: "admin" }],
    ["deliveries.replayFailed", {}],
  ];
  // Invalid inputs: refused for anyone.
  const invalidMutations = [
    ["services.create", { slug: "Pas Valide", nom: "x" }],
    ["services.create", { slug: "fuzz-nul", nom: "a\u0000b" }],
    ["services.create", { slug: "fuzz-vide", nom: "" }],
    ["services.create", { slug: "fuzz-url", nom: "x", webhookUrl: "javascript:alert(1)" }],
    ["services.create", { slug: "fuzz-extra", nom: "x", extra: 1 }],
    ["services.update", { slug: "tet", nom: "x\ud800" }],
    ["services.revokeKey", { serviceId: "pas-un-uuid", prefix: "x" }],
    ["services.revokeKey", { serviceId: "00000000-0000-4000-8000-000000000000", prefix: "\u0000" }],
    ["services.setWebhookEnabled", { slug: "tet", enabled: "oui" }],
    ["services.rotateSecret", { serviceId: "' OR 1=1 --" }],
    ["services.sendTestEvent", { serviceId: 42 }],
    ["mappings.set", { service: "tet", label: "\u0000", generique: "IMPACTE" }],
    ["mappings.set", { service: "tet", label: "x", generique: "minuscules" }],
    ["operators.add", { email: "pas-une-adresse", role: "admin" }],
    ["operators.add", { email: "a@b.fr", role: "root" }],
    ["operators.setActive", { operatorId: "x", active: true }],
    ["deliveries.replay", { deliveryId: -1 }],
    ["deliveries.replay", { deliveryId: "1" }],
    ["deliveries.replayFailed", { since: "0000-01-01" }],
    ["deliveries.replayFailed", { until: "-100000-01-01" }],
    ["deliveries.replayFailed", { serviceId: "x", eventType: "\u0000" }],
  ];
  const post = (kind, r, procedure, body, { origin = true, contentType = "application/json" } = {}) => ({
    kind,
    method: "POST",
    path: `/api/trpc/${procedure}?batch=1`,
    headers: { cookie: cookie(r), "content-type": contentType, ...(origin ? { origin: ctx.origin } : {}) },
    body,
    expect: "reject",
  });
  const trpcMutation = fc.oneof(
    fc.constantFrom(...validMutations).map(([p, i]) => post("trpc-mutation-lecteur", "lecteur", p, JSON.stringify({ 0: i }))),
    fc.constantFrom(...validMutations).map(([p, i]) => post("trpc-mutation-csrf", "admin", p, JSON.stringify({ 0: i }), { origin: false })),
    fc.constantFrom(...validMutations).map(([p, i]) => post("trpc-mutation-csrf", "admin", p, JSON.stringify({ 0: i }), { contentType: "text/plain" })),
    fc.record({ call: fc.constantFrom(...invalidMutations), r: role }).map(({ call: [p, i], r }) => post("trpc-mutation-invalid", r, p, JSON.stringify({ 0: i }))),
    fc.record({ raw: fc.constantFrom(...MALFORMED), r: role }).map(({ raw, r }) => post("trpc-mutation-malformed", r, "services.create", raw)),
  );
  const trpcLimits = fc.oneof(
    fc.integer({ min: 11, max: 200 }).map((n) => ({
      kind: "trpc-limit-batch",
      method: "GET",
      path: `/api/trpc/${Array.from({ length: n }, () => "dashboard.stats").join(",")}?batch=1&input=${enc("{}")}`,
      headers: { cookie: cookie("lecteur") },
      expect: "reject",
    })),
    fc.constant(null).map(() => post("trpc-limit-body", "admin", "services.create", JSON.stringify({ 0: { slug: "fuzz-gros", nom: big(70 * 1024) } }))),
  );

  // Console pages: query strings and path ids as anyone can type them (never a 5xx).
  const pageQuery = (pairs) => pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${enc(String(v))}`).join("&");
  const consolePage = fc.oneof(
    fc.record({ since: fc.option(oddDate, { nil: undefined }), until: fc.option(oddDate, { nil: undefined }), state: fc.option(oddText, { nil: undefined }), eventType: fc.option(oddText, { nil: undefined }), projectId: fc.option(someId, { nil: undefined }), serviceId: fc.option(someId, { nil: undefined }), cursor: fc.option(fc.oneof(oddText, fc.constantFrom("1e400", "-1", "99999999999999999999")), { nil: undefined }), twice: fc.boolean() }).map(
      ({ twice, ...q }) => `/admin/livraisons?${pageQuery(Object.entries(q))}${twice ? "&since=2026-01-01&since=0000-01-01" : ""}`,
    ),
    fc.record({ q: fc.option(oddText, { nil: undefined }), cursor: fc.option(oddSearchCursor, { nil: undefined }), twice: fc.boolean() }).map(({ twice, ...q }) => `/admin/projets?${pageQuery(Object.entries(q))}${twice ? "&q=a&q=b" : ""}`),
    fc.record({ action: fc.option(oddText, { nil: undefined }), cursor: fc.option(fc.oneof(oddText, fc.constantFrom("1e400", "-5", "9007199254740993")), { nil: undefined }) }).map((q) => `/admin/journal?${pageQuery(Object.entries(q))}`),
    fc.record({ id: fc.oneof(badId, fc.uuid({ version: 4 }), fc.constantFrom("1", "0", "-1", "1e400", "9007199254740993")), page: fc.constantFrom("livraisons", "projets", "services") }).map(({ id, page }) => `/admin/${page}/${enc(id)}`),
    someId.map((id) => `/admin/services/${enc(id)}/correspondances`),
    fc.record({ motif: oddText, error: oddText }).map((q) => `/admin/acces-refuse?${pageQuery(Object.entries(q))}`),
    fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty").map((k) => `/admin/acces-refuse?motif=${k}&error=${k}`),
    oddText.map((e) => `/admin/connexion?error=${enc(e)}`),
    oddText.map((st) => `/admin/deconnexion?state=${enc(st)}`),
  );
  const page = fc.record({ path: consolePage, r: fc.constantFrom("admin", "lecteur", null) }).map(({ path, r }) => ({
    kind: "page-query",
    method: "GET",
    path,
    headers: r ? { cookie: cookie(r) } : {},
    expect: "any",
  }));

  return [
    { weight: 12, arbitrary: trpcQuery },
    { weight: 8, arbitrary: trpcMutation },
    { weight: 1, arbitrary: trpcLimits },
    { weight: 10, arbitrary: page },
  ];
}

/** Which surface a fuzzed request hits, for the counts: "trpc", "pages" or "rest". */
export function surfaceOf(kind) {
  return kind.startsWith("trpc-") ? "trpc" : kind.startsWith("page-") ? "pages" : "rest";
}

/**
 * @param ctx {key, targetId, tetOnlyId, okId, otherExternalId, and for the console: consoleSessions {admin, lecteur} (session tokens), origin (the hub's public URL), tetServiceId}
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

  // REST query strings that may be valid or not: never a 5xx (updatedSince=0000-01-01 was one).
  const restQuery = fc
    .record({ updatedSince: fc.option(oddDate, { nil: undefined }), cursor: fc.option(oddRestCursor, { nil: undefined }), limit: fc.option(fc.oneof(fc.integer({ min: -5, max: 600 }).map(String), oddText), { nil: undefined }), email: oddText, which: fc.constantFrom("list", "permissions") })
    .map(({ updatedSince, cursor, limit, email, which }) => ({
      kind: "rest-query",
      method: "GET",
      path:
        which === "list"
          ? `/api/v1/projets?${[["updatedSince", updatedSince], ["cursor", cursor], ["limit", limit]].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${enc(v)}`).join("&")}`
          : `/api/v1/projets/${ctx.targetId}/permissions?email=${enc(email)}`,
      headers: auth,
      expect: "any",
    }));

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
    { weight: 5, arbitrary: restQuery },
    ...(ctx.consoleSessions ? consoleArbitraries(ctx) : []),
  );
}

export function fuzzRequests(ctx, count, seed) {
  return fc.sample(requestArbitrary(ctx), { numRuns: count, seed });
}
