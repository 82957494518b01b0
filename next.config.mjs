/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets several builds (parallel test runs, benchmarks) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite's wasm/data files and the postgres driver stay in node_modules instead of the bundle;
  // one PGlite instance per process must be shared by every route.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "oidc-provider"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          // No framing, no plugins, no <base> hijack. Scripts and styles stay governed by Next.js and
          // the DSFR (inline bootstrap); a nonce-based script policy would be the next step.
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'" },
          // Ignored by browsers over plain http (local runs); enforced once served over https.
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
        ],
      },
    ];
  },
};

export default nextConfig;
