import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { apiKeys, auditLog, operators, phaseMappings, services, statusMappings, webhookEndpoints } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { hashApiKey } from "@/modules/keys/generate-api-key";
import { admittedService } from "@/modules/keys/testing/admitted-service";
import { AppError } from "@/modules/errors/app-error";
import { parseFlags, runCommand } from "./commands";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.destroy();
});

async function expectAppError(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (pattern) expect(`${(error as AppError).message} ${JSON.stringify((error as AppError).details ?? "")}`).toMatch(pattern);
}

describe("parseFlags", () => {
  it("reads values, --name=value and boolean flags", () => {
    expect(parseFlags(["--slug", "a", "--nom=Le nom", "--default"])).toEqual({ slug: "a", nom: "Le nom", default: true });
  });
  it("refuses a bare argument", () => {
    expect(() => parseFlags(["slug"])).toThrow(AppError);
  });
});

describe("default data", () => {
  it("holds the generic statuses and the four services with one default label per generic status", async () => {
    const slugs = (await t.db.select({ slug: services.slug }).from(services)).map((s) => s.slug).sort();
    expect(slugs).toEqual(["aides-territoires", "mec", "recoco", "tet"]);
    const defaults = await t.db
      .select({ slug: services.slug, label: statusMappings.label, generic: statusMappings.genericStatus })
      .from(statusMappings)
      .innerJoin(services, eq(services.id, statusMappings.serviceId))
      .where(eq(statusMappings.isDefault, true));
    const of = (slug: string) => Object.fromEntries(defaults.filter((d) => d.slug === slug).map((d) => [d.generic, d.label]));
    expect(of("mec")).toEqual({
      IDEE: "Non démarré, intention",
      FAISABILITE: "Etudes pré-opérationnelles en cours",
      EN_COURS: "Etudes opérationnelles en cours",
      TERMINE: "Opération terminée, livrée",
      ABANDONNE: "Opération abandonnée, annulée",
      IMPACTE: "Opération en pause, reportée",
    });
    expect(of("recoco")).toEqual(of("mec"));
    expect(of("tet")).toEqual({
      IDEE: "A venir",
      FAISABILITE: "A discuter",
      EN_COURS: "En cours",
      IMPACTE: "En retard",
      TERMINE: "Réalisé",
      ABANDONNE: "Abandonné",
    });
    expect(of("aides-territoires")).toEqual({
      IDEE: "Réflexion / conception",
      EN_COURS: "Mise en oeuvre / réalisation",
      TERMINE: "Usage / valorisation",
    });
    expect(await t.db.select().from(apiKeys)).toHaveLength(0);
    expect(await t.db.select().from(webhookEndpoints)).toHaveLength(0);
  });

  it("enforces at most one default label per service and generic status in the database", async () => {
    const [mec] = await t.db.select().from(services).where(eq(services.slug, "mec"));
    await expect(
      t.db.insert(statusMappings).values({ serviceId: mec!.id, label: "Doublon", genericStatus: "IDEE", isDefault: true }),
    ).rejects.toThrow();
  });
});

describe("service:create", () => {
  it("creates a service with a hashed key shown once, and audits it", async () => {
    const result = await runCommand(t.db, "service:create", { slug: "demo", nom: "Démo" });
    expect(result.service).toMatchObject({ slug: "demo", nom: "Démo", enabled: true, webhookUrl: null });
    expect(result).not.toHaveProperty("webhookSecret");
    const apiKey = result.apiKey as string;
    expect(apiKey).toMatch(/^lc_test_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const [stored] = await t.db.select().from(apiKeys).where(eq(apiKeys.prefix, apiKey.slice(0, 16)));
    expect(stored!.keyHash).toBe(hashApiKey(apiKey));
    expect(JSON.stringify(await t.db.select().from(apiKeys))).not.toContain(apiKey);
    expect(await admittedService(t.db, apiKey)).toMatchObject({ slug: "demo" });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "service.create"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "cli", targetType: "service" });
  });

  it("creates the webhook endpoint with a secret when a URL is given", async () => {
    const result = await runCommand(t.db, "service:create", {
      slug: "avec-webhook",
      nom: "Avec webhook",
      "webhook-url": "http://127.0.0.1:9/hooks",
    });
    expect(result.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(result.service).toMatchObject({ webhookUrl: "http://127.0.0.1:9/hooks" });
    const audits = await t.db.select().from(auditLog);
    expect(JSON.stringify(audits)).not.toContain(result.webhookSecret as string);
  });

  it("refuses a duplicate slug, a bad slug, a missing name, an unknown flag and a bad URL", async () => {
    await expectAppError(runCommand(t.db, "service:create", { slug: "demo", nom: "Encore" }), "conflict", /déjà/);
    await expectAppError(runCommand(t.db, "service:create", { slug: "Pas Bon", nom: "X" }), "validation_failed", /--slug/);
    await expectAppError(runCommand(t.db, "service:create", { slug: "sans-nom" }), "validation_failed", /--nom/);
    await expectAppError(runCommand(t.db, "service:create", { slug: "x1", nom: "X", couleur: "bleu" }), "validation_failed", /couleur/);
    await expectAppError(runCommand(t.db, "service:create", { slug: "x2", nom: "X", "webhook-url": "ftp://x" }), "validation_failed");
    await expectAppError(runCommand(t.db, "service:create", { slug: "x3", nom: true }), "validation_failed", /--nom/);
    expect(await t.db.select().from(services).where(eq(services.slug, "x1"))).toHaveLength(0);
  });
});

