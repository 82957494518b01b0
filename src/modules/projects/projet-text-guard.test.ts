// Found by the fault suite's fuzzing (scripts/faults): a U+0000 or a lone surrogate in a text field
// reached PostgreSQL and came back as a 500. They must be validation errors (400).
import { describe, expect, it } from "vitest";
import { externalIdInputSchema, projetInputSchema, projetPatchSchema, storableText } from "./projet-schemas";

const valid = { externalId: "mec-1", nom: "École 👩‍👩‍👧 e\u0301", collectivites: [{ type: "Commune", code: "69123" }] };

describe("projetInputSchema, projetPatchSchema, externalIdInputSchema: text PostgreSQL can store", () => {
  it("accepts ordinary and exotic but well-formed unicode", () => {
    expect(projetInputSchema.safeParse({ ...valid, description: "\u202eRTL 𓊆 ﷽", programme: "' OR '1'='1" }).success).toBe(true);
    expect(storableText("🇫🇷")).toBe(true);
  });

  it.each([
    ["externalId", { externalId: "mec-\u0000" }],
    ["nom", { nom: "nul\u0000inside" }],
    ["description", { description: "\u0000" }],
    ["programme", { programme: "a\u0000" }],
    ["statut", { statut: "Non démarré\u0000" }],
    ["porteur.nom", { porteur: { nom: "\u0000" } }],
    ["externalId (lone surrogate)", { externalId: "mec-\ud83d" }],
    ["nom (lone surrogate)", { nom: "x\udc00y" }],
  ])("refuses U+0000 or a lone surrogate in %s", (_field, patch) => {
    const result = projetInputSchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
  });

  it("refuses them in a patch and in PUT …/external-id too", () => {
    expect(projetPatchSchema.safeParse({ nom: "\u0000" }).success).toBe(false);
    expect(projetPatchSchema.safeParse({ description: "\ud800" }).success).toBe(false);
    expect(externalIdInputSchema.safeParse({ externalId: "\u0000" }).success).toBe(false);
  });
});
