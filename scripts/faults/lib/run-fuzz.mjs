// Sends fuzzed requests (fuzz-requests.mjs) with a few concurrent workers and sorts the answers: counts
// by status and by surface (REST, tRPC, console pages), and the requests not answered as the contract
// requires (any 5xx or transport error; a 2xx/3xx to a request that must be refused).
import { surfaceOf } from "./fuzz-requests.mjs";

/**
 * @param client createClient(...) of scripts/bench/lib/projets.mjs
 * @param requests the fuzzed requests
 * @returns {statusCounts, bySurface: {rest|trpc|pages: {requests, fiveXX, statuses}}, violations, okIds, acceptedErasures, seconds}
 */
export async function runFuzz(client, requests, { workers = 16, okIds = new Set() } = {}) {
  const statusCounts = {};
  const bySurface = {};
  const violations = [];
  let acceptedErasures = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const res = await client.send(r.method, r.path, { rawBody: r.body, headers: r.headers });
      const status = res.status ?? res.error;
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      const surface = (bySurface[surfaceOf(r.kind)] ??= { requests: 0, fiveXX: 0, statuses: {} });
      surface.requests++;
      surface.statuses[status] = (surface.statuses[status] ?? 0) + 1;
      if (res.error || res.status >= 500) surface.fiveXX++;
      const accepted = res.status >= 200 && res.status < 300;
      if (res.error || res.status >= 500 || (r.expect === "reject" && !(res.status >= 400 && res.status < 500))) {
        violations.push({ kind: r.kind, method: r.method, path: r.path.slice(0, 160), status, body: (r.body ?? "").toString().slice(0, 160), answer: (res.text ?? res.message ?? "").slice(0, 200) });
      }
      if (accepted && r.okWrite && res.body && typeof res.body.id === "string") okIds.add(res.body.id);
      if (accepted && r.kind === "odd-erasure") acceptedErasures++;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { statusCounts, bySurface, violations, okIds, acceptedErasures, seconds: (performance.now() - t0) / 1000 };
}
