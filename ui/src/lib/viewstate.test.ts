import { describe, expect, it } from "vitest";
import type { TextSpan, ViewState } from "./ipc";
import { defaultFilters } from "./filters";
import {
  clampListWidth,
  defaultListWidth,
  defaultScreenState,
  fitSnippet,
  fromViewState,
  MIN_LIST_WIDTH,
  snippetChars,
  toViewState,
  type JobsScreenState,
} from "./viewstate";

const text = (spans: TextSpan[]) => spans.map((s) => (s.mark ? `[${s.text}]` : s.text)).join("");

describe("the saved view", () => {
  it("round-trips search, filters, sort, the open job and the list width", () => {
    const s: JobsScreenState = {
      view: "history",
      search: "rust eng",
      openJobId: "j42",
      listWidth: 512,
      filters: { ...defaultFilters(), statuses: ["Open", "Closed"], departmentId: "d1", locationId: "l1", employmentType: "FullTime", workplaceType: "Remote", listed: "unlisted", sort: "title", descending: true },
    };
    expect(fromViewState(toViewState(s))).toEqual(s);
  });
  it("keeps the automatic sort automatic", () => {
    const s = { ...defaultScreenState(), search: "" };
    expect(toViewState(s).query.sort).toBeNull();
    expect(fromViewState(toViewState(s)).filters.sort).toBe("auto");
    const searching = { ...defaultScreenState(), search: "rust" };
    expect(fromViewState(toViewState(searching)).filters.sort).toBe("auto");
  });
  it("falls back to the defaults for nothing saved or odd values", () => {
    expect(fromViewState(null)).toEqual(defaultScreenState());
    const odd = { ...toViewState(defaultScreenState()), listWidth: -3, openJobId: "" } as ViewState;
    odd.query = { ...odd.query, statuses: [] };
    const back = fromViewState(odd);
    expect(back.listWidth).toBeNull();
    expect(back.openJobId).toBeNull();
    expect(back.filters.statuses).toEqual(["Open"]);
  });
});

describe("the list pane's width", () => {
  it("defaults to about a third of the window, within bounds", () => {
    expect(defaultListWidth(1024)).toBe(370);
    expect(defaultListWidth(1280)).toBe(384);
    expect(defaultListWidth(1920)).toBe(576);
  });
  it("never leaves the detail pane less than 420 px", () => {
    expect(clampListWidth(2000, 1920)).toBe(1920 - 236 - 420);
    expect(clampListWidth(100, 1920)).toBe(MIN_LIST_WIDTH);
    expect(clampListWidth(900, 1024)).toBe(1024 - 204 - 420);
  });
});

describe("fitSnippet", () => {
  const spans: TextSpan[] = [
    { text: "…you will build ", mark: false },
    { text: "Kubernetes", mark: true },
    { text: " clusters across many regions with the platform team", mark: false },
  ];
  it("keeps a snippet that fits as it is", () => {
    expect(text(fitSnippet(spans, 500))).toBe(text(spans));
  });
  it("cuts at a word boundary and says so", () => {
    for (let n = 28; n < 78; n++) {
      const out = text(fitSnippet(spans, n));
      expect(out.replace(/[[\]]/g, "").length, out).toBeLessThanOrEqual(n);
      expect(out.endsWith("…"), out).toBe(true);
      const body = out.slice(0, -1).replace(/[[\]]/g, "").replace(/^…/, "");
      const full = text(spans).replace(/[[\]]/g, "");
      const at = full.indexOf(body);
      expect(at >= 0, out).toBe(true);
      const before = full.charAt(at - 1);
      expect(at <= 1 || before === " ", `${n} starts mid-word: ${out}`).toBe(true);
      const next = full.charAt(at + body.length);
      expect(next === " " || next === "", `${n}: ${out}`).toBe(true);
      expect(out).toContain("[Kubernetes]");
      expect(body.endsWith(" ")).toBe(false);
    }
  });
  it("keeps the match in view on a narrow row", () => {
    const long: TextSpan[] = [
      { text: "…the company ships two million packages every day and about the role as a Junior ", mark: false },
      { text: "Engineer", mark: true },
      { text: " you will build things", mark: false },
    ];
    const out = text(fitSnippet(long, 50));
    expect(out).toContain("[Engineer]");
    expect(out.startsWith("…")).toBe(true);
    expect(out.replace(/[[\]]/g, "").length).toBeLessThanOrEqual(50);
    expect(out).toMatch(/^…(as a Junior |a Junior |Junior )?\[Engineer\]/);
  });
  it("never shows part of the matched word", () => {
    const out = text(fitSnippet(spans, 12));
    expect(out).not.toMatch(/\[Kube(?!rnetes\])/);
    expect(out.endsWith("…")).toBe(true);
  });
  it("fits about as many characters as the row is wide", () => {
    expect(snippetChars(320)).toBeLessThan(snippetChars(576));
    expect(snippetChars(100)).toBe(20);
  });
});
