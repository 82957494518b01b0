// A change followed from its API request through the outbox to each delivery attempt (issue #16):
// the attempt spans are children of the request's span, in an in-memory exporter, and the event
// keeps the request's id for the deliveries' log lines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { secretKeyring } from "@/env";
import { events } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";
import { captureLogs } from "../logger";
import { startTracing, type Tracing } from "./start-tracing";
import { traceAttempt } from "./trace-delivery";

let handle: TestDatabase;
let receiver: LoopbackReceiver;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();
let mec: string;

beforeAll(async () => {
  tracing = startTracing({ serviceName: "test", endpoint: undefined, disabled: false }, exporter)!;
  handle = await createTestDatabase();
  useDatabase(handle);
  receiver = await startLoopbackReceiver(() => ({ status: 200 }));
  mec = (await keyFor(handle.db, "mec")).key;
  for (const slug of ["tet", "recoco"] as const) {
    const { serviceId } = await keyFor(handle.db, slug);
    await upsertEndpoint(handle.db, serviceId, { url: `${receiver.url}/${slug}` }, secretKeyring());
  }
});
afterAll(async () => {
  await tracing?.shutdown();
  await receiver?.close();
  await closeDeliveryPools();
  await handle?.destroy();
});

describe("tracing a change to its deliveries", () => {
  it("makes each delivery attempt a child span of the request that made the change, and keeps the request id", async () => {
    const tracer = trace.getTracer("test");
    // What Next.js's server does around a route: a request span, active while the handler runs.
    const { response, root } = await tracer.startActiveSpan("POST /api/v1/projets", async (span) => {
      const answer = await call(projets.POST, {
        method: "POST",
        path: "/api/v1/projets",
        key: mec,
        headers: { "x-request-id": "req-trace-1" },
        body: { externalId: "trace-1", nom: "Tracé", collectivites: [lyon] },
      });
      span.end();
      return { response: answer, root: span.spanContext() };
    });
    expect(response.status).toBe(201);

    const [event] = await handle.db.select().from(events).where(eq(events.projectId, response.body.id));
    expect(event!.requestId).toBe("req-trace-1");
    expect(event!.traceParent).toBe(`00-${root.traceId}-${root.spanId}-01`);

    const lines: Record<string, unknown>[] = [];
    const stop = captureLogs((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    try {
      const summary = await deliverBatch(handle.db, deliveryOptionsFromEnv({ timeoutMs: 3000 }), { onAttempted: traceAttempt });
      expect(summary.delivered).toBe(2);
    } finally {
      stop();
    }
    await tracing.flush();

    const attempts = exporter.getFinishedSpans().filter((s) => s.name === "webhook attempt");
    expect(attempts).toHaveLength(2);
    for (const span of attempts) {
      expect(span.spanContext().traceId).toBe(root.traceId);
      expect(span.parentSpanContext?.spanId).toBe(root.spanId);
      expect(span.attributes["http.response.status_code"]).toBe(200);
      expect(span.attributes["les_communs.event_id"]).toBe(event!.id);
    }
    expect(new Set(attempts.map((s) => s.attributes["les_communs.service"]))).toEqual(new Set(["tet", "recoco"]));
    // Each attempt's log line carries the id of the request that caused it.
    const attemptLines = lines.filter((l) => l.msg === "webhook attempt");
    expect(attemptLines).toHaveLength(2);
    expect(attemptLines.every((l) => l.requestId === "req-trace-1")).toBe(true);
  });
});
