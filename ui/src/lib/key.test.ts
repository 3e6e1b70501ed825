import { describe, expect, it } from "vitest";
import { keyProblem, normaliseKey } from "./key";

describe("key input", () => {
  it("trims spaces, newlines and zero-width characters around a paste", () => {
    expect(normaliseKey("  \n\tabc123\r\n\ufeff")).toBe("abc123");
  });
  it("accepts a plausible key", () => {
    expect(keyProblem(" a1b2c3d4e5f6-_. \n")).toBeNull();
  });
  it("explains empty input", () => {
    expect(keyProblem("   ")).toMatch(/Paste the key/);
  });
  it("rejects inner spaces and line breaks", () => {
    expect(keyProblem("abc def")).toMatch(/spaces or line breaks/);
    expect(keyProblem("abc\ndef")).toMatch(/spaces or line breaks/);
  });
  it("rejects control characters", () => {
    expect(keyProblem("abc\u0007def")).toMatch(/control characters/);
  });
  it("rejects absurd length", () => {
    expect(keyProblem("x".repeat(600))).toMatch(/600 characters/);
  });
  it("rejects non-ASCII", () => {
    expect(keyProblem("clé")).toMatch(/never has/);
  });
});
