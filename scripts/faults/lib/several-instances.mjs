// Clients of several web instances behind no load balancer, for the "multi" fault case: a writer
// that spreads its calls over the instances and, like a load balancer's retry, sends a call again
// to the next instance when one is unreachable or answers 5xx; and a probe that measures the
// per-service rate limit through all instances at once.
import { createClient } from "../../bench/lib/projets.mjs";
import { sleep } from "../../bench/lib/proc.mjs";

/**
 * One keep-alive client per instance. `send(start, …)` tries instance `start`, then the next ones in
 * turn, until one accepts (2xx); a 4xx is the caller's mistake and thrown. Resolves to
 * {response, instance, failovers} where `failovers` counts the instances that failed this call.
 */
export function createSpreadClient(baseUrls, { connections = 4, timeoutMs = 60_000 } = {}) {
  const clients = baseUrls.map((url) => createClient(url, { connections, timeoutMs }));
  async function send(start, method, path, options, { timeoutMs: limitMs = 60_000 } = {}) {
    const deadline = Date.now() + limitMs;
    let failovers = 0;
    for (let i = start; ; i++) {
      const instance = i % clients.length;
      const r = await clients[instance].send(method, path, options);
      if (r.status >= 200 && r.status < 300) return { response: r, instance, failovers };
      if (r.status >= 400 && r.status < 500) throw new Error(`${method} ${path} on instance ${instance}: ${r.status} ${r.text?.slice(0, 300)}`);
      failovers++;
      if (Date.now() > deadline) throw new Error(`${method} ${path}: not accepted by any instance within ${limitMs} ms (last: ${r.status ?? r.error})`);
      // Only when every instance has failed in a row: a dead one is skipped at once.
      if (failovers % clients.length === 0) await sleep(250);
    }
  }
  return { send, close: () => Promise.all(clients.map((c) => c.close())) };
}

/**
 * Sends `total` requests of one service (`GET path` with `key`), request i to instance i mod n,
 * `concurrency` at a time, as fast as they are answered. Returns the answers per instance
 * ({ok, limited, other[]}), the 429s that lack the contract's code or Retry-After, and the seconds
 * from the first send to the last answer.
 */
export async function probeRateLimit(baseUrls, { key, path, total, concurrency }) {
  const clients = baseUrls.map((url) => createClient(url, { connections: concurrency, timeoutMs: 20_000 }));
  const byInstance = baseUrls.map(() => ({ ok: 0, limited: 0, other: [] }));
  const badLimited = [];
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < total; i = next++) {
          const instance = i % clients.length;
          const r = await clients[instance].send("GET", path, { key });
          const tally = byInstance[instance];
          if (r.status === 200) tally.ok++;
          else if (r.status === 429) {
            tally.limited++;
            const retryAfter = Number(r.headers?.["retry-after"]);
            if (r.body?.error?.code !== "rate_limited" || !(retryAfter >= 1)) badLimited.push(`${r.headers?.["retry-after"]} ${r.text?.slice(0, 200)}`);
          } else tally.other.push(r.status ?? r.error);
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return { byInstance, badLimited, seconds: (performance.now() - started) / 1000 };
}
