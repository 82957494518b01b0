// A local OIDC provider that behaves like ProConnect (same /api/v2 paths, scopes and claims, signed
// id_token and userinfo, client_secret_post only, strict authorize parameters), for development and
// tests. Built on oidc-provider, as the real federation is. See notes/proconnect.md §5.
import http from "node:http";
import { randomBytes } from "node:crypto";
import Provider, { type Configuration, type LogoutSource } from "oidc-provider";
import { findAgentByEmail, findAgentBySub } from "./fixture-agents";
import { acrChoices, mfaAcr, renderLoginPage, renderLogoutPage } from "./render-login-page";

/** The `acr` levels a client asked for: the `claims` parameter (id_token.acr), else `acr_values`. */
function requestedAcr(params: Record<string, unknown>): { requestedAcr: string[]; essential: boolean } {
  try {
    const acr = (JSON.parse(String(params.claims ?? "{}")) as { id_token?: { acr?: { values?: unknown; value?: unknown; essential?: unknown } } }).id_token?.acr;
    const values = Array.isArray(acr?.values) ? acr.values.map(String) : typeof acr?.value === "string" ? [acr.value] : [];
    if (values.length > 0) return { requestedAcr: values, essential: acr?.essential === true };
  } catch {
    // A malformed claims parameter is the client's problem: fall back to acr_values.
  }
  return { requestedAcr: String(params.acr_values ?? "").split(" ").filter(Boolean), essential: false };
}

export const standinDefaults = {
  clientId: "les-communs-local",
  // A fixed secret is fine here: the stand-in only ever runs on the developer's machine or in CI.
  clientSecret: "les-communs-local-secret-not-for-production",
} as const;

export type StandinOptions = {
  port: number;
  /** Public base URL of the hub (e.g. http://localhost:3000): redirect URIs are derived from it. */
  appUrl: string;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Private JWKS, kept across restarts so that a running app's key cache stays valid (trap 11). */
  jwks: { keys: Record<string, unknown>[] };
};

const mountPath = "/api/v2";

// ProConnect refuses any other authorize parameter (error Y000400).
const allowedAuthorizeParams = new Set([
  "response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "claims", "prompt",
  "acr_values", "idp_hint", "login_hint", "siret_hint", "code_challenge", "code_challenge_method",
]);

export function issuerFor(port: number, host = "localhost") {
  return `http://${host}:${port}${mountPath}`;
}

