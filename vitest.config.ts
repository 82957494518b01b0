import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

// Settings for tests; a test that needs other values passes them to the module under test.
const testEnv = {
  NODE_ENV: "test" as const,
  EMAIL_HASH_SECRET: "test-email-hash-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789abcdef",
  // 32 bytes in hex: the key that encrypts webhook secrets at rest in tests.
  SECRETS_ENCRYPTION_KEY: "7465737420736563726574732d656e6372797074696f6e2d6b65792d30303031",
  NEXTAUTH_URL: "http://127.0.0.1:3999",
  // Both are explicit: the hub's defaults are production-safe whatever NODE_ENV says.
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  API_KEY_PREFIX: "lc_test_",
  WEBHOOK_RETRY_SCHEDULE: "20,20,20",
  WEBHOOK_TIMEOUT_MS: "2000",
  DATA_DIR: path.join(root, ".data", "test"),
  LOG_LEVEL: "silent",
  WORKER_ENABLED: "false",
  // The per-service limit is shared across a test file's requests (a counter in the database, issue
  // #16): suites that send thousands of requests with one key measure something else. The limit
  // itself is tested with an explicit `ratePerMinute` (errors.int.test.ts, count-request.int.test.ts).
  RATE_LIMIT_PER_MINUTE: "10000000",
};

const shared = {
  resolve: {
    alias: {
      "@": path.resolve(root, "src"),
      "server-only": path.resolve(root, "src/test/server-only-stub.ts"),
    },
  },
};

export default defineConfig({
  ...shared,
  test: {
    env: testEnv,
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          environment: "node",
          include: ["src/**/*.test.ts"],
          exclude: ["src/**/*.int.test.ts", "node_modules/**"],
          env: testEnv,
        },
      },
      {
        ...shared,
        test: {
          name: "int",
          environment: "node",
          include: ["src/**/*.int.test.ts"],
          env: testEnv,
          pool: "forks",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
