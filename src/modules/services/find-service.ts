import { eq } from "drizzle-orm";
import { services, webhookEndpoints } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { AppError } from "@/modules/errors/app-error";
import type { ServiceView } from "./service-schemas";

export async function findServiceBySlug(db: DbOrTx, slug: string) {
  const [service] = await db.select().from(services).where(eq(services.slug, slug)).limit(1);
  return service ?? null;
}

export async function requireServiceBySlug(db: DbOrTx, slug: string) {
  const service = await findServiceBySlug(db, slug);
  if (!service) throw new AppError("not_found", `Service connecté inconnu : « ${slug} ».`);
  return service;
}

export async function viewService(db: DbOrTx, serviceId: string): Promise<ServiceView> {
  const [row] = await db
    .select({
      id: services.id,
      slug: services.slug,
      nom: services.nom,
      enabled: services.enabled,
      webhookUrl: webhookEndpoints.url,
    })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .where(eq(services.id, serviceId));
  if (!row) throw new AppError("not_found", "Service connecté inconnu.");
  return row;
}
