import { describe, expect, it, vi } from "vitest";
import type { ViewState } from "./ipc";
import { JobsViewStore } from "./jobsview.svelte";
import { defaultScreenState, toViewState } from "./viewstate";

describe("JobsViewStore", () => {
  it("restores the saved view, then saves changes a moment later", async () => {
    vi.useFakeTimers();
    const saved: ViewState = { ...toViewState({ ...defaultScreenState(), search: "rust", openJobId: "j1" }), view: "changes" };
    const writes: ViewState[] = [];
    const store = new JobsViewStore(async () => saved, async (v) => void writes.push(v));
    store.changed(); // before the load: nothing to save yet
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.searchText).toBe("rust");
    expect(store.appliedSearch).toBe("rust");
    expect(store.openJobId).toBe("j1");
    expect(store.view).toBe("changes");
    store.filters.listed = "listed";
    store.changed();
    store.searchText = "rust engineer";
    store.changed();
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.search).toBe("rust engineer");
    expect(writes[0]?.query.listed).toBe(true);
    vi.useRealTimers();
  });
  it("starts from the defaults when nothing can be read", async () => {
    const store = new JobsViewStore(async () => Promise.reject(new Error("no")), async () => {});
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.filters).toEqual(defaultScreenState().filters);
  });
});
