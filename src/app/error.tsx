"use client";
// An unexpected error while rendering a page: the DSFR 500 page, in the site's layout. The error's
// message stays out of the page (it may quote internals); its digest lets the team find the log line.
import { ErrorPage } from "./_components/error-page";

export default function ErrorBoundary({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
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
        Essayez de rafraîchir la page ou bien réessayez plus tard. Si le problème persiste, signalez-le à l'équipe de l'ANCT
        qui exploite le hub{error.digest ? <> en donnant la référence <code>{error.digest}</code></> : null}.
      </p>
    </ErrorPage>
  );
}
