import { apiKeys } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { generateApiKey } from "./generate-api-key";

/** Creates a key for a service. The clear key is returned once and never stored. */
export async function createApiKey(tx: DbOrTx, serviceId: string, keyPrefix: string, actor: Actor) {
  const { key, prefix, hash } = generateApiKey(keyPrefix);
  const [row] = await tx
    .insert(apiKeys)
    .values({ serviceId, prefix, keyHash: hash })
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt });
  await writeAudit(tx, actor, {
    action: "api_key.create",
    targetType: "service",
    targetId: serviceId,
    after: { prefix },
  });
  return { apiKey: key, prefix, id: row!.id, createdAt: row!.createdAt };
}
