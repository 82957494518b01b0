// Starts receiver-server.mjs as a child process group and drives it through its control port.
import path from "node:path";
import { startGroupReady } from "./proc.mjs";

export async function startReceivers({ receivers, control }) {
  const proc = await startGroupReady(
    "receivers",
    process.execPath,
    [path.join(import.meta.dirname, "receiver-server.mjs"), JSON.stringify({ receivers, control })],
    { env: process.env, isReady: (line) => line === "receivers ready", timeoutMs: 20_000 },
  );
  const base = `http://127.0.0.1:${control}`;
  const call = async (method, route, body) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(`receiver control ${route}: ${JSON.stringify(data)}`);
    return data;
  };
  return {
    proc,
    urls: Object.fromEntries(Object.entries(receivers).map(([slug, port]) => [slug, `http://127.0.0.1:${port}/webhooks/${slug}`])),
    setSecrets: (secrets) => call("POST", "/secrets", secrets),
    setMode: (slug, mode, extra = {}) => call("POST", "/mode", { slug, mode, ...extra }),
    reset: () => call("POST", "/reset"),
    stats: () => call("GET", "/stats"),
    records: (slug) => call("GET", `/records?slug=${encodeURIComponent(slug)}`),
    stop: () => proc.kill("SIGTERM", 3_000),
  };
}
