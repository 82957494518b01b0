import type { Metadata } from "next";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { formatDateTime, roleLabels } from "../../_components/format";
import { AddOperatorForm, OperatorActiveButton } from "../../_components/operator-forms";

export const metadata: Metadata = { title: "Opérateurs" };

export default async function OperatorsPage() {
  const me = await getCurrentOperator();
  if (me?.role !== "admin") {
    return (
      <>
        <h1>Opérateurs</h1>
        <Alert severity="error" as="h2" title="Accès réservé" description="La gestion des opérateurs est réservée aux administrateurs." />
      </>
    );
  }
  const operators = await (await getServerCaller()).operators.list();
  return (
    <>
      <h1>Opérateurs</h1>
      <p>Seuls les opérateurs actifs peuvent se connecter. Désactiver un opérateur ferme aussitôt ses sessions.</p>
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Opérateurs enregistrés</caption>
          <thead>
            <tr><th scope="col">Adresse</th><th scope="col">Rôle</th><th scope="col">État</th><th scope="col">Dernière connexion</th><th scope="col">Modifié le</th><th scope="col">Action</th></tr>
          </thead>
          <tbody>
            {operators.map((o) => (
              <tr key={o.id}>
                <td>{o.email}</td>
                <td>{roleLabels[o.role]}</td>
                <td>{o.active ? <Badge severity="success" small>Actif</Badge> : <Badge severity="warning" small>Désactivé</Badge>}</td>
                <td>{o.lastLoginAt ? formatDateTime(o.lastLoginAt) : "jamais"}</td>
                <td>{formatDateTime(o.updatedAt)}</td>
                <td>{o.id !== me.operatorId && <OperatorActiveButton operatorId={o.id} active={o.active} email={o.email} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddOperatorForm myEmail={me.email} />
    </>
  );
}
