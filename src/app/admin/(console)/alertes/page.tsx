import type { Metadata } from "next";
import { getServerCaller } from "@/server/trpc/server-caller";
import { AlertSubscriptionSwitch } from "../../_components/alert-forms";

export const metadata: Metadata = { title: "Alertes par courriel" };

export default async function AlertsPage() {
  const { alertSubscribed } = await (await getServerCaller()).alerts.mySubscription();
  return (
    <>
      <h1>Alertes par courriel</h1>
      <p>
        Le hub prévient par courriel les contacts techniques d'un service, et les opérateurs abonnés, quand son webhook commence à
        échouer, est désactivé ou se rétablit : un seul courriel par changement d'état. Un récapitulatif des problèmes encore ouverts
        part chaque matin. Les contacts techniques se règlent sur la page de chaque service.
      </p>
      <AlertSubscriptionSwitch subscribed={alertSubscribed} />
    </>
  );
}
