import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { signOutAction } from "@/server/auth/sign-out";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { EndpointStateRows } from "../admin/_components/endpoint-state-rows";
import { formatDateTime } from "../admin/_components/format";

export const metadata: Metadata = { title: "Espace des services connectés" };
export const dynamic = "force-dynamic";

const levelLabels = { lecture: "Lecture", gestion: "Gestion" } as const;

// The space of a connected service's agents (issue #12): only their services, each with its
// integration's health. Read-only for now; every read goes through the space's guarded procedures.
export default async function EspacePage() {
  const { caller, isOperator } = await getEspaceServerCaller();
  const mine = await caller.espace.services();
  const healths = await Promise.all(mine.services.map((s) => caller.espace.health({ serviceId: s.serviceId })));
  return (
    <div>
      <h1>Espace des services connectés</h1>
      <p data-testid="agent-identity">
        Connecté : <strong>{mine.email}</strong>
        {isOperator && (
          <>
            {" "}— <Link href="/admin">Aller à la console des opérateurs</Link>
          </>
        )}
      </p>
      <form action={signOutAction} className="fr-mb-4w">
        <button type="submit" className="fr-btn fr-btn--secondary fr-btn--sm fr-icon-logout-box-r-line fr-btn--icon-left">
          Se déconnecter
        </button>
      </form>
      {mine.services.map((service, i) => {
        const health = healths[i]!;
        const endpoint = health.endpoint;
        return (
          <section key={service.serviceId} className="fr-mb-6w" data-testid="espace-service" aria-labelledby={`service-${service.slug}`}>
            <h2 id={`service-${service.slug}`}>{service.nom}</h2>
            <p>
              <code>{service.slug}</code> — votre niveau d'accès : <Badge small severity={service.niveau === "gestion" ? "new" : "info"}>{levelLabels[service.niveau]}</Badge>{" "}
              {health.enabled ? <Badge severity="success" small>Service actif</Badge> : <Badge severity="warning" small>Service désactivé</Badge>}
            </p>
            <h3>Santé de l'intégration</h3>
            {endpoint ? (
              <dl>
                <EndpointStateRows endpoint={endpoint} />
                <dt className="fr-text--bold">En échec depuis</dt>
                <dd>{endpoint.failingSince ? formatDateTime(endpoint.failingSince) : "pas d'échec en cours"}</dd>
                <dt className="fr-text--bold">Dernier succès</dt>
                <dd>{formatDateTime(endpoint.lastSuccessAt)}</dd>
              </dl>
            ) : (
              <p>Aucun webhook : ce service ne reçoit pas les changements des autres services.</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
