// The newcomer experience, executed: every sample of docs/INTEGRATION.md (TypeScript and Python
// clients and receivers) runs against a real hub, and `npm run demo` runs to the end.
// Run: npm run test:newcomer (node --test). One build is shared by both (DEMO_DIST_DIR to reuse one).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { communs, ensureBuild, repoRoot, run, startHub, stopGroup } from "./lib/hub.mjs";

const HUB_PORT = Number(process.env.NEWCOMER_TEST_HUB_PORT || 3410);
const RECEIVER_PORT = Number(process.env.NEWCOMER_TEST_RECEIVER_PORT || 4410);
const DEMO_HUB_PORT = HUB_PORT + 10;
const DEMO_RECEIVER_PORT = RECEIVER_PORT + 10;
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A long-running sample (a receiver) whose stdout JSON lines are collected. */
function startSample(command, args, env) {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = [];
  let stderr = "";
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    const parts = buffer.split("\n");
    buffer = parts.pop();
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line));
  });
  child.stderr.on("data", (d) => (stderr += d));
  return {
    lines,
    stderr: () => stderr,
    async waitForLine(predicate, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = lines.find(predicate);
        if (found) return found;
        if (child.exitCode !== null) break;
        await sleep(50);
      }
      assert.fail(`${what} : non reçu (lignes : ${JSON.stringify(lines)}, stderr : ${stderr})`);
    },
    stop: () => stopGroup(child),
  };
}

async function waitForPort(url) {
  for (let i = 0; i < 200; i++) {
    const up = await fetch(url, { method: "GET" }).then(() => true, () => false);
    if (up) return;
    await sleep(50);
  }
  assert.fail(`${url} ne répond pas`);
}

function lastJsonLine(stdout) {
  return JSON.parse(stdout.trim().split("\n").pop());
}

