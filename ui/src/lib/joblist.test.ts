import { describe, expect, it } from "vitest";
import type { JobListItem, JobPage, JobQuery } from "./ipc";
import { JobListStore, PAGE_SIZE } from "./joblist.svelte";

const TOTAL = 250;
const rows = (offset: number, limit: number, tag: string): JobListItem[] =>
  Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) => ({ id: `${tag}${offset + i}` }) as unknown as JobListItem);
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  let tag = "a";
  const asked: JobQuery[] = [];
  const store = new JobListStore(
    (offset, limit) => ({ search: tag, offset, limit }) as unknown as JobQuery,
    (q) => {
      asked.push(q);
      const page: JobPage = { total: TOTAL, truncated: false, offset: q.offset, rows: rows(q.offset, q.limit ?? PAGE_SIZE, q.search ?? "") };
      return Promise.resolve(page);
    },
  );
  return { store, asked, retag: (t: string) => (tag = t) };
}

describe("JobListStore", () => {
  it("loads the first page, then the pages scrolled to", async () => {
    const { store, asked } = setup();
    store.run();
    expect(store.ready).toBe(false);
    await settle();
    expect(store).toMatchObject({ ready: true, total: TOTAL });
    expect(store.row(0)?.id).toBe("a0");
    expect(store.row(150)).toBeUndefined();
    store.setRange(140, 170);
    await settle();
    expect(store.row(150)?.id).toBe("a150");
    expect(asked.map((q) => q.offset)).toEqual([0, 100]);
  });
  it("starts over for a new query and keeps the rows after a sync", async () => {
    const { store, retag } = setup();
    store.run();
    await settle();
    store.activeIndex = 5;
    retag("b");
    store.run(true);
    expect(store.row(0)?.id).toBe("a0"); // still shown while the refresh runs
    await settle();
    expect(store.row(0)?.id).toBe("b0");
    expect(store.activeIndex).toBe(5);
    store.run();
    expect(store.activeIndex).toBe(-1);
    expect(store.ready).toBe(false);
  });
  it("moves the highlight within the list", async () => {
    const { store } = setup();
    store.move(1);
    expect(store.activeIndex).toBe(-1); // nothing listed yet
    store.run();
    await settle();
    store.move(1);
    expect(store.activeIndex).toBe(0);
    store.move(-5);
    expect(store.activeIndex).toBe(0);
    store.move(1000);
    expect(store.activeIndex).toBe(TOTAL - 1);
  });
  it("reports a failed page", async () => {
    const store = new JobListStore(
      (offset, limit) => ({ offset, limit }) as unknown as JobQuery,
      () => Promise.reject({ code: "db_error", message: "The cache is broken." }),
    );
    store.run();
    await settle();
    expect(store.error).toMatchObject({ message: "The cache is broken." });
  });
});
