import { describe, expect, it } from "vitest";
import { ALLOWED_URL, ashbyJobUrl, linkText, mailtoUrl, openFailureText } from "./open";

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
  it("builds a job's Ashby link", () => {
    expect(ashbyJobUrl("a b/c")).toBe("https://app.ashbyhq.com/jobs/a%20b%2Fc");
  });
});

describe("hiring-team emails", () => {
  it("become mailto: links when they are one plain address", () => {
    expect(mailtoUrl("ada@example.com")).toBe("mailto:ada@example.com");
    expect(mailtoUrl(" o'brien+jobs@mail.example.co.uk ")).toBe("mailto:o'brien+jobs@mail.example.co.uk");
    expect(linkText("mailto:ada@example.com")).toBe("ada@example.com");
    expect(linkText("https://app.ashbyhq.com/jobs/1")).toBe("https://app.ashbyhq.com/jobs/1");
  });
  it("stay plain text otherwise", () => {
    for (const bad of [null, undefined, "", "ada", "ada@localhost", "ada@example.com?cc=eve@example.com", "-x@example.com", "a b@example.com", "ada@example.com,eve@example.com"]) {
      expect(mailtoUrl(bad)).toBeNull();
    }
  });
});

describe("a link that could not be opened", () => {
  it("shows Rust's words", () => {
    const err = { code: "browser_unavailable", message: "Ashby Sync couldn't open your web browser. Copy the address." };
    expect(openFailureText("https://app.ashbyhq.com", err)).toBe(err.message);
  });
  it("is never an empty box", () => {
    expect(openFailureText("https://app.ashbyhq.com", { code: "internal", message: "  " })).toMatch(/couldn't open your web browser/);
    expect(openFailureText("https://app.ashbyhq.com", undefined)).toMatch(/Copy the address/);
    expect(openFailureText("mailto:ada@example.com", new Error(""))).toMatch(/email app/);
  });
});
