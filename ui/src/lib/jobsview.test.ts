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
    // Typing is saved a moment later…
    store.searchText = "rust engineer";
    store.changed();
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.search).toBe("rust engineer");
    // …a click at once (the app may be quit right after it), with the search as it is.
    store.searchText = "rust engineer remote";
    store.filters.listed = "listed";
    store.changed();
    expect(writes).toHaveLength(2);
    expect(writes[1]?.query.listed).toBe(true);
    expect(writes[1]?.search).toBe("rust engineer remote");
    store.openJobId = "j2";
    store.changed();
    expect(writes).toHaveLength(3);
    expect(writes[2]?.openJobId).toBe("j2");
    await vi.advanceTimersByTimeAsync(500);
    expect(writes).toHaveLength(3);
    vi.useRealTimers();
  });
  it("starts from the defaults when nothing can be read", async () => {
    const store = new JobsViewStore(async () => Promise.reject(new Error("no")), async () => {});
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.filters).toEqual(defaultScreenState().filters);
  });
});
