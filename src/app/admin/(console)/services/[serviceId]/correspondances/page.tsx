import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { DeleteMappingForm, MakeDefaultButton, MappingForm } from "../../../../_components/mapping-forms";
import { firstValue, type RawSearchParams } from "../../../../_components/search-params";

export const metadata: Metadata = { title: "Correspondances de statuts" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function MappingsPage({ params, searchParams }: { params: Promise<{ serviceId: string }>; searchParams: Promise<RawSearchParams> }) {
  const { serviceId } = await params;
  const raw = await searchParams;
  if (!uuid.test(serviceId)) notFound();
  const caller = await getServerCaller();
  const service = await caller.services.get({ serviceId }).catch(() => null);
  if (!service) notFound();
  const [mapping, operator] = await Promise.all([caller.mappings.list({ serviceId }), getCurrentOperator()]);
  const isAdmin = operator?.role === "admin";
  // Set by the forms after a change of default (mapping-forms.tsx): shown only if it is still true.
  const changed = mapping.statuses.find((s) => s.code === firstValue(raw.statut));
  const newDefault = firstValue(raw.nouveauDefaut);
  const formerDefault = firstValue(raw.ancienDefaut);
  const defaultChange = changed && newDefault && changed.defaultLabel === newDefault ? { status: changed.libelle, newDefault, formerDefault } : null;
  return (
    <>
      <Breadcrumb
        currentPageLabel="Correspondances de statuts"
        segments={[
          { label: "Console", linkProps: { href: "/admin" } },
          { label: "Services connectés", linkProps: { href: "/admin/services" } },
          { label: service.nom, linkProps: { href: `/admin/services/${service.id}` } },
        ]}
      />
      <h1>Correspondances de statuts — {service.nom}</h1>
      <p>
        Chaque libellé propre au service correspond à un statut générique. Le libellé par défaut sert à traduire le
        statut générique vers ce service (dans ses webhooks et ses lectures).
      </p>
      {defaultChange && (
        <div role="status" className="fr-mb-4w">
          <Alert
            severity="success"
            as="h2"
            title="Libellé par défaut changé"
            description={
              defaultChange.formerDefault
                ? `« ${defaultChange.formerDefault} » n'est plus le libellé par défaut de « ${defaultChange.status} » : c'est désormais « ${defaultChange.newDefault} ».`
                : `« ${defaultChange.newDefault} » est désormais le libellé par défaut de « ${defaultChange.status} ».`
            }
          />
        </div>
      )}
      {mapping.missingDefaults.length > 0 ? (
        <Alert
          className="fr-mb-4w"
          severity="warning"
          as="h2"
          title="Libellé par défaut manquant"
          description={`Aucun libellé par défaut pour : ${mapping.missingDefaults.join(", ")}. Pour ces statuts, le service reçoit « statut.service : null ».`}
        />
      ) : (
        <Alert className="fr-mb-4w" severity="success" small description="Chaque statut générique a un libellé par défaut." />
      )}
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Libellés du service par statut générique</caption>
          <thead>
            <tr>
              <th scope="col">Statut générique</th>
              <th scope="col">Libellés du service</th>
            </tr>
          </thead>
          <tbody>
            {mapping.statuses.map((s) => (
              <tr key={s.code}>
                <th scope="row">
                  {s.libelle}
                  <br />
                  <code>{s.code}</code>
                </th>
                <td>
                  {s.labels.length === 0 ? (
                    <Badge severity="warning" small>Aucun libellé</Badge>
                  ) : (
                    <ul className="fr-raw-list">
                      {s.labels.map((l) => (
                        <li key={l.id} className="fr-mb-2w">
                          {l.label}{" "}
                          {l.isDefault ? (
                            <Badge severity="info" small>Par défaut</Badge>
                          ) : (
                            isAdmin && <MakeDefaultButton service={service.slug} label={l.label} generique={s.code} currentDefault={s.defaultLabel} />
                          )}
                          {isAdmin ? (
                            <DeleteMappingForm
                              service={service.slug}
                              label={l.label}
                              projets={l.projets}
                              isDefault={l.isDefault}
                              siblings={s.labels.filter((o) => o.label !== l.label).map((o) => o.label)}
                            />
                          ) : (
                            <span className="fr-text--sm"> — {l.projets} projet{l.projets > 1 ? "s" : ""}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isAdmin && (
        <section className="fr-mt-4w" aria-labelledby="mapping-form-title">
          <h2 id="mapping-form-title">Modifier les correspondances</h2>
          <MappingForm
            service={service.slug}
            statuses={mapping.statuses.map((s) => ({ code: s.code, libelle: s.libelle }))}
            existing={mapping.statuses.flatMap((s) => s.labels.map((l) => ({ label: l.label, generique: s.code, isDefault: l.isDefault })))}
          />
        </section>
      )}
    </>
  );
}
