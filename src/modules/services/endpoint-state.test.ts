import { describe, expect, it } from "vitest";
import { endpointStateKind } from "./endpoint-state";

describe("endpointStateKind", () => {
  it("tells a failing endpoint from a healthy one", () => {
    expect(endpointStateKind({ enabled: true, disabledReason: null, failingSince: null })).toBe("actif");
    expect(endpointStateKind({ enabled: true, disabledReason: null, failingSince: "2026-11-29T10:00:00.000Z" })).toBe("en_echec");
  });
  it("tells who disabled it, and why", () => {
    expect(endpointStateKind({ enabled: false, disabledReason: "le récepteur a répondu 410 Gone", failingSince: null })).toBe("desactive_410");
    expect(endpointStateKind({ enabled: false, disabledReason: "aucune livraison réussie depuis plus de 3 jours", failingSince: new Date() })).toBe("desactive_auto");
    expect(endpointStateKind({ enabled: false, disabledReason: "manuel", failingSince: null })).toBe("desactive_manuel");
    expect(endpointStateKind({ enabled: false, disabledReason: null, failingSince: null })).toBe("desactive_manuel");
  });
});
