// The rows of the jobs list, fetched a page at a time as the user scrolls. Only the pages near the
// viewport are requested; a new query (filters, search, sort) starts a new generation and answers
// for older generations are ignored.

export interface Page<T> {
  total: number;
  truncated: boolean;
  offset: number;
  rows: T[];
}

export class JobWindow<T> {
  private pages = new Map<number, T[]>();
  private loading = new Set<number>();
  private stale = new Set<number>();
  generation = 0;
  total = 0;
  truncated = false;
  /** `true` once the first page of the current generation arrived. */
  ready = false;

  constructor(readonly pageSize: number = 100, readonly keepPages: number = 12) {}

  /** Starts a new query: forgets every row and ignores answers still on their way. */
  reset(): number {
    this.generation++;
    this.pages.clear();
    this.loading.clear();
    this.stale.clear();
    this.ready = false;
    return this.generation;
  }

  /** Keeps the rows on screen but marks them stale (after a sync): pages reload as requested. */
  invalidate(): number {
    this.generation++;
    this.loading.clear();
    this.stale = new Set(this.pages.keys());
    return this.generation;
  }

  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** Pages covering rows `from..to` (inclusive) that are neither loaded nor loading. */
  missing(from: number, to: number): number[] {
    if (this.ready && this.total === 0) return [];
    const last = this.ready ? Math.min(to, this.total - 1) : to;
    const out: number[] = [];
    for (let p = this.pageOf(Math.max(0, from)); p <= this.pageOf(Math.max(0, last)); p++) {
      if ((!this.pages.has(p) || this.stale.has(p)) && !this.loading.has(p)) out.push(p);
    }
    return out;
  }

  markLoading(page: number): void {
    this.loading.add(page);
  }

  /** Stores a page; returns `false` (and stores nothing) if it belongs to an older generation. */
  put(generation: number, page: number, result: Page<T>): boolean {
    if (generation !== this.generation) return false;
    this.loading.delete(page);
    this.stale.delete(page);
    this.pages.set(page, result.rows);
    this.total = result.total;
    this.truncated = result.truncated;
    this.ready = true;
    // Bound memory when scrolling through 20,000 rows: drop the pages farthest from this one.
    if (this.pages.size > this.keepPages) {
      const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
      for (const p of far.slice(0, this.pages.size - this.keepPages)) {
        this.pages.delete(p);
        this.stale.delete(p);
      }
    }
    return true;
  }

  /** A failed page may be asked for again. */
  failed(generation: number, page: number): void {
    if (generation === this.generation) this.loading.delete(page);
  }

  row(index: number): T | undefined {
    return this.pages.get(this.pageOf(index))?.[index % this.pageSize];
  }

  /** Index of the row whose key is `key` among the loaded rows, or -1. */
  indexOf(pred: (row: T) => boolean): number {
    for (const [p, rows] of this.pages) {
      const i = rows.findIndex(pred);
      if (i >= 0) return p * this.pageSize + i;
    }
    return -1;
  }
}

/** Rows to render for a scroll position: the visible ones plus `overscan` on each side. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 6): { start: number; end: number } {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: -1 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total - 1, first + count + overscan),
  };
}

/** The scrollTop that brings row `index` fully into view, or `null` if it already is. */
export function scrollToReveal(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}
