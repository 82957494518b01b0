// A simulated connected service: an HTTP webhook receiver that verifies every Standard Webhooks
// signature with the `standardwebhooks` package, drops duplicates (same webhook-id: delivery is
// at-least-once) and stale versions, and records what it accepted so the demo can observe it.
import http from "node:http";
import { Webhook } from "standardwebhooks";

export function startSimulatedService({ slug, nom, port, onEvent = () => {} }) {
  const received = []; // accepted deliveries, in arrival order
  const rejected = []; // requests whose signature did not verify
  const lastVersion = new Map(); // projet id → last applied version
  let verifier = null;
  const waiters = new Set();

  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || req.url !== `/webhooks/${slug}`) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event;
      try {
        if (!verifier) throw new Error("secret de signature pas encore configuré");
        // Verifies webhook-signature over "webhook-id.webhook-timestamp.body" and the timestamp (±5 min).
        event = verifier.verify(body, req.headers);
      } catch (error) {
        rejected.push({ at: new Date(), reason: String(error?.message ?? error) });
        res.writeHead(401, { "content-type": "text/plain" }).end("signature invalide");
        return;
      }
      const webhookId = req.headers["webhook-id"];
      const duplicate = received.some((r) => r.webhookId === webhookId);
      const projet = event.data?.projet;
      const stale = projet && (lastVersion.get(projet.id) ?? 0) >= projet.version;
      if (!duplicate) {
        const entry = { webhookId, event, stale: Boolean(stale && !duplicate), at: new Date() };
        received.push(entry);
        if (projet && !stale) lastVersion.set(projet.id, projet.version);
        onEvent(entry);
        for (const w of waiters) w();
      }
      res.writeHead(204).end();
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({
        slug,
        nom,
        url: `http://127.0.0.1:${port}/webhooks/${slug}`,
        received,
        rejected,
        setSecret(secret) {
          verifier = new Webhook(secret);
        },
        /** Resolves with the first accepted delivery matching `predicate`, or rejects after `timeoutMs`. */
        waitFor(predicate, { timeoutMs, what }) {
          return new Promise((resolveWait, rejectWait) => {
            const check = () => {
              const found = received.find(predicate);
              if (found) {
                waiters.delete(check);
                clearTimeout(timer);
                resolveWait(found);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              const seen = received.map((r) => `${r.event.type} v${r.event.data?.projet?.version ?? "?"}`).join(", ") || "aucun";
              const refused = rejected.length ? ` ; ${rejected.length} requête(s) refusée(s) : ${rejected.at(-1).reason}` : "";
              rejectWait(new Error(`${nom} n'a pas reçu ${what} en ${timeoutMs / 1000} s (reçus : ${seen}${refused})`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections(); // the hub keeps connections alive between deliveries
          }),
      });
    });
  });
}
