import type { Metadata } from "next";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { mfaAuthorizationParams } from "@/server/auth/proconnect-provider";
import { MfaSignInButton } from "../_components/mfa-sign-in-button";
import { firstValue, type RawSearchParams } from "../_components/search-params";

export const metadata: Metadata = { title: "Accès refusé" };
export const dynamic = "force-dynamic";

const reasons: Record<string, string> = {
  non_operateur:
    "Votre compte ProConnect est valide, mais vous n'êtes pas enregistré comme opérateur de Les Communs. Si vous devez accéder à la console, demandez à un administrateur de l'ANCT de vous ajouter.",
  mfa_requise:
    "Les administrateurs de la console doivent se connecter avec une double authentification (par exemple un code à usage unique en plus du mot de passe), comme le demande l'ANSSI. Reconnectez-vous en choisissant la double authentification : ProConnect vous la proposera, ou vous enverra un code par courriel si votre fournisseur d'identité ne l'offre pas encore.",
  niveau_insuffisant:
    "Le niveau d'authentification de votre connexion ProConnect est insuffisant pour la console. Reconnectez-vous avec une authentification renforcée (double authentification).",
  profil_incomplet: "ProConnect n'a pas transmis votre adresse électronique : la console ne peut pas vous identifier.",
  compte_different:
    "Ce compte ProConnect est déjà rattaché à un autre opérateur que celui de l'adresse électronique transmise. Par sécurité, la console ne le rattache pas à nouveau : demandez à un administrateur de l'ANCT de vérifier votre compte.",
  AccessDenied: "Vous n'avez pas accès à la console de Les Communs.",
};

const reasonOf = (key: string | undefined) => (key && Object.hasOwn(reasons, key) ? reasons[key] : undefined);

export default async function AccessDeniedPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const motif = firstValue(raw.motif);
  const message = reasonOf(motif) ?? reasonOf(firstValue(raw.error)) ?? "La connexion a échoué.";
  const offerMfa = motif === "mfa_requise" || motif === "niveau_insuffisant";
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8">
        <h1>Accès refusé</h1>
        <Alert severity="error" as="h2" title="Vous ne pouvez pas accéder à la console" description={message} className="fr-mb-4w" />
        <p>Aucune session n'a été ouverte.</p>
        <ul className="fr-btns-group fr-btns-group--inline-md">
          {offerMfa && <li><MfaSignInButton authorizationParams={mfaAuthorizationParams()} /></li>}
          <li><Button linkProps={{ href: "/" }} priority="secondary">Retour à l'accueil</Button></li>
        </ul>
      </div>
    </div>
  );
}
