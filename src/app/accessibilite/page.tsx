import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Déclaration d'accessibilité" };

// The state stated here is the one the footer shows; change both together. RGAA 4.1: without an audit
// measuring the conformity rate, the only allowed mention is "non conforme". The date is the day the
// checks below were last run in full on every screen (e2e/console-pages.spec.ts).
const checkedOn = "29 novembre 2026";

export default function AccessibilityPage() {
  return (
    <div className="fr-grid-row">
      <div className="fr-col-12 fr-col-lg-9">
        <h1>Déclaration d'accessibilité</h1>
        <p>
          L'Agence nationale de la cohésion des territoires (ANCT) s'engage à rendre ses services numériques accessibles,
          conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à Les Communs :
          ses pages publiques, la console des opérateurs (<code>/admin</code>) et l'espace des services connectés
          (<code>/espace</code>).
        </p>

        <h2>État de conformité</h2>
        <p data-testid="accessibility-status">
          Les Communs est <strong>non conforme</strong> avec le référentiel général d'amélioration de l'accessibilité
          (RGAA) version 4.1, en l'absence d'audit : le RGAA réserve « partiellement conforme » et « totalement conforme »
          à un site dont un audit a mesuré le taux de conformité, ce qui n'est pas encore le cas (voir ci-dessous).
        </p>

        <h2>Résultats des tests</h2>
        <p>
          Le site n'a pas encore fait l'objet d'un audit RGAA complet par un organisme externe. Son état repose sur des
          vérifications internes, faites le {checkedOn} :
        </p>
        <ul>
          <li>
            chaque écran de la console et les pages publiques sont analysés automatiquement par axe-core, avec les règles
            WCAG 2.0, 2.1 et 2.2 niveaux A et AA, en largeur de bureau (1280 pixels) et de téléphone (375 pixels) : aucune
            violation grave ou critique n'est acceptée ;
          </li>
          <li>
            ces analyses font partie des tests de bout en bout, lancés dans Chromium à chaque modification du code ;
          </li>
          <li>
            la navigation au clavier (liens d'évitement, ordre de tabulation, messages d'erreur sur les champs) est vérifiée
            par les mêmes tests.
          </li>
        </ul>
        <p>
          Une analyse automatique ne détecte qu'une partie des défauts : le taux de conformité au RGAA n'est donc pas encore
          mesuré.
        </p>

        <h2>Contenus non accessibles</h2>
        <ul>
          <li>
            les graphiques du tableau de bord ont une alternative sous forme de tableau, mais leur lecture par les lecteurs
            d'écran n'a pas été testée avec des utilisateurs ;
          </li>
          <li>la référence de l'API (<code>/api/docs</code>) est générée par un outil tiers et n'a pas été vérifiée.</li>
        </ul>

        <h2>Établissement de cette déclaration</h2>
        <p>Cette déclaration a été établie le {checkedOn}.</p>
        <p>Technologies utilisées : HTML5, CSS, JavaScript, le Système de design de l'État (DSFR).</p>
        <p>Environnement de test : Chromium (Debian), à 1280 et 375 pixels de large, avec axe-core.</p>

        <h2>Retour d'information et contact</h2>
        <p>
          Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'équipe de l'ANCT qui exploite le hub, par
          le service numérique par lequel vous utilisez Les Communs, pour être orienté vers une alternative accessible ou
          obtenir le contenu sous une autre forme.
        </p>

        <h2>Voies de recours</h2>
        <p>
          Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un service, et que vous
          n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (formulaire de contact sur
          defenseurdesdroits.fr), contacter le délégué du Défenseur des droits dans votre région, ou envoyer un courrier
          gratuit, sans affranchissement, à : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
        </p>
        <p>
          Voir aussi les <Link href="/mentions-legales">mentions légales</Link> et la page{" "}
          <Link href="/donnees-personnelles">données personnelles</Link>.
        </p>
      </div>
    </div>
  );
}
