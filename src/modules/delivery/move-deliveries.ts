// A delivery lives in the queue while it is pending or in flight, and in the log once settled
// (delivered, or failed for good): issue #17, schema.ts `deliveryQueue` and `deliveryLog`. Moving
// it is one statement, a delete returning the row and an insert of it into the other table, with
// its id and every column kept unless the move sets it.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { deliveryQueue } from "@/db/schema";

type QueueColumns = typeof deliveryQueue._.columns;
type QueueField = keyof typeof deliveryQueue.$inferSelect;

/** A column of both tables, by its SQL name. */
export type DeliveryColumn = { [K in QueueField]: QueueColumns[K]["_"]["name"] }[QueueField];

/**
 * The columns of both tables, in their order: read from the schema (the queue and the log are
 * built from the same columns, schema.ts `deliveryColumns`), so a column added there is moved too.
 */
export const DELIVERY_COLUMNS = Object.values(getTableColumns(deliveryQueue)).map((c) => c.name as DeliveryColumn);

/**
 * What a replay changes in a settled delivery it puts back in the queue to wait for its turn: a
 * fresh retry cycle, due now, its next attempt logged `manual` (replay-delivery.ts when its lane is
 * busy, replay-failed-deliveries.ts).
 */
export const requeuedForReplay: Partial<Record<DeliveryColumn, SQL>> = {
  state: sql`'pending'`,
  next_attempt_at: sql`now()`,
  retry_step: sql`0`,
  next_trigger: sql`'manual'`,
  updated_at: sql`now()`,
};

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
