import { describe, expect, it } from "vitest";
import type { Access, KeyStatus, Verification } from "./ipc";
import { keyReminder, missingModulesText, reverifyResult } from "./keynotice";

const v = (access: Record<string, Access>, extra: Partial<Verification> = {}): Verification => ({
  outcome: "full",
  valid: true,
  canSave: true,
  title: "Partner key",
  createdAt: "2025-03-01T10:00:00Z",
  scopes: [],
  writeScopes: [],
  modules: Object.entries(access).map(([label, a]) => ({
    module: "jobs",
    label,
    access: a,
    required: false,
    fix: null,
    detail: null,
  })),
  message: "ok",
  warnings: [],
  verifiedAt: "2025-03-10T10:00:00Z",
  network: null,
  ...extra,
} as Verification);

const key = (extra: Partial<KeyStatus>): KeyStatus => ({
  stored: true,
  overridden: false,
  verification: null,
  failedCheck: null,
  keyInvalid: null,
  ...extra,
});

describe("reverifyResult", () => {
  it("says the key still works when nothing changed", () => {
    const all = v({ Jobs: "read", Offers: "read" });
    expect(reverifyResult(all, all)).toEqual({ tone: "ok", text: "Key still works — all modules readable." });
  });
  it("says what changed", () => {
    const before = v({ Jobs: "read", Offers: "missing", Interviews: "read" });
    const after = v({ Jobs: "read", Offers: "read", Interviews: "missing" });
    expect(reverifyResult(before, after)).toEqual({
      tone: "warn",
      text: "Key still works, but it can now read Offers, and it can no longer read Interviews.",
    });
    expect(reverifyResult(after, v({ Jobs: "read", Offers: "read", Interviews: "read" })).text).toBe(
      "Key still works, but it can now read Interviews.",
    );
  });
  it("names modules still missing, and passes a rejection on", () => {
    const gaps = v({ Jobs: "read", Offers: "missing", Reports: "missing" });
    expect(reverifyResult(gaps, gaps)).toEqual({ tone: "warn", text: "Key still works — it still can't read Offers and Reports." });
    const rejected = v({}, { valid: false, message: "Ashby rejected the key." });
    expect(reverifyResult(gaps, rejected)).toEqual({ tone: "err", text: "Ashby rejected the key." });
  });
});

describe("keyReminder", () => {
  it("says there is no key when none is stored", () => {
    expect(keyReminder(key({ stored: false }))).toEqual({ kind: "noKey" });
    expect(keyReminder(key({ stored: false, overridden: true }))).toBeNull();
    expect(keyReminder(null)).toBeNull();
  });
  it("remembers a key that lacks modules, with an id that changes with its gaps", () => {
    expect(keyReminder(key({ verification: v({ Jobs: "read" }) }))).toBeNull();
    const a = keyReminder(key({ verification: v({ Jobs: "read", Offers: "missing" }) }));
    const b = keyReminder(key({ verification: v({ Jobs: "read", Offers: "missing", Reports: "missing" }) }));
    expect(a).toMatchObject({ kind: "missingModules", modules: ["Offers"] });
    expect(a && b && "id" in a && "id" in b && a.id !== b.id).toBe(true);
    expect(missingModulesText(["Offers"])).toContain("can't read Offers, so that part isn't synced");
  });
});
