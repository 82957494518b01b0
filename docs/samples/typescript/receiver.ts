// Sample webhook receiver for Les Communs: verifies the Standard Webhooks signature with the
// `standardwebhooks` package (npm install standardwebhooks), ignores duplicates and stale
// versions, and answers 2xx quickly.
//
// Run: LES_COMMUNS_WEBHOOK_SECRET=whsec_… PORT=8080 npx tsx docs/samples/typescript/receiver.ts
// Optional: HOST (listening address, default 0.0.0.0).
// Prints one JSON line per event it accepts.
import http from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const secret = process.env.LES_COMMUNS_WEBHOOK_SECRET;
if (!secret?.startsWith("whsec_")) {
  console.error("LES_COMMUNS_WEBHOOK_SECRET manquant (whsec_…, donné à la création du webhook)");
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "0.0.0.0";
const webhook = new Webhook(secret);

type WebhookEvent = {
  id: string;
  type: "projet.cree" | "projet.modifie" | "utilisateur.efface" | string;
  createdAt: string;
  data: {
    projet?: { id: string; version: number; nom: string; statut: { generique: string | null; service: string | null }; externalIds: Record<string, string> };
    auteur?: string;
    changements?: string[];
  };
};

// In production keep both in your database: delivery is at-least-once (a retry or a replay brings
// the same webhook-id again) and a receiver may see an older version after a newer one.
const seenIds = new Set<string>();
const appliedVersions = new Map<string, number>();

function handle(event: WebhookEvent, webhookId: string) {
  if (seenIds.has(webhookId)) return "doublon";
  seenIds.add(webhookId);
  const projet = event.data.projet;
  if (projet) {
    if ((appliedVersions.get(projet.id) ?? 0) >= projet.version) return "version périmée";
    appliedVersions.set(projet.id, projet.version);
    // Here: create or update your own record, using projet.statut.service (your own label).
  }
  console.log(
    JSON.stringify({
      webhookId,
      type: event.type,
      projet: projet?.id ?? null,
      version: projet?.version ?? null,
      statut: projet?.statut ?? null,
      auteur: event.data.auteur ?? null,
      changements: event.data.changements ?? [],
    }),
  );
  return "appliqué";
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    // Verify the raw body exactly as received: re-serialised JSON would not match the signature.
    const payload = Buffer.concat(chunks).toString("utf8");
    let event: WebhookEvent;
    try {
      event = webhook.verify(payload, {
        "webhook-id": String(req.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
      }) as WebhookEvent;
    } catch (error) {
      const reason = error instanceof WebhookVerificationError ? error.message : "requête illisible";
      console.error(`refusé : ${reason}`);
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8" }).end("signature invalide");
      return;
    }
    const outcome = handle(event, String(req.headers["webhook-id"]));
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(outcome);
  });
});

server.listen(port, host, () => console.error(`récepteur de webhooks à l'écoute sur ${host}:${port}`));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close(() => process.exit(0)));
