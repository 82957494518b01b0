import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Mentions légales" };

export default function LegalNoticePage() {
  return (
    <div className="fr-grid-row">
      <div className="fr-col-12 fr-col-lg-9">
        <h1>Mentions légales</h1>

        <h2>Éditeur</h2>
        <p>
          Les Communs est édité par l'Agence nationale de la cohésion des territoires (ANCT), établissement public de l'État,
          20 avenue de Ségur, 75007 Paris.
        </p>
        <p>Le directeur de la publication est le directeur général de l'ANCT.</p>

        <h2>Objet du service</h2>
        <p>
          Les Communs est le hub par lequel les services numériques publics qui suivent les projets des collectivités
          partagent ces projets : chaque service connecté publie ses projets par une API et reçoit, par webhooks signés, les
          changements faits par les autres. La console est réservée aux opérateurs de l'ANCT enregistrés ; l'espace des
          services connectés, aux agents à qui un service a donné accès.
        </p>

        <h2>Hébergement</h2>
        <p>
          Le code du hub est libre et peut être installé par toute administration. L'hébergeur de cette instance est celui
          choisi par l'équipe de l'ANCT qui l'exploite ; ses coordonnées sont communiquées sur demande à cette équipe.
        </p>

        <h2>Accessibilité</h2>
        <p>
          L'état de conformité du site et les voies de recours sont décrits dans la{" "}
          <Link href="/accessibilite">déclaration d'accessibilité</Link>.
        </p>

        <h2>Données personnelles et cookies</h2>
        <p>
          Ce que le hub conserve, pour combien de temps, et comment faire effacer vos données : voir la page{" "}
          <Link href="/donnees-personnelles">données personnelles</Link>. Le site ne dépose aucun cookie de mesure d'audience
          ni de publicité ; seuls les cookies nécessaires à la connexion (session ProConnect) et à la préférence d'affichage
          (thème clair ou sombre, conservé dans votre navigateur) sont utilisés.
        </p>

        <h2>Propriété intellectuelle</h2>
        <p>
          Sauf mention contraire, les contenus de ce site sont publiés sous licence Etalab 2.0. Le Système de design de l'État
          (DSFR), la Marianne et la police Marianne sont réservés aux sites de l'État.
        </p>

        <h2>Sécurité</h2>
        <p>
          Pour signaler une vulnérabilité, ne publiez rien : prévenez en privé l'équipe de l'ANCT qui exploite le hub, comme
          l'explique le fichier <code>SECURITY.md</code> du dépôt du code.
        </p>
      </div>
    </div>
  );
}
