// Prometheus metrics of the hub (issue #16), through prom-client: counters and histograms fed by the
// API wrapper and the embedded worker, gauges of the delivery queue read from the database at each
// scrape, and the process metrics. Labels are route templates, status codes, outcome classes and
// service slugs: never an id, a body or personal data.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Db } from "@/db/client";
import type { AttemptOutcome } from "@/modules/delivery/attempt-delivery";
import type { ClaimedDelivery } from "@/modules/delivery/claim-deliveries";
import { readExpansionGauge, readQueueGauges } from "@/modules/observability/read-queue-gauges";
import { processSingleton } from "./process-state";

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hub_" });
  const apiRequests = new Counter({
    name: "hub_api_requests_total",
    help: "Requêtes /api/v1 par route, méthode et statut HTTP.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const apiDuration = new Histogram({
    name: "hub_api_request_duration_seconds",
    help: "Durée des requêtes /api/v1 par route et méthode.",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "hub_delivery_attempts_total",
    help: "Tentatives de livraison par service et issue (delivered, http_error ou classe d'erreur réseau).",
    labelNames: ["service", "outcome"] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: "hub_delivery_attempt_duration_seconds",
    help: "Durée des tentatives de livraison par service destinataire.",
    labelNames: ["service"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const claims = new Counter({ name: "hub_worker_claimed_total", help: "Livraisons prises par le worker de ce processus.", registers: [registry] });
  const leaseExpiries = new Counter({
    name: "hub_worker_lease_expiries_total",
    help: "Livraisons reprises à un worker dont le bail avait expiré (arrêt brutal ou blocage).",
    registers: [registry],
  });
  return { registry, apiRequests, apiDuration, deliveries, attemptDuration, claims, leaseExpiries };
}

// One set per process: Next.js bundles instrumentation (where the worker starts) apart from the
// routes, and each bundle would otherwise get its own counters.
const { registry, apiRequests, apiDuration, deliveries, attemptDuration, claims, leaseExpiries } = processSingleton("metrics", createMetrics);
export { registry };

/** The route template of an /api/v1 path: UUIDs become `:id`, so the label set stays bounded. */
export function routeOf(pathname: string): string {
  return pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ":id");
}

/** Counts one answered API request; `seconds` is its duration. */
export function observeApiRequest(pathname: string, method: string, status: number, seconds: number): void {
  const route = routeOf(pathname);
  apiRequests.inc({ route, method, status: String(status) });
  apiDuration.observe({ route, method }, seconds);
}

/** The outcome label of an attempt: `delivered` (2xx), `http_error` (other status) or the network error class. */
export function outcomeOf(outcome: Pick<AttemptOutcome, "statusCode" | "errorClass">): string {
  if (outcome.statusCode !== null) return outcome.statusCode >= 200 && outcome.statusCode < 300 ? "delivered" : "http_error";
  return outcome.errorClass ?? "error";
}

/** Counts the deliveries a worker claim took, and those taken over from an expired lease. */
export function observeClaimed(claimed: ClaimedDelivery[]): void {
  claims.inc(claimed.length);
  const lost = claimed.filter((d) => d.lostLease).length;
  if (lost > 0) leaseExpiries.inc(lost);
}

/** Counts one attempt by outcome and records its duration (ms in the outcome, seconds in the metric). */
export function observeAttempt(delivery: Pick<ClaimedDelivery, "service">, outcome: Pick<AttemptOutcome, "statusCode" | "errorClass" | "durationMs">): void {
  deliveries.inc({ service: delivery.service, outcome: outcomeOf(outcome) });
  attemptDuration.observe({ service: delivery.service }, outcome.durationMs / 1000);
}

/**
 * The metrics in Prometheus text format: this process's registry, then the queue gauges read from
 * `db` now (per service: waiting deliveries, age of the oldest, held changes, disabled endpoints;
 * then the events waiting for expansion into their deliveries).
 * Gauges are written here rather than registered, so that a removed service disappears at once.
 */
export async function renderMetrics(db: Db): Promise<string> {
  const gauges = await readQueueGauges(db);
  const lines: string[] = [];
  const family = (name: string, help: string, value: (g: (typeof gauges)[number]) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const g of gauges) lines.push(`${name}{service="${g.service}"} ${value(g)}`);
  };
  family("hub_delivery_queue_depth", "Livraisons en attente ou en cours, par service destinataire.", (g) => g.waiting);
  family("hub_delivery_oldest_waiting_seconds", "Âge en secondes de la plus ancienne livraison en attente, par service (retard).", (g) => g.oldestWaitingSeconds);
  family("hub_held_changes", "Changements retenus (service ou point de réception désactivé), par service.", (g) => g.held);
  family("hub_webhook_endpoints_disabled", "Points de réception désactivés, par service.", (g) => g.disabledEndpoints);
  // Written changes whose deliveries the worker has not created yet (issue #17): not per service.
  const expansion = await readExpansionGauge(db);
  lines.push(
    "# HELP hub_outbox_expansion_queue_depth Événements écrits dont les livraisons ne sont pas encore créées par le worker.",
    "# TYPE hub_outbox_expansion_queue_depth gauge",
    `hub_outbox_expansion_queue_depth ${expansion.waiting}`,
    "# HELP hub_outbox_expansion_oldest_seconds Âge en secondes du plus ancien événement en attente de création de ses livraisons.",
    "# TYPE hub_outbox_expansion_oldest_seconds gauge",
    `hub_outbox_expansion_oldest_seconds ${expansion.oldestWaitingSeconds}`,
  );
  return `${await registry.metrics()}\n${lines.join("\n")}\n`;
}
