// Sample client of the Les Communs API (v1): publish a project, update it, then resync.
// Written as the integration of Mon Espace Collectivité (the status labels are MEC's own labels);
// replace them with your service's labels (see GET /api/v1/statuts).
//
// Run: LES_COMMUNS_URL=http://127.0.0.1:3000 LES_COMMUNS_API_KEY=lc_test_… npx tsx docs/samples/typescript/client.ts
// Optional: EXTERNAL_ID (your own id of the project, default "exemple-ts-001").
// Prints one line per step, then a JSON summary as its last line.

const baseUrl = (process.env.LES_COMMUNS_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const apiKey = process.env.LES_COMMUNS_API_KEY;
if (!apiKey) {
  console.error("LES_COMMUNS_API_KEY manquante (clé créée par npm run communs -- key:create --service <slug>)");
  process.exit(2);
}

type Statut = { generique: string | null; service: string | null };
type Collectivite = { type: "Commune" | "EPCI"; code: string };
type Porteur = { email?: string | null; nom?: string | null; prenom?: string | null; telephone?: string | null; fonction?: string | null; codeSiret?: string | null };
type ProjetInput = {
  externalId: string;
  nom?: string;
  description?: string | null;
  statut?: string;
  porteur?: Porteur | null;
  collectivites?: Collectivite[];
  budgetPrevisionnel?: number | null;
  dateDebutPrevisionnelle?: string | null;
  programme?: string | null;
};
type Projet = Omit<ProjetInput, "externalId" | "statut"> & {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  statut: Statut;
  externalIds: Record<string, string>;
  services: string[];
};

/** An error answered by the hub: `{error: {code, message, details?}}`. */
export class LesCommunsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code} : ${message}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One call to the API. 429 and 503 are retried after the wait given by Retry-After (at most 3
 * times); every other error is thrown as a LesCommunsError. `userEmail` acts on behalf of a user
 * (X-User-Email): the hub then checks that user's permission on the project.
 */
async function request<T>(method: string, path: string, body?: unknown, options: { userEmail?: string } = {}): Promise<{ status: number; body: T }> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(options.userEmail ? { "x-user-email": options.userEmail } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if ((response.status === 429 || response.status === 503) && attempt <= 3) {
      const wait = Number(response.headers.get("retry-after") ?? "1");
      await sleep(Math.min(Number.isFinite(wait) ? wait : 1, 60) * 1000);
      continue;
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = json?.error ?? { code: "inconnu", message: text.slice(0, 200) };
      throw new LesCommunsError(response.status, error.code, error.message, error.details);
    }
    return { status: response.status, body: json as T };
  }
}

/** Creates or updates the project known under `externalId` by the calling service (idempotent). */
export async function upsertProjet(input: ProjetInput) {
  const { body } = await request<{ id: string; version: number; created: boolean }>("POST", "/projets", input);
  return body;
}

/** Changes some fields; omitted fields keep their value, `null` clears one. */
export async function patchProjet(id: string, changes: Omit<Partial<ProjetInput>, "externalId">, userEmail?: string) {
  const { body } = await request<{ id: string; version: number }>("PATCH", `/projets/${id}`, changes, { userEmail });
  return body;
}

export async function getProjet(id: string) {
  return (await request<Projet>("GET", `/projets/${id}`)).body;
}

/** Every project changed since `updatedSince`, page after page (for a service that was down). */
export async function* resync(updatedSince: string, limit = 100): AsyncGenerator<Projet> {
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ updatedSince, limit: String(limit) });
    if (cursor) query.set("cursor", cursor);
    const { body } = await request<{ items: Projet[]; nextCursor: string | null }>("GET", `/projets?${query}`);
    yield* body.items;
    cursor = body.nextCursor;
    // An empty page with a cursor: an earlier write is still being committed, come back a moment later.
    if (cursor && body.items.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
  } while (cursor);
}

async function main() {
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const externalId = process.env.EXTERNAL_ID ?? "exemple-ts-001";
  const projet: ProjetInput = {
    externalId,
    nom: "Création d'une voie verte le long du canal",
    description: "Aménagement de 4 km de piste cyclable et piétonne.",
    statut: "Non démarré, intention",
    collectivites: [{ type: "Commune", code: "26058" }],
    budgetPrevisionnel: 1_200_000,
    dateDebutPrevisionnelle: "2027-03-01",
  };

  // 1. Create (201), then send the very same request again: same project, no new version (200).
  const created = await upsertProjet(projet);
  console.log(`créé : ${created.id} (version ${created.version}, created=${created.created})`);
  const repeated = await upsertProjet(projet);
  if (repeated.id !== created.id || repeated.version !== created.version) throw new Error("le renvoi identique devait rendre le même projet");
  console.log(`renvoi identique : même projet, version ${repeated.version}, created=${repeated.created}`);

  // 2. Update: a new status label (ours), a new budget.
  const updated = await patchProjet(created.id, { statut: "Etudes pré-opérationnelles en cours", budgetPrevisionnel: 1_350_000 });
  console.log(`modifié : version ${updated.version}`);

  // 3. An unknown label is refused (422) and nothing is written; details.accepted lists our labels.
  try {
    await patchProjet(created.id, { statut: "Statut inventé" });
    throw new Error("un libellé inconnu devait être refusé");
  } catch (error) {
    if (!(error instanceof LesCommunsError) || error.code !== "unknown_status") throw error;
    const accepted = (error.details as { accepted?: string[] } | undefined)?.accepted ?? [];
    console.log(`libellé inconnu refusé (${error.status} ${error.code}), ${accepted.length} libellés acceptés`);
  }

  // 4. Read back, then resync: our project is among those changed since the start.
  const read = await getProjet(created.id);
  console.log(`relu : statut « ${read.statut.service} » (générique ${read.statut.generique}), version ${read.version}`);
  let seen = 0;
  let found = false;
  for await (const p of resync(startedAt, 50)) {
    seen++;
    if (p.id === created.id) found = true;
  }
  if (!found) throw new Error("le projet devait apparaître dans la resynchronisation");
  console.log(`resynchronisation : ${seen} projet(s) modifié(s) depuis ${startedAt}`);

  console.log(
    JSON.stringify({ id: read.id, version: read.version, statut: read.statut, budgetPrevisionnel: read.budgetPrevisionnel, externalIds: read.externalIds, resync: seen }),
  );
}

main().catch((error) => {
  console.error(`Erreur : ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
