"use client";
// The root layout itself failed: this page replaces it, so it brings its own <html> and the DSFR
// stylesheet, without the providers that may be what failed.
import { ErrorPage } from "./_components/error-page";
import "@codegouvfr/react-dsfr/assets/dsfr_plus_icons.scss";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="fr" data-fr-scheme="light" data-fr-theme="light">
      <head>
        <title>Erreur inattendue — Les Communs</title>
      </head>
      <body>
        <main id="contenu" className="fr-container fr-py-6w">
          <ErrorPage
            title="Erreur inattendue"
            code="Erreur 500"
            lead="Désolé, le service rencontre un problème : nous travaillons pour le résoudre le plus rapidement possible."
            actions={
              <>
                <li><button type="button" className="fr-btn" onClick={() => reset()}>Réessayer</button></li>
                <li><a className="fr-btn fr-btn--secondary" href="/">Page d'accueil</a></li>
              </>
            }
          >
            <p className="fr-mb-5w">
              Essayez de rafraîchir la page ou bien réessayez plus tard. Si le problème persiste, signalez-le à l'équipe de
              l'ANCT qui exploite le hub{error.digest ? <> en donnant la référence <code>{error.digest}</code></> : null}.
            </p>
          </ErrorPage>
        </main>
      </body>
    </html>
  );
}
