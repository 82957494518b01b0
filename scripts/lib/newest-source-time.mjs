// When the sources that shape `next build` last changed: `npm run hub` and `npm run demo` rebuild
// only when a build is older than this.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// docs/ is included: the /integration page is rendered from docs/INTEGRATION.md at build time;
// patches/ too: it changes the PostgreSQL driver the build bundles.
const buildInputs = ["src", "public", "docs", "patches", "next.config.mjs", "package.json", "package-lock.json", "tsconfig.json"];

export function newestSourceTime(root) {
  let newest = 0;
  const visit = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) visit(path.join(p, entry));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of buildInputs) {
    const full = path.join(root, p);
    if (existsSync(full)) visit(full);
  }
  return newest;
}
