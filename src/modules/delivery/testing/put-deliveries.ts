// Test helpers: deliveries in a given state, in the table of that state (the queue while pending or
// in flight, the log once settled: schema.ts), as the product would have put them.
import { eq, sql, type SQL } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { deliveries, deliveryLog, deliveryQueue, type DeliveryState } from "@/db/schema";
import { DELIVERY_TABLE_COLUMNS, moveDeliveriesSql, type DeliveryColumn, type DeliveryTable } from "../move-deliveries";

type NewDelivery = typeof deliveryQueue.$inferInsert;

const settled = (state: DeliveryState | undefined) => state === "delivered" || state === "failed";

/** Inserts `rows` into the queue or the log by their state (ids from the queue's sequence). Returns the rows inserted, in order. */
export async function insertDeliveries(db: DbOrTx, rows: NewDelivery[]): Promise<(typeof deliveryQueue.$inferSelect)[]> {
  const out: (typeof deliveryQueue.$inferSelect)[] = [];
  for (const row of rows) {
    if (settled(row.state)) {
      // The log stores no next attempt nor lease (schema.ts `queueColumns`): the view shows them as it does for a settled row.
      const { retryStep: _r, nextTrigger: _t, nextAttemptAt: _n, leaseOwner: _o, leaseExpiresAt: _e, ...stored } = row;
      const [{ id }] = (await db
        .insert(deliveryLog)
        .values({ ...stored, id: sql`nextval(pg_get_serial_sequence('delivery_queue', 'id'))` as unknown as number })
        .returning({ id: deliveryLog.id })) as [{ id: number }];
      const [inserted] = await db.select().from(deliveries).where(eq(deliveries.id, id));
      out.push(inserted!);
    } else {
      const [inserted] = await db.insert(deliveryQueue).values(row).returning();
      out.push(inserted!);
    }
  }
  return out;
}

/**
 * Sets the deliveries matching `where` (SQL on the columns, alias `d`): `state` moves them to the
 * table of that state if need be; `set` gives other columns as SQL expressions (constants or
 * `now()`-based: they are applied by UPDATE too). Returns how many rows matched.
 */
export async function setDeliveries(
  db: DbOrTx,
  where: SQL,
  changes: { state?: DeliveryState; set?: Partial<Record<DeliveryColumn, SQL>> },
): Promise<number> {
  const set: Partial<Record<DeliveryColumn, SQL>> = { ...changes.set };
  if (Object.keys(set).length === 0 && !changes.state) throw new Error("setDeliveries: nothing to set");
  if (changes.state) set.state = sql`${changes.state}::text`;
  // Each table gets the columns it stores: the log has no next attempt nor lease (schema.ts `queueColumns`).
  const storedBy = (table: DeliveryTable) =>
    Object.fromEntries(Object.entries(set).filter(([column]) => DELIVERY_TABLE_COLUMNS[table].includes(column as DeliveryColumn))) as Partial<Record<DeliveryColumn, SQL>>;
  if (changes.state) {
    const [from, to] = settled(changes.state) ? (["delivery_queue", "delivery_log"] as const) : (["delivery_log", "delivery_queue"] as const);
    await db.execute(moveDeliveriesSql({ from, to, where, set: storedBy(to) }));
  }
  let n = 0;
  for (const table of ["delivery_queue", "delivery_log"] as const) {
    const assignments = Object.entries(storedBy(table)).map(([column, value]) => sql`${sql.raw(column)} = ${value}`);
    if (assignments.length === 0) continue;
    n += rowsOf(await db.execute(sql`update ${sql.raw(table)} d set ${sql.join(assignments, sql`, `)} where ${where} returning d.id`)).length;
  }
  return n;
}
