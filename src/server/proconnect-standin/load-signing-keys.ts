// The stand-in's signing key, created once and kept in a git-ignored file: a restart with new keys
// under a running app breaks its JWKS cache (trap 11), so keys outlive the process.
import fs from "node:fs";
import path from "node:path";
import { generateKeyPairSync, randomUUID } from "node:crypto";

export function loadSigningKeys(file: string): { keys: Record<string, unknown>[] } {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };
  const jwks = { keys: [jwk] };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(jwks), { mode: 0o600 });
  return jwks;
}
