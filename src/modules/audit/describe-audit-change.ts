// A readable before/after of an audit entry (issue #11): one line per field that changed, values in
// French and instants in Europe/Paris time, instead of two raw JSON documents in UTC.
import { auditFieldLabels } from "./audit-labels";

export type AuditChangeLine = { field: string; before: string | null; after: string | null };

const parisTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Paris" });
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** One value as an operator reads it: oui/non, "—" for none, instants in Paris time, lists and objects spelled out. */
export function formatAuditValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "oui" : "non";
  if (typeof value === "number") return value.toLocaleString("fr-FR");
  if (typeof value === "string") return isoInstant.test(value) && !Number.isNaN(Date.parse(value)) ? parisTime.format(new Date(value)) : value;
  if (Array.isArray(value)) return value.length === 0 ? "aucun" : value.map(formatAuditValue).join(", ");
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  return entries.length === 0 ? "aucun" : entries.map(([k, v]) => `${auditFieldLabels[k] ?? k} : ${formatAuditValue(v)}`).join(", ");
}

function asRecord(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  return typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { valeur: value };
}

/**
 * The fields of `before`/`after` (stored JSON, either may be null) whose value differs, in their
 * first-seen order, with French field names (`auditFieldLabels`) and formatted values; a value
 * absent on one side is null there.
 */
export function describeAuditChange(before: unknown, after: unknown): AuditChangeLine[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({
      field: auditFieldLabels[k] ?? k,
      before: k in b ? formatAuditValue(b[k]) : null,
      after: k in a ? formatAuditValue(a[k]) : null,
    }));
}
