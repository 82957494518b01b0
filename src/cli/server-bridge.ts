// PGlite admits a single process. While the server owns the embedded database, the command line
// cannot open it too (two processes on one PGlite directory corrupt it), and serving PGlite over a
// socket would interleave the command's transactions with the server's on PGlite's single session.
// So the running server publishes where to reach it, and the command line asks it to run the command.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export type ServerBridgeInfo = { pid: number; port: number; token: string };

export const bridgeFile = (dataDir: string) => path.resolve(dataDir, "server.json");

/** Written by the server at start when it owns the embedded database; readable by its user only. */
export function publishServerBridge(dataDir: string, port: number): ServerBridgeInfo {
  const info: ServerBridgeInfo = { pid: process.pid, port, token: randomBytes(32).toString("base64url") };
  mkdirSync(path.resolve(dataDir), { recursive: true });
  writeFileSync(bridgeFile(dataDir), JSON.stringify(info), { mode: 0o600 });
  return info;
}

export function withdrawServerBridge(dataDir: string, info: ServerBridgeInfo) {
  const current = readServerBridge(dataDir);
  if (current?.token === info.token) rmSync(bridgeFile(dataDir), { force: true });
}

export function readServerBridge(dataDir: string): ServerBridgeInfo | null {
  try {
    const info = JSON.parse(readFileSync(bridgeFile(dataDir), "utf8")) as ServerBridgeInfo;
    process.kill(info.pid, 0); // throws when no such process: a stale file from a crashed server
    return info;
  } catch {
    return null;
  }
}

export function tokensMatch(expected: string, presented: string | null): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
