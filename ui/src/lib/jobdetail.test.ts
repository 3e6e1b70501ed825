import { describe, expect, it } from "vitest";
import type { JobDetail } from "./ipc";
import { JobDetailStore } from "./jobdetail.svelte";

const job = (id: string) => ({ id, title: id }) as unknown as JobDetail;

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("JobDetailStore", () => {
  it("shows only the job opened last", async () => {
    const waits = new Map<string, ReturnType<typeof deferred<JobDetail | null>>>();
    const store = new JobDetailStore((id) => {
      const d = deferred<JobDetail | null>();
      waits.set(id, d);
      return d.promise;
    });
    const a = store.open("a");
    const b = store.open("b");
    expect(store.loading).toBe(true);
    waits.get("b")!.resolve(job("b"));
    await b;
    waits.get("a")!.resolve(job("a"));
    await a;
    expect(store.job?.id).toBe("b");
    expect(store.openId).toBe("b");
    expect(store.loading).toBe(false);
  });
  it("reports a failure and forgets everything on close", async () => {
    const store = new JobDetailStore(() => Promise.reject({ code: "db_error", message: "The cache is broken." }));
    await store.open("a");
    expect(store.error).toBe("The cache is broken.");
    expect(store.loading).toBe(false);
    store.close();
    expect(store).toMatchObject({ openId: null, job: undefined, error: null, loading: false });
  });
  it("keeps the job when a reload after a sync fails", async () => {
    let fail = false;
    const store = new JobDetailStore((id) => (fail ? Promise.reject(new Error("x")) : Promise.resolve(job(id))));
    await store.open("a");
    fail = true;
    await store.reload();
    expect(store.job?.id).toBe("a");
  });
});
