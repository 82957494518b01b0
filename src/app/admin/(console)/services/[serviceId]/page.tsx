import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { EndpointStateRows } from "../../../_components/endpoint-state-rows";
import { formatDateTime } from "../../../_components/format";
import { CreateKeyButton, RevokeKeyButton, WebhookSettings } from "../../../_components/service-actions";
import { ServiceContacts } from "../../../_components/alert-forms";
import { AddAgentForm, RemoveAgentButton } from "../../../_components/agent-forms";
import { ConsoleSubscriptionForm } from "../../../_components/subscription-form";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/modules/subscriptions/territories";

const levelLabels = { lecture: "Lecture", gestion: "Gestion" } as const;

export const metadata: Metadata = { title: "Service connecté" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ServicePage({ params }: { params: Promise<{ serviceId: string }> }) {
  const { serviceId } = await params;
  if (!uuid.test(serviceId)) notFound();
  const caller = await getServerCaller();
  const [service, operator, contacts] = await Promise.all([
    caller.services.get({ serviceId }).catch(() => null),
    getCurrentOperator(),
    caller.alerts.contacts({ serviceId }).catch(() => []),
  ]);
  if (!service) notFound();
  const isAdmin = operator?.role === "admin";
  // Agents' emails are personal data: only admins (who grant them) see them.
  const agents = isAdmin ? await caller.services.agents({ serviceId }) : [];
  const endpoint = service.endpoint;
  return (
    <>
      <Breadcrumb
        currentPageLabel={service.nom}
        segments={[{ label: "Console", linkProps: { href: "/admin" } }, { label: "Services connectés", linkProps: { href: "/admin/services" } }]}
      />
      <h1>{service.nom}</h1>
      <p>
        Identifiant : <code>{service.slug}</code> —{" "}
        {service.enabled ? <Badge severity="success" small>Service actif</Badge> : <Badge severity="warning" small>Service désactivé</Badge>}
      </p>
      <p>
        <Link className="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={`/admin/services/${service.id}/correspondances`}>
          Correspondances de statuts
        </Link>
        {" · "}
        <Link className="fr-link" href={`/admin/livraisons?serviceId=${service.id}`}>Livraisons vers ce service</Link>
      </p>

      <h2>Webhook</h2>
      {endpoint ? (
        <dl>
          <EndpointStateRows endpoint={endpoint} />
          <dt className="fr-text--bold">Abonnement</dt>
          <dd>
            événements : {endpoint.evenements ? endpoint.evenements.join(", ") : "tous"} ; territoires :{" "}
            {endpoint.territoires ? endpoint.territoires.join(", ") : "tous"}
            {" "}(modifiable ci-dessous ou par <code>service:update --evenements … --territoires …</code>)
          </dd>
          <dt className="fr-text--bold">Échecs consécutifs</dt>
          <dd>{endpoint.consecutiveFailures}</dd>
          <dt className="fr-text--bold">Dernier succès / dernier échec</dt>
          <dd>{formatDateTime(endpoint.lastSuccessAt)} / {formatDateTime(endpoint.lastFailureAt)}</dd>
          {endpoint.rotationUntil && endpoint.rotationUntil > new Date() && (
            <>
              <dt className="fr-text--bold">Renouvellement du secret</dt>
              <dd>l'ancien secret signe encore jusqu'au {formatDateTime(endpoint.rotationUntil)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p>Aucun webhook : ce service ne reçoit pas les changements des autres services.</p>
      )}
      {isAdmin && endpoint && (
        <section aria-labelledby="abonnement" className="fr-mb-4w">
          <h3 id="abonnement" className="fr-h5">Abonnement du webhook</h3>
          <ConsoleSubscriptionForm slug={service.slug} eventTypes={SUBSCRIBABLE_EVENT_TYPES} evenements={endpoint.evenements} territoires={endpoint.territoires} />
        </section>
      )}
      {isAdmin && (
        <WebhookSettings
          slug={service.slug}
          serviceId={service.id}
          url={endpoint?.url ?? null}
          enabled={endpoint ? endpoint.enabled : null}
          serviceEnabled={service.enabled}
          waitingDeliveries={service.waitingDeliveries}
          activeKeys={service.keys.filter((k) => !k.revokedAt).length}
        />
      )}

      <h2 className="fr-mt-4w">Contacts techniques</h2>
      <ServiceContacts slug={service.slug} contacts={contacts} isAdmin={isAdmin} />

      <h2 className="fr-mt-4w">Clés d'API</h2>
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Clés d'API du service</caption>
          <thead>
            <tr>
              {/* State and action first: at 375 px the last columns are off-screen (issue #11). */}
              <th scope="col">État</th>
              <th scope="col">Préfixe</th>
              {isAdmin && <th scope="col">Action</th>}
              <th scope="col">Créée le</th>
              <th scope="col">Dernière utilisation</th>
            </tr>
          </thead>
          <tbody>
            {service.keys.length === 0 && (
              <tr><td colSpan={isAdmin ? 5 : 4}>Aucune clé.</td></tr>
            )}
            {service.keys.map((k) => (
              <tr key={k.id}>
                <td>{k.revokedAt ? <Badge severity="error" small>Révoquée</Badge> : <Badge severity="success" small>Active</Badge>}</td>
                <td><code>{k.prefix}</code></td>
                {isAdmin && <td>{!k.revokedAt && <RevokeKeyButton serviceId={service.id} prefix={k.prefix} />}</td>}
                <td>{formatDateTime(k.createdAt)}</td>
                <td>{formatDateTime(k.lastUsedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isAdmin && <CreateKeyButton serviceId={service.id} />}

      {isAdmin && (
        <section aria-labelledby="agents-du-service" className="fr-mt-4w">
          <h2 id="agents-du-service">Agents du service</h2>
          <p>
            Les personnes de ce service qui se connectent avec ProConnect à leur espace (<code>/espace</code>) : en lecture, elles
            suivent leur intégration ; en gestion, elles règlent aussi leur webhook et leurs clés d'API.{" "}
            <Link href={`/admin/journal?serviceId=${service.id}`}>Leurs actions dans le journal d'audit</Link>
          </p>
          <div className="fr-table">
            <table data-testid="service-agents" tabIndex={0}>
              <caption className="fr-sr-only">Agents du service</caption>
              <thead>
                <tr>
                  <th scope="col">Adresse électronique</th>
                  <th scope="col">Niveau</th>
                  <th scope="col">Depuis le</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {agents.length === 0 && (
                  <tr><td colSpan={4}>Aucun agent.</td></tr>
                )}
                {agents.map((a) => (
                  <tr key={a.id}>
                    <td>{a.email}</td>
                    <td>{levelLabels[a.niveau]}</td>
                    <td>{formatDateTime(a.createdAt)}</td>
                    <td><RemoveAgentButton slug={service.slug} email={a.email} grantId={a.id} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <AddAgentForm slug={service.slug} />
        </section>
      )}
    </>
  );
}
