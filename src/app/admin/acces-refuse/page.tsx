import type { Metadata } from "next";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";

export const metadata: Metadata = { title: "Accès refusé" };

const reasons: Record<string, string> = {
  non_operateur:
    "Votre compte ProConnect est valide, mais vous n'êtes pas enregistré comme opérateur de Les Communs. Si vous devez accéder à la console, demandez à un administrateur de l'ANCT de vous ajouter.",
  niveau_insuffisant:
    "Le niveau d'authentification de votre connexion ProConnect est insuffisant pour la console. Reconnectez-vous avec une authentification renforcée.",
  profil_incomplet: "ProConnect n'a pas transmis votre adresse électronique : la console ne peut pas vous identifier.",
  AccessDenied: "Vous n'avez pas accès à la console de Les Communs.",
};

export default async function AccessDeniedPage({ searchParams }: { searchParams: Promise<{ motif?: string; error?: string }> }) {
  const { motif, error } = await searchParams;
  const message = reasons[motif ?? ""] ?? reasons[error ?? ""] ?? "La connexion a échoué.";
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8">
        <h1>Accès refusé</h1>
        <Alert severity="error" as="h2" title="Vous ne pouvez pas accéder à la console" description={message} className="fr-mb-4w" />
        <p>Aucune session n'a été ouverte.</p>
        <Button linkProps={{ href: "/" }} priority="secondary">Retour à l'accueil</Button>
      </div>
    </div>
  );
}
