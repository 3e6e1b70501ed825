import { describe, expect, it } from "vitest";
import { debounce, LatestOnly, SerialSaver, type Timers } from "./latest";

function fakeTimers() {
  let now = 0;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      due.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (i) => void due.delete(i as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [i, t] of [...due]) {
      if (t.at <= now) {
        due.delete(i);
        t.fn();
      }
    }
  };
  return { timers, advance };
}

describe("debounce", () => {
  it("calls once with the last arguments after a quiet period", () => {
    const { timers, advance } = fakeTimers();
    const calls: string[] = [];
    const d = debounce((s: string) => calls.push(s), 200, timers);
    d("r");
    advance(100);
    d("ru");
    advance(100);
    d("rus");
    advance(199);
    expect(calls).toEqual([]);
    advance(1);
    expect(calls).toEqual(["rus"]);
  });
  it("flushes and cancels", () => {
    const { timers, advance } = fakeTimers();
    const calls: string[] = [];
    const d = debounce((s: string) => calls.push(s), 200, timers);
    d("a");
    d.flush();
    expect(calls).toEqual(["a"]);
    d("b");
    d.cancel();
    advance(500);
    expect(calls).toEqual(["a"]);
    d.flush();
    expect(calls).toEqual(["a"]);
  });
});

/** A query whose answer the test releases by hand. */
function deferredExec() {
  const started: string[] = [];
  const resolvers = new Map<string, (v: string) => void>();
  const rejecters = new Map<string, (e: unknown) => void>();
  const exec = (q: string) => {
    started.push(q);
    return new Promise<string>((res, rej) => {
      resolvers.set(q, res);
      rejecters.set(q, rej);
    });
  };
  return { exec, started, resolve: (q: string) => resolvers.get(q)?.(`answer:${q}`), reject: (q: string) => rejecters.get(q)?.(new Error(q)) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("LatestOnly", () => {
  it("delivers an answer when nothing replaced the query", async () => {
    const d = deferredExec();
    const got: string[] = [];
    const l = new LatestOnly(d.exec, (r) => got.push(r));
    l.submit("a");
    d.resolve("a");
    await tick();
    expect(got).toEqual(["answer:a"]);
  });

  it("runs one at a time, skips queries replaced while waiting, drops stale answers", async () => {
    const d = deferredExec();
    const got: string[] = [];
    const l = new LatestOnly(d.exec, (r) => got.push(r));
    l.submit("r");
    l.submit("ru"); // waits
    l.submit("rus"); // replaces "ru" before it ever runs
    expect(d.started).toEqual(["r"]);
    d.resolve("r"); // stale: "rus" is newer
    await tick();
    expect(got).toEqual([]);
    expect(d.started).toEqual(["r", "rus"]);
    d.resolve("rus");
    await tick();
    expect(got).toEqual(["answer:rus"]);
    expect(l.busy).toBe(false);
  });

  it("reports only the newest query's error and keeps going after one", async () => {
    const d = deferredExec();
    const got: string[] = [];
    const errors: string[] = [];
    const l = new LatestOnly(d.exec, (r) => got.push(r), (e) => errors.push((e as Error).message));
    l.submit("x");
    d.reject("x");
    await tick();
    expect(errors).toEqual(["x"]);
    l.submit("y");
    d.resolve("y");
    await tick();
    expect(got).toEqual(["answer:y"]);
  });

  it("drops everything after cancel", async () => {
    const d = deferredExec();
    const got: string[] = [];
    const l = new LatestOnly(d.exec, (r) => got.push(r));
    l.submit("a");
    l.submit("b");
    l.cancel();
    d.resolve("a");
    await tick();
    expect(d.started).toEqual(["a"]);
    expect(got).toEqual([]);
  });
});

describe("SerialSaver", () => {
  it("writes one at a time, the newest value, and settles when all is written", async () => {
    let value = 0;
    const writes: number[] = [];
    const waiting: (() => void)[] = [];
    const saver = new SerialSaver(
      () => value,
      (v) =>
        new Promise<void>((resolve) => {
          writes.push(v);
          waiting.push(resolve);
        }),
    );
    value = 1;
    saver.save();
    value = 2;
    saver.save();
    value = 3;
    saver.save();
    expect(writes).toEqual([1]);
    waiting.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(writes).toEqual([1, 3]);
    let settled = false;
    void saver.idle().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    waiting.shift()?.();
    await saver.idle();
    expect(writes).toEqual([1, 3]);
  });
  it("goes on after a failed write", async () => {
    const writes: string[] = [];
    let fail = true;
    let value = "a";
    const saver = new SerialSaver(
      () => value,
      async (v) => {
        writes.push(v);
        if (fail) throw new Error("disk full");
      },
    );
    saver.save();
    await saver.idle();
    fail = false;
    value = "b";
    saver.save();
    await saver.idle();
    expect(writes).toEqual(["a", "b"]);
  });
});
