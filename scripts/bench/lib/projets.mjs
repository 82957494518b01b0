// Realistic ProjetInput bodies (a few hundred bytes, as MEC sends them) and a small keep-alive
// JSON client for the harnesses.
import { Agent, request } from "undici";

const COMMUNES = ["69123", "75056", "13055", "31555", "33063", "44109", "59350", "67482", "34172", "35238"];
const MEC_STATUSES = ["Non démarré, intention", "Etudes pré-opérationnelles en cours", "Etudes opérationnelles en cours", "Opération terminée, livrée"];

/** A full ProjetInput for `externalId`; `revision` changes what other services see (a new version). */
export function projetInput(externalId, revision = 0, n = 0) {
  return {
    externalId,
    nom: `Rénovation énergétique de l'école ${n} — révision ${revision}`,
    description: "Isolation des combles, remplacement de la chaudière fioul par une pompe à chaleur, ventilation double flux.",
    statut: MEC_STATUSES[revision % MEC_STATUSES.length],
    porteur: { email: `porteur.${n}@mairie-exemple.fr`, nom: "Dupont", prenom: "Camille", fonction: "Chargée de mission" },
    collectivites: [{ type: "Commune", code: COMMUNES[n % COMMUNES.length] }],
    budgetPrevisionnel: 250_000 + revision,
    dateDebutPrevisionnelle: "2026-03-01",
    programme: "Petites villes de demain",
  };
}

export function createClient(baseUrl, { connections = 16, timeoutMs = 30_000 } = {}) {
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  /** Sends one request; resolves to {status, body (parsed JSON or text), ms} or {error, ms}. */
  async function send(method, path, { key, body, rawBody, headers = {}, timeout = timeoutMs } = {}) {
    const started = performance.now();
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    let payload;
    if (rawBody !== undefined) payload = rawBody;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) h["content-type"] = "application/json";
    try {
      const response = await request(`${baseUrl}${path}`, {
        method,
        headers: h,
        body: payload,
        dispatcher,
        signal: AbortSignal.timeout(timeout),
      });
      const text = await response.body.text();
      let parsed = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: kept as text so that callers can report it
      }
      return { status: response.statusCode, body: parsed, text, headers: response.headers, ms: performance.now() - started };
    } catch (error) {
      return { error: error?.code ?? error?.name ?? String(error), message: String(error?.message ?? error), ms: performance.now() - started };
    }
  }
  return { send, close: () => dispatcher.close() };
}

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(digits)));
