// The stand-in must be as strict as ProConnect, or the console's login could pass here and fail there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createStandin, standinDefaults } from "./create-standin";

const port = 4331;
const issuer = `http://localhost:${port}/api/v2`;
let server: Server;

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwks = { keys: [{ ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" }] };
  server = createStandin({ port, appUrl: "http://localhost:3999", jwks }).server;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const long = "x".repeat(40);
const authorize = (extra: Record<string, string>) =>
  fetch(`http://localhost:${port}/api/v2/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: standinDefaults.clientId,
    redirect_uri: "http://localhost:3999/api/auth/callback/proconnect",
    scope: "openid email",
    state: long,
    nonce: long,
    ...extra,
  })}`, { redirect: "manual" });

describe("createStandin (local ProConnect stand-in)", () => {
  it("publishes ProConnect's paths under /api/v2 with signed userinfo and client_secret_post only", async () => {
    const doc = (await (await fetch(`http://localhost:${port}/api/v2/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(issuer);
    expect(doc.authorization_endpoint).toBe(`${issuer}/authorize`);
    expect(doc.token_endpoint).toBe(`${issuer}/token`);
    expect(doc.userinfo_endpoint).toBe(`${issuer}/userinfo`);
    expect(doc.end_session_endpoint).toBe(`${issuer}/session/end`);
    expect(doc.jwks_uri).toBe(`${issuer}/jwks`);
    expect(doc.token_endpoint_auth_methods_supported).toEqual(["client_secret_post"]);
    expect(doc.userinfo_signing_alg_values_supported).toEqual(["RS256"]);
  });

  it("sends a valid authorize request to its login form", async () => {
    const response = await authorize({});
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/api\/v2\/interaction\//);
  });

  it("refuses unknown parameters and a short state or nonce (Y000400)", async () => {
    expect((await authorize({ foo: "bar" })).status).toBe(400);
    expect((await authorize({ state: "court" })).status).toBe(400);
    expect((await authorize({ nonce: "court" })).status).toBe(400);
  });

  it("refuses HTTP Basic client authentication at the token endpoint", async () => {
    const response = await fetch(`http://localhost:${port}/api/v2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${standinDefaults.clientId}:${standinDefaults.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=authorization_code&code=abc",
    });
    expect(response.status).toBe(401);
  });
});
