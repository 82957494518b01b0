import type { Metadata } from "next";
import Link from "next/link";
import { ErrorPage } from "./_components/error-page";

export const metadata: Metadata = { title: "Page non trouvée" };

export default function NotFound() {
  return (
    <ErrorPage
      title="Page non trouvée"
      code="Erreur 404"
      lead="La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée."
      actions={
        <>
          <li><Link className="fr-btn" href="/">Page d'accueil</Link></li>
          <li><Link className="fr-btn fr-btn--secondary" href="/admin">Console des opérateurs</Link></li>
        </>
      }
    >
      <p className="fr-mb-5w">
        Si vous avez tapé l'adresse web dans le navigateur, vérifiez qu'elle est correcte : la page n'est peut-être plus
        disponible. Dans ce cas, pour continuer votre visite, revenez à la page d'accueil. Sinon, suivez le lien depuis la
        page qui l'affichait.
      </p>
    </ErrorPage>
  );
}
