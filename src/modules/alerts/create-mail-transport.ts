// The one place that knows nodemailer: an SMTP transport built from the settings (issue #11).
import nodemailer from "nodemailer";
import type { SmtpSettings } from "./alert-options";

export type OutgoingMail = { from: string; to: string; subject: string; text: string; html: string };
/** What the sender needs from a transport: send one mail, throw when the server refuses it. */
export type MailTransport = { sendMail: (mail: OutgoingMail) => Promise<unknown>; close: () => void };

/** An SMTP transport to `smtp` (pooled connections, short timeouts so that an outage fails fast and is retried). */
export function createMailTransport(smtp: SmtpSettings): MailTransport {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? "" } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Local catchers (MailDev) offer no TLS; a real server that offers STARTTLS gets it.
    ignoreTLS: false,
  });
}
