// French names of audit actions and of the fields their before/after carry (issue #11: operators read
// "Rotation du secret", not `webhook_endpoint.rotate_secret`). One table: `audit-labels.test.ts`
// fails when a code written anywhere in src/ has no label here.

export const auditActionLabels: Record<string, string> = {
  "auth.login": "Connexion à la console",
  "auth.login_refused": "Connexion refusée",
  "auth.logout": "Déconnexion",
  "operator.add": "Ajout d'un opérateur",
  "operator.update": "Modification d'un opérateur",
  "operator.activate": "Réactivation d'un opérateur",
  "operator.deactivate": "Désactivation d'un opérateur",
  "service.create": "Création d'un service",
  "service.update": "Modification d'un service",
  "api_key.create": "Création d'une clé d'API",
  "api_key.revoke": "Révocation d'une clé d'API",
  "webhook_endpoint.set": "Modification de l'adresse de webhook",
  "webhook_endpoint.enable": "Activation du webhook",
  "webhook_endpoint.disable": "Désactivation du webhook",
  "webhook_endpoint.disable_auto": "Désactivation automatique du webhook",
  "webhook_endpoint.rotate_secret": "Rotation du secret de webhook",
  "webhook_endpoint.subscription": "Modification des abonnements du webhook",
  "webhook_endpoint.test": "Envoi d'un événement de test",
  "status_mapping.set": "Correspondance de statut enregistrée",
  "status_mapping.delete": "Suppression d'un libellé de statut",
  "phase_mapping.set": "Correspondance de phase enregistrée",
  "delivery.replay": "Renvoi d'une livraison",
  "deliveries.replay_failed": "Renvoi des livraisons en échec",
  "agent.add": "Ajout d'un agent de service",
  "agent.update": "Modification d'un agent de service",
  "agent.remove": "Retrait d'un agent de service",
};

/** The French name of an action code; an unknown code (written by a newer version) is shown as is. */
export function auditActionLabel(action: string): string {
  return auditActionLabels[action] ?? action;
}

/** French names of the keys found in before/after; unknown keys are shown as is. */
export const auditFieldLabels: Record<string, string> = {
  label: "libellé",
  generique: "statut générique",
  isDefault: "par défaut",
  ancienDefaut: "ancien libellé par défaut",
  projets: "projets",
  deplacesVers: "projets déplacés vers",
  projetsDeplaces: "projets déplacés",
  nouveauDefaut: "nouveau libellé par défaut",
  nom: "nom",
  slug: "identifiant",
  role: "rôle",
  active: "actif",
  enabled: "activé",
  url: "adresse",
  webhookUrl: "adresse du webhook",
  prefix: "préfixe de clé",
  niveau: "niveau",
  acr: "niveau d'authentification",
  idp: "fournisseur d'identité",
  reason: "motif",
  count: "nombre",
  state: "état",
  filter: "filtre",
  replayed: "livraisons renvoyées",
  attempt: "tentative",
  previousSecretExpiresAt: "fin de validité de l'ancien secret",
  revokedAt: "révoquée le",
  territoires: "territoires",
  eventTypes: "types d'événements",
  eventType: "type d'événement",
  service: "service",
  since: "depuis",
  until: "jusqu'au",
  projectId: "projet",
};
