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

  it("gives generated clients precise types (issue #13 part 4)", () => {
    const userParam = { $ref: "#/components/parameters/XUserEmail" };
    expect(document.components.parameters.XUserEmail).toMatchObject({ in: "header", name: "X-User-Email", schema: { format: "email" } });
    const readers: [string, string][] = [
      ["/api/v1/projets", "post"],
      ["/api/v1/projets", "get"],
      ["/api/v1/projets/bulk", "post"],
      ["/api/v1/projets/{id}", "get"],
      ["/api/v1/projets/{id}", "patch"],
      ["/api/v1/projets/{id}/external-id", "put"],
      ["/api/v1/projets/{id}/permissions", "put"],
      ["/api/v1/projets/{id}/permissions", "delete"],
      ["/api/v1/projets/{id}/permissions", "get"],
      ["/api/v1/permissions/sync", "post"],
    ];
    for (const [path, method] of readers) {
      const parameters = document.paths[path][method].parameters;
      expect(parameters, `${method} ${path}`).toContainEqual(userParam);
      expect(parameters.filter((p: any) => p.name?.toLowerCase() === "x-user-email"), `${method} ${path}`).toEqual([]);
    }
    const schemas = document.components.schemas;
    expect(schemas.ErreurStatutInconnu.properties.error.properties.details.required).toEqual(["accepted"]);
    expect(schemas.ErreurValidation.properties.error.properties.details.items).toEqual({ $ref: "#/components/schemas/ErreurValidationDetail" });
    expect(schemas.ErreurConflit.properties.error.properties.details.anyOf).toHaveLength(2);
    expect(document.paths["/api/v1/projets/{id}/external-id"].put.responses["409"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ErreurConflit" });
    const upsert = document.paths["/api/v1/projets"].post;
    expect(upsert.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/UpsertResultCreated" });
    expect(schemas.UpsertResultCreated.properties.created).toMatchObject({ const: true });
    expect(schemas.UpsertResultUpdated.properties.created).toMatchObject({ const: false });
    expect(schemas.VersionResult.properties.version.minimum).toBe(1);
    expect(schemas.ErasureResult ?? Object.values(schemas).find((s: any) => s.properties?.projetsModifies)).toBeDefined();
    const list = document.paths["/api/v1/projets"].get.parameters.find((p: any) => p.name === "updatedSince");
    expect(list.schema.format).toBe("date-time");
    expect(document.paths["/api/v1/openapi.json"].get.security).toEqual([]);
    expect(document.info.license.identifier).toBeTruthy();
    expect(document.info.contact).toBeDefined();
    // Rules live in each operation, not only in info.description.
    expect(document.paths["/api/v1/projets/bulk"].post.description).toContain("projets.<i>.statut");
    expect(upsert.description).toContain("422");
    expect(upsert.description).toContain("`nom` et `collectivites` sont obligatoires à la création");
    expect(document.paths["/api/v1/projets/{id}/external-id"].put.description).toContain("details.externalId");
    expect(document.paths["/api/v1/projets"].get.description).toContain("paramètre de requête inconnu");
  });

  it("describes the webhooks with the Standard Webhooks headers", () => {
    expect(Object.keys(document.webhooks)).toEqual(expect.arrayContaining(["projet.cree", "projet.modifie", "utilisateur.efface"]));
    for (const event of ["projet.cree", "projet.modifie", "utilisateur.efface"]) {
      const operation = document.webhooks[event].post;
      expect(operation.parameters.map((p: any) => `${p.in}:${p.name}`), event).toEqual(["header:webhook-id", "header:webhook-timestamp", "header:webhook-signature"]);
      expect(operation.requestBody.content["application/json"].schema.$ref, event).toMatch(/^#\/components\/schemas\/Evenement/);
    }
    expect(document.components.schemas.EvenementProjetModifie.properties.data.properties.projet).toEqual({ $ref: "#/components/schemas/Projet" });
  });
});
