#!/usr/bin/env node
// `npm run demo`: the design note's flow, live. Starts the hub (embedded database and delivery
// worker) and three simulated connected services (MEC, TeT, Recoco) that verify every webhook
// signature, then plays the flow through /api/v1 and observes every step. Exits non-zero as soon as
// a step is not observed within its time limit; stops everything it started in every case.
//
// Options: --reconstruire (rebuild the hub even if a build exists), --garder (leave the hub running
// at the end, until Ctrl+C). Settings: DEMO_HUB_PORT (3400), DEMO_RECEIVER_PORT (4400, then +1, +2),
// DEMO_STEP_TIMEOUT_MS (20000).
import { communs, ensureBuild, startHub } from "./lib/hub.mjs";
import { startProconnectStandin } from "./lib/proconnect.mjs";
import { startSimulatedService } from "./lib/simulated-service.mjs";

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!["--reconstruire", "--garder"].includes(a)) {
    console.error(`Option inconnue : ${a}\nUsage : npm run demo [-- --reconstruire] [-- --garder]`);
    process.exit(2);
  }
}
const HUB_PORT = Number(process.env.DEMO_HUB_PORT || 3400);
const RECEIVER_PORT = Number(process.env.DEMO_RECEIVER_PORT || 4400);
const STEP_TIMEOUT_MS = Number(process.env.DEMO_STEP_TIMEOUT_MS || 20_000);

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (text = "") => console.log(text);
const ok = (text) => console.log(`   ✔ ${text}`);
const sees = (who, text) => console.log(`   ${who.padEnd(7)}│ ${text}`);

class StepFailure extends Error {}
function expect(condition, message) {
  if (!condition) throw new StepFailure(message);
}

const started = { hub: null, services: [], standin: null };
let cleaning = null;
async function cleanup({ keepHub = false } = {}) {
  cleaning ??= (async () => {
    await Promise.allSettled(started.services.map((s) => s.close()));
    if (started.hub && !keepHub) await started.hub.stop();
    if (started.standin && !keepHub) await started.standin.stop();
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    say("\nInterruption : arrêt du hub et des services simulés…");
    void cleanup().then(() => process.exit(130));
  });
}

