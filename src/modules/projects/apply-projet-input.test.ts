import { describe, expect, it } from "vitest";
import { applyProjetInput, blankProject } from "./apply-projet-input";

const secret = "s".repeat(32);
const stored = () => {
  const row = blankProject("7d3c0f64-4b8e-4d3c-9a51-1e2f3a4b5c6d", "b4c2a1d0-1111-4222-8333-944455566677", new Date());
  return {
    ...row,
    nom: "Médiathèque",
    description: null,
    collectivites: [{ type: "Commune", code: "69123" }],
    budgetPrevisionnel: 120000,
    dateDebutPrevisionnelle: "2026-03-01",
  } as typeof row;
};

describe("applyProjetInput", () => {
  it("reports no change for the same values, objects compared as JSON whatever their key order", () => {
    const { changes } = applyProjetInput(
      stored(),
      { nom: "Médiathèque", collectivites: [{ code: "69123", type: "Commune" } as never], budgetPrevisionnel: 120000, dateDebutPrevisionnelle: "2026-03-01" },
      undefined,
      secret,
    );
    expect(changes).toEqual([]);
  });

  it("reports each changed field once: a new value, an explicit null, another list", () => {
    const { next, changes } = applyProjetInput(
      stored(),
      { nom: "Piscine", budgetPrevisionnel: null, collectivites: [{ type: "Commune", code: "75056" }], description: "Bassin" },
      undefined,
      secret,
    );
    expect(changes).toEqual(["nom", "description", "collectivites", "budgetPrevisionnel"]);
    expect(next).toMatchObject({ nom: "Piscine", budgetPrevisionnel: null, description: "Bassin", collectivites: [{ type: "Commune", code: "75056" }] });
  });

  it("tells a number from the same digits as text, and null from an omitted field", () => {
    const row = stored();
    expect(applyProjetInput(row, { budgetPrevisionnel: "120000" as never }, undefined, secret).changes).toEqual(["budgetPrevisionnel"]);
    expect(applyProjetInput(row, { description: null }, undefined, secret).changes).toEqual([]);
    expect(applyProjetInput(row, {}, undefined, secret).changes).toEqual([]);
  });
});
