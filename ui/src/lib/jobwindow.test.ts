import { describe, expect, it } from "vitest";
import { JobWindow, scrollToReveal, visibleRange } from "./jobwindow";

const page = (offset: number, n: number, total: number) => ({
  total,
  truncated: false,
  offset,
  rows: Array.from({ length: n }, (_, i) => `job${offset + i}`),
});

describe("JobWindow", () => {
  it("asks only for pages it lacks and stores answers of the current generation", () => {
    const w = new JobWindow<string>(100);
    const g = w.reset();
    expect(w.missing(0, 30)).toEqual([0]);
    w.markLoading(0);
    expect(w.missing(0, 30)).toEqual([]);
    expect(w.put(g, 0, page(0, 100, 20_000))).toBe(true);
    expect(w.total).toBe(20_000);
    expect(w.row(42)).toBe("job42");
    expect(w.missing(90, 130)).toEqual([1]);
  });

  it("ignores answers to an older query", () => {
    const w = new JobWindow<string>(100);
    const old = w.reset();
    w.markLoading(0);
    const g = w.reset();
    expect(w.put(old, 0, page(0, 100, 5000))).toBe(false);
    expect(w.row(0)).toBeUndefined();
    expect(w.missing(0, 10)).toEqual([0]);
    expect(w.put(g, 0, page(0, 3, 3))).toBe(true);
    expect(w.total).toBe(3);
  });

  it("never asks beyond the end", () => {
    const w = new JobWindow<string>(10);
    const g = w.reset();
    w.put(g, 0, page(0, 10, 15));
    expect(w.missing(0, 200)).toEqual([1]);
    const g2 = w.reset();
    w.put(g2, 0, page(0, 0, 0));
    expect(w.missing(0, 50)).toEqual([]);
  });

  it("keeps a bounded number of pages, dropping the farthest", () => {
    const w = new JobWindow<string>(10, 3);
    const g = w.reset();
    for (const p of [0, 1, 2, 3]) w.put(g, p, page(p * 10, 10, 1000));
    expect(w.row(5)).toBeUndefined();
    expect(w.row(35)).toBe("job35");
  });

  it("keeps rows on screen across an invalidate but reloads them", () => {
    const w = new JobWindow<string>(10);
    const g = w.reset();
    w.put(g, 0, page(0, 10, 10));
    w.markLoading(0);
    const g2 = w.invalidate();
    expect(w.row(3)).toBe("job3");
    expect(w.put(g, 0, page(0, 10, 10))).toBe(false);
    expect(w.missing(0, 5)).toEqual([0]);
    expect(w.put(g2, 0, page(0, 4, 4))).toBe(true);
    expect(w.total).toBe(4);
    expect(w.missing(0, 5)).toEqual([]);
  });

  it("finds a loaded row", () => {
    const w = new JobWindow<string>(10);
    const g = w.reset();
    w.put(g, 2, page(20, 10, 100));
    expect(w.indexOf((r) => r === "job27")).toBe(27);
    expect(w.indexOf((r) => r === "nope")).toBe(-1);
  });
});

describe("virtual rows", () => {
  it("renders the viewport plus overscan, never the whole table", () => {
    const r = visibleRange(60_000, 600, 60, 20_000, 5);
    expect(r).toEqual({ start: 995, end: 1016 });
    expect(r.end - r.start).toBeLessThan(30);
    expect(visibleRange(0, 600, 60, 3)).toEqual({ start: 0, end: 2 });
    expect(visibleRange(0, 600, 60, 0)).toEqual({ start: 0, end: -1 });
  });
  it("scrolls just enough to reveal a row", () => {
    expect(scrollToReveal(5, 0, 600, 60)).toBeNull();
    expect(scrollToReveal(10, 0, 600, 60)).toBe(60);
    expect(scrollToReveal(2, 300, 600, 60)).toBe(120);
  });
});
