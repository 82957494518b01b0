import type { ReactNode } from "react";
import Link from "next/link";
import { signOutAction } from "@/server/auth/sign-out";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { TRPCProvider } from "@/server/trpc/react-provider";
import { SessionKeepAlive } from "../admin/_components/session-keep-alive";

export const dynamic = "force-dynamic";

// Every page of the space needs a session with at least one service grant (issue #12); procedures
// check the grant and its level again on each call. A person who is also an operator switches here.
export default async function EspaceLayout({ children }: { children: ReactNode }) {
  const { caller, isOperator } = await getEspaceServerCaller();
  const mine = await caller.espace.services();
  return (
    <TRPCProvider>
      <SessionKeepAlive />
      <p data-testid="agent-identity" className="fr-mb-1w">
        Connecté : <strong>{mine.email}</strong>
        {isOperator && (
          <>
            {" "}— <Link href="/admin">Aller à la console des opérateurs</Link>
          </>
        )}
      </p>
      <form action={signOutAction} className="fr-mb-4w">
        <button type="submit" className="fr-btn fr-btn--secondary fr-btn--sm fr-icon-logout-box-r-line fr-btn--icon-left">
          Se déconnecter
        </button>
      </form>
      {children}
    </TRPCProvider>
  );
}
