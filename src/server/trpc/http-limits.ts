// Limits of the console's tRPC endpoint (issue #14, finding 6). Shared by the server handler and the
// browser client (whose batch link must not send more than the server accepts).

/** Most procedure calls in one batched HTTP request. The console's pages batch a handful. */
export const TRPC_MAX_BATCH_SIZE = 10;

/** Largest request body accepted on /api/trpc, in bytes (console inputs are a few hundred bytes). */
export const TRPC_BODY_LIMIT_BYTES = 64 * 1024;
