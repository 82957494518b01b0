// processSingleton: one instance per process, even when Next.js loads the module more than once
// (instrumentation and route bundles each get their own copy of src/server modules).
import { describe, expect, it, vi } from "vitest";

describe("processSingleton", () => {
  it("creates once and gives the same object to every later call and every module copy", async () => {
    const first = await import("./process-state");
    const create = vi.fn(() => ({ made: Math.random() }));
    const a = first.processSingleton("test-singleton", create);
    expect(first.processSingleton("test-singleton", create)).toBe(a);

    vi.resetModules();
    const second = await import("./process-state");
    expect(second).not.toBe(first); // a fresh copy of the module, as a second bundle would load
    expect(second.processSingleton("test-singleton", create)).toBe(a);
    expect(create).toHaveBeenCalledTimes(1);
    expect(second.processState).toBe(first.processState);
  });

  it("keeps nothing when creation throws, so a later call may succeed", async () => {
    const { processSingleton } = await import("./process-state");
    expect(() => processSingleton("test-failing", () => { throw new Error("not yet"); })).toThrow("not yet");
    expect(processSingleton("test-failing", () => 42)).toBe(42);
  });
});
