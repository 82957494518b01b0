import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { serviceContacts } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { setServiceContactsInput, type ServiceContact, type SetServiceContactsInput } from "./contact-schemas";

/**
 * Adds and removes technical contacts of a service (issue #11; CLI `service:contacts`, console
 * services page). Adding a contact already there and removing one that is not are no-ops. Returns
 * the service's contacts afterwards. Throws `not_found` for an unknown service, a ZodError for an
 * invalid email. Audited in the same transaction, by contact ids and counts only: the emails are
 * personal data.
 */
export async function setServiceContacts(db: Db, rawInput: SetServiceContactsInput, actor: Actor): Promise<{ service: string; contacts: ServiceContact[] }> {
  const input = setServiceContactsInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const service = await requireServiceBySlug(tx, input.service);
    const added = input.ajouter.length
      ? await tx
          .insert(serviceContacts)
          .values([...new Set(input.ajouter)].map((email) => ({ serviceId: service.id, email })))
          .onConflictDoNothing()
          .returning({ id: serviceContacts.id })
      : [];
    const removed = input.retirer.length
      ? await tx
          .delete(serviceContacts)
          .where(and(eq(serviceContacts.serviceId, service.id), inArray(serviceContacts.email, input.retirer)))
          .returning({ id: serviceContacts.id })
      : [];
    const contacts = await tx
      .select({ id: serviceContacts.id, email: serviceContacts.email })
      .from(serviceContacts)
      .where(eq(serviceContacts.serviceId, service.id))
      .orderBy(asc(serviceContacts.email));
    if (added.length + removed.length > 0) {
      await writeAudit(tx, actor, {
        action: "service.contacts",
        targetType: "service",
        targetId: service.id,
        before: { retires: removed.map((r) => r.id) },
        after: { ajoutes: added.map((r) => r.id), contacts: contacts.length },
      });
    }
    return { service: service.slug, contacts };
  });
}
