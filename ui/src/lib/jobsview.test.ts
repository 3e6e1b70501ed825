import { describe, expect, it } from "vitest";
import type { ViewState } from "./ipc";
import { JobsViewStore } from "./jobsview.svelte";
import { defaultScreenState, toViewState } from "./viewstate";

describe("JobsViewStore", () => {
  it("restores the saved view, then saves every change without waiting for a timer", async () => {
    const saved: ViewState = { ...toViewState({ ...defaultScreenState(), search: "rust", openJobId: "j1" }), view: "changes" };
    const writes: ViewState[] = [];
    const store = new JobsViewStore(async () => saved, async (v) => void writes.push(v));
    store.changed(); // before the load: the defaults must not overwrite the saved view
    await store.load();
    await store.saved();
    expect(writes).toHaveLength(0);
    expect(store.loaded).toBe(true);
    expect(store.searchText).toBe("rust");
    expect(store.appliedSearch).toBe("rust");
    expect(store.openJobId).toBe("j1");
    expect(store.view).toBe("changes");
    // A keystroke is written at once: the app may be quit right after it.
    store.searchText = "rust engineer";
    store.changed();
    await store.saved();
    expect(writes.map((w) => w.search)).toEqual(["rust engineer"]);
    // So is a click, with the search as it is.
    store.filters.listed = "listed";
    store.openJobId = "j2";
    store.changed();
    await store.saved();
    expect(writes).toHaveLength(2);
    expect(writes[1]?.query.listed).toBe(true);
    expect(writes[1]?.openJobId).toBe("j2");
  });
  it("coalesces a burst of changes and never lets an older view land last", async () => {
    const writes: string[] = [];
    let release: () => void = () => {};
    const store = new JobsViewStore(
      async () => toViewState(defaultScreenState()),
      (v) =>
        new Promise<void>((resolve) => {
          writes.push(v.search);
          release = resolve;
        }),
    );
    await store.load();
    for (const text of ["w", "we", "wel", "weld"]) {
      store.searchText = text;
      store.changed();
    }
    // The first write is under way; the rest waits for it and goes as one, with the newest text.
    expect(writes).toEqual(["w"]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(writes).toEqual(["w", "weld"]);
    release();
    await store.saved();
    expect(writes).toEqual(["w", "weld"]);
  });
  it("starts from the defaults when nothing can be read", async () => {
    const store = new JobsViewStore(async () => Promise.reject(new Error("no")), async () => {});
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.filters).toEqual(defaultScreenState().filters);
  });
});