export function createStandin(options: StandinOptions) {
  const issuer = issuerFor(options.port, options.host);
  const appUrl = options.appUrl.replace(/\/+$/, "");
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId ?? standinDefaults.clientId,
        client_secret: options.clientSecret ?? standinDefaults.clientSecret,
        client_name: "Les Communs — console des opérateurs",
        redirect_uris: [`${appUrl}/api/auth/callback/proconnect`],
        post_logout_redirect_uris: [`${appUrl}/admin/deconnexion`],
        response_types: ["code"],
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "RS256",
        userinfo_signed_response_alg: "RS256",
      },
    ],
    jwks: options.jwks as Configuration["jwks"],
    cookies: { keys: [randomBytes(32).toString("hex")] },
    routes: {
      authorization: "/authorize",
      token: "/token",
      userinfo: "/userinfo",
      jwks: "/jwks",
      end_session: "/session/end",
    },
    responseTypes: ["code"],
    scopes: ["openid", "email", "given_name", "usual_name", "uid", "siret", "idp_id", "organization_label", "roles", "offline_access"],
    claims: {
      openid: ["sub"],
      email: ["email"],
      given_name: ["given_name"],
      usual_name: ["usual_name"],
      uid: ["uid"],
      siret: ["siret"],
      idp_id: ["idp_id"],
      organization_label: ["organization_label"],
      roles: ["roles"],
    },
    acrValues: [...acrChoices],
    extraParams: ["idp_hint", "siret_hint"],
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (async (ctx, form) => {
          ctx.type = "html";
          ctx.body = renderLogoutPage(form);
        }) satisfies LogoutSource,
      },
    },
    pkce: { required: () => false },
    clientAuthMethods: ["client_secret_post"],
    issueRefreshToken: async () => true,
    ttl: { AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 12 * 3600, Grant: 12 * 3600, RefreshToken: 7200 },
    // ProConnect shows no consent screen: every requested scope and claim is granted.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope([...(ctx.oidc.requestParamScopes ?? [])].join(" "));
      grant.addOIDCClaims([...(ctx.oidc.requestParamClaims ?? [])]);
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const agent = findAgentBySub(sub);
      if (!agent) return undefined;
      return { accountId: sub, claims: async () => ({ ...agent }) };
    },
    interactions: { url: async (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      const text = Object.entries(out).map(([k, v]) => `${k} : ${String(v)}`).join("\n");
      ctx.body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>ProConnect (simulateur local) — Erreur</title></head><body><main><h1>Erreur</h1><pre>${text.replace(/</g, "&lt;")}</pre></main></body></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;

  // ProConnect's strictness: unknown authorize parameters, short state/nonce and Basic auth are refused.
  provider.use(async (ctx, next) => {
    if (ctx.path === "/authorize") {
      const params = ctx.method === "POST" ? ((ctx.request as { body?: Record<string, string> }).body ?? {}) : ctx.query;
      const unknown = Object.keys(params).filter((p) => !allowedAuthorizeParams.has(p));
      const state = String(params.state ?? "");
      const nonce = String(params.nonce ?? "");
      if (unknown.length || state.length < 32 || nonce.length < 32 || nonce.length > 512) {
        ctx.status = 400;
        ctx.type = "text/plain";
        ctx.body = unknown.length
          ? `Y000400 paramètre(s) non autorisé(s) : ${unknown.join(", ")}`
          : "Y000400 state et nonce doivent contenir au moins 32 caractères";
        return;
      }
    }
    if (ctx.path === "/token" && /^basic /i.test(ctx.get("authorization"))) {
      ctx.status = 401;
      ctx.type = "application/json";
      ctx.body = { error: "invalid_client", error_description: "client_secret_post attendu" };
      return;
    }
    await next();
  });

  const callback = provider.callback();

  async function handleInteraction(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const details = await provider.interactionDetails(req, res);
    const action = `${mountPath}/interaction/${details.uid}/login`;
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = String(client?.clientName ?? details.params.client_id);
    const page = (error?: string, email?: string) => {
      res.statusCode = error ? 400 : 200;
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.setHeader("cache-control", "no-store");
      res.end(renderLoginPage({ action, clientName, error, email: email ?? String(details.params.login_hint ?? ""), ...requestedAcr(details.params) }));
    };
    if (req.method === "GET" && !path.endsWith("/login")) return page();
    if (req.method !== "POST" || !path.endsWith("/login")) {
      res.statusCode = 405;
      return res.end();
    }
    const form = new URLSearchParams(await readBody(req));
    const agent = findAgentByEmail(form.get("email") ?? "");
    if (!agent) return page("Aucun agent de test ne correspond à cette adresse.", form.get("email") ?? "");
    const { requestedAcr: wanted, essential } = requestedAcr(details.params);
    const acr = acrChoices.find((a) => a === form.get("acr")) ?? wanted[0] ?? "eidas1";
    if (essential && wanted.length > 0 && !wanted.includes(acr)) return page("Ce service exige un autre niveau d'authentification.", agent.email);
    // A second factor shows in `amr` as ProConnect reports it (mot de passe + code à usage unique).
    await provider.interactionFinished(req, res, { login: { accountId: agent.sub, acr, amr: mfaAcr.has(acr) ? ["pwd", "otp", "mfa"] : ["pwd"] } }, { mergeWithLastSubmission: false });
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (url !== mountPath && !url.startsWith(`${mountPath}/`) && !url.startsWith(`${mountPath}?`)) {
      res.statusCode = 404;
      return res.end("Introuvable");
    }
    const inner = url.slice(mountPath.length) || "/";
    if (inner.startsWith("/interaction/")) {
      handleInteraction(req, res, inner.split("?")[0]!).catch((error: unknown) => {
        res.statusCode = 400;
        res.setHeader("content-type", "text/plain; charset=utf-8");
        res.end(`Interaction invalide ou expirée : ${error instanceof Error ? error.message : String(error)}`);
      });
      return;
    }
    // Mounting under the issuer's path, like express's app.use(prefix, …) (trap 1).
    (req as { originalUrl?: string }).originalUrl = url;
    req.url = inner;
    callback(req, res);
  });

  return { provider, server, issuer };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) reject(new Error("corps trop volumineux"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
