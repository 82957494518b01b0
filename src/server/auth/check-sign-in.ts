// Who may enter the console: an active registered operator, or an agent of a connected service
// (issue #12), authenticated at an accepted `acr`.
// Runs before next-auth writes anything, so a refused agent leaves no user, account or session.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators } from "@/db/schema";
import { listAgentGrants } from "@/modules/agents/list-agent-grants";
import { writeAudit } from "@/modules/audit/write-audit";

export type SignInRefusal = "non_operateur" | "niveau_insuffisant" | "mfa_requise" | "profil_incomplet" | "compte_different";

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

/**
 * Decides whether a ProConnect login may open a console session. Takes the profile's email, the
 * verified id_token, the accepted `acr` values per role and, when ProConnect's account (`sub`) is
 * already linked, the email of the hub user it is linked to. Returns the operator, or the reason of
 * the refusal (traced in the audit log without the agent's email):
 * - `profil_incomplet`: no email; `compte_different`: the account is linked to another email
 *   (an account is only ever linked to the operator whose email matches: issue #14, finding 1);
 * - `non_operateur`: no active operator with this email, and no service grant to it either;
 * - a person who is not an operator but holds service grants (issue #12) is let in as an agent
 *   (`operatorId: null`) under the same `acr` rules: the admins' levels when one of the grants is
 *   `gestion` (it acts on the service), the lecteurs' levels otherwise;
 * - `mfa_requise` (an admin below the admins' levels) or `niveau_insuffisant` (issue #14, finding 2).
 */
export async function checkSignIn(
  db: Db,
  input: {
    email: string | null | undefined;
    idToken: string | undefined;
    acceptedAcr: { admin: string[]; lecteur: string[] };
    linkedUserEmail?: string | null;
  },
): Promise<{ allowed: true; operatorId: string | null } | { allowed: false; reason: SignInRefusal }> {
  const email = input.email?.trim().toLowerCase();
  let result: { allowed: true; operatorId: string | null } | { allowed: false; reason: SignInRefusal };
  const acr = readIdTokenClaims(input.idToken).acr;
  const linked = input.linkedUserEmail?.trim().toLowerCase();
  if (!email) result = { allowed: false, reason: "profil_incomplet" };
  else if (linked !== undefined && linked !== email) result = { allowed: false, reason: "compte_different" };
  else {
    const [operator] = await db
      .select({ id: operators.id, role: operators.role })
      .from(operators)
      .where(and(eq(operators.email, email), eq(operators.active, true)))
      .limit(1);
    const grants = operator ? [] : await listAgentGrants(db, email);
    if (!operator && grants.length > 0) {
      const needed = grants.some((g) => g.niveau === "gestion") ? input.acceptedAcr.admin : input.acceptedAcr.lecteur;
      if (typeof acr === "string" && needed.includes(acr)) result = { allowed: true, operatorId: null };
      else result = { allowed: false, reason: needed === input.acceptedAcr.admin && typeof acr === "string" && input.acceptedAcr.lecteur.includes(acr) ? "mfa_requise" : "niveau_insuffisant" };
    } else if (!operator) result = { allowed: false, reason: "non_operateur" };
    else if (typeof acr === "string" && input.acceptedAcr[operator.role].includes(acr)) result = { allowed: true, operatorId: operator.id };
    else result = { allowed: false, reason: operator.role === "admin" && typeof acr === "string" && input.acceptedAcr.lecteur.includes(acr) ? "mfa_requise" : "niveau_insuffisant" };
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
