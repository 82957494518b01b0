// Next.js proxy (the former middleware): gives every page response its own CSP nonce (issue #16).
// The nonce goes to the rendering through the request's headers (`x-nonce` for the root layout's
// DSFR head; Next.js reads the request's Content-Security-Policy and puts the nonce on its own
// scripts) and to the browser in the response's Content-Security-Policy. Pages are therefore
// rendered per request. The API (except its HTML reference, /api/docs) and static files do not
// pass here: their policy is the static one of next.config.mjs.
import { NextResponse, type NextRequest } from "next/server";
import { buildContentSecurityPolicy, newCspNonce } from "@/server/http/content-security-policy";
import { REQUEST_PATH_HEADER } from "@/server/auth/return-path";

export function proxy(request: NextRequest) {
  const nonce = newCspNonce();
  // NODE_ENV is inlined by Next.js at build (not a setting of the hub): eval only under `next dev`.
  const policy = buildContentSecurityPolicy(nonce, { allowEval: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  // Set here whatever the client sent: a request cannot choose its own nonce.
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  // The page's own path, for the login redirect that comes back to it (redirect-to-login.ts).
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/(?!docs)|_next/static|_next/image|favicon.ico|robots.txt).*)",
      // Prefetches of the router render no HTML: no nonce needed.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
