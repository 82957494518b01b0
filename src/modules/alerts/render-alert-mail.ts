// The alert mails' words (issue #11): French, plain text and a simple DSFR-like HTML, with a link to
// the console page of the service. Pure: the facts were captured when the mail was queued.
import type { AlertKind } from "@/db/schema";

export type EndpointFacts = {
  serviceId: string;
  serviceNom: string;
  serviceSlug: string;
  url: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastSuccessAt: string | null;
  reason: string | null;
  at: string;
  /** In digests: whether the endpoint is still enabled (false → disabled, otherwise failing). */
  enabled?: boolean;
};
export type DigestFacts = { day: string; problems: EndpointFacts[] };

export type RenderedMail = { subject: string; text: string; html: string };

const parisTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" });
const frDate = (iso: string | null) => (iso ? parisTime.format(new Date(iso)) : "—");

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const serviceLink = (consoleUrl: string, f: EndpointFacts) => `${consoleUrl}/admin/services/${f.serviceId}`;

function endpointLines(f: EndpointFacts): string[] {
  const lines = [`Service : ${f.serviceNom} (${f.serviceSlug})`, `Adresse du webhook : ${f.url}`];
  if (f.consecutiveFailures > 0) lines.push(`Échecs consécutifs : ${f.consecutiveFailures}`);
  if (f.failingSince) lines.push(`En échec depuis le ${frDate(f.failingSince)}`);
  if (f.lastSuccessAt) lines.push(`Dernière livraison réussie : ${frDate(f.lastSuccessAt)}`);
  if (f.reason) lines.push(`Motif : ${f.reason}`);
  return lines;
}

const headlines: Record<Exclude<AlertKind, "digest">, (f: EndpointFacts) => { subject: string; intro: string; color: string }> = {
  failing: (f) => ({
    subject: `[Les Communs] Webhook en échec : ${f.serviceNom}`,
    intro: "Les livraisons de webhooks vers ce service échouent. Les Communs réessaient automatiquement ; rien n'est perdu, mais le service ne reçoit plus les changements.",
    color: "#ce0500",
  }),
  disabled: (f) => ({
    subject: `[Les Communs] Webhook désactivé : ${f.serviceNom}`,
    intro: "Le webhook de ce service a été désactivé automatiquement. Les changements sont conservés et lui seront envoyés quand il sera réactivé depuis la console.",
    color: "#ce0500",
  }),
  recovered: (f) => ({
    subject: `[Les Communs] Webhook rétabli : ${f.serviceNom}`,
    intro: "Les livraisons de webhooks vers ce service réussissent de nouveau.",
    color: "#18753c",
  }),
};

function htmlPage(title: string, color: string, body: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Marianne,Arial,sans-serif;color:#161616">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid #000091;padding:24px">
<p style="margin:0 0 16px;font-weight:700;color:#000091">Les Communs — console des opérateurs</p>
<h1 style="font-size:22px;margin:0 0 16px;border-left:4px solid ${color};padding-left:12px">${escapeHtml(title)}</h1>
${body}
<p style="margin:24px 0 0;font-size:12px;color:#666666">Vous recevez ce message en tant que contact technique du service ou opérateur abonné aux alertes.</p>
</div></body></html>`;
}

const list = (lines: string[]) => `<ul style="padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`;
const button = (href: string, label: string) =>
  `<p><a href="${escapeHtml(href)}" style="display:inline-block;background:#000091;color:#ffffff;padding:8px 16px;text-decoration:none">${escapeHtml(label)}</a></p>`;

/** Renders an alert mail of `kind` from its stored `facts`; links start with `consoleUrl` (absolute, no trailing slash). */
export function renderAlertMail(kind: AlertKind, facts: unknown, consoleUrl: string): RenderedMail {
  if (kind === "digest") return renderDigest(facts as DigestFacts, consoleUrl);
  const f = facts as EndpointFacts;
  const { subject, intro, color } = headlines[kind](f);
  const link = serviceLink(consoleUrl, f);
  const lines = endpointLines(f);
  const title = subject.replace("[Les Communs] ", "");
  const text = [title, "", intro, "", ...lines, "", `Voir le service dans la console : ${link}`, ""].join("\n");
  const html = htmlPage(title, color, `<p>${escapeHtml(intro)}</p>${list(lines)}${button(link, "Voir le service dans la console")}`);
  return { subject, text, html };
}

function renderDigest(d: DigestFacts, consoleUrl: string): RenderedMail {
  const n = d.problems.length;
  const subject = `[Les Communs] Récapitulatif du ${d.day.split("-").reverse().join("/")} : ${n} webhook${n > 1 ? "s" : ""} en difficulté`;
  const title = subject.replace("[Les Communs] ", "");
  const state = (f: EndpointFacts) => (f.enabled === false ? "désactivé" : "en échec");
  const text = [
    title,
    "",
    "Problèmes encore ouverts ce matin :",
    "",
    ...d.problems.flatMap((f) => [`— ${f.serviceNom} : ${state(f)}`, ...endpointLines(f).map((l) => `  ${l}`), `  ${serviceLink(consoleUrl, f)}`, ""]),
  ].join("\n");
  const body =
    `<p>Problèmes encore ouverts ce matin :</p>` +
    d.problems
      .map((f) => `<h2 style="font-size:18px;margin:16px 0 8px">${escapeHtml(`${f.serviceNom} : ${state(f)}`)}</h2>${list(endpointLines(f))}${button(serviceLink(consoleUrl, f), "Voir le service")}`)
      .join("");
  return { subject, text, html: htmlPage(title, "#ce0500", body) };
}
