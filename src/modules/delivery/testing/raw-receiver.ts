// Test support: a raw TCP receiver on loopback (node:net) that answers each complete HTTP request
// with bytes written by the test, so that a response can be cut or slowed below the HTTP layer.
// Ports 3650–3699.
import { createServer, type Server, type Socket } from "node:net";
import type { VettedTarget } from "@/modules/webhooks/check-webhook-url";

export type RawReceiver = {
  url: string;
  target: VettedTarget;
  /** Complete requests received. */
  readonly requests: number;
  /** Requests received on each connection, in connection order. */
  requestsPerConnection: number[];
  closedByClient: number;
  close: () => Promise<void>;
};

/** Answers each complete request (headers and content-length body) with `answer(socket, index)`. */
export async function startRawReceiver(answer: (socket: Socket, index: number) => void): Promise<RawReceiver> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const state = { requestsPerConnection: [] as number[], closedByClient: 0 };
  const server: Server = createServer((socket) => {
    const connection = state.requestsPerConnection.push(0) - 1;
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    let ended = false;
    socket.on("end", () => {
      ended = true;
    });
    socket.on("close", () => {
      sockets.delete(socket);
      // The client closed its side first (or reset the connection) while we were still writing.
      if (ended || socket.errored) state.closedByClient++;
    });
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(buffer.subarray(0, headEnd).toString())?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        buffer = buffer.subarray(headEnd + 4 + length);
        state.requestsPerConnection[connection]!++;
        answer(socket, requests++);
      }
    });
  });
  // Ports reserved for this engineer's tests.
  let port = 3650;
  for (; port <= 3699; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) break;
  }
  if (port > 3699) throw new Error("no free port between 3650 and 3699");
  const receiver: RawReceiver = {
    url: `http://127.0.0.1:${port}/webhooks`,
    get requests() {
      return requests;
    },
    target: { url: new URL(`http://127.0.0.1:${port}/webhooks`), addresses: [{ address: "127.0.0.1", family: 4 }] },
    requestsPerConnection: state.requestsPerConnection,
    get closedByClient() {
      return state.closedByClient;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

