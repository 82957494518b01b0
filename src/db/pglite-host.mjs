// The embedded PGlite database in a worker thread of its own (issue #17). PGlite runs PostgreSQL
// compiled to WebAssembly synchronously on the thread that calls it: in the server's own thread it
// took ~66 % of that thread under the ingest load, and HTTP, route code and deliveries queued behind
// it. Here it runs beside the server's thread; `pglite-thread.ts` is the other end of the channel.
//
// Plain JavaScript: a worker thread starts from a file that Node.js loads as is (the production
// server has no TypeScript loader), outside the Next.js bundle.
//
// Messages in (from pglite-thread.ts), each answered by `{id, ok: true, result}` or
// `{id, ok: false, error}`:
//   {id, op: "open", dataDir, settings}             open (and create) the database; `settings`: the
//                                                   `-c name=value` list of pglite-settings.ts
//   {id, op: "query", text, params, rawTypes, rowMode, tx?}   one statement (in transaction `tx`)
//   {id, op: "exec", text, tx?}                     simple-protocol statements
//   {id, op: "begin"}                               opens a transaction; result: its number
//   {id, op: "end", tx, commit}                     commits (or rolls back) transaction `tx`
//   {id, op: "listen" | "unlisten", channel}
//   {id, op: "close"}
// Notifications go out as {op: "notify", channel, payload}.
import { parentPort } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

if (!parentPort) throw new Error("pglite-host.mjs runs as a worker thread");
const port = parentPort;

/** @type {PGlite | null} */
let db = null;
/** Open transactions by number: PGlite's transaction handle and the function that ends it. */
const transactions = new Map();
let nextTx = 1;
const unlisteners = new Map();

/** A thrown value that makes PGlite roll the transaction back without reporting an error. */
const ROLLBACK = Symbol("rollback");

/**
 * The fields of a PGlite error that callers read (`code`, `constraint`, `detail`…), as a plain
 * object: an Error's own class does not cross the channel.
 */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (key === "queryOptions") continue; // may hold functions (parsers), which cannot be copied
    if (value === undefined || typeof value === "function") continue;
    fields[key] = value;
  }
  return fields;
}

function target(tx) {
  if (tx === undefined) return db;
  const open = transactions.get(tx);
  if (!open) throw new Error("Transaction is closed");
  return open.handle;
}

/** Parsers that keep a type's text as is, for the types the caller asked to receive as text. */
function keepAsText(rawTypes) {
  if (!rawTypes || rawTypes.length === 0) return undefined;
  return Object.fromEntries(rawTypes.map((oid) => [oid, (value) => value]));
}

function begin() {
  return new Promise((started, failed) => {
    const tx = nextTx++;
    db.transaction(
      (handle) =>
        new Promise((commit, rollBack) => {
          transactions.set(tx, { handle, end: (ok) => (ok ? commit() : rollBack(ROLLBACK)) });
          started(tx);
        }),
    ).then(
      () => transactions.get(tx)?.settled?.resolve(),
      (error) => {
        const open = transactions.get(tx);
        if (!open) return failed(error); // BEGIN itself failed
        if (error === ROLLBACK) open.settled?.resolve();
        else open.settled?.reject(error);
      },
    );
  });
}

async function end(tx, commit) {
  const open = transactions.get(tx);
  if (!open) throw new Error("Transaction is closed");
  const settled = new Promise((resolve, reject) => (open.settled = { resolve, reject }));
  open.end(commit);
  try {
    await settled;
  } finally {
    transactions.delete(tx);
  }
  return null;
}

const operations = {
  async open({ dataDir, settings = [] }) {
    db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...settings] });
    return null;
  },
  async query({ text, params, rawTypes, rowMode, tx }) {
    return target(tx).query(text, params, { rowMode, parsers: keepAsText(rawTypes) });
  },
  async exec({ text, tx }) {
    return target(tx).exec(text);
  },
  begin,
  async end({ tx, commit }) {
    return end(tx, commit);
  },
  async listen({ channel }) {
    if (!unlisteners.has(channel)) {
      unlisteners.set(channel, await db.listen(channel, (payload) => port.postMessage({ op: "notify", channel, payload })));
    }
    return null;
  },
  async unlisten({ channel }) {
    const unlisten = unlisteners.get(channel);
    unlisteners.delete(channel);
    if (unlisten) await unlisten();
    return null;
  },
  async close() {
    if (db && !db.closed) await db.close();
    return null;
  },
};

port.on("message", (message) => {
  const run = operations[message.op];
  Promise.resolve()
    .then(() => {
      if (!run) throw new Error(`unknown operation ${message.op}`);
      if (message.op !== "open" && !db) throw new Error("PGlite is closed");
      return run(message);
    })
    .then(
      (result) => port.postMessage({ id: message.id, ok: true, result }),
      (error) => port.postMessage({ id: message.id, ok: false, error: describe(error) }),
    );
});
