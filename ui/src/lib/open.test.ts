import { describe, expect, it } from "vitest";
import { ALLOWED_URL } from "./open";

describe("external links", () => {
  it("allows Ashby's app, developer docs and job boards", () => {
    expect(ALLOWED_URL.test("https://app.ashbyhq.com")).toBe(true);
    expect(ALLOWED_URL.test("https://app.ashbyhq.com/admin/api/keys")).toBe(true);
    expect(ALLOWED_URL.test("https://jobs.ashbyhq.com/acme/123")).toBe(true);
  });
  it("refuses anything else", () => {
    expect(ALLOWED_URL.test("http://app.ashbyhq.com")).toBe(false);
    expect(ALLOWED_URL.test("https://app.ashbyhq.com.evil.test/")).toBe(false);
    expect(ALLOWED_URL.test("https://example.com")).toBe(false);
    expect(ALLOWED_URL.test("javascript:alert(1)")).toBe(false);
  });
});