/** Calls the hub as a connected service. */
async function api(service, method, path, body) {
  const response = await fetch(`${started.hub.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${service.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, body: json, text };
}

async function call(service, method, path, body, expectedStatus) {
  const r = await api(service, method, path, body);
  const allowed = Array.isArray(expectedStatus) ? expectedStatus : [expectedStatus];
  expect(
    allowed.includes(r.status),
    `${service.nom} : ${method} /api/v1${path} a répondu ${r.status} (attendu ${allowed.join(" ou ")}) : ${r.text.slice(0, 500)}`,
  );
  return r.body;
}

const describeStatut = (projet) => `« ${projet.statut.service} » (générique ${projet.statut.generique})`;

async function main() {
  say("Démo Les Communs : trois services numériques partagent un projet de collectivité");
  say("=".repeat(80));

  // --- Preparation -------------------------------------------------------------------------
  say("\nPréparation");
  const built = await ensureBuild({ force: args.has("--reconstruire"), log: (m) => say(`   ${m}`) });
  ok(built ? `hub construit (${elapsed()})` : "build existant réutilisé (npm run demo -- --reconstruire pour reconstruire)");
  let extraEnv = {};
  if (args.has("--garder")) {
    // The hub stays up at the end: the ProConnect stand-in lets an operator sign in to the console.
    started.standin = await startProconnectStandin({ port: RECEIVER_PORT + 3, appUrl: `http://127.0.0.1:${HUB_PORT}` });
    extraEnv = started.standin.hubEnv;
    ok(`simulateur ProConnect démarré (${started.standin.issuer})`);
  }
  started.hub = await startHub({ port: HUB_PORT, extraEnv });
  if (started.standin) {
    await communs(started.hub, ["operator:add", "--email", "admin@anct.gouv.fr", "--role", "admin"]);
    // A connected service's agent (issue #12): TeT's referent manages their integration in their space.
    await communs(started.hub, ["agent:add", "--service", "tet", "--email", "referente@tet.exemple.fr", "--niveau", "gestion"]);
  }
  ok(`hub démarré en ${elapsed()} sur ${started.hub.url} (base embarquée PGlite dans ${started.hub.dataDir}, worker de livraison intégré)`);

  const definitions = [
    { slug: "mec", nom: "MEC", port: RECEIVER_PORT },
    { slug: "tet", nom: "TeT", port: RECEIVER_PORT + 1 },
    { slug: "recoco", nom: "Recoco", port: RECEIVER_PORT + 2 },
  ];
  const services = {};
  for (const d of definitions) {
    const service = await startSimulatedService({ ...d });
    started.services.push(service);
    services[d.slug] = service;
  }
  // Each command line call starts a process: all six run at once (the server serialises the writes).
  await Promise.all(
    Object.values(services).flatMap((s) => [
      communs(started.hub, ["key:create", "--service", s.slug]).then((key) => {
        expect(typeof key.apiKey === "string" && key.apiKey.startsWith(key.prefix), `${s.nom} : key:create n'a pas rendu de clé`);
        s.apiKey = key.apiKey;
      }),
      communs(started.hub, ["service:update", "--slug", s.slug, "--webhook-url", s.url]).then((update) => {
        expect(typeof update.webhookSecret === "string" && update.webhookSecret.startsWith("whsec_"), `${s.nom} : service:update n'a pas rendu de webhookSecret`);
        s.setSecret(update.webhookSecret);
      }),
    ]),
  );
  for (const s of Object.values(services)) {
    ok(`${s.nom} : clé ${s.apiKey.slice(0, 16)}… (npm run communs -- key:create --service ${s.slug}), webhooks reçus sur ${s.url}`);
  }
  ok(`services connectés prêts (${elapsed()})`);
  const { mec, tet, recoco } = services;
  const forProject = (id) => (r) => r.event.data?.projet?.id === id;

  // --- Step 1 ------------------------------------------------------------------------------
  say("\nÉtape 1 — MEC crée un projet « Non démarré, intention »");
  const input = {
    externalId: "MEC-2026-0042",
    nom: "Rénovation énergétique de l'école Jules Ferry",
    description: "Isolation du bâti et remplacement de la chaudière fioul par une pompe à chaleur.",
    statut: "Non démarré, intention",
    collectivites: [
      { type: "Commune", code: "26058" },
      { type: "EPCI", code: "200068781" },
    ],
    budgetPrevisionnel: 480000,
  };
  const created = await call(mec, "POST", "/projets", input, 201);
  expect(created.created === true && typeof created.id === "string", `MEC : réponse de création inattendue : ${JSON.stringify(created)}`);
  const id = created.id;
  sees("MEC", `POST /api/v1/projets (externalId ${input.externalId}) → 201, projet ${id} version ${created.version}`);
  const again = await call(mec, "POST", "/projets", input, 200);
  expect(again.id === id && again.created === false && again.version === created.version, `MEC : le renvoi identique devait rendre le même projet sans nouvelle version : ${JSON.stringify(again)}`);
  sees("MEC", `renvoie la même requête (réseau incertain) → 200, même projet, toujours version ${again.version} : l'externalId rend la création idempotente`);
  const v1 = await call(mec, "GET", `/projets/${id}`, null, 200);
  expect(v1.statut.generique === "IDEE" && v1.statut.service === "Non démarré, intention", `MEC : statut inattendu ${JSON.stringify(v1.statut)}`);
  sees("Hub", `traduit le libellé de MEC en statut générique ${v1.statut.generique}`);
  const [tetCree, recocoCree] = await Promise.all([
    tet.waitFor((r) => forProject(id)(r) && r.event.type === "projet.cree", { timeoutMs: STEP_TIMEOUT_MS, what: "la création du projet" }),
    recoco.waitFor((r) => forProject(id)(r) && r.event.type === "projet.cree", { timeoutMs: STEP_TIMEOUT_MS, what: "la création du projet" }),
  ]);
  for (const [s, r, label] of [
    [tet, tetCree, "A venir"],
    [recoco, recocoCree, "Non démarré, intention"],
  ]) {
    const p = r.event.data.projet;
    expect(r.event.data.auteur === "mec", `${s.nom} : auteur ${r.event.data.auteur}, attendu mec`);
    expect(p.statut.generique === "IDEE" && p.statut.service === label, `${s.nom} : statut reçu ${JSON.stringify(p.statut)}, attendu « ${label} » (IDEE)`);
    sees(s.nom, `reçoit ${r.event.type} (webhook ${r.webhookId}, signature vérifiée) : « ${p.nom} », statut ${describeStatut(p)}`);
  }
  ok("TeT et Recoco ont reçu le projet, chacun avec son propre libellé ; MEC, l'auteur, ne reçoit rien (vérifié à l'étape 3)");

  // --- Step 2 ------------------------------------------------------------------------------
  say("\nÉtape 2 — MEC passe le projet en « Etudes pré-opérationnelles non initiées »");
  const moved = await call(mec, "PATCH", `/projets/${id}`, { statut: "Etudes pré-opérationnelles non initiées" }, 200);
  expect(moved.version === created.version, `MEC : ce libellé correspond toujours à IDEE, la version devait rester ${created.version} (reçu ${moved.version})`);
  const v2 = await call(mec, "GET", `/projets/${id}`, null, 200);
  expect(
    v2.statut.generique === "IDEE" && v2.statut.service === "Etudes pré-opérationnelles non initiées",
    `MEC : statut inattendu ${JSON.stringify(v2.statut)}`,
  );
  sees("MEC", `PATCH /api/v1/projets/${id} → 200, son statut est ${describeStatut(v2)}`);
  sees("Hub", `même statut générique IDEE : libellé de MEC mémorisé, pas de nouvelle version (v${v2.version}), aucun webhook`);
  const quietVersion = v2.version;
  ok("rien n'est propagé (vérifié aux étapes 3 et 4 : aucune livraison n'arrive entre la création et le changement suivant)");

  // --- Step 3 ------------------------------------------------------------------------------
  say("\nÉtape 3 — TeT relie le projet à sa fiche action et le passe « En cours »");
  const tetId = "tet-fiche-action-1234";
  await call(tet, "PUT", `/projets/${id}/external-id`, { externalId: tetId }, 200);
  sees("TeT", `PUT /api/v1/projets/${id}/external-id { externalId: "${tetId}" } → 200 : le projet est aussi le sien`);
  const enCours = await call(tet, "PATCH", `/projets/${id}`, { statut: "En cours" }, 200);
  sees("TeT", `PATCH /api/v1/projets/${id} { statut: "En cours" } → 200, version ${enCours.version}`);
  const v3 = await call(tet, "GET", `/projets/${id}`, null, 200);
  expect(v3.statut.generique === "EN_COURS" && v3.statut.service === "En cours", `TeT : statut inattendu ${JSON.stringify(v3.statut)}`);
  sees("Hub", `traduit « En cours » de TeT en ${v3.statut.generique}`);
  const isEnCours = (r) => forProject(id)(r) && r.event.data.projet.statut.generique === "EN_COURS";
  const [mecEnCours, recocoEnCours] = await Promise.all([
    mec.waitFor(isEnCours, { timeoutMs: STEP_TIMEOUT_MS, what: "le passage en cours" }),
    recoco.waitFor(isEnCours, { timeoutMs: STEP_TIMEOUT_MS, what: "le passage en cours" }),
  ]);
  for (const [s, r] of [
    [mec, mecEnCours],
    [recoco, recocoEnCours],
  ]) {
    // The link itself is a change other services see (externalIds, services): shown as received.
    for (const before of s.received.filter((x) => forProject(id)(x) && x.event.data.projet.version > quietVersion && x.event.data.projet.version < r.event.data.projet.version)) {
      const p = before.event.data.projet;
      expect(before.event.data.auteur === "tet", `${s.nom} : événement inattendu de ${before.event.data.auteur} (v${p.version})`);
      sees(s.nom, `reçoit ${before.event.type} de tet (v${p.version}, changements : ${before.event.data.changements.join(", ")}) : externalIds ${JSON.stringify(p.externalIds)}`);
    }
    const p = r.event.data.projet;
    expect(r.event.type === "projet.modifie" && r.event.data.auteur === "tet", `${s.nom} : ${r.event.type} de ${r.event.data.auteur}, attendu projet.modifie de tet`);
    expect(p.statut.service === "Etudes opérationnelles en cours", `${s.nom} : libellé reçu « ${p.statut.service} », attendu « Etudes opérationnelles en cours »`);
    expect(p.externalIds?.tet === tetId, `${s.nom} : externalIds.tet reçu ${JSON.stringify(p.externalIds)}`);
    sees(s.nom, `reçoit ${r.event.type} de ${r.event.data.auteur} (v${p.version}, changements : ${r.event.data.changements.join(", ")}) : statut ${describeStatut(p)}`);
  }
  // Deliveries of one project to one receiver are attempted in version order, so once a later
  // version has arrived, anything the hub had queued for step 2 would already be here.
  const quietCheck = (s, expectedTypes) => {
    const early = s.received.filter((r) => forProject(id)(r) && r.event.data.projet.version <= quietVersion);
    expect(
      JSON.stringify(early.map((r) => r.event.type)) === JSON.stringify(expectedTypes),
      `${s.nom} : livraisons reçues jusqu'à la version ${quietVersion} : ${JSON.stringify(early.map((r) => r.event.type))}, attendu ${JSON.stringify(expectedTypes)} (l'étape 2 ne devait rien propager)`,
    );
  };
  quietCheck(mec, []);
  quietCheck(recoco, ["projet.cree"]);
  ok("MEC et Recoco voient « Etudes opérationnelles en cours » ; aucune livraison entre la création et ce changement");

  // --- Step 4 ------------------------------------------------------------------------------
  say("\nÉtape 4 — MEC met à jour le budget ; TeT garde son propre libellé");
  const budget = await call(mec, "PATCH", `/projets/${id}`, { budgetPrevisionnel: 520000 }, 200);
  sees("MEC", `PATCH /api/v1/projets/${id} { budgetPrevisionnel: 520000 } → 200, version ${budget.version}`);
  const isBudget = (r) => forProject(id)(r) && r.event.data.projet.budgetPrevisionnel === 520000;
  const [tetBudget, recocoBudget] = await Promise.all([
    tet.waitFor(isBudget, { timeoutMs: STEP_TIMEOUT_MS, what: "la mise à jour du budget" }),
    recoco.waitFor(isBudget, { timeoutMs: STEP_TIMEOUT_MS, what: "la mise à jour du budget" }),
  ]);
  for (const [s, r, label] of [
    [tet, tetBudget, "En cours"],
    [recoco, recocoBudget, "Etudes opérationnelles en cours"],
  ]) {
    const p = r.event.data.projet;
    expect(r.event.data.changements.includes("budgetPrevisionnel"), `${s.nom} : changements ${JSON.stringify(r.event.data.changements)}`);
    expect(p.statut.service === label && p.version === budget.version, `${s.nom} : reçu ${JSON.stringify(p.statut)} v${p.version}, attendu « ${label} » v${budget.version}`);
    sees(s.nom, `reçoit ${r.event.type} de ${r.event.data.auteur} (v${p.version}, changements : ${r.event.data.changements.join(", ")}) : statut ${describeStatut(p)}`);
  }
  quietCheck(tet, ["projet.cree"]);
  ok("TeT n'a rien reçu entre la création et ce changement : l'étape 2 n'a rien propagé, pour aucun service");

  // --- Whole-run checks --------------------------------------------------------------------
  for (const s of Object.values(services)) {
    const own = s.received.filter((r) => r.event.data?.auteur === s.slug);
    expect(own.length === 0, `${s.nom} a reçu ${own.length} événement(s) dont il est l'auteur`);
    expect(s.rejected.length === 0, `${s.nom} a refusé ${s.rejected.length} requête(s) : ${s.rejected[0]?.reason}`);
    const versions = s.received.filter(forProject(id)).map((r) => r.event.data.projet.version);
    expect(versions.every((v, i) => i === 0 || v > versions[i - 1]), `${s.nom} a reçu les versions dans le désordre : ${versions.join(", ")}`);
  }
  ok("chaque webhook a été vérifié (signature Standard Webhooks), reçu dans l'ordre des versions, jamais renvoyé à son auteur");

  say("\n" + "=".repeat(80));
  say(`Démo réussie en ${elapsed()}.`);
  say(`Livraisons reçues : MEC ${mec.received.length}, TeT ${tet.received.length}, Recoco ${recoco.received.length}.`);
  say(`\nOù regarder ensuite, dans la console des opérateurs${args.has("--garder") ? "" : " (relancez avec npm run demo -- --garder pour garder le hub ouvert)"} :`);
  say(`   • ${started.hub.url}/admin/livraisons : les ${mec.received.length + tet.received.length + recoco.received.length} livraisons de ce parcours, chacune avec ses tentatives`);
  say("     (heure, durée, code HTTP, extrait de réponse) et le bouton de rejeu ;");
  say(`   • ${started.hub.url}/admin/projets/${id} : le projet, ses identifiants par service et l'historique de ses événements ;`);
  say(`   • ${started.hub.url}/admin/services : les clés et les webhooks créés pour MEC, TeT et Recoco.`);
  say(`   Puis la référence de l'API, ${started.hub.url}/api/docs, et le guide d'intégration, ${started.hub.url}/integration.`);
  say("   Le code des services simulés : scripts/demo/lib/simulated-service.mjs ; des exemples complets : docs/samples/.");
}

main().then(
  async () => {
    if (args.has("--garder")) {
      say(`\nLe hub reste démarré sur ${started.hub.url} (Ctrl+C pour l'arrêter).`);
      say(`Console : ${started.hub.url}/admin — connexion par le simulateur ProConnect avec l'agent admin@anct.gouv.fr`);
      say(`Espace d'un service connecté : ${started.hub.url}/espace — même simulateur, avec l'agente referente@tet.exemple.fr (gestion du service TeT)`);
      say("(aucun mot de passe : le simulateur demande seulement l'adresse de l'agent).");
      await Promise.allSettled(started.services.map((s) => s.close()));
      return;
    }
    await cleanup();
    process.exit(0);
  },
  async (error) => {
    console.error(`\n✘ ÉCHEC (${elapsed()}) : ${error instanceof StepFailure ? "" : "erreur : "}${error?.message ?? error}`);
    const output = started.hub?.output?.();
    if (output && !(error instanceof StepFailure && output.trim() === "")) {
      console.error(`\nDernières lignes du hub :\n${output.trim().split("\n").slice(-15).join("\n")}`);
    }
    await cleanup();
    process.exit(1);
  },
);
