// The receiving half of a simulated service: a loopback webhook receiver on two ports (the URL
// change moves the endpoint from one to the other) that verifies every Standard Webhooks signature
// with the secrets its service knows, keeps a replica built only from the webhooks it accepted
// (`data.projet` applied when its version is above the stored one), and logs every arrival for the
// ordering, author and signature checks. Its behaviour is switched at run time.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

/** Receiver behaviours (CONTRACT §3 failure modes a real receiver shows). */
export const BEHAVIOURS = ["ok", "slow2xx", "error500", "timeout", "gone410", "throttle429", "resetAfter2xx", "down"];

/** How long the slow receiver takes to answer 2xx (well inside the hub's 1 s limit). */
const SLOW_MS = 120;

/** How long after a rotation a webhook may still arrive signed only with the previous secret. */
const ROTATION_GRACE_MS = 3_000;

export function createReplicaReceiver(slug, ports) {
  const state = {
    slug,
    ports,
    behaviour: "ok",
    /** Newest last: every secret this service was ever given (the overlap keeps old ones valid). */
    secrets: [],
    rotatedAt: 0,
    replica: new Map(),
    arrivals: [],
    counts: { received: 0, accepted: 0, applied: 0, badSignature: 0, staleSecret: 0, toAuthor: 0, badBody: 0 },
    examples: { badSignature: [], toAuthor: [], staleSecret: [] },
    servers: new Map(),
  };

  function verify(raw, headers, arrival) {
    for (let i = state.secrets.length - 1; i >= 0; i--) {
      try {
        new Webhook(state.secrets[i]).verify(raw, headers);
        if (i !== state.secrets.length - 1 && arrival > state.rotatedAt + ROTATION_GRACE_MS) {
          state.counts.staleSecret++;
          if (state.examples.staleSecret.length < 3) state.examples.staleSecret.push(headers["webhook-id"]);
        }
        return true;
      } catch {
        // try the previous secret
      }
    }
    return false;
  }

  function handle(req, res, port) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const start = Date.now();
      const raw = Buffer.concat(chunks).toString("utf8");
      const arrival = { id: req.headers["webhook-id"] ?? null, projectId: null, version: null, auteur: null, type: null, start, end: null, status: null, answered: false, port, signed: false };
      state.arrivals.push(arrival);
      state.counts.received++;
      res.on("close", () => {
        arrival.end = Date.now();
      });
      arrival.signed = verify(raw, req.headers, start);
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {
        state.counts.badBody++;
      }
      const projet = body?.data?.projet;
      arrival.type = body?.type ?? null;
      arrival.auteur = body?.data?.auteur ?? null;
      if (projet && typeof projet.id === "string") {
        arrival.projectId = projet.id;
        arrival.version = projet.version;
      }
      if (!arrival.signed) {
        state.counts.badSignature++;
        if (state.examples.badSignature.length < 3) state.examples.badSignature.push(arrival.id);
      }
      if (arrival.auteur === slug) {
        state.counts.toAuthor++;
        if (state.examples.toAuthor.length < 3) state.examples.toAuthor.push(arrival.id);
      }
      const behaviour = state.behaviour;
      if (!arrival.signed) {
        arrival.status = 401;
        res.writeHead(401, { "content-type": "text/plain" }).end("signature invalide");
        return;
      }
      if (behaviour === "ok" || behaviour === "resetAfter2xx" || behaviour === "slow2xx") {
        state.counts.accepted++;
        if (projet && typeof projet.version === "number") {
          const stored = state.replica.get(projet.id);
          if (!stored || projet.version > stored.version) {
            state.replica.set(projet.id, projet);
            state.counts.applied++;
          }
        }
        arrival.status = 200;
        // `answered`: the 2xx left this process (flushed to the kernel, which sends it before any
        // close). A response still buffered when "down" closes every connection never reaches the
        // hub, which rightly logs no 2xx: check 7 asks only about answered arrivals.
        const answered = (error) => {
          if (!error) arrival.answered = true;
        };
        if (behaviour === "ok") {
          res.writeHead(200, { "content-type": "text/plain" }).end("ok", answered);
        } else if (behaviour === "slow2xx") {
          setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("ok", answered), SLOW_MS);
        } else {
          // The status line and 2 of the 100 announced bytes, then the connection is closed mid-body.
          // Closed (FIN), not reset: a reset may make the kernel drop bytes the hub has not read yet,
          // and then nobody can say whether the hub saw the 2xx. A close delivers every byte first,
          // so a hub that logs this attempt as failed did read the 2xx (CONTRACT §8, check 7).
          req.socket.end("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\nok", answered);
        }
        return;
      }
      if (behaviour === "error500") {
        // Echoes what it got, as some receivers do in their error pages (issue #15, case 7).
        arrival.status = 500;
        res.writeHead(500, { "content-type": "text/plain" }).end(`erreur interne en traitant : ${raw.slice(0, 1500)}`);
      } else if (behaviour === "gone410") {
        arrival.status = 410;
        res.writeHead(410, { "content-type": "text/plain" }).end("disparu");
      } else if (behaviour === "throttle429") {
        arrival.status = 429;
        res.writeHead(429, { "content-type": "text/plain", "retry-after": "1" }).end("trop de requêtes");
      } else if (behaviour === "timeout") {
        arrival.status = "timeout";
        // Never answers: the hub's own timeout ends the request.
      } else {
        arrival.status = 503;
        res.writeHead(503).end();
      }
    });
  }

  async function listen(port) {
    if (state.servers.has(port)) return;
    const server = createServer((req, res) => handle(req, res, port));
    server.keepAliveTimeout = 30_000;
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    state.servers.set(port, server);
  }

  async function closeAll() {
    const servers = [...state.servers.values()];
    state.servers.clear();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  return {
    state,
    slug,
    /** The webhook URL on port 0 (primary) or 1 (alternate). */
    url: (which = 0) => `http://127.0.0.1:${ports[which]}/webhooks/${slug}`,
    start: () => Promise.all(ports.map(listen)),
    stop: closeAll,
    learnSecret(secret, rotated = false) {
      if (!state.secrets.includes(secret)) state.secrets.push(secret);
      if (rotated) state.rotatedAt = Date.now();
    },
    async setBehaviour(behaviour) {
      if (!BEHAVIOURS.includes(behaviour)) throw new Error(`unknown behaviour ${behaviour}`);
      state.behaviour = behaviour;
      if (behaviour === "down") await closeAll();
      else await Promise.all(ports.map(listen));
    },
    /** A read of the service's own write (read-your-writes): applied when version ≥ stored. */
    applyOwnRead(projet) {
      const stored = state.replica.get(projet.id);
      if (!stored || projet.version >= stored.version) state.replica.set(projet.id, projet);
    },
  };
}
