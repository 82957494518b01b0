import { describe, expect, it } from "vitest";
import { reloginHref, safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it("keeps a console or agents' space path with its query string", () => {
    expect(safeReturnPath("/admin/livraisons?state=failed")).toBe("/admin/livraisons?state=failed");
    expect(safeReturnPath("/admin")).toBe("/admin");
    expect(safeReturnPath("/espace/services/x")).toBe("/espace/services/x");
  });
  it("falls back to /admin for another origin, another path or the login page itself", () => {
    for (const raw of ["//evil.example/admin", "/\\evil.example", "https://evil.example/admin", "/api/v1/projets", "/administration", "/admin/connexion?retour=/admin", "", undefined, null]) {
      expect(safeReturnPath(raw)).toBe("/admin");
    }
  });
});

describe("reloginHref", () => {
  it("names the page to return to, encoded", () => {
    expect(reloginHref("/admin/services/1?a=b")).toBe("/admin/connexion?retour=%2Fadmin%2Fservices%2F1%3Fa%3Db");
  });
});
