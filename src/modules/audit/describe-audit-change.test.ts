import { describe, expect, it } from "vitest";
import { describeAuditChange, formatAuditValue } from "./describe-audit-change";

describe("describeAuditChange", () => {
  it("keeps only the fields that changed, named in French", () => {
    expect(
      describeAuditChange({ label: "En retard", generique: "IMPACTE", isDefault: true }, { label: "En retard", generique: "IMPACTE", isDefault: false, ancienDefaut: "Bloqué" }),
    ).toEqual([
      { field: "par défaut", before: "oui", after: "non" },
      { field: "ancien libellé par défaut", before: null, after: "Bloqué" },
    ]);
  });

  it("shows a creation (no before) and a deletion (no after) field by field", () => {
    expect(describeAuditChange(null, { nom: "Recoco" })).toEqual([{ field: "nom", before: null, after: "Recoco" }]);
    expect(describeAuditChange({ prefix: "lc_live_ab" }, null)).toEqual([{ field: "préfixe de clé", before: "lc_live_ab", after: null }]);
  });

  it("writes instants in Europe/Paris time, summer and winter", () => {
    expect(formatAuditValue("2026-07-01T10:00:00.000Z")).toBe("01/07/2026 12:00:00");
    expect(formatAuditValue("2026-12-01T10:00:00Z")).toBe("01/12/2026 11:00:00");
    expect(formatAuditValue("2026-12-01")).toBe("2026-12-01");
    expect(formatAuditValue(["a", "b"])).toBe("a, b");
    expect(formatAuditValue(1500)).toBe("1\u202f500");
    expect(formatAuditValue({ since: "2026-12-01T10:00:00.000Z", eventType: undefined })).toBe("depuis : 01/12/2026 11:00:00");
    expect(formatAuditValue({})).toBe("aucun");
  });
});
