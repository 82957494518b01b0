// A delivery lives in the queue while it is pending or in flight, and in the log once settled
// (delivered, or failed for good): issue #17, schema.ts `deliveryQueue` and `deliveryLog`. Moving
// it is one statement, a delete returning the row and an insert of it into the other table, with
// its id and every column the target stores kept unless the move sets it. The log does not store
// the queue's own columns (next attempt, retry cycle, lease): a move to the queue gives them the
// values of a fresh delivery unless it sets them.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { deliveryLog, deliveryQueue } from "@/db/schema";

type QueueColumns = typeof deliveryQueue._.columns;
type QueueField = keyof typeof deliveryQueue.$inferSelect;

/** A column of the queue (the log's are a subset), by its SQL name. */
export type DeliveryColumn = { [K in QueueField]: QueueColumns[K]["_"]["name"] }[QueueField];

export type DeliveryTable = "delivery_queue" | "delivery_log";

/**
 * The columns of each table, in their order, read from the schema (schema.ts `deliveryColumns`,
 * `queueColumns`): a column added there is moved too.
 */
export const DELIVERY_TABLE_COLUMNS: Readonly<Record<DeliveryTable, readonly DeliveryColumn[]>> = {
  delivery_queue: Object.values(getTableColumns(deliveryQueue)).map((c) => c.name as DeliveryColumn),
  delivery_log: Object.values(getTableColumns(deliveryLog)).map((c) => c.name as DeliveryColumn),
};

/**
 * What a delivery coming from the log gets for the columns only the queue has, unless the move sets
 * them: those of a new delivery (schema.ts defaults), due now.
 */
const QUEUE_ONLY_DEFAULTS: Partial<Record<DeliveryColumn, SQL>> = {
  retry_step: sql`0`,
  next_trigger: sql`'auto'`,
  next_attempt_at: sql`now()`,
  lease_owner: sql`null`,
  lease_expires_at: sql`null`,
};
for (const column of DELIVERY_TABLE_COLUMNS.delivery_queue) {
  if (!DELIVERY_TABLE_COLUMNS.delivery_log.includes(column) && !QUEUE_ONLY_DEFAULTS[column]) {
    throw new Error(`move-deliveries: no value for the queue-only column ${column} of a delivery moved from the log`);
  }
}

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

/** The column list of `table`, for an INSERT (`insert into … (${deliveryColumnsSql(table)})`). */
export function deliveryColumnsSql(table: DeliveryTable): SQL {
  return sql.raw(DELIVERY_TABLE_COLUMNS[table].join(", "));
}

/**
 * The select list, for an insert into `to` (same order as `deliveryColumnsSql(to)`), of a delivery
 * row read under alias `from` out of the other table: each column as it is, unless `set` gives an
 * expression for it; a queue-only column of a row read from the log takes its fresh value.
 * @throws Error when `set` names a column `to` does not store (a programming error: the value would be lost).
 */
export function deliveryValuesSql(to: DeliveryTable, from: string, set: Partial<Record<DeliveryColumn, SQL>> = {}): SQL {
  const target = DELIVERY_TABLE_COLUMNS[to];
  for (const column of Object.keys(set) as DeliveryColumn[]) {
    if (!target.includes(column)) throw new Error(`move-deliveries: ${to} has no column ${column}`);
  }
  const source = to === "delivery_queue" ? DELIVERY_TABLE_COLUMNS.delivery_log : DELIVERY_TABLE_COLUMNS.delivery_queue;
  return sql.join(
    target.map((c) => set[c] ?? (source.includes(c) ? sql.raw(`${from}.${c}`) : QUEUE_ONLY_DEFAULTS[c]!)),
    sql`, `,
  );
}

/**
 * SQL that moves the rows of `from` matching `where` (on alias `d`) to `to`: each column `to` stores
 * keeps its value unless `set` gives an expression for it (on alias `moved`, the row as it was);
 * into the queue, the queue-only columns take a fresh delivery's values unless set.
 * `ctes` are common table expressions the move's `where` may read (written `name as (…), …`).
 * Returns `returning` (on alias of the inserted row, default its `id`). The caller holds whatever
 * lock its rule needs (lane, project): the move itself only locks the rows it deletes.
 * @throws Error when `set` names a column `to` does not store.
 */
export function moveDeliveriesSql(options: {
  from: DeliveryTable;
  to: DeliveryTable;
  where: SQL;
  ctes?: SQL;
  set?: Partial<Record<DeliveryColumn, SQL>>;
  returning?: SQL;
}): SQL {
  return sql`
    with ${options.ctes ? sql`${options.ctes},` : sql``} moved as (delete from ${sql.raw(options.from)} d where ${options.where} returning d.*)
    insert into ${sql.raw(options.to)} (${deliveryColumnsSql(options.to)})
    select ${deliveryValuesSql(options.to, "moved", options.set)} from moved
    returning ${options.returning ?? sql`id`}`;
}
