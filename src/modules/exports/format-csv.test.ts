// CSV cells of the console's exports: RFC 4180 quoting with `;`, formula injection defused, Paris dates.
import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./format-csv";

describe("csvCell", () => {
  it("quotes text holding the separator, quotes or line breaks, doubling the quotes", () => {
    expect(csvCell("simple")).toBe("simple");
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell('dit "bonjour"')).toBe('"dit ""bonjour"""');
    expect(csvCell("ligne 1\nligne 2")).toBe('"ligne 1\nligne 2"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell("a, b")).toBe("a, b");
  });

  it("prefixes text starting with = + - @ tab or CR with an apostrophe", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+33 1 23")).toBe("'+33 1 23");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("é=1")).toBe("é=1");
  });

  it("writes numbers as they are (negative ones included), empty cells for null, dates in Paris time", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(true)).toBe("oui");
    expect(csvCell(new Date("2026-07-14T10:00:05Z"))).toBe("14/07/2026 12:00:05");
    expect(csvCell(new Date("2026-11-29T23:14:00Z"))).toBe("30/11/2026 00:14:00");
  });
});

describe("csvLine", () => {
  it("joins cells with ; and ends with CRLF", () => {
    expect(csvLine([1, "a;b", null, "x"])).toBe('1;"a;b";;x\r\n');
  });
});
