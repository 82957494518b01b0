import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { CreateServiceForm } from "../../_components/create-service-form";
import { EndpointStateBadge } from "../../_components/endpoint-state-rows";

export const metadata: Metadata = { title: "Services connectés" };

export default async function ServicesPage() {
  const [services, operator] = await Promise.all([(await getServerCaller()).services.list(), getCurrentOperator()]);
  return (
    <>
      <h1>Services connectés</h1>
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Services connectés au hub</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Identifiant</th>
              <th scope="col">Service actif</th>
              <th scope="col">Webhook</th>
              <th scope="col">Changements retenus</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <td><Link href={`/admin/services/${s.id}`}>{s.nom}</Link></td>
                <td><code>{s.slug}</code></td>
                <td>{s.enabled ? <Badge severity="success" small>Actif</Badge> : <Badge severity="warning" small>Désactivé</Badge>}</td>
                <td>
                  {s.endpoint ? <EndpointStateBadge endpoint={s.endpoint} /> : "Aucun"}
                </td>
                <td>{s.endpoint ? s.endpoint.heldChanges : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="fr-text--sm">
        Changements retenus : projets modifiés pendant que le webhook ou le service était désactivé. Ils sont
        envoyés, dans leur état actuel, dès que le webhook et le service sont de nouveau activés.
      </p>
      {operator?.role === "admin" && (
        <section className="fr-mt-4w" aria-labelledby="create-service-title">
          <h2 id="create-service-title">Créer un service</h2>
          <CreateServiceForm />
        </section>
      )}
    </>
  );
}
