// The server's end of the embedded database's worker thread (pglite-host.mjs, issue #17): an object
// with the part of PGlite's interface that drizzle's PGlite driver uses (`query`, `exec`,
// `transaction`) plus `listen` and `close`, each call sent over the thread's message channel.
// PGlite runs there, beside the server's thread, instead of blocking it.
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { pgliteSettings } from "./pglite-settings";

type QueryOptions = { rowMode?: "array" | "object"; parsers?: Record<number, (value: string, typeId: number) => unknown> } & Record<string, unknown>;
type Results = { rows: unknown[]; fields: { name: string; dataTypeID: number }[]; affectedRows?: number };

/** What drizzle's PGlite driver calls on a transaction. */
export type PgliteThreadTransaction = {
  query: (text: string, params?: unknown[], options?: QueryOptions) => Promise<Results>;
  exec: (text: string) => Promise<Results[]>;
};

export type PgliteThread = PgliteThreadTransaction & {
  transaction: <T>(callback: (tx: PgliteThreadTransaction) => Promise<T>) => Promise<T>;
  /** LISTEN on a channel; resolves to an unlisten function. */
  listen: (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;
  close: () => Promise<void>;
};

/**
 * The worker thread's entry. A file that Node.js loads as is, found from the working directory
 * like `drizzle/` (the server, the command line and the image all run from the project's root):
 * the Next.js bundle does not carry it.
 */
export const pgliteHostFile = path.join(process.cwd(), "src", "db", "pglite-host.mjs");

/** The message PGlite itself gives once closed, recognised by error-response.ts (503). */
const CLOSED = "PGlite is closed";

/**
 * Parser functions cannot cross to the other thread. drizzle's only ones keep a type's text as
 * is (dates, intervals, numeric arrays): the host is told those types' ids and keeps their text.
 * Any other parser, or option, would be silently lost, so it is refused.
 */
function rawTypesOf(options: QueryOptions | undefined): number[] {
  const { rowMode: _rowMode, parsers, ...rest } = options ?? {};
  if (Object.keys(rest).length > 0) throw new Error(`PGlite thread: unsupported query options ${Object.keys(rest).join(", ")}`);
  return Object.entries(parsers ?? {}).map(([oid, parse]) => {
    if (parse("x", Number(oid)) !== "x") throw new Error(`PGlite thread: only text-keeping parsers are supported (type ${oid})`);
    return Number(oid);
  });
}

/**
 * Starts the thread and opens the database in `dataDir` (created if missing; `memory://` for one in
 * memory). Rejects if PGlite cannot open it. Errors of statements keep PGlite's fields (`code`,
 * `constraint`, `detail`…); once the thread is gone every call fails with "PGlite is closed".
 *
 * A directory that holds no database yet is created first by a thread of its own, which then
 * exits (issue #17, hub RSS): PGlite 0.5 creates a database by running a second PGlite and initdb's
 * WebAssembly beside the one it opens, and that memory stayed with the thread that did it: a new
 * directory opened in ~800 MiB of resident memory against ~330 MiB for an existing one. A thread
 * that ends gives its memory back: opened this way, a new directory takes ~420 MiB
 * (docs/BENCHMARKS.md, "Hub RSS: what holds it").
 */
export async function startPgliteThread(dataDir: string): Promise<PgliteThread> {
  if (!dataDir.startsWith("memory://") && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    await (await openOnThread(dataDir)).close();
  }
  return openOnThread(dataDir);
}

/** A new thread with the database in `dataDir` open (created there if missing). */
async function openOnThread(dataDir: string): Promise<PgliteThread> {
  const worker = new Worker(pgliteHostFile);
  // Like a socket, the thread keeps the process alive only while a call waits for its answer: an
  // idle open database must not keep a finished script (or a stopping server) from exiting.
  worker.unref();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let nextId = 1;
  let gone: Error | null = null;

  const failAll = (error: Error) => {
    gone = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: Record<string, unknown>; op?: string; channel?: string; payload?: string }) => {
    if (message.op === "notify") {
      for (const onNotify of listeners.get(message.channel!) ?? []) onNotify(message.payload ?? "");
      return;
    }
    const call = pending.get(message.id!);
    if (!call) return;
    pending.delete(message.id!);
    if (pending.size === 0) worker.unref();
    if (message.ok) call.resolve(message.result);
    else call.reject(Object.assign(new Error(String(message.error?.message)), message.error));
  });
  worker.on("error", (error) => failAll(Object.assign(new Error(CLOSED), { cause: error })));
  worker.on("exit", () => failAll(new Error(CLOSED)));

  const call = <T>(message: Record<string, unknown>): Promise<T> => {
    if (gone) return Promise.reject(new Error(CLOSED));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  };

  const on = (tx: number | undefined): PgliteThreadTransaction => ({
    query: async (text, params = [], options) => call<Results>({ op: "query", text, params, rawTypes: rawTypesOf(options), rowMode: options?.rowMode, tx }),
    exec: async (text) => call<Results[]>({ op: "exec", text, tx }),
  });

  await call({ op: "open", dataDir, settings: pgliteSettings });
  return {
    ...on(undefined),
    // One transaction holds the database at a time (PGlite has a single session): statements of
    // other callers wait in the thread until it ends, as they did in process.
    transaction: async (callback) => {
      const tx = await call<number>({ op: "begin" });
      let result;
      try {
        result = await callback(on(tx));
      } catch (error) {
        // The caller's error is the one that matters; a thread already gone fails the rollback too.
        await call({ op: "end", tx, commit: false }).catch(() => {});
        throw error;
      }
      await call({ op: "end", tx, commit: true });
      return result;
    },
    listen: async (channel, onNotify) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(onNotify);
      await call({ op: "listen", channel });
      return async () => {
        set.delete(onNotify);
        if (set.size === 0) {
          listeners.delete(channel);
          await call({ op: "unlisten", channel });
        }
      };
    },
    close: async () => {
      if (gone) return;
      await call({ op: "close" }).catch(() => {});
      await worker.terminate();
    },
  };
}
