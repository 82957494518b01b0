// Test helpers: deliveries in a given state, in the table of that state (the queue while pending or
// in flight, the log once settled: schema.ts), as the product would have put them.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { deliveryLog, deliveryQueue, type DeliveryState } from "@/db/schema";
import { moveDeliveriesSql, type DeliveryColumn } from "../move-deliveries";

type NewDelivery = typeof deliveryQueue.$inferInsert;

const settled = (state: DeliveryState | undefined) => state === "delivered" || state === "failed";

/** Inserts `rows` into the queue or the log by their state (ids from the queue's sequence). Returns the rows inserted, in order. */
export async function insertDeliveries(db: DbOrTx, rows: NewDelivery[]): Promise<(typeof deliveryQueue.$inferSelect)[]> {
  const out: (typeof deliveryQueue.$inferSelect)[] = [];
  for (const row of rows) {
    if (settled(row.state)) {
      const [inserted] = await db
        .insert(deliveryLog)
        .values({ ...row, id: sql`nextval(pg_get_serial_sequence('delivery_queue', 'id'))` as unknown as number })
        .returning();
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
  if (changes.state) {
    set.state = sql`${changes.state}::text`;
    const [from, to] = settled(changes.state) ? (["delivery_queue", "delivery_log"] as const) : (["delivery_log", "delivery_queue"] as const);
    await db.execute(moveDeliveriesSql({ from, to, where, set }));
  }
  const assignments = Object.entries(set).map(([column, value]) => sql`${sql.raw(column)} = ${value}`);
  if (assignments.length === 0) throw new Error("setDeliveries: nothing to set");
  let n = 0;
  for (const table of ["delivery_queue", "delivery_log"]) {
    n += rowsOf(await db.execute(sql`update ${sql.raw(table)} d set ${sql.join(assignments, sql`, `)} where ${where} returning d.id`)).length;
  }
  return n;
}
