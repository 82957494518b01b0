// Drives operator-commands.ts (a tsx child process in its own group, see bench/lib/proc.mjs): the
// command line and the console actions of the checker, serialised one at a time like an operator.
import path from "node:path";
import { root, tsxBin } from "../../bench/lib/hub.mjs";
import { startGroup, sleep } from "../../bench/lib/proc.mjs";

export async function startOperator(settings) {
  const pending = new Map();
  let ready;
  const readyLine = new Promise((resolve) => (ready = resolve));
  const proc = startGroup("operator", tsxBin, [path.join(import.meta.dirname, "operator-commands.ts")], {
    cwd: root,
    env: settings,
    stdin: "pipe",
    onLine: (line) => {
      if (!line.startsWith("{")) return;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.ready) ready();
      else pending.get(message.id)?.(message);
    },
  });
  const ok = await Promise.race([readyLine.then(() => true), proc.exited.then(() => false), sleep(120_000).then(() => false)]);
  if (!ok) {
    const tail = proc.tail();
    await proc.kill("SIGKILL");
    throw new Error(`operator commands did not start:\n${tail.slice(-3000)}`);
  }
  let nextId = 1;
  let chain = Promise.resolve();
  const send = (request) => {
    const run = () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`operator command timed out: ${JSON.stringify(request)}`));
        }, 60_000);
        pending.set(id, (message) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(message);
        });
        proc.child.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
      });
    const result = chain.then(run, run);
    chain = result.catch(() => {});
    return result;
  };
  return {
    /** Runs `npm run communs -- <command> <args…>`'s command; resolves to {ok, result | code, message}. */
    cli: (command, args) => send({ cli: command, args }),
    setEndpointEnabled: (slug, enabled) => send({ console: "endpoint-enabled", slug, enabled }),
    rotateSecret: (slug) => send({ console: "rotate-secret", slug }),
    stop: async () => {
      proc.child.stdin.end();
      await proc.kill("SIGTERM", 3_000);
    },
  };
}
