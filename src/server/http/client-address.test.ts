// Who the client is (issue #14, findings 4 and 7): the TCP peer, X-Forwarded-For only from a trusted
// proxy, and a peer header that a client cannot forge.
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER, clientAddress, installPeerAddressHeader, isLoopbackRequest } from "./client-address";

const request = (peer: string | null, forwarded?: string) =>
  new Request("http://hub.local/api/v1/projets", {
    headers: { ...(peer === null ? {} : { [PEER_ADDRESS_HEADER]: peer }), ...(forwarded ? { "x-forwarded-for": forwarded } : {}) },
  });

describe("clientAddress", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request("203.0.113.7", "198.51.100.1"), [])).toBe("203.0.113.7");
    expect(clientAddress(request("::ffff:203.0.113.7"), [])).toBe("203.0.113.7");
    expect(clientAddress(request(null, "198.51.100.1"), [])).toBeNull();
  });

  it("behind a trusted proxy, is the rightmost forwarded address that is not a trusted proxy", () => {
    const trusted = ["10.0.0.0/8", "192.0.2.10"];
    expect(clientAddress(request("10.1.2.3", "198.51.100.1"), trusted)).toBe("198.51.100.1");
    // The client's own claim (leftmost) is ignored: the proxy appended the real peer.
    expect(clientAddress(request("10.1.2.3", "1.2.3.4, 198.51.100.1"), trusted)).toBe("198.51.100.1");
    expect(clientAddress(request("10.1.2.3", "198.51.100.1, 192.0.2.10"), trusted)).toBe("198.51.100.1");
    // A peer that is not a trusted proxy is the client, even if it sends X-Forwarded-For.
    expect(clientAddress(request("203.0.113.9", "198.51.100.1"), trusted)).toBe("203.0.113.9");
    expect(clientAddress(request("10.1.2.3", "pas-une-adresse"), trusted)).toBe("10.1.2.3");
  });
});

describe("isLoopbackRequest", () => {
  it("admits loopback peers not relaying anyone", () => {
    expect(isLoopbackRequest(request("127.0.0.1", "127.0.0.1"))).toBe(true);
    expect(isLoopbackRequest(request("::1"))).toBe(true);
    expect(isLoopbackRequest(request("::ffff:127.0.0.1"))).toBe(true);
  });

  it("refuses other peers, unknown peers and a local proxy relaying a remote client", () => {
    expect(isLoopbackRequest(request("192.168.1.20"))).toBe(false);
    expect(isLoopbackRequest(request(null, "127.0.0.1"))).toBe(false);
    expect(isLoopbackRequest(request("127.0.0.1", "203.0.113.7"))).toBe(false);
  });
});

describe("installPeerAddressHeader", () => {
  it("stamps the socket's address on each request, replacing a client's own value", async () => {
    installPeerAddressHeader();
    const server = createServer((req, res) => res.end(String(req.headers[PEER_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const answer = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_ADDRESS_HEADER]: "203.0.113.7" } });
      expect(await answer.text()).toBe("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
