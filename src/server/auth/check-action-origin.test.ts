import { describe, expect, it } from "vitest";
import { isActionFromOwnOrigin } from "./check-action-origin";

describe("isActionFromOwnOrigin (logout server action, issue #14 finding 8)", () => {
  const publicUrl = "https://communs.anct.gouv.fr";
  it("admits the hub's own origin", () => {
    expect(isActionFromOwnOrigin(new Headers({ origin: publicUrl }), publicUrl)).toBe(true);
    expect(isActionFromOwnOrigin(new Headers({ "sec-fetch-site": "same-origin" }), publicUrl)).toBe(true);
  });

  it("refuses another origin even when X-Forwarded-Host claims it", () => {
    expect(isActionFromOwnOrigin(new Headers({ origin: "https://pirate.example", "x-forwarded-host": "pirate.example" }), publicUrl)).toBe(false);
    expect(isActionFromOwnOrigin(new Headers({ "sec-fetch-site": "cross-site" }), publicUrl)).toBe(false);
    expect(isActionFromOwnOrigin(new Headers({ origin: publicUrl }), undefined)).toBe(false);
  });
});
