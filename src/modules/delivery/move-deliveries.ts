// A delivery lives in the queue while it is pending or in flight, and in the log once settled
// (delivered, or failed for good): issue #17, schema.ts `deliveryQueue` and `deliveryLog`. Moving
// it is one statement, a delete returning the row and an insert of it into the other table, with
// its id and every column kept unless the move sets it.
import { sql, type SQL } from "drizzle-orm";

/** The columns of both tables, in their order (schema.ts `deliveryColumns`, plus the id). */
export const DELIVERY_COLUMNS = [
  "id",
  "event_id",
  "endpoint_id",
  "service_id",
  "event_type",
  "project_id",
  "project_version",
  "receiver_view",
  "state",
  "attempt_count",
  "retry_step",
  "next_trigger",
  "next_attempt_at",
  "lease_owner",
  "lease_expires_at",
  "last_status_code",
  "last_error",
  "delivered_at",
  "created_at",
  "updated_at",
] as const;

export type DeliveryColumn = (typeof DELIVERY_COLUMNS)[number];

type Table = "delivery_queue" | "delivery_log";

/** The column list of both tables, for an INSERT (`insert into … (${deliveryColumnsSql})`). */
export const deliveryColumnsSql = sql.raw(DELIVERY_COLUMNS.join(", "));

/**
 * The select list of a delivery row read under alias `from`: each column as it is, unless `set`
 * gives an expression for it. Same order as `deliveryColumnsSql`.
 */
export function deliveryValuesSql(from: string, set: Partial<Record<DeliveryColumn, SQL>> = {}): SQL {
  return sql.join(
    DELIVERY_COLUMNS.map((c) => set[c] ?? sql.raw(`${from}.${c}`)),
    sql`, `,
  );
}

/**
 * SQL that moves the rows of `from` matching `where` (on alias `d`) to `to`: each column keeps
 * its value unless `set` gives an expression for it (on alias `moved`, the row as it was).
 * `ctes` are common table expressions the move's `where` may read (written `name as (…), …`).
 * Returns `returning` (on alias of the inserted row, default its `id`). The caller holds whatever
 * lock its rule needs (lane, project): the move itself only locks the rows it deletes.
 */
export function moveDeliveriesSql(options: {
  from: Table;
  to: Table;
  where: SQL;
  ctes?: SQL;
  set?: Partial<Record<DeliveryColumn, SQL>>;
  returning?: SQL;
}): SQL {
  return sql`
    with ${options.ctes ? sql`${options.ctes},` : sql``} moved as (delete from ${sql.raw(options.from)} d where ${options.where} returning d.*)
    insert into ${sql.raw(options.to)} (${deliveryColumnsSql})
    select ${deliveryValuesSql("moved", options.set)} from moved
    returning ${options.returning ?? sql`id`}`;
}
