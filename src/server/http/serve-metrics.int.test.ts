// GET /api/metrics (issue #16): 404 without METRICS_TOKEN, 401 without the right bearer token, and
// a Prometheus text exposition that parses, with API, delivery, worker, queue and process metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { expandEvents } from "@/modules/outbox/expand-events";
import { observeAttempt, observeClaimed } from "../metrics";
import { serveMetrics } from "./serve-metrics";

const token = "jeton-de-test-metriques-0123456789";
let t: TestDatabase;
let mec: string;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec", { endpoint: true })).key;
  await keyFor(t.db, "tet", { endpoint: true });
});
afterAll(async () => {
  await t.destroy();
});

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the text exposition format; fails on any line that is neither a comment nor a sample. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/i.exec(line);
    expect(match, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, key, value] of match![2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[key!] = value!;
    samples.push({ name: match![1]!, labels, value: Number(match![3]) });
  }
  return samples;
}

const scrape = (authorization: string | null, configured: string | undefined) =>
  serveMetrics(new Request("http://127.0.0.1/api/metrics", authorization ? { headers: { authorization } } : {}), configured);

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe("GET /api/metrics", () => {
  it("does not exist without METRICS_TOKEN and refuses a missing or wrong token", async () => {
    expect((await scrape(`Bearer ${token}`, undefined)).status).toBe(404);
    for (const authorization of [null, "Bearer mauvais-jeton", `Basic ${token}`, `Bearer ${token}x`]) {
      const refused = await scrape(authorization, token);
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe("unauthorized");
    }
  });

  it("exposes API requests, attempts, claims, queue gauges per service and process metrics", async () => {
    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "m-1", nom: "Médiathèque", statut: "Non démarré, intention", collectivites: [lyon] },
    });
    expect(created.status).toBe(201);
    observeClaimed([{ service: "tet", lostLease: true }, { service: "tet", lostLease: false }] as never);
    observeAttempt({ service: "tet" }, { statusCode: 200, errorClass: null, durationMs: 120 });
    observeAttempt({ service: "tet" }, { statusCode: null, errorClass: "timeout", durationMs: 10_000 });

    // The creation waits to be expanded into its deliveries (no worker runs here).
    const queued = parse(await (await scrape(`Bearer ${token}`, token)).text());
    expect(value(queued, "hub_outbox_expansion_queue_depth")).toBe(1);
    expect(value(queued, "hub_outbox_expansion_oldest_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(queued, "hub_delivery_queue_depth", { service: "tet" })).toBe(0);
    await expandEvents(t.db);

    const response = await scrape(`Bearer ${token}`, token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parse(await response.text());
    expect(value(samples, "hub_outbox_expansion_queue_depth")).toBe(0);

    expect(value(samples, "hub_api_requests_total", { route: "/api/v1/projets", method: "POST", status: "201" })).toBeGreaterThanOrEqual(1);
    expect(value(samples, "hub_api_request_duration_seconds_count", { route: "/api/v1/projets", method: "POST" })).toBeGreaterThanOrEqual(1);
    expect(value(samples, "hub_delivery_attempts_total", { service: "tet", outcome: "delivered" })).toBeGreaterThanOrEqual(1);
    expect(value(samples, "hub_delivery_attempts_total", { service: "tet", outcome: "timeout" })).toBeGreaterThanOrEqual(1);
    expect(value(samples, "hub_delivery_attempt_duration_seconds_bucket", { service: "tet", le: "0.25" })).toBeGreaterThanOrEqual(1);
    expect(value(samples, "hub_worker_claimed_total")).toBeGreaterThanOrEqual(2);
    expect(value(samples, "hub_worker_lease_expiries_total")).toBeGreaterThanOrEqual(1);
    // Expanded, the creation queued a delivery to tet: it waits (no worker runs here).
    expect(value(samples, "hub_delivery_queue_depth", { service: "tet" })).toBe(1);
    expect(value(samples, "hub_delivery_oldest_waiting_seconds", { service: "tet" })).toBeGreaterThanOrEqual(0);
    expect(value(samples, "hub_delivery_queue_depth", { service: "mec" })).toBe(0);
    expect(value(samples, "hub_held_changes", { service: "tet" })).toBe(0);
    expect(value(samples, "hub_webhook_endpoints_disabled", { service: "tet" })).toBe(0);
    expect(value(samples, "hub_process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });
});
