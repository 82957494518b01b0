// Runs the local ProConnect stand-in:
//   npm run proconnect:standin -- --port 4000 --app-url http://localhost:3000 [--keys-file <path>]
// Issuer http://localhost:<port>/api/v2, client id `les-communs-local`, client secret
// `les-communs-local-secret-not-for-production` (override with --client-id and the environment
// variable PROCONNECT_CLIENT_SECRET: a secret is never passed as an argument, which `ps` shows to
// every user, nor printed).
import path from "node:path";
import { createStandin, standinDefaults } from "./create-standin";
import { loadSigningKeys } from "./load-signing-keys";
import { fixtureAgents } from "./fixture-agents";

function readFlags(argv: string[]) {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--")) throw new Error(`argument inattendu : ${token}`);
    const eq = token.indexOf("=");
    if (eq > 0) flags[token.slice(2, eq)] = token.slice(eq + 1);
    else flags[token.slice(2)] = argv[++i] ?? "";
  }
  return flags;
}

const flags = readFlags(process.argv.slice(2));
const port = Number(flags.port ?? 4000);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("--port : numéro de port attendu");
const appUrl = flags["app-url"] ?? "http://localhost:3000";
const keysFile = path.resolve(flags["keys-file"] ?? path.join(".data", "proconnect-standin", "jwks.json"));
const clientId = flags["client-id"] ?? standinDefaults.clientId;
if (flags["client-secret"] !== undefined) throw new Error("--client-secret n'est plus accepté : passez le secret par la variable d'environnement PROCONNECT_CLIENT_SECRET");
// This program is a development tool of its own, not the hub: it reads its one secret here.
const clientSecret = process.env.PROCONNECT_CLIENT_SECRET || standinDefaults.clientSecret;

const { server, issuer } = createStandin({ port, appUrl, clientId, clientSecret, jwks: loadSigningKeys(keysFile), host: flags.host });
server.listen(port, flags.listen ?? "127.0.0.1", () => {
  console.log(
    JSON.stringify({
      message: "Simulateur ProConnect prêt",
      PROCONNECT_ISSUER: issuer,
      PROCONNECT_CLIENT_ID: clientId,
      NEXTAUTH_URL: appUrl,
      agents: fixtureAgents.map((a) => a.email),
    }),
  );
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
