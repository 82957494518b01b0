// CSRF guard for tRPC mutations (notes/proconnect.md §6.2): JSON only, and the browser must say the
// call comes from the hub itself (Origin equal to the public URL, or Sec-Fetch-Site: same-origin).
export function isSameOriginRequest(request: Request, publicUrl: string | undefined): boolean {
  if (request.method !== "POST") return true;
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/json")) return false;
  const origin = request.headers.get("origin");
  if (origin) {
    const expected = publicUrl ? new URL(publicUrl).origin : new URL(request.url).origin;
    return origin === expected;
  }
  return request.headers.get("sec-fetch-site") === "same-origin";
}
