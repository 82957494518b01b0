// The random operations of the convergence checker. Each simulated service writes through the REST
// API with its own key and, after each successful write, reads the project back and applies it to
// its replica when the version is at least the stored one (a careful integrator's read-your-writes:
// the hub never sends a service its own changes). Operator actions go through the command line's
// commands and the console's modules; faults are receiver behaviours and a SIGKILL of the hub.
import { sleep } from "../../bench/lib/proc.mjs";

const COMMUNES = ["69123", "75056", "13055", "31555", "33063", "44109", "59350", "67482"];
const PROGRAMMES = ["Petites villes de demain", "Action cœur de ville", "Territoires d'industrie", null];

/** Default weights of the operations (`--weights=create:3,kill:0,…` overrides some). */
export const DEFAULT_WEIGHTS = {
  create: 6,
  update: 8,
  labelOnly: 4,
  patch: 5,
  bulk: 3,
  bulkBurst: 1,
  link: 3,
  permGrant: 2,
  permRevoke: 1,
  erase: 1.5,
  endpointToggle: 1.5,
  serviceToggle: 1,
  urlChange: 1,
  rotateSecret: 1,
  behaviour: 6,
  replay: 3,
  kill: 0.6,
};

/** Weights of the receiver behaviours drawn by the `behaviour` operation. */
export const BEHAVIOUR_WEIGHTS = { ok: 5, slow2xx: 1.5, error500: 1, timeout: 1.5, gone410: 0.4, throttle429: 1, resetAfter2xx: 1, down: 1 };

