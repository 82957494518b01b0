// Streams a CSV file from pages of rows read one after the other (keyset pages), so that an export
// of any size never sits in memory: a page is read only when the client has taken the previous one
// (the stream's pull), and a client that goes away stops the reading.
import { CSV_BOM, csvLine, type CsvCell } from "./format-csv";

/**
 * Takes the header cells and the pages of rows (an async iterable, read lazily). Returns a byte
 * stream: the BOM and the header line first, then one line per row as pages come.
 */
export function streamCsv(header: readonly string[], pages: AsyncIterable<CsvCell[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(CSV_BOM + csvLine(header)));
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        if (next.value.length > 0) controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    // One page at a time is enough: the client's pace decides when the next one is read.
    { highWaterMark: 1 },
  );
}

/** Reads keyset pages until one comes back without a next cursor. */
export async function* keysetPages<C, R>(
  read: (cursor: C | undefined) => Promise<{ items: R[]; nextCursor: C | null }>,
  toRow: (item: R) => CsvCell[],
): AsyncGenerator<CsvCell[][]> {
  let cursor: C | undefined;
  for (;;) {
    const page = await read(cursor);
    yield page.items.map(toRow);
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}
