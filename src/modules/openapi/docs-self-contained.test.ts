// Issue #13 "Also": the project's documents never send readers outside the repository; the API
// contract is the project's own docs/API.md, and every relative link points to a file that exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const documents = ["README.md", "DEVELOPERS.md", "src/modules/delivery/README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("project documents", () => {
  it("do not point outside the repository", () => {
    for (const file of documents) {
      const text = readFileSync(path.join(root, file), "utf8");
      expect(text, file).not.toMatch(/\.\.\/shared|\/work\/shared|CONTRACT(\.md| §)/);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:|^\//.test(target!)) continue;
        expect(existsSync(path.resolve(path.dirname(path.join(root, file)), target!)), `${file} → ${target}`).toBe(true);
      }
    }
  });

  it("link the API contract, docs/API.md", () => {
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toContain("(docs/API.md)");
    expect(readFileSync(path.join(root, "DEVELOPERS.md"), "utf8")).toContain("(docs/API.md)");
  });
});
