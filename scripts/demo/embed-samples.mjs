#!/usr/bin/env node
// Copies every sample of docs/samples/ into docs/INTEGRATION.md, in the code block that follows its
// marker `<!-- exemple : docs/samples/<file> -->`, so that the guide shows exactly the code the test
// suite executes (scripts/demo/newcomer.test.mjs checks it).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const guidePath = path.join(root, "docs", "INTEGRATION.md");
const guide = readFileSync(guidePath, "utf8");
let count = 0;
// A sample never holds a line that is exactly ``` , so such a line closes the block (possibly empty).
const updated = guide.replace(/(<!-- exemple : (docs\/samples\/[^ ]+) -->\s*```[a-z]*\n)[\s\S]*?^```$/gm, (_, head, file) => {
  count++;
  const source = readFileSync(path.join(root, file), "utf8").replace(/\n$/, "");
  return `${head}${source}\n\`\`\``;
});
writeFileSync(guidePath, updated);
console.log(`${count} exemple(s) recopié(s) dans docs/INTEGRATION.md`);
