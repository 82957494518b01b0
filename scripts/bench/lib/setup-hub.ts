// Run with tsx by the harnesses (hub.mjs setupHub, scripts/faults/fuzz-standalone.mjs): migrates the
// database (DATABASE_URL, or the embedded PGlite in DATA_DIR before the server opens it), then runs
// the command line's own commands in one process — `key:create` for each writer service and
// `service:update --webhook-url` for each receiver — exactly as an operator would (and first
// `service:create` for each extra service of the plan, whose key is returned with the others). With
// `consoleSessions`, also registers an admin and a lecteur operator and opens a console session for
// each (what a ProConnect login would leave in the database), for the fuzz of tRPC and pages.
// Argument: JSON {keysFor: string[], webhooks: {slug: url}, consoleSessions?: boolean, services?: {slug, nom}[]}.
// Last stdout line: JSON results.
import { randomBytes } from "node:crypto";
import { migratePostgres } from "@/db/migrate";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { runCommand } from "@/cli/commands";
import { hashSessionToken } from "@/server/auth/hash-session-token";
import { pgliteDirectory } from "@/db";

async function openForSetup(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (url) {
    await migratePostgres(url);
    return openDatabase({ url, poolSize: 2 });
  }
  if (!process.env.DATA_DIR) throw new Error("DATABASE_URL or DATA_DIR is required");
  // The very directory the server will open (DATA_DIR/pglite), before it runs.
  return openDatabase({ dataDir: pgliteDirectory(), migrate: true });
}

async function main() {
  const plan = JSON.parse(process.argv[2] ?? "{}") as {
    keysFor: string[];
    webhooks: Record<string, string>;
    consoleSessions?: boolean;
    services?: { slug: string; nom: string }[];
  };
  const handle = await openForSetup();
  try {
    const keys: Record<string, string> = {};
    for (const { slug, nom } of plan.services ?? []) {
      const result = (await runCommand(handle.db, "service:create", { slug, nom })) as { apiKey: string };
      keys[slug] = result.apiKey;
    }
    for (const slug of plan.keysFor) {
      const result = (await runCommand(handle.db, "key:create", { service: slug })) as { apiKey: string };
      keys[slug] = result.apiKey;
    }
    const secrets: Record<string, string> = {};
    for (const [slug, webhookUrl] of Object.entries(plan.webhooks ?? {})) {
      const result = (await runCommand(handle.db, "service:update", { slug, "webhook-url": webhookUrl })) as { webhookSecret?: string };
      if (!result.webhookSecret) throw new Error(`no webhook secret returned for ${slug}`);
      secrets[slug] = result.webhookSecret;
    }
    const consoleSessions: Record<string, string> = {};
    if (plan.consoleSessions) {
      for (const role of ["admin", "lecteur"] as const) {
        const email = `fuzz-${role}@anct.gouv.fr`;
        await runCommand(handle.db, "operator:add", { email, role });
        const [user] = await handle.db.insert(users).values({ email }).returning();
        const token = randomBytes(32).toString("hex");
        // 12 hours: the absolute limit of a console session, longer than any fuzz run.
        await handle.db.insert(sessions).values({ sessionToken: hashSessionToken(token), userId: user!.id, expires: new Date(Date.now() + 12 * 3_600_000 - 60_000) });
        consoleSessions[role] = token;
      }
    }
    process.stdout.write(`${JSON.stringify({ keys, secrets, consoleSessions })}\n`);
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
