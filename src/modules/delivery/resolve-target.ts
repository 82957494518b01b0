// The SSRF guard at send time: the URL saved by a service is vetted again before every connection
// (DNS may have changed since it was saved), and the connection goes to the vetted address only.
// Resolutions are cached briefly so that a burst to one receiver does not resolve per request.
import { checkWebhookUrl, type UrlPolicy, type VettedTarget } from "@/modules/webhooks/check-webhook-url";

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; target: VettedTarget }>();

export async function resolveTarget(rawUrl: string, policy: UrlPolicy): Promise<VettedTarget> {
  const key = `${policy.allowPrivate ? 1 : 0}${policy.requireHttps ? 1 : 0}|${rawUrl}`;
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.target;
  const target = await checkWebhookUrl(rawUrl, policy);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { at: now, target });
  return target;
}

export function forgetResolvedTargets(): void {
  cache.clear();
}
