// Who may enter the console: an active registered operator, authenticated at an accepted `acr`.
// Runs before next-auth writes anything, so a refused agent leaves no user, account or session.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators } from "@/db/schema";
import { writeAudit } from "@/modules/audit/write-audit";

export type SignInRefusal = "non_operateur" | "niveau_insuffisant" | "profil_incomplet";

/** Reads the claims of an id_token whose signature openid-client has already verified. */
export function readIdTokenClaims(idToken: string | undefined): Record<string, unknown> {
  const payload = idToken?.split(".")[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function checkSignIn(
  db: Db,
  input: { email: string | null | undefined; idToken: string | undefined; acceptedAcr: string[] },
): Promise<{ allowed: true; operatorId: string } | { allowed: false; reason: SignInRefusal }> {
  const email = input.email?.trim().toLowerCase();
  let result: { allowed: true; operatorId: string } | { allowed: false; reason: SignInRefusal };
  const acr = readIdTokenClaims(input.idToken).acr;
  if (!email) result = { allowed: false, reason: "profil_incomplet" };
  else if (typeof acr !== "string" || !input.acceptedAcr.includes(acr)) result = { allowed: false, reason: "niveau_insuffisant" };
  else {
    const [operator] = await db
      .select({ id: operators.id })
      .from(operators)
      .where(and(eq(operators.email, email), eq(operators.active, true)))
      .limit(1);
    result = operator ? { allowed: true, operatorId: operator.id } : { allowed: false, reason: "non_operateur" };
  }
  if (!result.allowed) {
    // Traced without the agent's email: refused agents are not staff of the hub.
    await writeAudit(db, { type: "system", label: "proconnect" }, {
      action: "auth.login_refused",
      targetType: "session",
      after: { reason: result.reason, acr: typeof acr === "string" ? acr : null },
    });
  }
  return result;
}
