// The web process's heap limit is written in three places that cannot share code: this module (the
// local hub and the harnesses), package.json's `start`, and the Dockerfile's CMD. They must agree,
// or the bench would measure a hub configured unlike the deployed one (issue #17, hub RSS).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { WEB_NODE_ARGS } from "./web-node-args.mjs";

const root = path.resolve(import.meta.dirname, "..", "..");

test("npm start and the image's web process get the same node options as the harnesses", () => {
  const start = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start;
  const cmd = readFileSync(path.join(root, "Dockerfile"), "utf8").split("\n").filter((line) => line.startsWith("CMD ")).pop();
  assert.ok(WEB_NODE_ARGS.length > 0);
  for (const arg of WEB_NODE_ARGS) {
    assert.match(start, new RegExp(`NODE_OPTIONS="${arg}\\b`), `package.json start lacks ${arg}`);
    assert.ok(JSON.parse(cmd.slice(4)).includes(arg), `Dockerfile CMD lacks ${arg}`);
  }
});
