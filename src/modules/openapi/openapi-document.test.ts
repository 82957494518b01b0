import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { buildOpenApiDocument } from "./build-openapi-document";

describe("GET /api/v1/openapi.json document", () => {
  const document = buildOpenApiDocument() as any;

  it("validates against the OpenAPI 3.1 schema with an independent validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes every route of the contract with its error responses and examples", () => {
    const expected: [string, string][] = [
      ["/api/v1/projets", "post"],
      ["/api/v1/projets", "get"],
      ["/api/v1/projets/bulk", "post"],
      ["/api/v1/projets/{id}", "get"],
      ["/api/v1/projets/{id}", "patch"],
      ["/api/v1/projets/{id}/external-id", "put"],
      ["/api/v1/projets/{id}/permissions", "put"],
      ["/api/v1/projets/{id}/permissions", "delete"],
      ["/api/v1/projets/{id}/permissions", "get"],
      ["/api/v1/utilisateurs/effacement", "post"],
      ["/api/v1/statuts", "get"],
      ["/api/v1/permissions/sync", "post"],
      ["/api/v1/utilisateurs/retrait", "post"],
    ];
    for (const [path, method] of expected) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      for (const status of ["400", "401", "429", "500", "503"]) expect(operation.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
    expect(document.paths["/api/v1/projets"].post.responses["422"]).toBeDefined();
    expect(document.paths["/api/v1/projets/{id}/external-id"].put.responses["409"]).toBeDefined();
    expect(document.paths["/api/v1/projets/bulk"].post.responses["413"]).toBeDefined();
    expect(document.components.schemas.ProjetInput.example.externalId).toBe("mec-12345");
    expect(document.components.schemas.ProjetInput.additionalProperties).toBe(false);
    expect(document.components.schemas.ProjetsBulkInput.properties.projets.items).toEqual({ $ref: "#/components/schemas/ProjetInput" });
    expect(document.info.description).toContain("/integration");
    // CONTRACT §8: the sync's 403, the phase vocabulary in and out.
    expect(document.paths["/api/v1/permissions/sync"].post.responses["403"]).toBeDefined();
    expect(document.components.schemas.PermissionsSyncInput.properties.accorder.items).toEqual({ $ref: "#/components/schemas/PermissionAccord" });
    expect(document.components.schemas.ProjetInput.properties.phase).toBeDefined();
    expect(document.components.schemas.ProjetInput.properties.phaseStatut).toBeDefined();
    expect(document.components.schemas.Projet.required).toEqual(expect.arrayContaining(["phase", "phaseStatut"]));
  });
});
