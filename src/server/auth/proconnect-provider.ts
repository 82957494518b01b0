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

export function acceptedAcrValues(): string[] {
  return env.PROCONNECT_ACR_VALUES.split(",").map((v) => v.trim()).filter(Boolean);
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
        // The current ProConnect way of asking for a level. Voluntary, not `essential`: the level is
        // enforced here (signIn callback) with a clear refusal page, instead of an identity-provider
        // loop when an agent's provider cannot reach it.
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
    // get this far (signIn callback), so linking by email is safe here.
    allowDangerousEmailAccountLinking: true,
  };
}
