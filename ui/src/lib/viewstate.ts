// Where the coordinator was on the jobs screen, as the cache keeps it (`ViewState` in Rust), and
// the small layout rules of the list pane: its width and its one-line snippets.
import { defaultFilters, toQuery, type Filters, type Listed, type SortChoice } from "./filters";
import { DEFAULT_JOB_STATUS, type JobQuery, type JobsView, type TextSpan, type ViewState } from "./ipc";

export interface JobsScreenState {
  view: JobsView;
  filters: Filters;
  /** The search box's text. */
  search: string;
  openJobId: string | null;
  /** `null`: the layout's default width. */
  listWidth: number | null;
}

export function defaultScreenState(): JobsScreenState {
  return { view: "jobs", filters: defaultFilters(), search: "", openJobId: null, listWidth: null };
}

/** What is saved: the filters as a `JobQuery` (the same shape the list asks with). */
export function toViewState(s: JobsScreenState): ViewState {
  return {
    view: s.view,
    search: s.search,
    // The automatic sort is saved as none (best match while searching, else last updated).
    query: { ...toQuery(s.filters, "", 0, 0), sort: s.filters.sort === "auto" ? null : s.filters.sort },
    openJobId: s.openJobId,
    listWidth: s.listWidth === null ? null : Math.round(s.listWidth),
  };
}

/** The saved view back as the screen's state; anything odd falls back to the default. */
export function fromViewState(v: ViewState | null | undefined): JobsScreenState {
  const d = defaultScreenState();
  if (!v) return d;
  const q: JobQuery = v.query;
  const listed: Listed = q.listed === true ? "listed" : q.listed === false ? "unlisted" : "all";
  const sort: SortChoice = q.sort === "title" || q.sort === "opened" || q.sort === "updated" ? q.sort : "auto";
  return {
    view: v.view,
    search: v.search ?? "",
    openJobId: v.openJobId || null,
    listWidth: typeof v.listWidth === "number" && v.listWidth > 0 ? v.listWidth : null,
    filters: {
      statuses: q.statuses?.length ? [...new Set(q.statuses)] : [DEFAULT_JOB_STATUS],
      departmentId: q.departmentId ?? "",
      locationId: q.locationId ?? "",
      employmentType: q.employmentType ?? "",
      workplaceType: q.workplaceType ?? "",
      listed,
      sort,
      descending: q.descending ?? null,
    },
  };
}

/** The filters pane's width at a window width (it narrows below 1150 px). */
export function filtersWidth(windowWidth: number): number {
  return windowWidth <= 1150 ? 204 : 236;
}
export const MIN_LIST_WIDTH = 320;
/** The detail pane keeps at least this much. */
export const MIN_DETAIL_WIDTH = 420;

/** The list pane's width when the user has not dragged it: about a third of the window, so wide
 * windows show whole titles instead of an empty detail margin. */
export function defaultListWidth(windowWidth: number): number {
  return clampListWidth(Math.max(DEFAULT_MIN_LIST_WIDTH, Math.round(windowWidth * 0.3)), windowWidth);
}
/** The default never starts as narrow as the drag allows: the list head needs room. */
const DEFAULT_MIN_LIST_WIDTH = 370;

/** A dragged width kept within what the window allows (the detail pane never vanishes). */
export function clampListWidth(width: number, windowWidth: number): number {
  const max = Math.max(MIN_LIST_WIDTH, windowWidth - filtersWidth(windowWidth) - MIN_DETAIL_WIDTH);
  return Math.min(max, Math.max(MIN_LIST_WIDTH, Math.round(width)));
}

/**
 * A snippet cut to at most `maxChars` characters at a word boundary, ending with "…" when cut,
 * so a one-line row never ends mid-word (CSS ellipsis would cut anywhere). Marks are kept.
 */
export function fitSnippet(input: readonly TextSpan[], maxChars: number): TextSpan[] {
  const spans = keepMatchInView(input, maxChars);
  const total = spans.reduce((n, s) => n + s.text.length, 0);
  if (total <= maxChars) return spans.map((s) => ({ ...s }));
  const out: TextSpan[] = [];
  let used = 0;
  const budget = Math.max(1, maxChars - 1); // room for the ellipsis
  for (const s of spans) {
    if (used + s.text.length <= budget) {
      out.push({ ...s });
      used += s.text.length;
      continue;
    }
    if (s.mark) break; // a matched word is shown whole or not at all
    const room = s.text.slice(0, budget - used + 1);
    const cut = room.search(/\s\S*$/);
    const kept = cut >= 0 ? room.slice(0, cut) : "";
    if (kept.trim()) out.push({ text: kept, mark: false });
    break;
  }
  // No trailing space before the ellipsis; a trailing word that was cut in half is gone.
  while (out.length && !out.at(-1)?.mark && out.at(-1)?.text.trimEnd() === "") out.pop();
  const last = out.at(-1);
  if (!last) return [];
  if (!last.mark) last.text = last.text.trimEnd();
  out.push({ text: "…", mark: false });
  return out;
}

/** Characters of small text that fit in a list row `width` px wide (conservative). */
export function snippetChars(width: number): number {
  // 12 px text averages under 6.5 px a character; the row has 32 px of padding.
  return Math.max(20, Math.floor((width - 32) / 6.8));
}

/** A narrow row keeps the matched word in view: the context before the first match is cut to
 * its last whole words (about a third of the line), behind an ellipsis. */
function keepMatchInView(spans: readonly TextSpan[], maxChars: number): TextSpan[] {
  const first = spans.findIndex((s) => s.mark);
  if (first !== 1) return [...spans];
  const lead = spans[0]?.text ?? "";
  const room = Math.floor(maxChars / 3);
  if (lead.length <= room) return [...spans];
  const tail = lead.slice(lead.length - room);
  const cut = tail.search(/\s/);
  const kept = cut >= 0 ? tail.slice(cut + 1) : "";
  return [{ text: `…${kept}`, mark: false }, ...spans.slice(1)];
}
