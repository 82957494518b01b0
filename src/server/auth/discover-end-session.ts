import { proconnectIssuer } from "./proconnect-provider";

let cached: { issuer: string; endpoint: string } | null = null;

/** ProConnect's end_session_endpoint, from discovery (kept for the process). */
export async function discoverEndSession(): Promise<string> {
  const issuer = proconnectIssuer();
  if (cached?.issuer === issuer) return cached.endpoint;
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`ProConnect discovery answered ${response.status}`);
  const document = (await response.json()) as { issuer?: string; end_session_endpoint?: string };
  if (document.issuer !== issuer || !document.end_session_endpoint) throw new Error("ProConnect discovery document is not for this issuer");
  cached = { issuer, endpoint: document.end_session_endpoint };
  return cached.endpoint;
}
