import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { getCurrentSession } from "@/server/auth/get-current-operator";
import { redirectToLogin } from "@/server/auth/redirect-to-login";
import { signOutAction } from "@/server/auth/sign-out";
import { TRPCProvider } from "@/server/trpc/react-provider";
import { ConsoleNav } from "../_components/console-nav";
import { roleLabels } from "../_components/format";
import { SessionKeepAlive } from "../_components/session-keep-alive";

export const dynamic = "force-dynamic";

// Every console page needs an active operator; procedures check the role again on each call.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await getCurrentSession();
  const operator = session?.operator;
  // A connected-service agent who is not an operator lands in their own space (issue #12); without
  // a session, the login comes back to this page (issue #11).
  if (!operator) return session?.agent ? redirect("/espace") : redirectToLogin();
  return (
    <TRPCProvider>
      <SessionKeepAlive />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-3">
          <ConsoleNav isAdmin={operator.role === "admin"} />
          <div className="fr-mt-4w">
            <p className="fr-text--sm fr-mb-1w" data-testid="operator-identity">
              Connecté : <strong>{operator.email}</strong>
            </p>
            <Badge severity={operator.role === "admin" ? "new" : "info"} small>
              {roleLabels[operator.role]}
            </Badge>
            {session.agent && (
              // A person who is both operator and agent switches between the console and their space.
              <p className="fr-text--sm fr-mt-2w">
                <a className="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="/espace">Aller à mon espace de service</a>
              </p>
            )}
            <form action={signOutAction} className="fr-mt-2w">
              <button type="submit" className="fr-btn fr-btn--secondary fr-btn--sm fr-icon-logout-box-r-line fr-btn--icon-left">
                Se déconnecter
              </button>
            </form>
          </div>
        </div>
        <div className="fr-col-12 fr-col-md-9">{children}</div>
      </div>
    </TRPCProvider>
  );
}
