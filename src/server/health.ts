import { sql } from "drizzle-orm";
import { getDb } from "@/db";

/** True when the database answers within two seconds. */
export async function checkHealth(): Promise<boolean> {
  try {
    const db = await getDb();
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
