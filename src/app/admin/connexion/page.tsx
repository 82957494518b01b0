import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { getCurrentSession } from "@/server/auth/get-current-operator";
import { proconnectConfigured } from "@/server/auth/proconnect-provider";
import { SignInButton } from "../_components/sign-in-button";
import { firstValue, type RawSearchParams } from "../_components/search-params";
import { safeReturnPath } from "@/server/auth/return-path";

export const metadata: Metadata = { title: "Connexion à la console" };
export const dynamic = "force-dynamic";

const errorMessages: Record<string, string> = {
  OAuthCallback: "La connexion avec ProConnect n'a pas abouti. Réessayez.",
  OAuthSignin: "ProConnect est injoignable pour le moment. Réessayez dans quelques instants.",
  Callback: "La connexion avec ProConnect n'a pas abouti. Réessayez.",
  OAuthAccountNotLinked: "Ce compte ProConnect ne peut pas être rattaché. Contactez un administrateur.",
  SessionRequired: "Votre session a expiré : reconnectez-vous.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const query = await searchParams;
  const error = firstValue(query.error);
  // Back to the page the expired session was on (issue #11); next-auth's redirect callback checks it again.
  const returnTo = safeReturnPath(firstValue(query.retour));
  const session = await getCurrentSession();
  if (session?.operator) redirect(returnTo.startsWith("/admin") ? returnTo : "/admin");
  if (session?.agent) redirect(returnTo.startsWith("/espace") ? returnTo : "/espace");
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>Console des opérateurs</h1>
        <p>
          La console de Les Communs est réservée aux opérateurs de l'Agence nationale de la cohésion des territoires
          enregistrés dans le hub. Identifiez-vous avec votre compte professionnel ProConnect.
        </p>
        {error && (
          <Alert className="fr-mb-4w" severity="error" as="h2" title="Connexion impossible" description={(Object.hasOwn(errorMessages, error) && errorMessages[error]) || "La connexion a échoué. Réessayez."} />
        )}
        {proconnectConfigured() ? (
          <SignInButton callbackUrl={returnTo} />
        ) : (
          <Alert
            severity="warning"
            as="h2"
            title="ProConnect n'est pas configuré"
            description="Renseignez PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET et NEXTAUTH_URL (ou lancez le hub avec npm run hub, qui démarre le simulateur ProConnect)."
          />
        )}
      </div>
    </div>
  );
}
