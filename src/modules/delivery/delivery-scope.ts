// The optional service scope of the delivery functions the console and the services' own space
// share (issues #11 and #12): an operator passes none; a service's agent passes its service. The
// scope is a condition of the query that finds the delivery, so that a delivery of another service
// is not found at all: the same answer, from the same query, as a delivery that does not exist
// (nothing of it is read, locked or changed, and its existence does not leak).
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

export type DeliveryScope = {
  deliveryId: number;
  /** When set, only deliveries to this service are reachable. */
  serviceId?: string;
};

/**
 * The WHERE condition "the row is delivery `scope.deliveryId`, to `scope.serviceId` when set": takes
 * the scope and the row's id and service columns (drizzle columns, or raw SQL such as `d.id` for
 * plain statements). Returns the condition.
 */
export function deliveryScopeCondition(scope: DeliveryScope, columns: { id: AnyColumn | SQL; serviceId: AnyColumn | SQL }): SQL {
  const byId = sql`${columns.id} = ${scope.deliveryId}`;
  return scope.serviceId === undefined ? byId : sql`${byId} and ${columns.serviceId} = ${scope.serviceId}`;
}
