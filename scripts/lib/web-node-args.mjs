// The node options of the hub's web process in production (issue #17, hub RSS < 500 MiB): its V8
// heap limit. Without it V8 sizes the heap from the machine's memory (4 GiB on 24 GiB) and lets
// garbage pile up to ~270 MiB of heap for ~70 MiB live; at 512 the heap stays ~110 MiB at the same
// CPU per request (256 cost ~45 % more CPU). docs/EXPLOITATION.md, "Mémoire du processus web".
// The same value is written in package.json's `start` and in the Dockerfile's CMD, which cannot
// import this file: change the three together.
export const WEB_NODE_ARGS = ["--max-old-space-size=512"];
