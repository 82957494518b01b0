// The audit log, newest first, keyset on id; filtered (issue #11) and with each target named.
// Filtering by service also finds what that service's agents did (issue #12).
import { and, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog, deliveries, operators, projects, serviceAgents, services } from "@/db/schema";
import type { ListAuditInput } from "./console-schemas";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A delivery's id as stored in `target_id` (text), or NULL: the cast never fails on other text. */
const targetDeliveryId = sql`(case when ${auditLog.targetId} ~ '^[0-9]{1,18}$' then ${auditLog.targetId}::bigint end)`;

function filters(input: ListAuditInput): SQL[] {
  const conditions: SQL[] = [];
  if (input.cursor) conditions.push(lt(auditLog.id, input.cursor));
  if (input.action) conditions.push(eq(auditLog.action, input.action));
  if (input.operatorId) conditions.push(eq(auditLog.actorOperatorId, input.operatorId));
  if (input.serviceId) {
    // Entries about the service itself (keys, webhook, mappings…), its agents' actions (service_id),
    // one of its deliveries or agents.
    conditions.push(
      or(
        eq(auditLog.serviceId, input.serviceId),
        and(eq(auditLog.targetType, "service"), eq(auditLog.targetId, input.serviceId)),
        and(eq(auditLog.targetType, "delivery"), sql`exists (select 1 from deliveries d where d.id = ${targetDeliveryId} and d.service_id = ${input.serviceId})`),
        and(eq(auditLog.targetType, "service_agent"), sql`exists (select 1 from service_agents a where a.id::text = ${auditLog.targetId} and a.service_id = ${input.serviceId})`),
      )!,
    );
  }
  // Days are the operator's (Europe/Paris), inclusive at both ends.
  if (input.since) conditions.push(sql`${auditLog.createdAt} >= (${input.since}::date)::timestamp at time zone 'Europe/Paris'`);
  if (input.until) conditions.push(sql`${auditLog.createdAt} < ((${input.until}::date + 1)::timestamp) at time zone 'Europe/Paris'`);
  return conditions;
}

/**
 * One page of the audit log matching every filter given (`listAuditInput`, parsed).
 * Returns the entries, each with `targetName` (service name, operator email, project name, "livraison
 * n° N (service)", or null when the target no longer exists), and the next cursor (an entry id).
 */
export async function listAudit(db: DbOrTx, input: ListAuditInput) {
  const conditions = filters(input);
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const names = await targetNames(db, items);
  return {
    items: items.map((e) => ({ ...e, targetName: e.targetId ? (names.get(`${e.targetType}:${e.targetId}`) ?? null) : null })),
    nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null,
  };
}

type Entry = { targetType: string; targetId: string | null };

/** Names of the page's targets, keyed `type:id`, in one query per kind of target. */
async function targetNames(db: DbOrTx, entries: Entry[]): Promise<Map<string, string>> {
  const idsOf = (type: string, valid: (id: string) => boolean) => [
    ...new Set(entries.filter((e) => e.targetType === type && e.targetId && valid(e.targetId)).map((e) => e.targetId!)),
  ];
  const isUuid = (id: string) => uuidPattern.test(id);
  const serviceIds = idsOf("service", isUuid);
  const operatorIds = idsOf("operator", isUuid);
  const projectIds = idsOf("project", isUuid);
  const agentIds = idsOf("service_agent", isUuid);
  const deliveryIds = idsOf("delivery", (id) => /^[0-9]{1,15}$/.test(id)).map(Number);
  const names = new Map<string, string>();
  const [serviceRows, operatorRows, projectRows, agentRows, deliveryRows] = await Promise.all([
    serviceIds.length ? db.select({ id: services.id, name: services.nom }).from(services).where(inArray(services.id, serviceIds)) : [],
    operatorIds.length ? db.select({ id: operators.id, name: operators.email }).from(operators).where(inArray(operators.id, operatorIds)) : [],
    projectIds.length ? db.select({ id: projects.id, name: projects.nom }).from(projects).where(inArray(projects.id, projectIds)) : [],
    // An agent is named by the service it has access to: its email is personal data, kept off the log.
    agentIds.length
      ? db.select({ id: serviceAgents.id, name: services.nom }).from(serviceAgents).innerJoin(services, eq(services.id, serviceAgents.serviceId)).where(inArray(serviceAgents.id, agentIds))
      : [],
    deliveryIds.length
      ? db.select({ id: deliveries.id, name: services.nom }).from(deliveries).innerJoin(services, eq(services.id, deliveries.serviceId)).where(inArray(deliveries.id, deliveryIds))
      : [],
  ]);
  for (const r of serviceRows) names.set(`service:${r.id}`, r.name);
  for (const r of operatorRows) names.set(`operator:${r.id}`, r.name);
  for (const r of projectRows) names.set(`project:${r.id}`, r.name);
  for (const r of agentRows) names.set(`service_agent:${r.id}`, `Agent de ${r.name}`);
  for (const r of deliveryRows) names.set(`delivery:${r.id}`, `Livraison n° ${r.id} (${r.name})`);
  for (const e of entries) if (e.targetType === "phase_mapping" && e.targetId) names.set(`phase_mapping:${e.targetId}`, e.targetId);
  return names;
}
