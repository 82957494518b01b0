import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { env } from "@/env";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { DeliveryChart } from "../admin/_components/delivery-chart";
import { EndpointStateRows } from "../admin/_components/endpoint-state-rows";
import { formatDateTime } from "../admin/_components/format";
import { GettingStarted } from "./_components/getting-started";

export const metadata: Metadata = { title: "Espace des services connectés" };
export const dynamic = "force-dynamic";

const levelLabels = { lecture: "Lecture", gestion: "Gestion" } as const;

// The space of a connected service's agents (issue #12): only their services, each with its
// integration's health, links to its settings, projects, deliveries and technical contacts, and a
// getting-started panel. Every read goes through the space's guarded procedures.
export default async function EspacePage() {
  const { caller } = await getEspaceServerCaller();
  const mine = await caller.espace.services();
  const healths = await Promise.all(mine.services.map((s) => caller.espace.health({ serviceId: s.serviceId })));
  return (
    <div>
      <h1>Espace des services connectés</h1>
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
            <ul className="fr-btns-group fr-btns-group--inline-md">
              <li>
                <Link className="fr-btn fr-btn--secondary" href={`/espace/${service.serviceId}/reglages`}>
                  Réglages<span className="fr-sr-only"> de {service.nom}</span>
                </Link>
              </li>
              <li>
                <Link className="fr-btn fr-btn--secondary" href={`/espace/${service.serviceId}/projets`}>
                  Projets<span className="fr-sr-only"> de {service.nom}</span>
                </Link>
              </li>
              <li>
                <Link className="fr-btn fr-btn--secondary" href={`/espace/${service.serviceId}/livraisons`}>
                  Livraisons<span className="fr-sr-only"> à {service.nom}</span>
                </Link>
              </li>
              <li>
                <Link className="fr-btn fr-btn--secondary" href={`/espace/${service.serviceId}/contacts`}>
                  Contacts techniques<span className="fr-sr-only"> de {service.nom}</span>
                </Link>
              </li>
            </ul>
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
            {endpoint && (
              <>
                <h4 className="fr-h6">Livraisons à ce service sur 14 jours</h4>
                <DeliveryChart series={health.series} idPrefix={`livraisons-${service.slug}`} />
              </>
            )}
            <GettingStarted slug={service.slug} baseUrl={(env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/$/, "")} />
          </section>
        );
      })}
    </div>
  );
}
