// Next.js calls register() once per server process at start.
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself (and inlined at build), not a setting of the hub.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { boot } = await import("./server/boot");
    await boot();
  }
}
