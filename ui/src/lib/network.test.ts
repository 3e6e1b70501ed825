import { describe, expect, it } from "vitest";
import { proxyInUseText } from "./network";
import type { ProxyStatus } from "./ipc";

const st = (inUse: ProxyStatus["inUse"], manual: string | null = null, hasCredentials = false): ProxyStatus => ({
  manual,
  hasCredentials,
  inUse,
});

describe("proxyInUseText", () => {
  it("names where the proxy comes from", () => {
    expect(proxyInUseText(st({ source: "direct", proxy: null, variable: null }))).toMatch(/^automatic: no proxy/);
    expect(proxyInUseText(st({ source: "environment", proxy: "http://p:8080", variable: "HTTPS_PROXY" }))).toBe(
      "http://p:8080 (from the environment, HTTPS_PROXY)",
    );
    expect(proxyInUseText(st({ source: "os", proxy: "http://p:3128", variable: null }))).toBe(
      "http://p:3128 (from the system's proxy settings)",
    );
    const manual = proxyInUseText(st({ source: "manual", proxy: "http://p:1", variable: null }, "http://p:1", true));
    expect(manual).toContain("set here");
    expect(manual).toContain("keychain");
  });
});
