// The command line's commands (CONTRACT §5), framework-free: each takes the database and its flags
// and returns the JSON object printed as the last line. Used directly by `npm run communs` and, on
// the embedded database while the server runs, by the server on the command line's behalf.
import { z } from "zod";
import type { Db } from "@/db/client";
import { env, secretKeyring } from "@/env";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { cliActor } from "@/modules/audit/write-audit";
import { createService } from "@/modules/services/create-service";
import { updateService } from "@/modules/services/update-service";
import { createServiceInput, serviceSlugSchema, updateServiceInput, webhookUrlSchema, serviceNomSchema } from "@/modules/services/service-schemas";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { createApiKey } from "@/modules/keys/create-api-key";
import { revokeApiKey } from "@/modules/keys/revoke-api-key";
import { apiKeyPrefixSchema } from "@/modules/keys/key-schemas";
import { isoInstantSchema } from "@/modules/validation/input-rules";
import { setMapping } from "@/modules/mappings/set-mapping";
import { setPhaseMapping } from "@/modules/mappings/set-phase-mapping";
import { genericStatusCodeSchema, statusLabelSchema } from "@/modules/mappings/mapping-schemas";
import { addOperator } from "@/modules/operators/add-operator";
import { addAgent } from "@/modules/agents/add-agent";
import { removeAgent } from "@/modules/agents/remove-agent";
import { agentEmailSchema, agentLevelSchema } from "@/modules/agents/agent-schemas";
import { operatorEmailSchema, operatorRoleSchema } from "@/modules/operators/operator-schemas";
import { serviceWriteOptionsFromEnv } from "@/server/service-write-options";
import { reencryptSecrets } from "@/modules/secrets/reencrypt-secrets";
import { replayFailedDeliveries } from "@/modules/delivery/replay-failed-deliveries";
import { setServiceContacts } from "@/modules/alerts/set-service-contacts";

export type Flags = Record<string, string | true>;

const text = (schema: z.ZodType<unknown, string>) =>
  z.string({ error: "valeur attendue après le drapeau" }).pipe(schema);
const isoInstant = isoInstantSchema;
const booleanText = z.enum(["true", "false"], { error: "true ou false attendu" }).transform((v) => v === "true");
/** `a,b,c` → its items (blanks dropped), `tous` → null (reset to all), absent → undefined. */
const commaList = (v: string | undefined): string[] | null | undefined =>
  v === undefined ? undefined : v.trim() === "tous" ? null : v.split(",").map((x) => x.trim()).filter((x) => x !== "");

type Command = {
  usage: string;
  flags: z.ZodType<Record<string, unknown>>;
  run: (db: Db, flags: any) => Promise<Record<string, unknown>>;
};

