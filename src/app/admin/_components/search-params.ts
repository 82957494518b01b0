// Console pages read their filters from the query string, which anyone can write: a repeated key
// arrives as an array. Pages keep the first value (then validate it with the shared zod schemas).
export type RawSearchParams = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, or undefined. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
