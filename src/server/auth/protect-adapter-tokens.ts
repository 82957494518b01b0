// next-auth's database adapter, wrapped so that what it stores is safe in a dump (issue #16):
// sessions are keyed by the SHA-256 of the cookie's value, never by the value itself, and the OIDC
// access and refresh tokens are never stored (the hub uses neither after login; only the id_token
// is kept, for ProConnect's logout `id_token_hint`, and cleared at logout).
import type { Adapter, AdapterAccount } from "next-auth/adapters";
import { hashSessionToken } from "./hash-session-token";

/**
 * Returns `adapter` with its session methods taking and giving the cookie's value while storing its
 * hash, and its `linkAccount` dropping `access_token` and `refresh_token`. Mutates and returns the
 * same object (next-auth keeps a reference to it).
 */
export function protectAdapterTokens(adapter: Adapter): Adapter {
  const { createSession, getSessionAndUser, updateSession, deleteSession, linkAccount } = adapter;
  if (!createSession || !getSessionAndUser || !updateSession || !deleteSession || !linkAccount) {
    throw new Error("protectAdapterTokens: the adapter lacks database session methods");
  }
  adapter.createSession = async (session) => {
    const stored = await createSession({ ...session, sessionToken: hashSessionToken(session.sessionToken) });
    // next-auth sets the cookie from what this returns: the value, not its hash.
    return { ...stored, sessionToken: session.sessionToken };
  };
  adapter.getSessionAndUser = async (sessionToken) => {
    const found = await getSessionAndUser(hashSessionToken(sessionToken));
    return found ? { ...found, session: { ...found.session, sessionToken } } : null;
  };
  adapter.updateSession = async (session) => {
    const updated = await updateSession({ ...session, sessionToken: hashSessionToken(session.sessionToken) });
    return updated ? { ...updated, sessionToken: session.sessionToken } : updated;
  };
  adapter.deleteSession = async (sessionToken) => {
    await deleteSession(hashSessionToken(sessionToken));
  };
  adapter.linkAccount = async (account: AdapterAccount) => {
    const { access_token: _access, refresh_token: _refresh, ...kept } = account;
    await linkAccount(kept as AdapterAccount);
  };
  return adapter;
}
