// CSV for the console's exports (issue #11), as French spreadsheet users open it: UTF-8 with a byte
// order mark (without it Excel reads the accents as Windows-1252), `;` between cells (the French
// Excel's list separator: `,` is the decimal mark), CRLF line ends and RFC 4180 quoting. Dates in
// Europe/Paris time, French format (`29/11/2026 23:14:00`), which French Excel reads as dates.
// A text cell starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, so that
// a spreadsheet never runs it as a formula (CSV injection, OWASP).

export const CSV_BOM = "\uFEFF";
export const CSV_SEPARATOR = ";";
export const CSV_LINE_END = "\r\n";

export type CsvCell = string | number | boolean | Date | null | undefined;

const parisDateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** One cell, escaped: numbers as they are, dates in Paris time, text defused and quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "oui" : "non";
  if (value instanceof Date) return parisDateTime.format(value).replace(",", "");
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line (cells joined by `;`, ended by CRLF). */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(CSV_SEPARATOR) + CSV_LINE_END;
}
