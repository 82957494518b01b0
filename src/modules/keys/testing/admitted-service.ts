// Tests' view of an API key as a request sees it: the same two steps as withApiKey.
import type { DbOrTx } from "@/db/client";
import { admitApiKey, type AdmittedService } from "../admit-api-key";
import { identifyApiKey } from "../identify-api-key";

/**
 * The service a presented key is admitted as now (`identifyApiKey` then `admitApiKey`, counting one
 * request against `perMinute`), or null when it is unknown, wrong, revoked or its service disabled.
 */
export async function admittedService(db: DbOrTx, presented: string, perMinute = 1_000_000): Promise<AdmittedService | null> {
  const key = await identifyApiKey(db, presented);
  if (!key) return null;
  return (await admitApiKey(db, key, perMinute))?.service ?? null;
}
