// postWebhook against raw loopback servers (node:net), so that a response can be cut or slowed
// below the HTTP layer: the status line decides the attempt, the body only feeds the excerpt.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDeliveryPools, EXCERPT_BYTES, postWebhook } from "./post-webhook";
import { startRawReceiver, type RawReceiver } from "./testing/raw-receiver";

const servers: RawReceiver[] = [];

async function raw(answer: Parameters<typeof startRawReceiver>[0]) {
  const server = await startRawReceiver(answer);
  servers.push(server);
  return server;
}

const send = (server: RawReceiver, timeoutMs = 2_000) => postWebhook(server.target, { "webhook-id": "msg_test" }, '{"ok":true}', timeoutMs);

const waitUntil = async (done: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

afterEach(async () => {
  await closeDeliveryPools();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(closeDeliveryPools);

describe("postWebhook", () => {
  it("a 200 whose body is cut short (content-length 100, 2 bytes, close) is a success with what arrived", async () => {
    const server = await raw((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nok");
      socket.destroy();
    });
    const outcome = await send(server);
    expect(outcome).toMatchObject({ statusCode: 200, errorClass: null, errorMessage: null, excerpt: "ok" });
  });

  it("a 200 whose body trickles slower than the timeout is a success; its socket is closed, not reused", async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await raw((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n");
      const timer = setInterval(() => socket.writable && socket.write("."), 100);
      timers.push(timer);
      socket.on("close", () => clearInterval(timer));
    });
    try {
      const outcome = await send(server, 300);
      expect(outcome).toMatchObject({ statusCode: 200, errorClass: null });
      expect(outcome.excerpt ?? "").toMatch(/^\.*$/);
      await waitUntil(() => server.closedByClient === 1, "the hub to close the unfinished response's socket");
      // The next attempt goes over another connection.
      await send(server, 300);
      expect(server.requestsPerConnection.filter((n) => n > 0)).toEqual([1, 1]);
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it("a non-2xx stays a failed attempt when its body is cut", async () => {
    const server = await raw((socket) => {
      socket.write("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 50\r\n\r\nerr");
      socket.destroy();
    });
    expect(await send(server)).toMatchObject({ statusCode: 500, errorClass: "http", excerpt: "err" });
  });

  it("keeps 2 KiB of a longer body and closes that connection; a body read to its end leaves the connection reusable", async () => {
    const long = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${4 * EXCERPT_BYTES}\r\n\r\n${"a".repeat(3 * EXCERPT_BYTES)}`);
      // The last quarter never comes: only closing the socket ends this response.
    });
    const first = await send(long);
    expect(first).toMatchObject({ statusCode: 200, errorClass: null });
    expect(Buffer.byteLength(first.excerpt!)).toBe(EXCERPT_BYTES);
    await waitUntil(() => long.closedByClient === 1, "the hub to close the unfinished response's socket");
    expect(await send(long)).toMatchObject({ statusCode: 200 });
    expect(long.requestsPerConnection.filter((n) => n > 0)).toEqual([1, 1]);

    const short = await raw((socket) => socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
    await send(short);
    // The pool hands its connection back a moment after the body ends.
    await new Promise((r) => setTimeout(r, 50));
    await send(short);
    expect(short.requestsPerConnection).toEqual([2]);
  });

  it("no status line before the timeout is a timeout", async () => {
    const server = await raw(() => {});
    expect(await send(server, 200)).toMatchObject({ statusCode: null, errorClass: "timeout", excerpt: null });
  });
});
