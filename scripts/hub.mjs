#!/usr/bin/env node
// `npm run hub`: runs the whole hub on a fresh machine with no configuration — production build,
// embedded PGlite database in .data/, embedded delivery worker, and the local ProConnect stand-in
// with its fixture agents (the admin agent is registered as an operator so that login works), and
// MailDev, a local mail catcher with a web page, to which the hub sends its alert mails (issue #11).
// Local secrets are generated once into .env.local, which the server and `npm run communs` read.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import net from "node:net";
import { newestSourceTime } from "./lib/newest-source-time.mjs";
import { parseDotenv, updateLocalSettings } from "./lib/local-settings.mjs";
import { WEB_NODE_ARGS } from "./lib/web-node-args.mjs";

const root = path.resolve(import.meta.dirname, "..");
const envFile = path.join(root, ".env.local");
const say = (line) => process.stdout.write(`${line}\n`);
const fail = (line) => {
  process.stderr.write(`\nErreur : ${line}\n`);
  process.exit(1);
};

function readDotenv(file) {
  return existsSync(file) ? parseDotenv(readFileSync(file, "utf8")) : {};
}

// Settings given on the command line win over .env.local, as in Next.js.
const given = process.env;
const port = Number(given.PORT ?? 3000);
const standinPort = Number(given.PROCONNECT_STANDIN_PORT ?? 4000);
const appUrl = given.NEXTAUTH_URL ?? `http://localhost:${port}`;
// Loopback only unless told otherwise (HOST=0.0.0.0 to serve other machines): the local secrets and
// the stand-in's test agents are for this machine (issue #14, finding 7).
const host = given.HOST ?? "127.0.0.1";
// MailDev's ports (SMTP and web page), on loopback: its page shows every mail the hub sends.
const mailSmtpPort = Number(given.MAILDEV_SMTP_PORT ?? 1025);
const mailWebPort = Number(given.MAILDEV_WEB_PORT ?? 1080);

function ensureLocalSettings() {
  const { text, changed } = updateLocalSettings(readFileSafe(envFile), { standinPort, appUrl, given });
  if (changed.length === 0) return;
  writeFileSync(envFile, text, { mode: 0o600 });
  say(`Réglages locaux écrits dans .env.local (${changed.join(", ")}).`);
}

function readFileSafe(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

function ensureBuild() {
  const distDir = given.NEXT_DIST_DIR || ".next";
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceTime(root)) return;
  say("Construction du hub (next build), une trentaine de secondes…");
  const result = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) fail("la construction a échoué (voir ci-dessus).");
}

