#!/usr/bin/env node
// Reads a V8 .cpuprofile of the hub (`HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>" npm run bench …`)
// and prints, for a time window of it, the self time by package and by function, and the
// inclusive time of the hub's own functions and of each package. Frames of the minified Next.js
// bundles are mapped back to their sources through the build's source maps (`<chunk>.js.map`), so
// that drizzle, zod, postgres.js and src/… show under their own names (issue #17).
//
// node scripts/bench/analyse-cpu-profile.mjs <file.cpuprofile> [--from=<ms>] [--to=<ms>] [--top=N]
//   [--ms] (milliseconds instead of % of the window)  [--timeline] (busy % per second, to find a phase)
//   [--callers=<function>] (its callers' chains)  [--under=<text>] (what runs under the frames whose
//   name contains <text>: direct callees, self time by package and by function)
// Analyse a profile before rebuilding the same dist dir: the chunks and maps it names are replaced.
// A package shown as `src` (no module path) is drizzle-orm's own sources as its maps name them.
import fs from "node:fs";

const file = process.argv[2];
const arg = (n, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${n}=`));
  return a ? Number(a.split("=")[1]) : d;
};
const top = arg("top", 40);
const prof = JSON.parse(fs.readFileSync(file, "utf8"));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));

// Bundled chunks (minified) are mapped back to their sources through the build's source maps.
import { SourceMap } from "node:module";
const maps = new Map();
function origin(url, line, column) {
  if (!url) return null;
  const p = url.replace(/^file:\/\//, "");
  if (!p.includes("/.next")) return null;
  let map = maps.get(p);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${p}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(p, map);
  }
  if (!map) return null;
  const e = map.findEntry(line, column);
  return e && e.originalSource ? e : null;
}
function moduleOf(url, line, column) {
  const e = origin(url, line, column);
  return e ? e.originalSource : null;
}
const nameCache = new Map();
function nameOf(node) {
  const { url, functionName, lineNumber, columnNumber } = node.callFrame;
  const e = origin(url, lineNumber, columnNumber);
  if (!e) return `${functionName || "(anon)"} ${url ? url.split("/").slice(-2).join("/") : ""}:${lineNumber}`;
  const src = e.originalSource.replace(/^.*?(node_modules\/|\/src\/)/, (m, g) => (g === "/src/" ? "src/" : ""));
  return `${e.name || functionName || "(anon)"} ${src}:${e.originalLine + 1}`;
}

function pkgOf(node) {
  const { url, functionName, lineNumber } = node.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native/v8)";
  let path = url.replace(/^file:\/\//, "");
  const mod = moduleOf(url, lineNumber, node.callFrame.columnNumber);
  if (mod) path = mod;
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + 13).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith("node:") || !path.includes("/")) return `node:${path.replace(/^node:/, "").split("/")[0]}`;
  if (/\/src\//.test(path)) return `src/${path.split("/src/").pop().split(" ")[0]}`;
  if (path.includes("/.next")) return "next-chunk(unmapped)";
  return path;
}

// Self time per node from samples and timeDeltas, within the window.
const from = arg("from", 0);
const to = arg("to", Infinity);
const self = new Map();
let t = 0;
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i] / 1000;
  if (t < from || t > to) continue;
  const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  total += dt;
}
const byFn = new Map();
const byPkg = new Map();
for (const [id, ms] of self) {
  const n = nodes.get(id);
  const pkg = pkgOf(n);
  const key = nameOf(n);
  byFn.set(key, (byFn.get(key) ?? 0) + ms);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms);
}
const idle = [...self].filter(([id]) => nodes.get(id).callFrame.functionName === "(idle)").reduce((s, [, ms]) => s + ms, 0);
console.log(`window ${Math.round(total)} ms, idle ${((100 * idle) / total).toFixed(1)} %, busy ${Math.round(total - idle)} ms`);
const unit = process.argv.includes("--ms") ? "ms" : "% of window";
const pct = process.argv.includes("--ms") ? (ms) => ms.toFixed(0).padStart(6) : (ms) => ((100 * ms) / total).toFixed(1).padStart(5);
console.log(`\n-- by package (${unit})`);
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);
console.log(`\n-- by function (${unit})`);
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);

// Inclusive time of our own functions (src/…): each sample counts once for every distinct src frame on its stack.
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
const inclPkg = new Map();
for (const [id, ms] of self) {
  const seen = new Set();
  const seenPkg = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = nodes.get(cur);
    const pkg = pkgOf(n);
    if (!seenPkg.has(pkg)) { seenPkg.add(pkg); inclPkg.set(pkg, (inclPkg.get(pkg) ?? 0) + ms); }
    if (!pkg.startsWith("src/")) continue;
    const key = nameOf(n);
    if (seen.has(key)) continue;
    seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + ms);
  }
}
console.log(`\n-- inclusive, our functions (${unit})`);
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);
console.log(`\n-- inclusive, by package (${unit})`);
for (const [k, v] of [...inclPkg].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);
if (process.argv.includes("--timeline")) {
  const bins = [];
  let tt = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    tt += prof.timeDeltas[i] / 1000;
    const b = Math.floor(tt / 1000);
    bins[b] ??= { busy: 0, all: 0 };
    const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
    bins[b].all += dt;
    if (nodes.get(prof.samples[i]).callFrame.functionName !== "(idle)") bins[b].busy += dt;
  }
  console.log("\n-- timeline: second busy%");
  console.log(bins.map((b, i) => `${i}:${b ? Math.round((100 * b.busy) / b.all) : "-"}`).join(" "));
}
const callersOf = process.argv.find((x) => x.startsWith("--callers="))?.slice(10);
if (callersOf) {
  // For samples whose leaf function matches, the chain of callers (up to 6 frames), aggregated.
  const chains = new Map();
  for (const [id, ms] of self) {
    const n = nodes.get(id);
    if (n.callFrame.functionName !== callersOf) continue;
    const chain = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < (Number(process.env.DEPTH) || 7); cur = parent.get(cur)) chain.push(nameOf(nodes.get(cur)));
    const k = chain.join(" < ");
    chains.set(k, (chains.get(k) ?? 0) + ms);
  }
  console.log(`\n-- callers of ${callersOf}`);
  for (const [k, v] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(pct(v), k);
}
const under = process.argv.find((x) => x.startsWith("--under="))?.slice(8);
if (under) {
  const leafByFn = new Map();
  const leafByPkg = new Map();
  const childOf = new Map();
  let sum = 0;
  for (const [id, ms] of self) {
    let hit = false;
    let child = null;
    let prev = id;
    for (let cur = id; cur !== undefined; prev = cur, cur = parent.get(cur)) {
      if (nameOf(nodes.get(cur)).includes(under)) { hit = true; child = prev === cur ? "(self)" : nameOf(nodes.get(prev)); break; }
    }
    if (!hit) continue;
    sum += ms;
    const n = nodes.get(id);
    leafByFn.set(nameOf(n), (leafByFn.get(nameOf(n)) ?? 0) + ms);
    leafByPkg.set(pkgOf(n), (leafByPkg.get(pkgOf(n)) ?? 0) + ms);
    childOf.set(child, (childOf.get(child) ?? 0) + ms);
  }
  console.log(`\n-- under ${under}: ${sum.toFixed(0)} ms`);
  console.log("direct callees:"); for (const [k, v] of [...childOf].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(v.toFixed(0).padStart(6), k);
  console.log("self by package:"); for (const [k, v] of [...leafByPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(v.toFixed(0).padStart(6), k);
  console.log("self by function:"); for (const [k, v] of [...leafByFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(0).padStart(6), k);
}
