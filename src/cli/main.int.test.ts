// The command line as a user runs it: a separate process, its stdout's last line, its exit code.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { env } from "@/env";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { installPeerAddressHeader } from "@/server/http/client-address";
import { CLI_BODY_LIMIT_BYTES, handleCliRequest } from "@/server/cli-endpoint";
import { publishServerBridge, withdrawServerBridge } from "./server-bridge";

const root = process.cwd();
const tsx = path.join(root, "node_modules", ".bin", "tsx");

type Run = { code: number; stdout: string; stderr: string; json: Record<string, unknown> | null };

function communs(args: string[], extraEnv: Record<string, string | undefined>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve) => {
    execFile(tsx, ["src/cli/main.ts", ...args], { cwd: root, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const lastLine = stdout.trim().split("\n").pop() ?? "";
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(lastLine);
      } catch {
        json = null;
      }
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
    });
  });
}

describe("npm run communs (embedded database, no server running)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "lc-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = (args: string[]) => communs(args, { DATA_DIR: dataDir, DATABASE_URL: undefined });

  it("db:migrate applies the migrations once", async () => {
    const first = await run(["db:migrate"]);
    expect(first.code).toBe(0);
    expect(first.json).toEqual({ applied: expect.any(Number) });
    const second = await run(["db:migrate"]);
    expect(second.json).toEqual({ applied: 0 });
  });

  it("service:create prints one JSON object as its last stdout line", async () => {
    const result = await run(["service:create", "--slug", "demo", "--nom", "Démo"]);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ service: { slug: "demo", nom: "Démo" }, apiKey: expect.stringMatching(/^lc_test_/) });
  });

  it("mapping:set refuses a look-alike label, naming the existing one, with a non-zero exit", async () => {
    const lookalike = await run(["mapping:set", "--service", "tet", "--label", "réalisé", "--generique", "TERMINE"]);
    expect(lookalike.code).not.toBe(0);
    expect(lookalike.stderr).toMatch(/Erreur : .*« Réalisé »/);
    expect(lookalike.stdout).toBe("");
  });

  it("fails with a clear message on stderr and a non-zero exit", async () => {
    const duplicate = await run(["service:create", "--slug", "demo", "--nom", "Démo"]);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/Erreur : Un service connecté a déjà le slug « demo »/);
    expect(duplicate.stdout).toBe("");
    const unknown = await run(["service:delete"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Commande inconnue/);
    const missing = await run([]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/Usage/);
    const badFlag = await run(["key:create", "--service"]);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toMatch(/--service/);
  });
});

describe("npm run communs while the server owns the embedded database", () => {
  let t: TestDatabase;
  let server: Server;
  let bridge: ReturnType<typeof publishServerBridge>;

  beforeAll(async () => {
    t = await createTestDatabase();
    useDatabase(t);
    // A loopback HTTP server in this process stands for the Next.js server: same handler, same bridge
    // file, and the same peer-address stamp as the hub's boot installs.
    installPeerAddressHeader();
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const response = await handleCliRequest(
        new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as HeadersInit, body: Buffer.concat(chunks) }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    bridge = publishServerBridge(env.DATA_DIR, (server.address() as { port: number }).port);
  });
  afterAll(async () => {
    withdrawServerBridge(env.DATA_DIR, bridge);
    await new Promise((resolve) => server.close(resolve));
    await t.destroy();
  });

  const run = (args: string[]) => communs(args, { DATA_DIR: env.DATA_DIR, DATABASE_URL: undefined });

  it("routes the command through the server, which writes to its database", async () => {
    const result = await run(["service:create", "--slug", "par-le-serveur", "--nom", "Par le serveur"]);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ service: { slug: "par-le-serveur" } });
    const rows = await t.db.query.services.findMany();
    expect(rows.map((s) => s.slug)).toContain("par-le-serveur");
  });

  it("carries the server's errors back to stderr", async () => {
    const result = await run(["mapping:set", "--service", "tet", "--label", "X", "--generique", "PERDU"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Statut générique inconnu/);
  });

  it("refuses a caller without the bridge token", async () => {
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/internal/cli`, {
      method: "POST",
      headers: { authorization: "Bearer mauvais-jeton" },
      body: JSON.stringify({ command: "operator:add", flags: { email: "x@y.fr", role: "admin" } }),
    });
    expect(response.status).toBe(401);
    expect(await t.db.query.operators.findMany()).toHaveLength(0);
  });

  const endpoint = () => `http://127.0.0.1:${bridge.port}/api/internal/cli`;
  const withToken = () => ({ authorization: `Bearer ${bridge.token}`, "content-type": "application/json" });

  it("refuses, even with the token, a caller relayed from another machine (issue #14, finding 7)", async () => {
    const response = await fetch(endpoint(), {
      method: "POST",
      headers: { ...withToken(), "x-forwarded-for": "203.0.113.7" },
      body: JSON.stringify({ command: "operator:add", flags: { email: "x@y.fr", role: "admin" } }),
    });
    expect(response.status).toBe(403);
    // A caller that did not come through the HTTP server (no peer address) is refused as well.
    const direct = await handleCliRequest(
      new Request("http://127.0.0.1/api/internal/cli", { method: "POST", headers: withToken(), body: JSON.stringify({ command: "operator:add", flags: {} }) }),
    );
    expect(direct.status).toBe(403);
    expect(await t.db.query.operators.findMany()).toHaveLength(0);
  });

  it("answers 400 to invalid JSON and 413 above 64 KiB, with the token", async () => {
    const bad = await fetch(endpoint(), { method: "POST", headers: withToken(), body: "{pas du json" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("validation_failed");
    const huge = await fetch(endpoint(), {
      method: "POST",
      headers: withToken(),
      body: JSON.stringify({ command: "service:create", flags: { slug: "gros", nom: "x".repeat(CLI_BODY_LIMIT_BYTES) } }),
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get("cache-control")).toBe("no-store");
    const notAnObject = await fetch(endpoint(), { method: "POST", headers: withToken(), body: "null" });
    expect(notAnObject.status).toBe(400);
  });
});

describe.skipIf(skipWithoutPostgres("npm run communs on PostgreSQL (DATABASE_URL)"))("npm run communs on PostgreSQL (DATABASE_URL)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.destroy());

  it("db:migrate reports nothing new on a migrated database, and commands write to it", async () => {
    const migrate = await communs(["db:migrate"], { DATABASE_URL: t.url! });
    expect(migrate).toMatchObject({ code: 0, json: { applied: 0 } });
    const op = await communs(["operator:add", "--email", "chef@anct.gouv.fr", "--role", "admin"], { DATABASE_URL: t.url! });
    expect(op.json).toMatchObject({ operator: { email: "chef@anct.gouv.fr", role: "admin" } });
  });

  it("fails cleanly when the database cannot be reached", async () => {
    const result = await communs(["operator:add", "--email", "a@b.fr", "--role", "admin"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere",
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^Erreur : /);
  });
});
