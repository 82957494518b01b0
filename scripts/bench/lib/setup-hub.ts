// Run with tsx by the harnesses (hub.mjs setupHub): migrates DATABASE_URL, then runs the command
// line's own commands in one process — `key:create` for each writer service and
// `service:update --webhook-url` for each receiver — exactly as an operator would.
// Argument: JSON {keysFor: string[], webhooks: {slug: url}}. Last stdout line: JSON results.
import { migratePostgres } from "@/db/migrate";
import { openDatabase } from "@/db/client";
import { runCommand } from "@/cli/commands";

async function main() {
  const plan = JSON.parse(process.argv[2] ?? "{}") as { keysFor: string[]; webhooks: Record<string, string> };
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is required");
  await migratePostgres(url);
  const handle = await openDatabase({ url, poolSize: 2 });
  try {
    const keys: Record<string, string> = {};
    for (const slug of plan.keysFor) {
      const result = (await runCommand(handle.db, "key:create", { service: slug })) as { apiKey: string };
      keys[slug] = result.apiKey;
    }
    const secrets: Record<string, string> = {};
    for (const [slug, webhookUrl] of Object.entries(plan.webhooks)) {
      const result = (await runCommand(handle.db, "service:update", { slug, "webhook-url": webhookUrl })) as { webhookSecret?: string };
      if (!result.webhookSecret) throw new Error(`no webhook secret returned for ${slug}`);
      secrets[slug] = result.webhookSecret;
    }
    process.stdout.write(`${JSON.stringify({ keys, secrets })}\n`);
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
