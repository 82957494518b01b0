// The choices of the console's filter lists (issue #11): services by name, generic statuses with their
// French label, operators by email (audit author filter; operators are staff, shown to operators).
import { asc } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { genericStatuses, operators, services } from "@/db/schema";

/** Returns `{ services: {id, nom}[], statuses: {code, libelle}[], operators: {id, email}[] }`, each sorted for display. */
export async function listFilterChoices(db: DbOrTx) {
  const [serviceRows, statusRows, operatorRows] = await Promise.all([
    db.select({ id: services.id, nom: services.nom }).from(services).orderBy(asc(services.nom)),
    db.select({ code: genericStatuses.code, libelle: genericStatuses.libelle }).from(genericStatuses).orderBy(asc(genericStatuses.position)),
    db.select({ id: operators.id, email: operators.email }).from(operators).orderBy(asc(operators.email)),
  ]);
  return { services: serviceRows, statuses: statusRows, operators: operatorRows };
}
