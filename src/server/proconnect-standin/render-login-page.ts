// The stand-in's own login form (ProConnect shows the agent's identity provider here).
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const acrChoices = ["eidas1", "eidas1-mfa", "eidas2", "eidas3", "eidas0"] as const;
export type AcrChoice = (typeof acrChoices)[number];

/** Levels that include a second factor (ProConnect's `-mfa` values, and eIDAS substantial and high). */
export const mfaAcr: ReadonlySet<string> = new Set(["eidas1-mfa", "eidas2", "eidas3"]);

const acrLabels: Record<AcrChoice, string> = {
  eidas1: "eidas1 — mot de passe seul",
  "eidas1-mfa": "eidas1-mfa — double authentification (code à usage unique)",
  eidas2: "eidas2 — niveau substantiel (double authentification)",
  eidas3: "eidas3 — niveau élevé (double authentification)",
  eidas0: "eidas0 — sans garantie",
};

/**
 * The stand-in's login form. `requestedAcr` lists the levels the client asked for (first one
 * preselected); when `essential`, only those are offered, as ProConnect then insists on them.
 */
export function renderLoginPage(options: { action: string; clientName: string; error?: string; email?: string; requestedAcr?: string[]; essential?: boolean }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : "";
  const requested = (options.requestedAcr ?? []).filter((a): a is AcrChoice => (acrChoices as readonly string[]).includes(a));
  const offered = options.essential && requested.length > 0 ? requested : [...requested, ...acrChoices.filter((a) => !requested.includes(a))];
  const acrOptions = offered.map((acr, i) => `<option value="${acr}"${i === 0 ? " selected" : ""}>${escapeHtml(acrLabels[acr])}</option>`).join("");
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>ProConnect (simulateur local) — Connexion</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#161616}
label{display:block;margin-top:1rem;font-weight:600}input,select{width:100%;padding:.5rem;margin-top:.25rem;font-size:1rem}
button{margin-top:1.5rem;padding:.75rem 1.5rem;background:#000091;color:#fff;border:0;font-size:1rem;cursor:pointer}
.error{color:#ce0500;font-weight:600}.note{background:#eee;padding:.75rem;font-size:.875rem}
</style></head>
<body>
<main>
<h1>ProConnect — simulateur local</h1>
<p class="note">Fournisseur d'identité de développement et de test qui imite ProConnect. Aucun mot de passe n'est demandé : saisissez l'adresse d'un agent de test (admin@anct.gouv.fr, lecteur@anct.gouv.fr…).</p>
<p>Connexion à <strong>${escapeHtml(options.clientName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
<label for="email">Adresse électronique professionnelle</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(options.email ?? "")}">
<label for="acr">Niveau d'authentification (acr)</label>
<select id="acr" name="acr">${acrOptions}</select>
<button type="submit">Se connecter</button>
</form>
</main>
</body></html>`;
}

export function renderLogoutPage(form: string): string {
  // `logout=yes` ends the stand-in's own session too (trap 10): the next login shows the form again.
  const withLogout = form.replace("</form>", '<input type="hidden" name="logout" value="yes"></form>');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>ProConnect (simulateur local) — Déconnexion</title></head>
<body><main><h1>Déconnexion en cours…</h1>${withLogout}
<noscript><button form="op.logoutForm" type="submit">Continuer</button></noscript>
<script>document.forms[0].submit()</script></main></body></html>`;
}
