// Keeping typing responsive: debounce keystrokes, run at most one query at a time, and never show
// the answer to a question the user has already replaced.

export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Runs the pending call now (e.g. on Enter). */
  flush(): void;
  cancel(): void;
}

/** Calls `fn` with the last arguments once `ms` passed without a new call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number, timers: Timers = realTimers): Debounced<A> {
  let timer: unknown = null;
  let pending: A | null = null;
  const fire = () => {
    timer = null;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const d = ((...args: A) => {
    pending = args;
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(fire, ms);
  }) as Debounced<A>;
  d.flush = () => {
    if (timer !== null) timers.clearTimeout(timer);
    fire();
  };
  d.cancel = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return d;
}

/**
 * Runs queries one at a time and delivers only the newest one's answer. A query submitted while
 * another runs waits; if several wait, only the last one runs (the others are dropped unrun), and
 * the answer of a query that was superseded while running is dropped.
 */
export class LatestOnly<Q, R> {
  private running = false;
  private pending: { q: Q } | null = null;
  private seq = 0;

  constructor(
    private readonly exec: (q: Q) => Promise<R>,
    private readonly onResult: (r: R, q: Q) => void,
    private readonly onError: (e: unknown, q: Q) => void = () => {},
  ) {}

  /** Number of the newest submitted query (for tests and for tagging). */
  get generation(): number {
    return this.seq;
  }

  get busy(): boolean {
    return this.running;
  }

  submit(q: Q): void {
    this.seq++;
    if (this.running) {
      this.pending = { q };
      return;
    }
    void this.run(q, this.seq);
  }

  /** Forget everything in flight or waiting: later answers are dropped. */
  cancel(): void {
    this.seq++;
    this.pending = null;
  }

  private async run(q: Q, mySeq: number): Promise<void> {
    this.running = true;
    let ok = true;
    let value: R | undefined;
    let error: unknown;
    try {
      value = await this.exec(q);
    } catch (e) {
      ok = false;
      error = e;
    }
    this.running = false;
    const next = this.pending;
    this.pending = null;
    if (mySeq === this.seq) {
      if (ok) this.onResult(value as R, q);
      else this.onError(error, q);
    }
    if (next) void this.run(next.q, this.seq);
  }
}

/**
 * Writes the newest value, one write at a time. `save()` while a write is under way asks for
 * one more write after it, of the value as it is then: writes never overtake each other (an
 * older value can't land last), and a burst of changes costs at most two writes.
 */
export class SerialSaver<T> {
  private running: Promise<void> | null = null;
  private dirty = false;

  constructor(
    private readonly take: () => T,
    private readonly write: (v: T) => Promise<void>,
  ) {}

  save(): void {
    this.dirty = true;
    this.running ??= this.drain();
  }

  /** Resolves once every asked-for write has been made. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.write(this.take());
      } catch {
        // The next change writes again.
      }
    }
    this.running = null;
  }
}
