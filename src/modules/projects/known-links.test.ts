import { describe, expect, it } from "vitest";
import { KNOWN_LINKS_MAX, knowsAnyLink, rememberLinks } from "./known-links";

describe("knowsAnyLink / rememberLinks", () => {
  it("knows a key per service, and forgets the least recently remembered past the bound", () => {
    rememberLinks("s1", ["a", "b"]);
    expect(knowsAnyLink("s1", ["x", "b"])).toBe(true);
    expect(knowsAnyLink("s2", ["a"])).toBe(false);
    expect(knowsAnyLink("s1", [])).toBe(false);
    rememberLinks("s1", ["a"]); // "a" used again: "b" is now the oldest
    rememberLinks("s3", Array.from({ length: KNOWN_LINKS_MAX - 1 }, (_, i) => `k${i}`));
    expect(knowsAnyLink("s1", ["b"])).toBe(false);
    expect(knowsAnyLink("s1", ["a"])).toBe(true);
    expect(knowsAnyLink("s3", ["k0"])).toBe(true);
  });
});
