// The jobs list's state: a window over the current query's rows, fetched a page at a time, the
// total, and the highlighted row. The screen says what the query is (`queryAt`) and when it
// changed (`run`); this store pages, drops stale answers and reports errors.
import { api, type IpcError } from "./api";
import type { JobListItem, JobPage, JobQuery } from "./ipc";
import { JobWindow } from "./jobwindow";
import { LatestOnly } from "./latest";

/** Rows per request. */
export const PAGE_SIZE = 100;
/** Rows assumed visible before the list has measured itself. */
const FIRST_RANGE = { start: 0, end: 30 };

export class JobListStore {
  /** Bumped when rows arrived: the list re-reads `row(i)`. */
  version = $state(0);
  total = $state(0);
  truncated = $state(false);
  /** The first page of the current query arrived. */
  ready = $state(false);
  activeIndex = $state(-1);
  error = $state<IpcError | null>(null);

  private readonly win = new JobWindow<JobListItem>(PAGE_SIZE);
  private visible = { ...FIRST_RANGE };
  // The first page of a new query: one at a time, newest wins (typing fast never piles up).
  private readonly firstPage: LatestOnly<{ gen: number; query: JobQuery }, JobPage>;

  constructor(
    /** The current query for rows `offset..offset+limit`. */
    private readonly queryAt: (offset: number, limit: number) => JobQuery,
    private readonly list: (q: JobQuery) => Promise<JobPage> = api.listJobs,
  ) {
    this.firstPage = new LatestOnly(
      ({ query }) => this.list(query),
      (r, { gen }) => {
        this.apply(gen, 0, r);
        this.loadVisible();
      },
      (e, { gen }) => {
        this.win.failed(gen, 0);
        this.error = e as IpcError;
      },
    );
  }

  row(i: number): JobListItem | undefined {
    return this.win.row(i);
  }

  /** Runs the current query from the top. `keep`: after a sync, keep rows and position. */
  run(keep = false): void {
    const gen = keep ? this.win.invalidate() : this.win.reset();
    if (!keep) {
      this.ready = false;
      this.activeIndex = -1;
      this.visible = { ...FIRST_RANGE };
    }
    this.win.markLoading(0);
    this.firstPage.submit({ gen, query: this.queryAt(0, PAGE_SIZE) });
  }

  /** The list scrolled: rows `start..end` are (nearly) on screen. */
  setRange(start: number, end: number): void {
    this.visible = { start, end };
    if (this.win.ready) this.loadVisible();
  }

  /** Moves the highlight by `delta` rows, within the list. */
  move(delta: number): void {
    if (this.total === 0) return;
    const from = this.activeIndex < 0 ? (delta > 0 ? -1 : 0) : this.activeIndex;
    this.activeIndex = Math.min(this.total - 1, Math.max(0, from + delta));
  }

  cancel(): void {
    this.firstPage.cancel();
  }

  private apply(gen: number, page: number, r: JobPage): void {
    if (!this.win.put(gen, page, r)) return;
    this.total = this.win.total;
    this.truncated = this.win.truncated;
    this.ready = true;
    this.error = null;
    this.version++;
  }

  private loadVisible(): void {
    const gen = this.win.generation;
    for (const page of this.win.missing(this.visible.start, this.visible.end)) {
      this.win.markLoading(page);
      this.list(this.queryAt(page * PAGE_SIZE, PAGE_SIZE)).then(
        (r) => this.apply(gen, page, r),
        (e) => {
          this.win.failed(gen, page);
          if (gen === this.win.generation) this.error = e as IpcError;
        },
      );
    }
  }
}