describe("service:update", () => {
  it("renames, disables and sets a webhook URL (secret returned only when created)", async () => {
    const renamed = await runCommand(t.db, "service:update", { slug: "demo", nom: "Démo renommée", enabled: "false" });
    expect(renamed).toEqual({ service: expect.objectContaining({ nom: "Démo renommée", enabled: false, endpoint: null }), endpoint: null });
    const withHook = await runCommand(t.db, "service:update", { slug: "demo", "webhook-url": "http://localhost:9/a" });
    expect(withHook.webhookSecret).toMatch(/^whsec_/);
    const again = await runCommand(t.db, "service:update", { slug: "demo", "webhook-url": "http://localhost:9/b" });
    expect(again).not.toHaveProperty("webhookSecret");
    expect(again.service).toMatchObject({ webhookUrl: "http://localhost:9/b" });
    expect(again.endpoint).toEqual({ url: "http://localhost:9/b", enabled: true, disabledReason: null, heldChanges: 0, failingSince: null, lastSuccessAt: null, evenements: null, territoires: null });
  });

  it("refuses an unknown service, nothing to change, and a bad boolean", async () => {
    await expectAppError(runCommand(t.db, "service:update", { slug: "inconnu", nom: "X" }), "not_found", /inconnu/);
    await expectAppError(runCommand(t.db, "service:update", { slug: "demo" }), "validation_failed", /rien à modifier/);
    await expectAppError(runCommand(t.db, "service:update", { slug: "demo", enabled: "peut-être" }), "validation_failed", /--enabled/);
  });

  it("a disabled service's key no longer authenticates", async () => {
    const { apiKey } = (await runCommand(t.db, "key:create", { service: "demo" })) as { apiKey: string };
    expect(await admittedService(t.db, apiKey)).toBeNull();
    await runCommand(t.db, "service:update", { slug: "demo", enabled: "true" });
    expect(await admittedService(t.db, apiKey)).toMatchObject({ slug: "demo" });
  });
});

describe("key:create and key:revoke", () => {
  it("creates several active keys, then a revoked key fails on the next call", async () => {
    const a = (await runCommand(t.db, "key:create", { service: "mec" })) as { apiKey: string; prefix: string };
    const b = (await runCommand(t.db, "key:create", { service: "mec" })) as { apiKey: string; prefix: string };
    expect(a.apiKey.startsWith(`${a.prefix}_`)).toBe(true);
    expect(await admittedService(t.db, a.apiKey)).toMatchObject({ slug: "mec" });
    expect(await admittedService(t.db, b.apiKey)).toMatchObject({ slug: "mec" });
    expect(await runCommand(t.db, "key:revoke", { prefix: a.prefix })).toEqual({ revoked: a.prefix });
    expect(await admittedService(t.db, a.apiKey)).toBeNull();
    expect(await admittedService(t.db, b.apiKey)).toMatchObject({ slug: "mec" });
    // Revoking twice is harmless.
    expect(await runCommand(t.db, "key:revoke", { prefix: a.prefix })).toEqual({ revoked: a.prefix });
  });

  it("records last use, and refuses a tampered key", async () => {
    const { apiKey, prefix } = (await runCommand(t.db, "key:create", { service: "tet" })) as { apiKey: string; prefix: string };
    await admittedService(t.db, apiKey);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    const tampered = apiKey.slice(0, -1) + (apiKey.endsWith("A") ? "B" : "A");
    expect(await admittedService(t.db, tampered)).toBeNull();
    expect(await admittedService(t.db, "n'importe quoi")).toBeNull();
  });

  it("refuses an unknown service or prefix", async () => {
    await expectAppError(runCommand(t.db, "key:create", { service: "inconnu" }), "not_found");
    await expectAppError(runCommand(t.db, "key:revoke", { prefix: "lc_test_00000000" }), "not_found", /lc_test_00000000/);
    await expectAppError(runCommand(t.db, "key:revoke", {}), "validation_failed", /--prefix/);
  });
});