export const commands: Record<string, Command> = {
  "service:create": {
    usage: "service:create --slug <slug> --nom <nom> [--webhook-url <url>]",
    flags: z.strictObject({ slug: text(serviceSlugSchema), nom: text(serviceNomSchema), "webhook-url": text(webhookUrlSchema).optional() }),
    run: async (db, f) => {
      const result = await createService(
        db,
        createServiceInput.parse({ slug: f.slug, nom: f.nom, webhookUrl: f["webhook-url"] }),
        { ...serviceWriteOptionsFromEnv(cliActor), keyPrefix: env.API_KEY_PREFIX },
      );
      return { service: result.service, apiKey: result.apiKey, ...(result.webhookSecret ? { webhookSecret: result.webhookSecret } : {}) };
    },
  },
  "service:update": {
    usage:
      "service:update --slug <slug> [--nom <nom>] [--webhook-url <url>] [--enabled true|false] [--evenements a,b|tous] [--territoires dep:69,reg:84|tous]",
    flags: z.strictObject({
      slug: text(serviceSlugSchema),
      nom: text(serviceNomSchema).optional(),
      "webhook-url": text(webhookUrlSchema).optional(),
      enabled: z.string({ error: "true ou false attendu" }).pipe(booleanText).optional(),
      evenements: text(z.string().max(1000)).optional(),
      territoires: text(z.string().max(40000)).optional(),
    }),
    run: (db, f) =>
      updateService(
        db,
        updateServiceInput.parse({
          slug: f.slug,
          nom: f.nom,
          webhookUrl: f["webhook-url"],
          enabled: f.enabled,
          evenements: commaList(f.evenements),
          territoires: commaList(f.territoires),
        }),
        serviceWriteOptionsFromEnv(cliActor),
      ),
  },
  "key:create": {
    usage: "key:create --service <slug>",
    flags: z.strictObject({ service: text(serviceSlugSchema) }),
    run: (db, f) =>
      db.transaction(async (tx) => {
        const service = await requireServiceBySlug(tx, f.service);
        const key = await createApiKey(tx, service.id, env.API_KEY_PREFIX, cliActor);
        return { apiKey: key.apiKey, prefix: key.prefix };
      }),
  },
  "key:revoke": {
    usage: "key:revoke --prefix <prefix>",
    flags: z.strictObject({ prefix: text(apiKeyPrefixSchema) }),
    run: (db, f) => db.transaction(async (tx) => ({ revoked: (await revokeApiKey(tx, f.prefix, cliActor)).revoked })),
  },
  "mapping:set": {
    usage: "mapping:set --service <slug> --label <libellé> --generique <STATUT> [--default]",
    flags: z.strictObject({
      service: text(serviceSlugSchema),
      label: text(statusLabelSchema),
      generique: text(genericStatusCodeSchema),
      default: z.literal(true, { error: "--default ne prend pas de valeur" }).optional(),
    }),
    run: async (db, f) => ({
      mapping: await setMapping(db, { service: f.service, label: f.label, generique: f.generique, isDefault: f.default === true }, cliActor),
    }),
  },
  "phase:set": {
    usage: "phase:set --phase <phase> --phase-statut <phaseStatut> --generique <STATUT> [--default]",
    flags: z.strictObject({
      phase: text(z.string()),
      "phase-statut": text(z.string()),
      generique: text(genericStatusCodeSchema),
      default: z.literal(true, { error: "--default ne prend pas de valeur" }).optional(),
    }),
    run: async (db, f) => ({
      phaseMapping: await setPhaseMapping(db, { phase: f.phase, phaseStatut: f["phase-statut"], generique: f.generique, isDefault: f.default === true }, cliActor),
    }),
  },
  "operator:add": {
    usage: "operator:add --email <email> --role admin|lecteur",
    flags: z.strictObject({ email: text(operatorEmailSchema), role: text(operatorRoleSchema) }),
    run: async (db, f) => ({ operator: await addOperator(db, { email: f.email, role: f.role }, cliActor) }),
  },
  "agent:add": {
    usage: "agent:add --service <slug> --email <email> --niveau lecture|gestion",
    flags: z.strictObject({ service: text(serviceSlugSchema), email: text(agentEmailSchema), niveau: text(agentLevelSchema) }),
    run: async (db, f) => ({ agent: await addAgent(db, { service: f.service, email: f.email, niveau: f.niveau }, cliActor) }),
  },
  "service:contacts": {
    usage: "service:contacts --slug <slug> [--ajouter a@b.fr,c@d.fr] [--retirer e@f.fr]",
    flags: z.strictObject({ slug: text(serviceSlugSchema), ajouter: z.string().optional(), retirer: z.string().optional() }),
    run: (db, f) =>
      setServiceContacts(db, { service: f.slug, ajouter: commaList(f.ajouter) ?? [], retirer: commaList(f.retirer) ?? [] }, cliActor),
  },
  "agent:remove": {
    usage: "agent:remove --service <slug> --email <email>",
    flags: z.strictObject({ service: text(serviceSlugSchema), email: text(agentEmailSchema) }),
    run: (db, f) => removeAgent(db, { service: f.service, email: f.email }, cliActor),
  },
  "deliveries:replay": {
    usage: "deliveries:replay --service <slug> [--since <iso>] [--until <iso>]",
    flags: z.strictObject({
      service: text(serviceSlugSchema),
      since: text(isoInstant).optional(),
      until: text(isoInstant).optional(),
    }),
    run: async (db, f) => {
      const service = await requireServiceBySlug(db, f.service);
      return replayFailedDeliveries(
        db,
        { serviceId: service.id, since: f.since ? new Date(f.since) : undefined, until: f.until ? new Date(f.until) : undefined },
        cliActor,
      );
    },
  },
  "secrets:reencrypt": {
    usage: "secrets:reencrypt",
    flags: z.strictObject({}),
    // After a change of SECRETS_ENCRYPTION_KEY (the former key in SECRETS_ENCRYPTION_PREVIOUS_KEYS):
    // moves every webhook secret to the current key, so that the former key can be dropped (issue #16).
    run: (db) => reencryptSecrets(db, secretKeyring(), cliActor),
  },
};

/** Parses `--name value` pairs; a flag followed by another flag (or nothing) is boolean. */
export function parseFlags(args: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!token.startsWith("--") || token.length < 3) {
      throw AppError.validation([{ path: token, message: "argument inattendu (les options s'écrivent --nom valeur)" }]);
    }
    const eq = token.indexOf("=");
    if (eq > 2) {
      flags[token.slice(2, eq)] = token.slice(eq + 1);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) flags[token.slice(2)] = true;
    else {
      flags[token.slice(2)] = next;
      i++;
    }
  }
  return flags;
}

export function commandUsage(): string {
  return Object.values(commands)
    .map((c) => `  npm run communs -- ${c.usage}`)
    .concat("  npm run communs -- db:migrate")
    .join("\n");
}

/** Validates the flags of a command and runs it. `db:migrate` is handled by the caller (it needs the driver). */
export async function runCommand(db: Db, name: string, flags: Flags): Promise<Record<string, unknown>> {
  const command = commands[name];
  if (!command) throw new AppError("validation_failed", `Commande inconnue : « ${name} ».\nCommandes :\n${commandUsage()}`);
  const parsed = command.flags.safeParse(flags);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error).map((i) => ({ ...i, path: i.path === "(corps)" ? i.path : `--${i.path}` }));
    throw AppError.validation(issues, `Options invalides pour ${name}.\nUsage : npm run communs -- ${command.usage}`);
  }
  try {
    return await command.run(db, parsed.data);
  } catch (error) {
    if (error instanceof z.ZodError) throw AppError.validation(toValidationIssues(error));
    throw error;
  }
}