/** Per-key async mutex: keys are always taken in sorted order, so that two holders never wait on each other. */
function createLocks() {
  const tails = new Map();
  const acquire = (key) => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release;
    const mine = new Promise((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(key, tail);
    return previous.then(() => () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    });
  };
  return async (keys, fn) => {
    const releases = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
    try {
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  };
}

/** The people of a run: porteurs and permission holders, each with identifying data an erasure must remove. */
export function createPeople(seed) {
  const people = [];
  const make = (k) => ({
    email: `porteur.${seed}.${k}@commune-exemple.fr`,
    nom: `Nomporteur${seed}x${k}q`,
    prenom: "Camille",
    telephone: `06${String((seed % 10_000) * 10_000 + k).padStart(8, "0").slice(-8)}`,
    fonction: "Chargée de mission",
    inFlight: 0,
    erased: false,
  });
  for (let k = 0; k < 12; k++) people.push(make(k));
  return {
    all: people,
    /** An active person, or a new one when every drawn one was erased. */
    pick(random) {
      let person = random.pick(people);
      if (person.erased) {
        person = make(people.length);
        people.push(person);
      }
      return person;
    },
  };
}

const idCase = (ctx, random, id) => (ctx.options.upperCaseIds && random.chance(0.25) ? id.toUpperCase() : id);

/** The label as a service might send it: sometimes decomposed (NFD) or padded, both equal after NFC and trim (CONTRACT §8). */
function labelVariant(ctx, random, label) {
  if (!ctx.options.labelVariants || !random.chance(0.15)) return label;
  const nfd = label.normalize("NFD");
  return nfd !== label && random.chance(0.7) ? nfd : ` ${label} `;
}

export function createOperations(ctx) {
  const withLocks = createLocks();
  const { api } = ctx;
  const count = (bucket, name) => (ctx.counts[bucket][name] = (ctx.counts[bucket][name] ?? 0) + 1);

  /**
   * One API call, sent again while the hub is unreachable or answers 503 (a SIGKILL and restart is
   * part of the run). An answer outside `expect` is a violation.
   */
  async function call(svc, method, path, body, expect, what) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await api.send(method, path, { key: svc.key, body });
      if (r.status !== undefined && r.status !== 503) {
        count("api", `${r.status}`);
        if (!expect.includes(r.status)) {
          const error = r.body?.error;
          const shownPath = path.replace(/[0-9a-fA-F-]{36}/, (id) => (id === id.toLowerCase() ? "{id}" : "{ID EN MAJUSCULES}"));
          const details = Array.isArray(error?.details) ? ` [${error.details.slice(0, 3).map((d) => `${d.path}: ${d.message}`).join("; ")}]` : error?.details ? ` ${JSON.stringify(error.details).slice(0, 200)}` : "";
          const statut = typeof body?.statut === "string" ? body.statut : null;
          const variant = statut === null ? "" : statut !== statut.normalize("NFC") ? " (libellé envoyé en NFD)" : statut !== statut.trim() ? " (libellé entouré d'espaces)" : "";
          ctx.violation("api", `${svc.slug} ${what}${variant}: ${method} ${shownPath} answered ${r.status} ${error ? `${error.code}: ${String(error.message).slice(0, 200)}${details}` : String(r.text).slice(0, 200)} (expected ${expect.join("/")})`);
        }
        return r;
      }
      count("api", r.status === 503 ? "503 (retried)" : "network error (retried)");
      if (ctx.hubDown) return r; // the run is stopping: the hub did not come back after its SIGKILL
      if (Date.now() > deadline) {
        ctx.violation("api", `${svc.slug} ${what}: ${method} ${path} unanswered for 120 s (${r.status ?? r.error})`);
        return r;
      }
      await sleep(200);
    }
  }

  /** Read-your-writes: GET each project as the service and apply it (version ≥ stored, or > with `newer`). */
  async function readBack(svc, ids, { newer = false } = {}) {
    const queue = [...new Set(ids)];
    const reader = async () => {
      while (queue.length) {
        const id = queue.shift();
        const r = await call(svc, "GET", `/api/v1/projets/${id}`, undefined, [200], "read-back");
        if (r.status !== 200) continue;
        const stored = svc.receiver.state.replica.get(id);
        if (newer && stored && r.body.version <= stored.version) continue;
        svc.receiver.applyOwnRead(r.body);
      }
    };
    // Distinct projects: four reads at a time (a lot's read-back is otherwise hundreds of round trips).
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, reader));
  }

  /** Runs an API operation of `svc` unless the service is disabled (its key is refused then). */
  async function asService(svc, fn) {
    if (!svc.enabled) {
      count("skipped", "service disabled");
      return;
    }
    svc.inFlight++;
    try {
      await fn();
    } finally {
      svc.inFlight--;
    }
  }

  const knownIds = () => [...ctx.projects];
  const ownIds = (svc) => [...svc.ownLinks.keys()];
  /**
   * One of the service's projects, half the time among the last ones it touched: a project edited
   * again and again keeps several versions in its lanes at once (ordering, replays behind newer ones).
   */
  function pickOwn(svc, random, own) {
    const recent = svc.recent.filter((id) => svc.ownLinks.has(id));
    const id = recent.length && random.chance(0.5) ? random.pick(recent) : random.pick(own);
    svc.recent = [id, ...svc.recent.filter((x) => x !== id)].slice(0, 5);
    return id;
  }

  function currentStatut(svc, id) {
    return svc.receiver.state.replica.get(id)?.statut ?? null;
  }

  /** A label of `svc` for a generic status other than the current one. */
  function statusChangeLabel(svc, random, id) {
    const current = id ? currentStatut(svc, id)?.generique : null;
    const choices = svc.labels.filter((l) => l.generique !== current);
    return random.pick(choices.length ? choices : svc.labels).libelle;
  }

  /** Another own label mapping to the project's current generic status, or null when there is none. */
  function sameGenericLabel(svc, random, id) {
    const statut = currentStatut(svc, id);
    if (!statut?.generique) return null;
    const choices = svc.labels.filter((l) => l.generique === statut.generique && l.libelle !== statut.service);
    return choices.length ? random.pick(choices).libelle : null;
  }

  function porteurFor(random, holders) {
    if (random.chance(0.15)) return null;
    const person = ctx.people.pick(random);
    person.inFlight++;
    holders.push(person);
    const { email, nom, prenom, telephone, fonction } = person;
    return { email, nom, prenom, telephone, fonction };
  }
  const release = (holders) => holders.forEach((p) => p.inFlight--);

  /** A whole ProjetInput; `variants` lets the label be sent in another Unicode form or padded (single writes only: one refused item fails a whole bulk). */
  function fullInput(svc, random, externalId, holders, variants = true) {
    const label = statusChangeLabel(svc, random, null);
    return {
      externalId,
      nom: `Projet ${externalId} — ${random.int(1, 9999)}`,
      description: random.chance(0.3) ? null : `Description ${random.int(1, 1e6)}`,
      statut: variants ? labelVariant(ctx, random, label) : label,
      porteur: porteurFor(random, holders),
      collectivites: [{ type: "Commune", code: random.pick(COMMUNES) }],
      budgetPrevisionnel: random.int(0, 5_000_000),
      dateDebutPrevisionnelle: `2027-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      programme: random.pick(PROGRAMMES),
    };
  }

  /** A few changed fields, always including one that others see (a new version). */
  function someChanges(svc, random, id, holders, variants = true) {
    const changes = {};
    const kind = random.int(0, 4);
    if (kind === 0) {
      const label = statusChangeLabel(svc, random, id);
      changes.statut = variants ? labelVariant(ctx, random, label) : label;
    }
    if (kind === 1) changes.porteur = porteurFor(random, holders);
    if (kind === 2) changes.description = `Description ${random.int(1, 1e6)}`;
    changes.budgetPrevisionnel = random.int(0, 5_000_000);
    if (random.chance(0.3)) changes.nom = `Projet renommé ${random.int(1, 1e6)}`;
    return changes;
  }

  const newExternalId = (svc, tag = "") => `${svc.slug}-${ctx.seed}-${tag}${svc.nextId++}`;

  function noteLinks(svc, results, externalIds) {
    results.forEach((r, i) => {
      svc.ownLinks.set(r.id, externalIds[i]);
      ctx.projects.add(r.id);
    });
  }

  async function upsertOne(svc, random, body, holders, what) {
    const r = await call(svc, "POST", "/api/v1/projets", body, [200, 201], what);
    release(holders);
    if (r.status === 200 || r.status === 201) {
      // Known as its own only once read back: no other change of its own can race that read.
      await readBack(svc, [r.body.id]);
      noteLinks(svc, [r.body], [body.externalId]);
    }
  }

  async function bulk(svc, random, size) {
    const holders = [];
    const own = ownIds(svc);
    const projets = [];
    const used = new Set();
    for (let i = 0; i < size; i++) {
      const existing = own.length && random.chance(0.5) ? pickOwn(svc, random, own) : null;
      if (existing && !used.has(existing)) {
        used.add(existing);
        projets.push({ externalId: svc.ownLinks.get(existing), ...someChanges(svc, random, existing, holders, false) });
      } else projets.push(fullInput(svc, random, newExternalId(svc, "b"), holders, false));
    }
    await withLocks([...used].map((id) => `${svc.slug}:${id}`), async () => {
      const r = await call(svc, "POST", "/api/v1/projets/bulk", { projets }, [201], `bulk of ${size}`);
      release(holders);
      if (r.status !== 201) return;
      await readBack(svc, r.body.results.map((x) => x.id));
      noteLinks(svc, r.body.results, projets.map((p) => p.externalId));
    });
  }

  const operations = {
    async create(svc, random) {
      await asService(svc, async () => {
        const holders = [];
        await upsertOne(svc, random, fullInput(svc, random, newExternalId(svc), holders), holders, "create");
      });
    },
    async update(svc, random) {
      await asService(svc, async () => {
        const own = ownIds(svc);
        if (!own.length) return operations.create(svc, random);
        const id = pickOwn(svc, random, own);
        await withLocks([`${svc.slug}:${id}`], async () => {
          const holders = [];
          await upsertOne(svc, random, { externalId: svc.ownLinks.get(id), ...someChanges(svc, random, id, holders) }, holders, "update");
        });
      });
    },
    /** A new own label for the same generic status: stored without a new version, nothing sent (CONTRACT §1, §3). */
    async labelOnly(svc, random) {
      await asService(svc, async () => {
        const own = ownIds(svc);
        if (!own.length) return;
        const id = pickOwn(svc, random, own);
        await withLocks([`${svc.slug}:${id}`], async () => {
          const label = sameGenericLabel(svc, random, id);
          if (!label) return void count("skipped", "no other label for the generic status");
          const statut = labelVariant(ctx, random, label);
          if (random.chance(0.5)) {
            const r = await call(svc, "PATCH", `/api/v1/projets/${idCase(ctx, random, id)}`, { statut }, [200], "own-label change (PATCH)");
            if (r.status === 200) await readBack(svc, [id]);
          } else await upsertOne(svc, random, { externalId: svc.ownLinks.get(id), statut }, [], "own-label change (POST)");
        });
      });
    },
    async patch(svc, random) {
      await asService(svc, async () => {
        const own = ownIds(svc);
        if (!own.length) return;
        const id = pickOwn(svc, random, own);
        await withLocks([`${svc.slug}:${id}`], async () => {
          const holders = [];
          const r = await call(svc, "PATCH", `/api/v1/projets/${idCase(ctx, random, id)}`, someChanges(svc, random, id, holders), [200], "patch");
          release(holders);
          if (r.status === 200) await readBack(svc, [id]);
        });
      });
    },
    async bulk(svc, random) {
      await asService(svc, () => bulk(svc, random, random.int(2, ctx.options.bulkMax)));
    },
    /** Two or three bulks at once, from different services. */
    async bulkBurst(svc, random) {
      const others = ctx.serviceList.filter((s) => s !== svc);
      const group = [svc, ...others.slice(0, random.int(1, 2))];
      count("faults", "concurrent bulks");
      await Promise.all(group.map((s, i) => asService(s, () => bulk(s, random.derive(i), random.int(2, ctx.options.bulkMax)))));
    },
    /** PUT external-id: the service links its own id to another service's project. */
    async link(svc, random) {
      await asService(svc, async () => {
        const candidates = knownIds().filter((id) => !svc.ownLinks.has(id));
        if (!candidates.length) return;
        const id = random.pick(candidates);
        await withLocks([`${svc.slug}:${id}`], async () => {
          if (svc.ownLinks.has(id)) return;
          const externalId = newExternalId(svc, "l");
          const r = await call(svc, "PUT", `/api/v1/projets/${idCase(ctx, random, id)}/external-id`, { externalId }, [200], "link");
          if (r.status !== 200) return;
          noteLinks(svc, [{ id }], [externalId]);
          await readBack(svc, [id]);
        });
      });
    },
    async permGrant(svc, random) {
      await asService(svc, async () => {
        const own = ownIds(svc);
        if (!own.length) return;
        const person = ctx.people.pick(random);
        person.inFlight++;
        try {
          const id = idCase(ctx, random, pickOwn(svc, random, own));
          await call(svc, "PUT", `/api/v1/projets/${id}/permissions`, { email: person.email, niveau: random.pick(["READ", "WRITE"]) }, [200], "permission grant");
        } finally {
          person.inFlight--;
        }
      });
    },
    async permRevoke(svc, random) {
      await asService(svc, async () => {
        const own = ownIds(svc);
        if (!own.length) return;
        const person = random.pick(ctx.people.all);
        const id = idCase(ctx, random, pickOwn(svc, random, own));
        await call(svc, "DELETE", `/api/v1/projets/${id}/permissions`, { email: person.email }, [204], "permission revoke");
      });
    },
    /**
     * Erases a porteur. The person is retired first and the erasure waits for the writes that carry
     * them, so that nothing can store them again afterwards (check 6 looks for them everywhere). The
     * eraser learns what its erasure changed (the answer lists no project) by a resync from just
     * before it, and applies only newer versions.
     */
    async erase(svc, random) {
      await asService(svc, async () => {
        const person = random.pick(ctx.people.all.filter((p) => !p.erased));
        if (!person) return;
        person.erased = true;
        const waitUntil = Date.now() + 60_000;
        while (person.inFlight > 0 && Date.now() < waitUntil) await sleep(20);
        const since = new Date(Date.now() - 2_000).toISOString();
        const r = await call(svc, "POST", "/api/v1/utilisateurs/effacement", { email: person.email }, [200], "erasure");
        if (r.status !== 200) return;
        ctx.erased.push(person);
        // Even when it answers 0 projects: a first attempt may have committed before a hub restart.
        let cursor = null;
        for (let page = 0; page < 500; page++) {
          const query = `updatedSince=${encodeURIComponent(since)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
          const p = await call(svc, "GET", `/api/v1/projets?${query}`, undefined, [200], "resync after erasure");
          if (p.status !== 200) return;
          for (const item of p.body.items) {
            const stored = svc.receiver.state.replica.get(item.id);
            if (!stored || item.version > stored.version) svc.receiver.applyOwnRead(item);
          }
          cursor = p.body.nextCursor;
          if (!cursor) break;
        }
      });
    },

    // Operator actions and faults ---------------------------------------------------------------

    /** Endpoint only (the console's switch), not the service. */
    async endpointToggle(svc, random) {
      await withLocks([`operator:${svc.slug}`], () => toggleEndpoint(svc, random));
    },
    /** `service:update --enabled`: the whole service (its API key too). */
    async serviceToggle(svc) {
      await withLocks([`operator:${svc.slug}`], () => toggleService(svc));
    },
    /** The same receiver on its other loopback port. */
    async urlChange(svc) {
      svc.port = 1 - svc.port;
      const r = await ctx.operator.cli("service:update", ["--slug", svc.slug, "--webhook-url", svc.receiver.url(svc.port)]);
      if (!r.ok) return ctx.violation("operator", `service:update --webhook-url of ${svc.slug}: ${r.message}`);
      count("faults", "URL changed");
    },
    async rotateSecret(svc) {
      const r = await ctx.operator.rotateSecret(svc.slug);
      if (!r.ok) return ctx.violation("operator", `secret rotation of ${svc.slug}: ${r.message}`);
      svc.receiver.learnSecret(r.result.secret, true);
      count("faults", "secret rotated");
    },
    async behaviour(svc, random) {
      const behaviour = random.weighted(ctx.options.behaviours);
      await svc.receiver.setBehaviour(behaviour);
      count("behaviours", behaviour);
    },
    async replay(svc) {
      const r = await ctx.operator.cli("deliveries:replay", ["--service", svc.slug]);
      if (!r.ok) return ctx.violation("operator", `deliveries:replay --service ${svc.slug}: ${r.message}`);
      count("faults", "replays");
      ctx.counts.replayed += r.result.replayed;
    },
    async kill() {
      if (ctx.kills >= ctx.options.maxKills || ctx.opsStarted < 20) return;
      ctx.kills++;
      count("faults", "hub SIGKILL + restart");
      await ctx.restartHub();
    },
  };

  async function toggleEndpoint(svc, random) {
    const enable = !svc.endpointEnabled || random.chance(0.3);
    const r = await ctx.operator.setEndpointEnabled(svc.slug, enable);
    if (!r.ok) return ctx.violation("operator", `console endpoint ${enable ? "enable" : "disable"} of ${svc.slug}: ${r.message}`);
    svc.endpointEnabled = enable;
    count("faults", enable ? "endpoint enabled" : "endpoint disabled");
  }

  async function toggleService(svc) {
    const enable = !svc.enabled;
    if (!enable) {
      // Its key is refused while it is disabled: let its calls in progress finish first.
      svc.enabled = false;
      const waitUntil = Date.now() + 120_000;
      while (svc.inFlight > 0 && Date.now() < waitUntil) await sleep(20);
    }
    const r = await ctx.operator.cli("service:update", ["--slug", svc.slug, "--enabled", String(enable)]);
    if (!r.ok) return ctx.violation("operator", `service:update --slug ${svc.slug} --enabled ${enable}: ${r.message}`);
    if (enable) {
      svc.enabled = true;
      // CONTRACT §8: re-enabling the service re-enables its endpoint too.
      svc.endpointEnabled = true;
    }
    count("faults", enable ? "service enabled" : "service disabled");
  }

  return {
    operations,
    /** A bulk of `size` items by `svc` (skipped while the service is disabled). */
    bulk: (svc, random, size) => asService(svc, () => bulk(svc, random, size)),
    readBack,
    call,
  };
}
