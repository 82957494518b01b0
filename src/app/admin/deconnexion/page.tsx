import type { Metadata } from "next";
import { cookies } from "next/headers";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { logoutStateCookie } from "@/server/auth/session-policy";
import { firstValue, type RawSearchParams } from "../_components/search-params";

export const metadata: Metadata = { title: "Déconnexion" };
export const dynamic = "force-dynamic";

// ProConnect sends the browser back here with the `state` we gave it; a mismatch means this page
// was not reached through our logout, so it does not claim that ProConnect logged the user out.
export default async function SignedOutPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const state = firstValue((await searchParams).state);
  const expected = (await cookies()).get(logoutStateCookie)?.value;
  const confirmed = Boolean(state && expected && state === expected);
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8">
        <h1>Déconnexion</h1>
        {confirmed ? (
          <Alert severity="success" as="h2" title="Vous êtes déconnecté" description="Votre session sur la console et votre session ProConnect sont fermées." className="fr-mb-4w" />
        ) : (
          <Alert severity="info" as="h2" title="Votre session sur la console est fermée" description="Si vous utilisez un poste partagé, fermez aussi votre session ProConnect." className="fr-mb-4w" />
        )}
        <Button linkProps={{ href: "/admin/connexion" }}>Se reconnecter</Button>
      </div>
    </div>
  );
}
