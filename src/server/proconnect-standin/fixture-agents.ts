// Agents the local ProConnect stand-in knows. Deterministic `sub`s (trap 12 of notes/proconnect.md:
// random subs at each restart would break the link between a user and their account).
export type FixtureAgent = {
  sub: string;
  email: string;
  given_name: string;
  usual_name: string;
  uid: string;
  siret: string;
  idp_id: string;
  organization_label: string;
  roles: string[];
};

export const fixtureAgents: FixtureAgent[] = [
  {
    sub: "standin-admin-anct",
    email: "admin@anct.gouv.fr",
    given_name: "Camille",
    usual_name: "Administratrice",
    uid: "admin-anct",
    siret: "13002603200016",
    idp_id: "standin-fi-anct",
    organization_label: "Agence nationale de la cohésion des territoires",
    roles: ["agent_public_etat"],
  },
  {
    sub: "standin-lecteur-anct",
    email: "lecteur@anct.gouv.fr",
    given_name: "Dominique",
    usual_name: "Lecteur",
    uid: "lecteur-anct",
    siret: "13002603200016",
    idp_id: "standin-fi-anct",
    organization_label: "Agence nationale de la cohésion des territoires",
    roles: ["agent_public_etat"],
  },
  {
    sub: "standin-agent-exemple",
    email: "agent@exemple.gouv.fr",
    given_name: "Alex",
    usual_name: "Agent",
    uid: "agent-exemple",
    siret: "11000101300017",
    idp_id: "standin-fi-exemple",
    organization_label: "Administration d'exemple",
    roles: ["agent_public"],
  },
  {
    // A connected service's agent (issue #12): not an operator; the e2e setup and the demo grant
    // them `tet` (Territoires en Transitions) with `agent:add`.
    sub: "standin-agent-tet",
    email: "referente@tet.exemple.fr",
    given_name: "Claude",
    usual_name: "Référente",
    uid: "referente-tet",
    siret: "21690123100011",
    idp_id: "standin-fi-exemple",
    organization_label: "Territoires en Transitions (exemple)",
    roles: ["agent_public"],
  },
  {
    // An agent with `gestion` on Aides-territoires (issue #12): an admin grants them in the console
    // (e2e/espace-gestion.spec.ts); the demo grants them with `agent:add`.
    sub: "standin-agent-at-gestion",
    email: "gestionnaire@aides-territoires.exemple.fr",
    given_name: "Sacha",
    usual_name: "Gestionnaire",
    uid: "gestionnaire-at",
    siret: "13002603200016",
    idp_id: "standin-fi-exemple",
    organization_label: "Aides-territoires (exemple)",
    roles: ["agent_public"],
  },
];

export function findAgentBySub(sub: string) {
  return fixtureAgents.find((a) => a.sub === sub) ?? null;
}

export function findAgentByEmail(email: string) {
  const wanted = email.trim().toLowerCase();
  return fixtureAgents.find((a) => a.email === wanted) ?? null;
}
