// The embedded database in its worker thread (pglite-thread.ts, pglite-host.mjs), as the server
// opens it: drizzle's statements and transactions, PGlite's error fields, LISTEN, and closing.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDatabase, rowsOf, type DatabaseHandle } from "./client";
import { services } from "./schema";

let handle: DatabaseHandle;

describe("openDatabase({ dataDir, thread: true })", () => {
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: "memory://", migrate: true, thread: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("runs drizzle's statements with the in-process driver's values (dates kept as text, JSON parsed, bigint)", async () => {
    const [row] = rowsOf<{ at: string; doc: unknown; big: number; none: null }>(
      await handle.db.execute(sql`select '2026-01-02T03:04:05Z'::timestamptz as at, '{"a":[1]}'::jsonb as doc, 9007199254740993::int8 as big, null as none`),
    );
    const inline = await openDatabase({ dataDir: "memory://", migrate: false });
    try {
      const [expected] = rowsOf(
        await inline.db.execute(sql`select '2026-01-02T03:04:05Z'::timestamptz as at, '{"a":[1]}'::jsonb as doc, 9007199254740993::int8 as big, null as none`),
      );
      expect(row).toEqual(expected);
    } finally {
      await inline.close();
    }
    expect(row!.doc).toEqual({ a: [1] });
  });

  it("commits a transaction's statements together, and rolls them all back when the callback throws", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(services).values({ slug: "thread-commit", nom: "Commit" });
      await tx.update(services).set({ nom: "Commit 2" }).where(eq(services.slug, "thread-commit"));
    });
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(services).values({ slug: "thread-rollback", nom: "Rollback" });
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    const rows = await handle.db.select({ slug: services.slug, nom: services.nom }).from(services).where(sql`${services.slug} like 'thread-%'`);
    expect(rows).toEqual([{ slug: "thread-commit", nom: "Commit 2" }]);
  });

  it("rolls back to a savepoint in a nested transaction and keeps the rest", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(services).values({ slug: "thread-outer", nom: "Outer" });
      await tx.transaction(async (inner) => {
        await inner.insert(services).values({ slug: "thread-inner", nom: "Inner" });
        inner.rollback();
      }).catch(() => {});
    });
    const rows = await handle.db.select({ slug: services.slug }).from(services).where(sql`${services.slug} in ('thread-outer', 'thread-inner')`);
    expect(rows).toEqual([{ slug: "thread-outer" }]);
  });

  it("keeps other callers' statements out of an open transaction", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, round) =>
        round % 2 === 0
          ? handle.db.transaction(async (tx) => {
              await tx.execute(sql`select set_config('communs.tag', ${`tx-${round}`}, true)`);
              await new Promise((resolve) => setTimeout(resolve, 2));
              const [row] = rowsOf<{ tag: string }>(await tx.execute(sql`select current_setting('communs.tag', true) as tag`));
              return row!.tag === `tx-${round}`;
            })
          : handle.db.execute(sql`select current_setting('communs.tag', true) as tag`).then((r) => !rowsOf<{ tag: string | null }>(r)[0]!.tag),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it("rejects with PGlite's error fields (code, constraint), wrapped by drizzle as in process", async () => {
    await handle.db.insert(services).values({ slug: "thread-unique", nom: "Unique" });
    const error = await handle.db
      .insert(services)
      .values({ slug: "thread-unique", nom: "Again" })
      .then(() => null, (e: unknown) => e as { cause?: { code?: string; constraint?: string } });
    expect(error?.cause?.code).toBe("23505");
    expect(error?.cause?.constraint).toMatch(/slug/);
  });

  it("delivers NOTIFY to a listener until it unlistens", async () => {
    const received: string[] = [];
    const unlisten = await handle.listen("thread_channel", (payload) => received.push(payload));
    await handle.db.execute(sql`select pg_notify('thread_channel', 'one')`);
    await expect.poll(() => received).toEqual(["one"]);
    await unlisten();
    await handle.db.execute(sql`select pg_notify('thread_channel', 'two')`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(["one"]);
  });

  it("fails every call with “PGlite is closed” once closed", async () => {
    const closing = await openDatabase({ dataDir: "memory://", migrate: false, thread: true });
    await closing.close();
    await expect(closing.db.execute(sql`select 1`)).rejects.toSatisfy((e: unknown) => {
      const error = e as { message?: string; cause?: { message?: string } };
      return error.message === "PGlite is closed" || error.cause?.message === "PGlite is closed";
    });
  });
});

describe("openDatabase({ dataDir }) on a directory (issue #17, hub RSS)", () => {
  const showSharedBuffers = async (h: DatabaseHandle) => rowsOf<{ shared_buffers: string }>(await h.db.execute(sql`show shared_buffers`))[0]?.shared_buffers;

  it("creates a new directory's database, then opens it in the thread with the embedded settings; the data stays for the next opening", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "communs-pglite-"));
    try {
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
      const first = await openDatabase({ dataDir, migrate: false, thread: true });
      try {
        expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
        expect(await showSharedBuffers(first)).toBe("32MB");
        await first.db.execute(sql`create table kept (v text)`);
        await first.db.execute(sql`insert into kept values ('gardé')`);
      } finally {
        await first.close();
      }
      const again = await openDatabase({ dataDir, migrate: false, thread: true });
      try {
        expect(rowsOf(await again.db.execute(sql`select v from kept`))).toEqual([{ v: "gardé" }]);
        expect(await showSharedBuffers(again)).toBe("32MB");
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("opens PGlite in process (command line, tests) with the same settings", async () => {
    const inline = await openDatabase({ dataDir: "memory://", migrate: false });
    try {
      expect(await showSharedBuffers(inline)).toBe("32MB");
    } finally {
      await inline.close();
    }
  });
});
