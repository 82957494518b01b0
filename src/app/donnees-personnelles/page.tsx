import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/env";

export const metadata: Metadata = { title: "Données personnelles" };
// The retention period is a setting of the running hub, not of the build.
export const dynamic = "force-dynamic";

// What this page says is what the code does: src/db/schema.ts (what is stored), src/modules/personal-data
// (erasure), src/modules/delivery/purge-delivery-history.ts (retention), src/server/logger.ts (logs).
export default function PersonalDataPage() {
  const retentionDays = env.WEBHOOK_RETENTION_DAYS;
  return (
    <div className="fr-grid-row">
      <div className="fr-col-12 fr-col-lg-9">
        <h1>Données personnelles</h1>
        <p>
          Le responsable du traitement est l'Agence nationale de la cohésion des territoires (ANCT). Le hub traite des données
          personnelles pour une mission d'intérêt public : permettre aux services numériques publics de partager les projets
          des collectivités et les droits des personnes qui y travaillent.
        </p>

        <h2>Ce que le hub conserve</h2>
        <div className="fr-table">
          {/* Focusable: at 375 px the table scrolls sideways, and a keyboard user must reach it (WCAG 2.1.1). */}
          <table tabIndex={0}>
            <caption>Données personnelles conservées par le hub</caption>
            <thead>
              <tr>
                <th scope="col">Qui</th>
                <th scope="col">Données</th>
                <th scope="col">Sous quelle forme</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>Porteur référent d'un projet</td>
                <td>adresse électronique, nom, prénom, téléphone, fonction (envoyés par le service connecté qui publie le projet)</td>
                <td>
                  en clair, pour être transmis aux autres services liés au projet ; l'adresse est aussi conservée sous forme
                  d'empreinte pour retrouver la personne lors d'un effacement
                </td>
              </tr>
              <tr>
                <td>Personne ayant une permission sur un projet</td>
                <td>adresse électronique</td>
                <td>
                  <strong>jamais en clair</strong> : seule une empreinte HMAC-SHA256 de l'adresse normalisée est conservée ;
                  aucune réponse de l'API ne la contient
                </td>
              </tr>
              <tr>
                <td>Opérateur de l'ANCT, agent d'un service connecté</td>
                <td>adresse électronique professionnelle, rôle ou niveau d'accès, session de connexion en cours</td>
                <td>en clair, pour la connexion par ProConnect ; les actions des opérateurs sont inscrites, avec leur adresse, au journal d'audit</td>
              </tr>
              <tr>
                <td>Toute personne nommée dans un projet</td>
                <td>copie des données du projet envoyées aux services connectés (webhooks) et extraits des réponses reçues</td>
                <td>
                  conservées {retentionDays} jours après la livraison, puis supprimées automatiquement (seuls l'état, les dates
                  et les statuts HTTP des livraisons restent)
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          Les journaux techniques du hub ne contiennent ni adresse électronique, ni nom, ni téléphone, ni corps de requête.
          Le site ne dépose aucun cookie de mesure d'audience : seuls le cookie de session (connexion ProConnect) et la
          préférence d'affichage (dans votre navigateur) sont utilisés.
        </p>

        <h2>Effacement</h2>
        <p>
          Un service connecté peut demander l'effacement d'une personne (<code>POST /api/v1/utilisateurs/effacement</code>).
          Le hub supprime alors, en une seule opération : toutes ses permissions (données par tous les services), ses accès à
          l'espace des services connectés, et ses coordonnées de porteur (adresse, nom, prénom, téléphone, fonction) dans les
          projets et dans les copies conservées pour les livraisons. Chaque projet touché reçoit une nouvelle version ; les
          services connectés sont prévenus, sans donnée personnelle. Le SIRET, donnée de l'organisation, est conservé.
        </p>

        <h2>Vos droits et qui contacter</h2>
        <p>
          Vous disposez d'un droit d'accès, de rectification, d'effacement et d'opposition sur vos données. Pour l'exercer,
          adressez-vous d'abord au service numérique par lequel vos données ont été transmises (votre projet y est suivi) : il
          peut les corriger et demander leur effacement au hub. Vous pouvez aussi écrire à l'ANCT, 20 avenue de Ségur, 75007
          Paris, à l'attention du délégué à la protection des données.
        </p>
        <p>
          Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une
          réclamation à la Commission nationale de l'informatique et des libertés (CNIL).
        </p>
        <p>
          Voir aussi les <Link href="/mentions-legales">mentions légales</Link>.
        </p>
      </div>
    </div>
  );
}
