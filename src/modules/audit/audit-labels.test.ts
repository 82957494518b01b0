// Every audit action code written anywhere in src/ has a French label (issue #11): a new
// `writeAudit({ action: "…" })` without its line in audit-labels.ts fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditActionLabel, auditActionLabels } from "./audit-labels";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Codes in `action: …` properties (a literal or a ternary of literals) of the application's code. */
function writtenActionCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of sourceFiles(path.join(process.cwd(), "src"))) {
    if (file.endsWith(path.join("audit", "audit-labels.ts"))) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const property = /\baction:\s*(.+)$/.exec(line);
      if (!property) continue;
      for (const literal of property[1]!.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) codes.add(literal[1]!);
    }
  }
  return codes;
}

describe("auditActionLabels", () => {
  it("labels every action code written in src/, in French", () => {
    const codes = writtenActionCodes();
    // The scan itself must see the codes it is meant to check.
    expect(codes).toContain("status_mapping.delete");
    expect(codes).toContain("webhook_endpoint.enable");
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((code) => !(code in auditActionLabels));
    expect(missing).toEqual([]);
  });

  it("shows an unknown code as is rather than nothing", () => {
    expect(auditActionLabel("service.create")).toBe("Création d'un service");
    expect(auditActionLabel("futur.inconnu")).toBe("futur.inconnu");
  });
});
