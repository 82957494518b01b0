// Test support: a real MailDev (SMTP catcher with a REST API) on loopback, as a child process, so
// that tests can stop it (an SMTP outage) and start it again on the same ports.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type CaughtMail = { id: string; subject: string; to: { address: string }[]; text: string; html: string };
export type MailDev = {
  smtpPort: number;
  webUrl: string;
  /** Every mail caught so far (MailDev's REST API). */
  messages: () => Promise<CaughtMail[]>;
  clear: () => Promise<void>;
  stop: () => Promise<void>;
};

const bin = path.resolve(import.meta.dirname, "../../../../node_modules/maildev/bin/maildev");

/** Starts MailDev with SMTP on `smtpPort` and its web API on `webPort`, both on 127.0.0.1; resolves once the API answers. */
export async function startMailDev(smtpPort: number, webPort: number): Promise<MailDev> {
  const child: ChildProcess = spawn(process.execPath, [bin, "--smtp", String(smtpPort), "--web", String(webPort), "--ip", "127.0.0.1", "--silent"], {
    stdio: "ignore",
  });
  const webUrl = `http://127.0.0.1:${webPort}`;
  const deadline = Date.now() + 60_000; // MailDev loads jsdom: slow on a busy machine
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MailDev exited (${child.exitCode})`);
    try {
      if ((await fetch(`${webUrl}/email`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      // Never leave it behind on the test's ports: a later run would send to this one.
      child.kill("SIGKILL");
      throw new Error("MailDev did not start");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    smtpPort,
    webUrl,
    // MailDev lists a mail a moment after its SMTP server accepted it: read until two successive
    // reads 200 ms apart agree (at most 5 s), so a test reads every mail the hub handed over.
    messages: async () => {
      const read = async () => (await (await fetch(`${webUrl}/email`)).json()) as CaughtMail[];
      let last = await read();
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 200));
        const next = await read();
        if (next.length === last.length) return next;
        last = next;
      }
      return last;
    },
    clear: async () => void (await fetch(`${webUrl}/email/all`, { method: "DELETE" })),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
