// PostgreSQL settings of the embedded database (PGlite), for every way it is opened: the server's
// worker thread (pglite-host.mjs) and in process (command line, tests).
//
// Issue #17 (hub RSS < 500 MiB): PGlite's PostgreSQL allocates its shared buffers inside the
// WebAssembly memory and touches all of it at start, so `shared_buffers` is resident memory from the
// first second, whatever the database holds. With PostgreSQL's default of 128 MB an opened database
// took ~310 MiB of the process; with 32 MB ~220 MiB (docs/BENCHMARKS.md, "Hub RSS"). The embedded
// database is the small deployment's choice (one instance, its data on the local disk, which the
// operating system caches as well), so the smaller pool is the better use of that memory.

/** `-c name=value` pairs added after PGlite's own start parameters (`PGlite.defaultStartParams`). */
export const pgliteSettings: readonly string[] = ["-c", "shared_buffers=32MB"];
