// The input rules shared by every entry point (REST, tRPC, console pages, command line): text that
// PostgreSQL can store and instants in a range that both JavaScript and PostgreSQL read the same way.
// Input that passes validation must never fail in the database as a 500 (issue #14, finding 3).
import { z } from "zod";

/**
 * True when PostgreSQL can store `s` as text or jsonb: no U+0000 (refused by text and jsonb) and no
 * lone UTF-16 surrogate (valid in JSON as "\ud83d", but not encodable as UTF-8).
 */
export const storableText = (s: string): boolean => !s.includes("\u0000") && s.isWellFormed();
export const storableTextMessage = "caractère non admis (U+0000 ou UTF-16 mal formé)";

/** A string PostgreSQL can store (see `storableText`); chain `.trim()`, `.min()`, `.max()` before it. */
export const storableString = (schema: z.ZodString = z.string({ error: "chaîne de caractères attendue" })) =>
  schema.refine(storableText, storableTextMessage);

/**
 * The accepted range of instants, inclusive: 1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
 * Outside it, JavaScript and PostgreSQL disagree (year 0 does not exist in PostgreSQL, JavaScript
 * writes years beyond 9999 or before 0 as ±YYYYYY, which PostgreSQL refuses) and no date of the hub
 * (projects, deliveries, audit) can be there anyway.
 */
export const MIN_INSTANT_MS = Date.UTC(1900, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const instantRangeMessage = "date hors de la plage admise (1900-01-01 à 9999-12-31)";

/** True when `value` is a valid Date within [MIN_INSTANT_MS, MAX_INSTANT_MS]. */
export function isSaneInstant(value: Date): boolean {
  const ms = value.getTime();
  return !Number.isNaN(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}

/** True when the text parses with `new Date` to an instant in the sane range. */
export function isSaneInstantText(text: string): boolean {
  return isSaneInstant(new Date(text));
}

/**
 * A filter bound typed by an operator: a date (`2026-01-31`) or a date-time with offset
 * (`2026-01-31T12:00:00Z`), in the sane range. Shared by console filters and the command line.
 */
export const isoInstantSchema = z.iso
  .datetime({ offset: true, error: "date ISO 8601 attendue" })
  .or(z.iso.date({ error: "date AAAA-MM-JJ attendue" }))
  .refine(isSaneInstantText, instantRangeMessage);
