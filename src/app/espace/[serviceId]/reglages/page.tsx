import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { EndpointStateRows } from "../../../admin/_components/endpoint-state-rows";
import { formatDateTime } from "../../../admin/_components/format";
import { EspaceCreateKeyButton, EspaceRevokeKeyButton, EspaceSubscriptionForm, EspaceWebhookSettings } from "../../_components/espace-actions";

export const metadata: Metadata = { title: "Réglages du service" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A service's settings in its agents' space (issue #12): readable with `lecture`, editable with
// `gestion`. Another service's id answers like an unknown page (the procedure refuses it with 403).
export default async function EspaceSettingsPage({ params }: { params: Promise<{ serviceId: string }> }) {
  const { serviceId } = await params;
  if (!uuid.test(serviceId)) notFound();
  const { caller } = await getEspaceServerCaller();
  const mine = await caller.espace.services();
  const grant = mine.services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const { service, mappings, eventTypes } = await caller.espace.settings({ serviceId });
  const canManage = grant.niveau === "gestion";
  const endpoint = service.endpoint;
  return (
    <>
      <Breadcrumb currentPageLabel="Réglages" segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: service.nom, linkProps: { href: "/espace" } }]} />
      <h1>Réglages de {service.nom}</h1>
      {!canManage && <p>Votre niveau d'accès est « lecture » : vous consultez ces réglages sans pouvoir les modifier.</p>}

      <h2>Webhook</h2>
      {endpoint ? (
        <dl>
          <EndpointStateRows endpoint={endpoint} />
          {endpoint.rotationUntil && endpoint.rotationUntil > new Date() && (
            <>
              <dt className="fr-text--bold">Renouvellement du secret</dt>
              <dd>l'ancien secret signe encore jusqu'au {formatDateTime(endpoint.rotationUntil)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p>Aucun webhook : votre service ne reçoit pas encore les changements des autres services.</p>
      )}
      {canManage && <EspaceWebhookSettings serviceId={serviceId} url={endpoint?.url ?? null} enabled={endpoint ? endpoint.enabled : null} />}

      {endpoint && (
        <section aria-labelledby="abonnement" className="fr-mt-4w">
          <h2 id="abonnement">Abonnement</h2>
          <p>
            Événements reçus : {endpoint.evenements ? endpoint.evenements.join(", ") : "tous"} ; territoires :{" "}
            {endpoint.territoires ? endpoint.territoires.join(", ") : "tous"}.
          </p>
          {canManage && <EspaceSubscriptionForm serviceId={serviceId} eventTypes={eventTypes} evenements={endpoint.evenements} territoires={endpoint.territoires} />}
        </section>
      )}

      <h2 className="fr-mt-4w">Clés d'API</h2>
      <div className="fr-table">
        <table data-testid="espace-keys" tabIndex={0}>
          <caption className="fr-sr-only">Clés d'API du service</caption>
          <thead>
            <tr>
              <th scope="col">Préfixe</th>
              <th scope="col">Créée le</th>
              <th scope="col">Dernière utilisation</th>
              <th scope="col">État</th>
              {canManage && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {service.keys.length === 0 && <tr><td colSpan={canManage ? 5 : 4}>Aucune clé.</td></tr>}
            {service.keys.map((k) => (
              <tr key={k.id} data-testid={`key-${k.prefix}`}>
                <td><code>{k.prefix}</code></td>
                <td>{formatDateTime(k.createdAt)}</td>
                <td>{formatDateTime(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? <Badge severity="error" small>Révoquée</Badge> : <Badge severity="success" small>Active</Badge>}</td>
                {canManage && <td>{!k.revokedAt && <EspaceRevokeKeyButton serviceId={serviceId} prefix={k.prefix} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canManage && <EspaceCreateKeyButton serviceId={serviceId} />}

      <h2 className="fr-mt-4w">Correspondance des statuts</h2>
      <p>
        Les libellés de statut que le hub accepte de votre service, et le statut générique de chacun. Pour en ajouter ou en
        changer, adressez-vous à l'équipe de l'ANCT.
      </p>
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Libellés de statut acceptés, par statut générique</caption>
          <thead>
            <tr><th scope="col">Statut générique</th><th scope="col">Libellés acceptés</th><th scope="col">Libellé par défaut</th></tr>
          </thead>
          <tbody>
            {mappings.statuses.map((s) => (
              <tr key={s.code}>
                <td>{s.libelle} (<code>{s.code}</code>)</td>
                <td>{s.labels.length ? s.labels.map((l) => l.label).join(" ; ") : "—"}</td>
                <td>{s.defaultLabel ?? "aucun"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
