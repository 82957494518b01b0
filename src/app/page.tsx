import { CallOut } from "@codegouvfr/react-dsfr/CallOut";

export default function HomePage() {
  return (
    <>
      <h1>Les Communs</h1>
      <p className="fr-text--lead">
        Le hub par lequel les services numériques publics qui suivent les projets des collectivités
        (Mon Espace Collectivité, Territoires en Transitions, Recoco, Aides-territoires…) partagent ces projets.
      </p>
      <h2>Vous êtes…</h2>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <CallOut
            title="Services connectés"
            buttonProps={{ linkProps: { href: "/integration" }, children: "Guide d'intégration" }}
          >
            Publiez vos projets par l'API REST et recevez, par webhooks signés, les changements faits par les autres services.
            La <a href="/api/docs">référence de l'API</a> détaille chaque route.
          </CallOut>
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <CallOut
            title="Opérateurs de l'ANCT"
            buttonProps={{ linkProps: { href: "/admin" }, children: "Ouvrir la console" }}
          >
            Gérez les services, leurs clés, les correspondances de statuts et suivez chaque livraison de webhook.
          </CallOut>
        </div>
      </div>
    </>
  );
}
