// Resync marks (CONTRACT §8, issue #15 item 2): the database's snapshot at a time. A project row
// carries the time of the statement that wrote it, and its transaction may commit later: a client
// that resyncs with `updatedSince=T` must still get the changes of transactions running at T. The
// latest mark at or before T tells them apart: they are the ones its snapshot does not see.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

/**
 * SQL that records a mark now. `clock_timestamp()` is read after the statement's snapshot is taken,
 * so every transaction that commits after the recorded time is one the snapshot does not see.
 */
export const insertResyncMark = sql`
  insert into resync_marks (at, snapshot) select clock_timestamp(), pg_current_snapshot()::text
  on conflict (at) do nothing`;

/** Records a mark now (the delivery drivers' periodic tick: every 10 s embedded, every minute on Inngest). */
export async function markResync(db: DbOrTx): Promise<void> {
  await db.execute(insertResyncMark);
}

/**
 * Deletes the marks older than `keepDays` days except the newest of them, so that an old
 * `updatedSince` still starts from a mark (only with more projects returned). Returns how many went.
 */
export async function pruneResyncMarks(db: DbOrTx, options: { keepDays: number }): Promise<number> {
  const cutoff = sql`now() - ${options.keepDays} * interval '1 day'`;
  const deleted = await db.execute(sql`
    delete from resync_marks
    where at < ${cutoff} and at < (select max(at) from resync_marks where at < ${cutoff})
    returning 1`);
  return rowsOf(deleted).length;
}
