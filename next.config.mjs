// Content Security Policy (issue #14 finding 8, issue #16). Pages get theirs, with a nonce per
// response, from src/proxy.ts (src/server/http/content-security-policy.ts). Responses that are not
// pages (the API's JSON, except its HTML reference /api/docs) get this one: nothing may run or frame them.
const nonPageContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// Browser features the hub never uses.
const permissionsPolicy = [
  "accelerometer=()",
  "browsing-topics=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "payment=()",
  "usb=()",
].join(", ");

// Server actions (logout) are accepted from the public URL's host only, whatever X-Forwarded-Host
// says (the action also checks its Origin itself: src/server/auth/check-action-origin.ts). Read when
// the server starts; NEXTAUTH_URL is the hub's public URL (src/env.ts validates it).
const publicHost = (() => {
  try {
    return process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).host : null;
  } catch {
    return null;
  }
})();

/** @type {import('next').NextConfig} */
const nextConfig = {
  experimental: {
    serverActions: { allowedOrigins: publicHost ? [publicHost] : [] },
  },
  // A self-contained server (`<distDir>/standalone/server.js` with the node_modules it traced) for
  // the container image (Dockerfile, docs/EXPLOITATION.md); `next start` keeps working on the same
  // build for `npm run hub`, the e2e suite and the benchmarks.
  output: "standalone",
  // Lets several builds (parallel test runs, benchmarks) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite's wasm/data files and the postgres driver stay in node_modules instead of the bundle;
  // one PGlite instance per process must be shared by every route. prom-client too: one copy of its
  // default metrics per process (pino is external by Next.js's own list).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "oidc-provider", "prom-client"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: permissionsPolicy },
          // Ignored by browsers over plain http (local runs); enforced once served over https.
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
        ],
      },
      { source: "/api/:path((?!docs$).*)", headers: [{ key: "Content-Security-Policy", value: nonPageContentSecurityPolicy }] },
    ];
  },
};

export default nextConfig;
