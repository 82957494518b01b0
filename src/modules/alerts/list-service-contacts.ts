import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { serviceContacts } from "@/db/schema";
import type { ServiceContact } from "./contact-schemas";

/** The technical contacts of service `serviceId` (issue #11), by email; shown to operators only. */
export async function listServiceContacts(db: DbOrTx, serviceId: string): Promise<ServiceContact[]> {
  return db
    .select({ id: serviceContacts.id, email: serviceContacts.email })
    .from(serviceContacts)
    .where(eq(serviceContacts.serviceId, serviceId))
    .orderBy(asc(serviceContacts.email));
}
