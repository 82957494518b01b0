// The ProConnect provider for next-auth v4 (notes/proconnect.md §4.1): confidential client with
// client_secret_post, state + nonce + PKCE, pinned signing algorithm so that openid-client verifies
// the id_token and the JWT userinfo, profile read from /userinfo.
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "@/env";

export type ProConnectProfile = {
  sub: string;
  email: string;
  given_name?: string;
  usual_name?: string;
  uid?: string;
  siret?: string;
  idp_id?: string;
};

const acrList = (setting: string) => setting.split(",").map((v) => v.trim()).filter(Boolean);

/**
 * The `acr` values accepted per operator role (settings PROCONNECT_ACR_VALUES for lecteurs and
 * PROCONNECT_ACR_VALUES_ADMIN for admins, multi-factor levels only by default: ANSSI asks for MFA
 * on such systems, notes/proconnect.md; issue #14, finding 2).
 */
export function acceptedAcrByRole(): { admin: string[]; lecteur: string[] } {
  return { admin: acrList(env.PROCONNECT_ACR_VALUES_ADMIN), lecteur: acrList(env.PROCONNECT_ACR_VALUES) };
}

/** Every value some role accepts, admins' first (a provider that offers a choice starts with MFA). */
export function acceptedAcrValues(): string[] {
  const { admin, lecteur } = acceptedAcrByRole();
  return [...new Set([...admin, ...lecteur])];
}

/**
 * The authorization parameters that ask ProConnect for one of the admins' levels as `essential`
 * (ProConnect then requires the second factor): used by the refusal page's "reconnect with MFA".
 */
export function mfaAuthorizationParams(): Record<string, string> {
  return { claims: JSON.stringify({ id_token: { acr: { essential: true, values: acceptedAcrByRole().admin }, amr: null } }) };
}

export function proconnectConfigured(): boolean {
  return Boolean(env.PROCONNECT_ISSUER && env.PROCONNECT_CLIENT_ID && env.PROCONNECT_CLIENT_SECRET && env.NEXTAUTH_URL);
}

export function proconnectIssuer(): string {
  // The discovered issuer must match exactly: no trailing slash.
  return (env.PROCONNECT_ISSUER ?? "").replace(/\/+$/, "");
}

export function proconnectProvider(): OAuthConfig<ProConnectProfile> {
  const alg = env.PROCONNECT_SIGNING_ALG;
  return {
    id: "proconnect",
    name: "ProConnect",
    type: "oauth",
    wellKnown: `${proconnectIssuer()}/.well-known/openid-configuration`,
    clientId: env.PROCONNECT_CLIENT_ID,
    clientSecret: env.PROCONNECT_CLIENT_SECRET,
    client: {
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: alg,
      userinfo_signed_response_alg: alg,
    },
    checks: ["pkce", "state", "nonce"],
    idToken: false,
    authorization: {
      params: {
        scope: "openid email given_name usual_name uid siret idp_id",
        // The current ProConnect way of asking for a level. Voluntary, not `essential`: the role (and
        // so the level it needs) is known only after login; the level is enforced per role in the
        // signIn callback, whose refusal page offers to reconnect with MFA requested as essential.
        claims: JSON.stringify({ id_token: { acr: { values: acceptedAcrValues() }, amr: null } }),
      },
    },
    // With idToken:false next-auth would skip id_token and nonce validation (trap 8): openid-client's
    // callback() validates signature, iss, aud, exp, nonce and state.
    token: {
      async request({ client, params, checks, provider }) {
        const tokens = await client.callback(provider.callbackUrl, params, checks);
        return { tokens };
      },
    },
    profile(profile) {
      return {
        id: profile.sub,
        email: profile.email.trim().toLowerCase(),
        name: [profile.given_name, profile.usual_name].filter(Boolean).join(" ") || null,
      };
    },
    // ProConnect changes `sub` when the agent's identity provider changes; only registered operators
    // get this far (signIn callback), so linking by email is safe here. Linking to whoever is already
    // signed in is not: auth-options.ts hides the current session from the callback (finding 1).
    allowDangerousEmailAccountLinking: true,
  };
}
