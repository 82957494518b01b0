// Loopback webhook receivers, in their own process so that the load generator does not steal their
// event loop. One bare node:http server per receiving service; each verifies the Standard Webhooks
// signature, records the arrival (webhook-id, project, version, arrival time, latency from the
// event's `createdAt`), and answers 200 — or is taken down / made to fail through a control port.
//
// Usage: node receiver-server.mjs '{"receivers":{"tet":3510,...},"control":3519}'
// Control (JSON over HTTP on 127.0.0.1:control):
//   POST /secrets {slug: whsec}           set the signing secret each receiver verifies with
//   POST /mode {slug, mode, status?, delayMs?}  mode "up" | "down" (listener closed) | "status" (answer `status`)
//   POST /reset                            forget every record
//   GET  /stats                            counters and latency percentiles per receiver and in total
//   GET  /records?slug=tet                 [[webhookId, projectId, version, arrivalMs, latencyMs], …] in arrival order
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";
import { analyseArrivals } from "./analyse-arrivals.mjs";
import { percentile } from "./projets.mjs";

const config = JSON.parse(process.argv[2]);
const receivers = new Map();

function newRecords() {
  return { list: [], badSignature: 0, badBody: 0, first: 0, last: 0 };
}


function record(receiver, headers, raw, arrival) {
  const r = receiver.records;
  if (receiver.verifier) {
    try {
      receiver.verifier.verify(raw, headers);
    } catch {
      r.badSignature++;
      return;
    }
  }
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    r.badBody++;
    return;
  }
  const id = headers["webhook-id"];
  const projet = body?.data?.projet;
  const projectId = projet?.id ?? null;
  const version = typeof projet?.version === "number" ? projet.version : null;
  const created = Date.parse(body?.createdAt);
  const latency = Number.isFinite(created) ? arrival - created : null;
  if (r.first === 0) r.first = arrival;
  r.last = arrival;
  r.list.push([id, projectId, version, arrival, latency]);
}

function startReceiver(slug, port) {
  const receiver = { slug, port, mode: "up", status: 200, delayMs: 0, verifier: null, records: newRecords(), server: null };
  const listen = () =>
    new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          const arrival = Date.now();
          const reply = () => {
            if (receiver.mode === "status") {
              res.writeHead(receiver.status, { "content-type": "text/plain" });
              res.end("indisponible");
              return;
            }
            record(receiver, req.headers, Buffer.concat(chunks).toString("utf8"), arrival);
            res.writeHead(200, { "content-type": "text/plain" });
            res.end("ok");
          };
          if (receiver.delayMs > 0) setTimeout(reply, receiver.delayMs);
          else reply();
        });
      });
      server.keepAliveTimeout = 60_000;
      server.headersTimeout = 65_000;
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        receiver.server = server;
        resolve();
      });
    });
  receiver.up = async () => {
    receiver.mode = "up";
    if (!receiver.server) await listen();
  };
  receiver.down = async () => {
    receiver.mode = "down";
    const server = receiver.server;
    receiver.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    }
  };
  receivers.set(slug, receiver);
  return listen();
}

function stats() {
  const out = { receivers: {}, total: { received: 0, unique: 0, duplicates: 0, outOfOrder: 0, badSignature: 0, badBody: 0 } };
  const all = [];
  for (const [slug, { records: r, mode }] of receivers) {
    const lat = r.list.map((x) => x[4]).filter((x) => x !== null).sort((a, b) => a - b);
    all.push(...lat);
    const arrivals = analyseArrivals(r.list);
    out.receivers[slug] = {
      mode,
      received: r.list.length,
      unique: arrivals.ids.size,
      duplicates: arrivals.duplicates,
      outOfOrder: arrivals.outOfOrder,
      badSignature: r.badSignature,
      badBody: r.badBody,
      first: r.first,
      last: r.last,
      latency: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1) ?? null },
    };
    for (const k of ["duplicates", "outOfOrder", "badSignature", "badBody"]) out.total[k] += out.receivers[slug][k];
    out.total.received += r.list.length;
    out.total.unique += arrivals.ids.size;
  }
  all.sort((a, b) => a - b);
  out.total.latency = { count: all.length, p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: all.at(-1) ?? null };
  return out;
}

const control = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const url = new URL(req.url, "http://x");
    const send = (status, data) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    try {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      if (req.method === "GET" && url.pathname === "/stats") return send(200, stats());
      if (req.method === "GET" && url.pathname === "/records") {
        const receiver = receivers.get(url.searchParams.get("slug"));
        if (!receiver) return send(404, { error: "unknown receiver" });
        return send(200, receiver.records.list);
      }
      if (req.method === "POST" && url.pathname === "/secrets") {
        for (const [slug, secret] of Object.entries(body)) {
          const receiver = receivers.get(slug);
          if (receiver) receiver.verifier = new Webhook(secret);
        }
        return send(200, { ok: true });
      }
      if (req.method === "POST" && url.pathname === "/mode") {
        const receiver = receivers.get(body.slug);
        if (!receiver) return send(404, { error: "unknown receiver" });
        if (body.mode === "down") await receiver.down();
        else {
          await receiver.up();
          receiver.mode = body.mode;
          receiver.status = body.status ?? 200;
        }
        receiver.delayMs = body.delayMs ?? 0;
        return send(200, { ok: true });
      }
      if (req.method === "POST" && url.pathname === "/reset") {
        for (const receiver of receivers.values()) receiver.records = newRecords();
        return send(200, { ok: true });
      }
      send(404, { error: "unknown control route" });
    } catch (error) {
      send(500, { error: String(error) });
    }
  });
});

await Promise.all(Object.entries(config.receivers).map(([slug, port]) => startReceiver(slug, port)));
control.listen(config.control, "127.0.0.1", () => process.stdout.write("receivers ready\n"));
// Bounded life: never outlive the harness by more than its own limit.
setTimeout(() => process.exit(0), config.maxLifeMs ?? 3_600_000).unref();
process.on("disconnect", () => process.exit(0));
