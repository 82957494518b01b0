// Test support: an HTTP receiver on loopback that records what it gets and answers as told.
// Ports come from the range reserved for the delivery engine's tests (3200–3249).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export type ReceivedRequest = { path: string; headers: IncomingHttpHeaders; body: string; receivedAt: number };
export type Reply = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };
export type Responder = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

export type LoopbackReceiver = {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  respond: (responder: Responder) => void;
  close: () => Promise<void>;
};

async function listenInRange(server: Server, from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(true);
      });
    });
    if (ok) return port;
  }
  throw new Error(`no free port between ${from} and ${to}`);
}

export async function startLoopbackReceiver(responder: Responder = () => ({ status: 200 }), range: [number, number] = [3200, 3249]) {
  let current = responder;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const received = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now() };
      const index = requests.push(received) - 1;
      const reply = await current(received, index);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? "");
    });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listenInRange(server, range[0], range[1]);
  const receiver: LoopbackReceiver = {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    requests,
    respond: (r) => {
      current = r;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