describe("mapping:set", () => {
  it("adds a label, and --default moves the default of that generic status", async () => {
    const result = await runCommand(t.db, "mapping:set", { service: "tet", label: "Suspendu", generique: "IMPACTE", default: true });
    expect(result).toEqual({ mapping: expect.objectContaining({ service: "tet", label: "Suspendu", generique: "IMPACTE", isDefault: true }) });
    const [tet] = await t.db.select().from(services).where(eq(services.slug, "tet"));
    const defaults = await t.db
      .select()
      .from(statusMappings)
      .where(and(eq(statusMappings.serviceId, tet!.id), eq(statusMappings.genericStatus, "IMPACTE"), eq(statusMappings.isDefault, true)));
    expect(defaults.map((d) => d.label)).toEqual(["Suspendu"]);
  });

  it("moves an existing label to another generic status, dropping its old default role", async () => {
    await runCommand(t.db, "mapping:set", { service: "tet", label: "Suspendu", generique: "ABANDONNE" });
    const [tet] = await t.db.select().from(services).where(eq(services.slug, "tet"));
    const [row] = await t.db
      .select()
      .from(statusMappings)
      .where(and(eq(statusMappings.serviceId, tet!.id), eq(statusMappings.label, "Suspendu")));
    expect(row).toMatchObject({ genericStatus: "ABANDONNE", isDefault: false });
  });

  it("refuses an unknown generic status (listing the valid ones), an unknown service and a valued --default", async () => {
    await expectAppError(runCommand(t.db, "mapping:set", { service: "tet", label: "X", generique: "PERDU" }), "validation_failed", /IDEE, FAISABILITE/);
    await expectAppError(runCommand(t.db, "mapping:set", { service: "nope", label: "X", generique: "IDEE" }), "not_found");
    await expectAppError(runCommand(t.db, "mapping:set", { service: "tet", label: "X", generique: "IDEE", default: "oui" }), "validation_failed", /--default/);
  });
});

describe("phase:set", () => {
  it("edits the phase correspondence like a mapping: a pair → a generic status, --default moves the default", async () => {
    const result = await runCommand(t.db, "phase:set", { phase: "E\u0301tude", "phase-statut": "Terminé", generique: "TERMINE", default: true });
    expect(result).toEqual({ phaseMapping: { phase: "Étude", phaseStatut: "Terminé", generique: "TERMINE", isDefault: true } });
    const defaults = await t.db.select().from(phaseMappings).where(and(eq(phaseMappings.genericStatus, "TERMINE"), eq(phaseMappings.isDefault, true)));
    expect(defaults.map((d) => `${d.phase} / ${d.phaseStatut}`)).toEqual(["Étude / Terminé"]);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "phase_mapping.set"));
    expect(audit).toMatchObject({ targetId: "Étude / Terminé", before: { generique: "FAISABILITE", isDefault: false } });
    // Back to the §8 table.
    await runCommand(t.db, "phase:set", { phase: "Opération", "phase-statut": "Terminé", generique: "TERMINE", default: true });
    await runCommand(t.db, "phase:set", { phase: "Étude", "phase-statut": "Terminé", generique: "FAISABILITE" });
    const [row] = await t.db.select().from(phaseMappings).where(and(eq(phaseMappings.phase, "Étude"), eq(phaseMappings.phaseStatut, "Terminé")));
    expect(row).toMatchObject({ genericStatus: "FAISABILITE", isDefault: false });
  });

  it("refuses values outside the vocabulary and unknown generic statuses", async () => {
    await expectAppError(runCommand(t.db, "phase:set", { phase: "Chantier", "phase-statut": "En cours", generique: "IDEE" }), "validation_failed", /Idée, Étude/);
    await expectAppError(runCommand(t.db, "phase:set", { phase: "Idée", "phase-statut": "En cours", generique: "PERDU" }), "validation_failed", /IDEE, FAISABILITE/);
  });
});

describe("operator:add", () => {
  it("registers an operator (email normalised) and changes the role on a second call", async () => {
    // A second admin, so that the first may become lecteur (the last admin cannot: issue #11).
    await runCommand(t.db, "operator:add", { email: "second.admin@anct.gouv.fr", role: "admin" });
    const first = await runCommand(t.db, "operator:add", { email: "  Admin@ANCT.gouv.fr ", role: "admin" });
    expect(first).toEqual({ operator: expect.objectContaining({ email: "admin@anct.gouv.fr", role: "admin", active: true }) });
    const second = await runCommand(t.db, "operator:add", { email: "admin@anct.gouv.fr", role: "lecteur" });
    expect(second.operator).toMatchObject({ role: "lecteur" });
    expect((await t.db.select().from(operators)).map((o) => o.email).sort()).toEqual(["admin@anct.gouv.fr", "second.admin@anct.gouv.fr"]);
  });

  it("refuses a bad email or role", async () => {
    await expectAppError(runCommand(t.db, "operator:add", { email: "pas-un-email", role: "admin" }), "validation_failed", /--email/);
    await expectAppError(runCommand(t.db, "operator:add", { email: "a@b.fr", role: "chef" }), "validation_failed", /--role/);
  });
});

describe("unknown command", () => {
  it("lists the commands", async () => {
    await expectAppError(runCommand(t.db, "service:delete", {}), "validation_failed", /service:create/);
  });
});