describe("docs/samples against a running hub", () => {
  let hub;
  const keys = {};
  const secrets = {};
  const receivers = {};

  async function api(slug, method, urlPath, body) {
    const response = await fetch(`${hub.url}/api/v1${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${keys[slug]}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  before(async () => {
    await ensureBuild({ log: (m) => console.log(m) });
    hub = await startHub({ port: HUB_PORT });
    for (const slug of ["mec", "tet", "recoco"]) keys[slug] = (await communs(hub, ["key:create", "--service", slug])).apiKey;
    // TeT receives with the TypeScript receiver, Recoco with the Python one.
    const ts = { slug: "tet", port: RECEIVER_PORT, command: tsx, args: ["docs/samples/typescript/receiver.ts"] };
    const py = { slug: "recoco", port: RECEIVER_PORT + 1, command: "python3", args: ["docs/samples/python/receiver.py"] };
    for (const r of [ts, py]) {
      const url = `http://127.0.0.1:${r.port}/webhooks`;
      const { webhookSecret } = await communs(hub, ["service:update", "--slug", r.slug, "--webhook-url", url]);
      assert.match(webhookSecret, /^whsec_/);
      secrets[r.slug] = webhookSecret;
      receivers[r.slug] = startSample(r.command, r.args, { LES_COMMUNS_WEBHOOK_SECRET: webhookSecret, HOST: "127.0.0.1", PORT: String(r.port) });
      receivers[r.slug].url = url;
    }
    await Promise.all(Object.values(receivers).map((r) => waitForPort(r.url)));
  });

  after(async () => {
    await Promise.allSettled(Object.values(receivers).map((r) => r.stop()));
    await hub?.stop();
  });

  for (const [language, command, args] of [
    ["TypeScript", tsx, ["docs/samples/typescript/client.ts"]],
    ["Python", "python3", ["docs/samples/python/client.py"]],
  ]) {
    test(`the ${language} client creates, updates and resyncs a project, and both receivers verify its webhooks`, async () => {
      const externalId = `sample-${language.toLowerCase()}-${randomUUID()}`;
      const { stdout } = await run(command, args, {
        env: { ...process.env, LES_COMMUNS_URL: hub.url, LES_COMMUNS_API_KEY: keys.mec, EXTERNAL_ID: externalId },
        timeoutMs: 60_000,
      });
      const summary = lastJsonLine(stdout);
      assert.match(stdout, /libellé inconnu refusé \(422 unknown_status\)/);

      // What the sample claims is what another service reads from the hub.
      const read = await api("tet", "GET", `/projets/${summary.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.externalIds.mec, externalId);
      assert.equal(read.body.version, summary.version);
      assert.equal(read.body.statut.generique, "FAISABILITE");
      assert.equal(read.body.statut.service, "A discuter"); // TeT's label for FAISABILITE
      assert.equal(read.body.budgetPrevisionnel, summary.budgetPrevisionnel);
      assert.deepEqual(summary.statut, { generique: "FAISABILITE", service: "Etudes pré-opérationnelles en cours" });
      assert.ok(summary.resync >= 1);

      // Each receiver verified the signatures and got the creation then the update, in its own labels.
      for (const [slug, labels] of [
        ["tet", ["A venir", "A discuter"]],
        ["recoco", ["Non démarré, intention", "Etudes pré-opérationnelles en cours"]],
      ]) {
        const receiver = receivers[slug];
        const created = await receiver.waitForLine((l) => l.projet === summary.id && l.type === "projet.cree", `${slug} : création`);
        assert.deepEqual(created.statut, { generique: "IDEE", service: labels[0] });
        assert.equal(created.auteur, "mec");
        const updated = await receiver.waitForLine(
          (l) => l.projet === summary.id && l.type === "projet.modifie" && l.version === summary.version,
          `${slug} : modification`,
        );
        assert.deepEqual(updated.statut, { generique: "FAISABILITE", service: labels[1] });
        assert.ok(updated.changements.includes("statut") && updated.changements.includes("budgetPrevisionnel"), JSON.stringify(updated.changements));
        const forProject = receiver.lines.filter((l) => l.projet === summary.id);
        assert.deepEqual(forProject.map((l) => l.version), [created.version, summary.version], "one line per version, in order");
      }
    });
  }

  test("/integration renders the guide, and the API reference links to it", async () => {
    const page = await fetch(`${hub.url}/integration`);
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const text of ["Guide d&#x27;intégration d&#x27;un service connecté", "12. Vérifier les signatures", "hmac.compare_digest"]) {
      assert.ok(html.includes(text), `/integration devrait contenir ${text}`);
    }
    assert.match(html, /Voir le code complet : (<!-- -->)?docs\/samples\/python\/receiver\.py/);
    assert.equal((html.match(/class="fr-accordion__btn"/g) ?? []).length, 4, "un accordéon par exemple");
    const docs = await fetch(`${hub.url}/api/docs`).then((r) => r.text());
    assert.match(docs, /href="\/integration"/);
  });

  test("both receivers refuse a forged, altered or stale signature and ignore a duplicate", async () => {
    for (const slug of ["tet", "recoco"]) {
      const receiver = receivers[slug];
      const before = receiver.lines.length;
      const id = `msg_test_${randomUUID()}`;
      const body = JSON.stringify({
        id,
        type: "projet.modifie",
        createdAt: new Date().toISOString(),
        data: { projet: { id: randomUUID(), version: 1, nom: "Test", statut: { generique: "IDEE", service: null }, externalIds: {} }, auteur: "mec", changements: ["nom"] },
      });
      const post = (headers, payload = body) =>
        fetch(receiver.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload }).then((r) => r.status);
      const now = new Date();
      const good = new Webhook(secrets[slug]).sign(id, now, body);
      const headers = (signature, at = now) => ({
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      });
      const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).sign(id, now, body);
      assert.equal(await post(headers(other)), 401, `${slug} : signature d'un autre secret`);
      assert.equal(await post(headers(good), body.replace('"Test"', '"Tést"')), 401, `${slug} : corps modifié`);
      const old = new Date(now.getTime() - 10 * 60_000);
      assert.equal(await post(headers(new Webhook(secrets[slug]).sign(id, old, body), old)), 401, `${slug} : horodatage périmé`);
      assert.equal(await post({}), 401, `${slug} : sans en-têtes`);
      // A rotated secret: the header holds several signatures, one of them valid.
      assert.equal(await post(headers(`${other} ${good}`)), 200, `${slug} : signature valide`);
      await receiver.waitForLine((l) => l.webhookId === id, `${slug} : événement signé accepté`);
      assert.equal(await post(headers(good)), 200, `${slug} : doublon`);
      // Stdout keeps the receiver's order: once a later event is printed, a duplicate line would be there.
      const next = `msg_test_${randomUUID()}`;
      const nextBody = body.replaceAll(id, next).replace('"version":1', '"version":2');
      const nextHeaders = { ...headers(new Webhook(secrets[slug]).sign(next, now, nextBody)), "webhook-id": next };
      assert.equal(await post(nextHeaders, nextBody), 200, `${slug} : événement suivant`);
      await receiver.waitForLine((l) => l.webhookId === next, `${slug} : événement suivant accepté`);
      assert.deepEqual(
        receiver.lines.slice(before).map((l) => l.webhookId),
        [id, next],
        `${slug} : rien avant l'événement valide, et le doublon ignoré`,
      );
    }
  });
});

describe("npm run demo", () => {
  test("plays the design note's flow end to end and observes every step", async () => {
    const started = Date.now();
    const { stdout } = await run("npm", ["run", "-s", "demo"], {
      env: { ...process.env, DEMO_HUB_PORT: String(DEMO_HUB_PORT), DEMO_RECEIVER_PORT: String(DEMO_RECEIVER_PORT) },
      timeoutMs: 25 * 60_000,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    for (const step of ["Étape 1", "Étape 2", "Étape 3", "Étape 4", "Démo réussie"]) assert.match(stdout, new RegExp(step));
    assert.equal((stdout.match(/✔/g) ?? []).length >= 8, true, stdout);
    console.log(`npm run demo : ${seconds} s de bout en bout`);
  });
});

describe("docs/INTEGRATION.md", () => {
  test("embeds every sample exactly as executed above", () => {
    const guide = readFileSync(path.join(repoRoot, "docs", "INTEGRATION.md"), "utf8");
    for (const file of ["typescript/client.ts", "typescript/receiver.ts", "python/client.py", "python/receiver.py"]) {
      const source = readFileSync(path.join(repoRoot, "docs", "samples", file), "utf8");
      const marker = `<!-- exemple : docs/samples/${file} -->`;
      const at = guide.indexOf(marker);
      assert.ok(at >= 0, `le guide doit inclure ${file} (marqueur ${marker})`);
      const fence = guide.slice(at + marker.length).match(/^\s*```[a-z]*\n([\s\S]*?)\n```/);
      assert.ok(fence, `bloc de code après ${marker}`);
      assert.equal(`${fence[1]}\n`, source, `${file} : le guide n'est pas à jour (node scripts/demo/embed-samples.mjs)`);
    }
  });
});
