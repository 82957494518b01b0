// Issue #13 part 4: the served document passes an independent linter (Redocly, recommended rules),
// and a client generated from it (openapi-typescript + openapi-fetch) type-checks with --strict,
// with error `details` typed per code. Both tools run offline, in process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";

async function servedDocument(): Promise<{ text: string; response: Response }> {
  const response = GET();
  return { text: await response.text(), response };
}

// A small client written as an integrator would, against the generated types. Each
// `@ts-expect-error` line must be an error: if the document's types grew loose again, the
// directive itself would be reported as unused.
const clientSource = `
import createClient from "openapi-fetch";
import type { components, paths, webhooks } from "./schema";

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:1" });

export async function sample(): Promise<string[]> {
  const found: string[] = [];
  const page = await client.GET("/api/v1/projets", {
    params: { query: { updatedSince: "2026-01-01T00:00:00Z", limit: 10 }, header: { "X-User-Email": "camille@exemple.fr" } },
  });
  if (page.data) {
    const version: number = page.data.items[0]!.version;
    const next: string | null = page.data.nextCursor;
    found.push(String(version), String(next));
  }
  // @ts-expect-error an unknown query parameter is not part of the operation
  await client.GET("/api/v1/projets", { params: { query: { updatedsince: "2026-01-01" } } });

  const upsert = await client.POST("/api/v1/projets", {
    params: { header: { "X-User-Email": "camille@exemple.fr" } },
    body: { externalId: "mec-1", nom: "Piste cyclable", collectivites: [{ type: "Commune", code: "69123" }] },
  });
  if (upsert.data) {
    const created: boolean = upsert.data.created;
    found.push(String(created));
  }
  if (upsert.error) {
    const error = upsert.error.error;
    // @ts-expect-error details are not the same for every code
    found.push(error.details.accepted[0]);
    if (error.code === "unknown_status") found.push(...error.details.accepted);
    if (error.code === "validation_failed") found.push(...error.details.map((d) => d.path + d.message));
    if (error.code === "rate_limited") found.push(String(error.details.retryAfter));
    if (error.code === "payload_too_large") found.push(String(error.details.maxBytes));
  }

  const link = await client.PUT("/api/v1/projets/{id}/external-id", {
    params: { path: { id: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11" } },
    body: { externalId: "mec-2" },
  });
  if (link.error?.error.code === "conflict") {
    const details = link.error.error.details;
    found.push("projetId" in details ? details.projetId : details.externalId);
  }

  const sync = await client.POST("/api/v1/permissions/sync", {
    body: { accorder: [{ projetId: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", email: "a@exemple.fr", niveau: "READ" }] },
  });
  if (sync.error?.error.code === "forbidden" && sync.error.error.details && "projets" in sync.error.error.details) {
    found.push(...sync.error.error.details.projets);
  }
  if (sync.data) found.push(String(sync.data.accordees + sync.data.retirees));
  return found;
}

// Receivers generate their types from the same document.
export function onWebhook(body: webhooks["projet.modifie"]["post"]["requestBody"]["content"]["application/json"]): number {
  const erased: components["schemas"]["EvenementUtilisateurEfface"]["data"]["projets"] = [];
  return body.data.projet.version + body.data.changements.length + erased.length;
}
`;

describe("the served OpenAPI document with independent tools", () => {
  // Inside the worktree so that "openapi-fetch" resolves from node_modules.
  const workDir = mkdtempSync(path.join(process.cwd(), ".openapi-client-"));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("is served with a short public cache, not a year-long one", async () => {
    const { response } = await servedDocument();
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const { text } = await servedDocument();
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: text, absoluteRef: path.join(workDir, "openapi.json"), config });
    const errors = problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
    // The only warning left: the public document itself has no 4xx answer of its own.
    expect(problems.map((p) => p.ruleId)).toEqual(["operation-4xx-response"]);
  }, 60_000);

  it("generates types that a strict client type-checks against", async () => {
    const { text } = await servedDocument();
    const ast = await openapiTS(JSON.parse(text));
    writeFileSync(path.join(workDir, "schema.ts"), astToString(ast));
    const clientFile = path.join(workDir, "client.ts");
    writeFileSync(clientFile, clientSource);
    const program = ts.createProgram([clientFile], {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
    expect(diagnostics).toEqual([]);
  }, 120_000);
});