function portIsFree(p) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(p, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function waitFor(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const children = [];
function start(name, command, args, env) {
  // Own process group: `npm run` starts grandchildren (tsx, node) that a signal to npm alone would orphan.
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"], detached: true });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      process.stderr.write(`\n${name} s'est arrêté (${signal ?? code}) ; arrêt du hub.\n`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode !== null) continue;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
  }
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function main() {
  ensureLocalSettings();
  const local = readDotenv(envFile);
  // A configured SMTP server wins: the catcher is only for a hub with none.
  const usesMaildev = !(given.SMTP_HOST ?? local.SMTP_HOST);
  for (const [p, what] of [
    [port, "le hub (PORT)"],
    [standinPort, "le simulateur ProConnect (PROCONNECT_STANDIN_PORT)"],
    ...(usesMaildev
      ? [
          [mailSmtpPort, "le serveur SMTP de MailDev (MAILDEV_SMTP_PORT)"],
          [mailWebPort, "la page de MailDev (MAILDEV_WEB_PORT)"],
        ]
      : []),
  ]) {
    if (!(await portIsFree(p))) fail(`le port ${p} est déjà utilisé ; choisissez-en un autre pour ${what}.`);
  }
  ensureBuild();

  const issuer = given.PROCONNECT_ISSUER ?? local.PROCONNECT_ISSUER;
  const usesStandin = issuer === `http://localhost:${standinPort}/api/v2`;
  if (usesStandin) {
    const clientId = given.PROCONNECT_CLIENT_ID ?? local.PROCONNECT_CLIENT_ID;
    const clientSecret = given.PROCONNECT_CLIENT_SECRET ?? local.PROCONNECT_CLIENT_SECRET;
    const standin = start(
      "Le simulateur ProConnect",
      "npm",
      ["run", "-s", "proconnect:standin", "--", "--port", String(standinPort), "--app-url", appUrl, "--client-id", clientId],
      // The secret by environment only: arguments are visible to every user in `ps`.
      { PROCONNECT_CLIENT_SECRET: clientSecret },
    );
    if (!(await waitFor(`${issuer}/.well-known/openid-configuration`, 30_000, standin))) fail("le simulateur ProConnect ne démarre pas.");
  }

  const mailUrl = `http://localhost:${mailWebPort}`;
  if (usesMaildev) {
    const maildev = start("MailDev", process.execPath, [
      path.join(root, "node_modules", "maildev", "bin", "maildev"),
      "--smtp", String(mailSmtpPort), "--web", String(mailWebPort), "--ip", "127.0.0.1", "--silent",
    ]);
    if (!(await waitFor(`http://127.0.0.1:${mailWebPort}/email`, 60_000, maildev))) fail("MailDev ne démarre pas.");
  }

  const hub = start(
    "Le hub",
    process.execPath,
    // The production heap limit of `npm start` (issue #17, docs/EXPLOITATION.md "Mémoire").
    [...WEB_NODE_ARGS, path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-H", host, "-p", String(port)],
    // The hub's own handler stops the delivery worker cleanly on SIGTERM (see src/server/boot.ts).
    // Alert mails go to MailDev; by environment, not .env.local, so that its port can change.
    {
      PORT: String(port),
      NEXT_MANUAL_SIG_HANDLE: "true",
      ...(usesMaildev ? { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(mailSmtpPort), SMTP_SECURE: "false" } : {}),
    },
  );
  if (!(await waitFor(`http://127.0.0.1:${port}/api/health`, 60_000, hub))) fail("le hub ne répond pas sur /api/health.");

  if (usesStandin) {
    // The stand-in's fixture admin agent becomes an operator, so that the console is usable at once.
    const add = spawnSync("npm", ["run", "-s", "communs", "--", "operator:add", "--email", "admin@anct.gouv.fr", "--role", "admin"], {
      cwd: root,
      env: process.env,
      encoding: "utf8",
    });
    if (add.status !== 0) process.stderr.write(`Impossible d'enregistrer l'opérateur de démonstration : ${add.stderr}\n`);
    spawnSync("npm", ["run", "-s", "communs", "--", "operator:add", "--email", "lecteur@anct.gouv.fr", "--role", "lecteur"], {
      cwd: root,
      env: process.env,
    });
  }

  say(`
Le hub Les Communs fonctionne.
  Accueil et console : ${appUrl}  (console : ${appUrl}/admin)
  API REST           : ${appUrl}/api/v1  — référence : ${appUrl}/api/docs
  Santé              : ${appUrl}/api/health
  Base de données    : PGlite embarquée dans ${given.DATA_DIR ?? ".data"}/ (DATABASE_URL pour PostgreSQL)
  Livraison          : worker embarqué (webhooks signés)
  Courriels d'alerte : ${usesMaildev ? `MailDev, ${mailUrl} (SMTP 127.0.0.1:${mailSmtpPort})` : `serveur SMTP ${given.SMTP_HOST ?? local.SMTP_HOST}`}${
    usesStandin
      ? `
  Connexion          : simulateur ProConnect local (${issuer}) — sans mot de passe : saisissez
                       admin@anct.gouv.fr (administrateur) ou lecteur@anct.gouv.fr (lecteur) sur sa page.`
      : ""
  }

Dans un autre terminal, par exemple :
  npm run communs -- service:create --slug demo --nom Démo

Ctrl+C arrête le hub.
`);
}

main().catch((error) => {
  process.stderr.write(`Erreur : ${error?.message ?? error}\n`);
  stop(1);
});
