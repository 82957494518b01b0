import { AppError } from "@/modules/errors/app-error";
import type { AgentGrant, AgentLevel } from "./agent-schemas";

/**
 * The space's guard (issue #12, "Rules"): returns the caller's grant on `serviceId` when it is at
 * least `needed` (`gestion` includes `lecture`). Throws `forbidden` otherwise — with the same
 * message whether the service exists or not, so that a refusal tells nothing about other services.
 */
export function requireAgentAccess(grants: readonly AgentGrant[], serviceId: string, needed: AgentLevel): AgentGrant {
  const grant = grants.find((g) => g.serviceId === serviceId);
  if (!grant || (needed === "gestion" && grant.niveau !== "gestion")) {
    throw new AppError("forbidden", "Ce service ne fait pas partie de vos services, ou votre niveau d'accès ne permet pas cette action.");
  }
  return grant;
}
