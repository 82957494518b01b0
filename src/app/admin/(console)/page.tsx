import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { deliveryStateLabels, formatDateTime, formatPercent } from "../_components/format";
import { DeliveryChart } from "../_components/delivery-chart";
import { EndpointStateBadge } from "../_components/endpoint-state-rows";

export const metadata: Metadata = { title: "Tableau de bord" };

const healthLabels = {
  ok: { text: "Opérationnel", severity: "success" },
  degrade: { text: "Dégradé", severity: "warning" },
  en_echec: { text: "En échec", severity: "error" },
  desactive: { text: "Désactivé", severity: "info" },
  sans_webhook: { text: "Sans webhook", severity: "new" },
} as const;

export default async function DashboardPage() {
  const caller = await getServerCaller();
  const operator = await getCurrentOperator();
  const [stats, authFailures] = await Promise.all([caller.dashboard.stats(), operator?.role === "admin" ? caller.dashboard.authFailures() : null]);
  const tiles = [
    { label: "Livraisons en attente ou en cours (file)", value: stats.backlog.toLocaleString("fr-FR") },
    { label: "Changements en attente de répartition entre les récepteurs", value: stats.unexpanded.toLocaleString("fr-FR") },
    {
      label: `Taux de succès des tentatives sur 14 jours (tentatives acceptées : ${stats.attempts.succeeded.toLocaleString("fr-FR")} sur ${stats.attempts.total.toLocaleString("fr-FR")})`,
      value: formatPercent(stats.successRate),
    },
    { label: "Livraisons en attente d'un nouvel essai", value: stats.retrying.toLocaleString("fr-FR") },
    { label: "Livraisons en échec", value: stats.byState.failed.toLocaleString("fr-FR") },
  ];
  const attention = stats.services.filter((s) => s.needsAttention);
  return (
    <>
      <h1>Tableau de bord</h1>
      {attention.length > 0 && (
        <Alert
          className="fr-mb-4w"
          severity="error"
          as="h2"
          title={attention.length === 1 ? "1 service demande votre attention" : `${attention.length} services demandent votre attention`}
          description={
            <ul data-testid="attention-list">
              {attention.map((s) => (
                <li key={s.serviceId}>
                  <Link href={`/admin/services/${s.serviceId}`}>{s.nom}</Link> :{" "}
                  {!s.serviceEnabled ? "service désactivé" : s.endpoint && <EndpointStateBadge endpoint={s.endpoint} />}
                  {s.retrying > 0 && <> — {s.retrying.toLocaleString("fr-FR")} livraison{s.retrying > 1 ? "s" : ""} en attente d'un nouvel essai</>}
                  {s.endpoint && s.endpoint.heldChanges > 0 && <> — {s.endpoint.heldChanges.toLocaleString("fr-FR")} changement{s.endpoint.heldChanges > 1 ? "s" : ""} retenu{s.endpoint.heldChanges > 1 ? "s" : ""}</>}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        {tiles.map((tile) => (
          <div key={tile.label} className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <div className="fr-p-3w" style={{ border: "1px solid var(--border-default-grey)", height: "100%" }}>
              <p className="fr-h3 fr-mb-1v">{tile.value}</p>
              <p className="fr-text--sm fr-mb-0">{tile.label}</p>
            </div>
          </div>
        ))}
      </div>

      <h2>Livraisons par état</h2>
      <div className="fr-table fr-mb-4w">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Nombre de livraisons par état</caption>
          <thead>
            <tr>
              {(Object.keys(deliveryStateLabels) as (keyof typeof deliveryStateLabels)[]).map((s) => (
                <th key={s} scope="col">{deliveryStateLabels[s]}</th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              {(Object.keys(deliveryStateLabels) as (keyof typeof deliveryStateLabels)[]).map((s) => (
                <td key={s}>
                  <Link href={`/admin/livraisons?state=${s}`}>{stats.byState[s].toLocaleString("fr-FR")}</Link>
                </td>
              ))}
              <td>{stats.total.toLocaleString("fr-FR")}</td>
            </tr>
          </tbody>
        </table>
      </div>

      <h2>Livraisons des 14 derniers jours</h2>
      <DeliveryChart series={stats.series} />

      <h2 className="fr-mt-4w">Santé par service</h2>
      <div className="fr-table">
        <table data-testid="service-health" tabIndex={0}>
          <caption className="fr-sr-only">État des webhooks de chaque service connecté, ceux qui demandent votre attention d'abord</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">État</th>
              <th scope="col">Livrées</th>
              <th scope="col">En échec</th>
              <th scope="col">En file</th>
              <th scope="col">Plus ancienne en attente</th>
              <th scope="col">Changements retenus</th>
              <th scope="col">Échecs consécutifs</th>
              <th scope="col">Dernier succès</th>
            </tr>
          </thead>
          <tbody>
            {stats.services.map((s) => (
              <tr key={s.serviceId}>
                <td><Link href={`/admin/services/${s.serviceId}`}>{s.nom}</Link></td>
                <td>
                  <Badge severity={healthLabels[s.health].severity} small>{healthLabels[s.health].text}</Badge>
                  {s.endpoint && s.health !== "ok" && s.health !== "degrade" && <> <EndpointStateBadge endpoint={s.endpoint} /></>}
                </td>
                <td>{s.byState.delivered}</td>
                <td>{s.byState.failed > 0 ? <Link href={`/admin/livraisons?serviceId=${s.serviceId}&state=failed`}>{s.byState.failed}</Link> : 0}</td>
                <td>{s.byState.pending + s.byState.in_flight}</td>
                <td>{formatDateTime(s.oldestWaitingAt)}</td>
                <td>{s.endpoint ? s.endpoint.heldChanges.toLocaleString("fr-FR") : "—"}</td>
                <td>{s.endpoint?.consecutiveFailures ?? "—"}</td>
                <td>{formatDateTime(s.endpoint?.lastSuccessAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {authFailures && (
        <>
          <h2 className="fr-mt-4w">Échecs d'authentification de l'API (dernière heure)</h2>
          <p className="fr-text--sm">
            Clés d'API refusées par adresse cliente, sur ce serveur. Au-delà de quelques essais par minute, l'adresse reçoit 429 : une rafale
            signale une clé perdue par un service ou une tentative de deviner des clés.
          </p>
          {authFailures.length === 0 ? (
            <p data-testid="auth-failures-empty">Aucun échec dans la dernière heure.</p>
          ) : (
            <div className="fr-table">
              <table data-testid="auth-failures" tabIndex={0}>
                <caption className="fr-sr-only">Échecs d'authentification par adresse, les plus nombreux d'abord</caption>
                <thead>
                  <tr>
                    <th scope="col">Adresse</th>
                    <th scope="col">Échecs</th>
                    <th scope="col">Dernier échec</th>
                    <th scope="col">Préfixes de clé présentés</th>
                    <th scope="col">Limitée</th>
                  </tr>
                </thead>
                <tbody>
                  {authFailures.map((b) => (
                    <tr key={b.address}>
                      <td><code>{b.address}</code></td>
                      <td>{b.failures.toLocaleString("fr-FR")}</td>
                      <td>{formatDateTime(b.lastAt)}</td>
                      <td>{b.keyPrefixes.length ? b.keyPrefixes.map((p) => <code key={p}>{p} </code>) : "—"}</td>
                      <td>{b.throttled ? <Badge severity="error" small>429</Badge> : "non"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
