// The jobs screen's view — tab, search, filters and sort, the open job, the list's width — in a
// store that outlives the screen: going to Settings and back keeps it, and it is saved in the
// cache's settings as it changes, so a restart (even one right after a keystroke) comes back to it.
import { api } from "./api";
import { SerialSaver } from "./latest";
import { defaultScreenState, fromViewState, toViewState, type JobsScreenState } from "./viewstate";
import type { Filters } from "./filters";
import type { JobsView, ViewState } from "./ipc";

export class JobsViewStore {
  view = $state<JobsView>("jobs");
  filters = $state<Filters>(defaultScreenState().filters);
  /** The search box's text, and the text the list was last asked for (debounced). */
  searchText = $state("");
  appliedSearch = $state("");
  openJobId = $state<string | null>(null);
  listWidth = $state<number | null>(null);
  /** The saved view was read (or there was none). */
  loaded = $state(false);

  private loading: Promise<void> | null = null;
  /** No timer: each change is written when the previous write is done (a quit right after a
   * keystroke or a click keeps it), and a burst of changes (typing, dragging) coalesces. */
  private readonly saver = new SerialSaver(
    () => toViewState(this.snapshot()),
    (v) => this.write(v),
  );

  constructor(
    private readonly read: () => Promise<ViewState> = api.viewState,
    private readonly write: (v: ViewState) => Promise<void> = api.setViewState,
  ) {}

  /** Reads the saved view once (later calls wait for the same read). */
  load(): Promise<void> {
    this.loading ??= this.read().then(
      (v) => this.apply(fromViewState(v)),
      () => {}, // no saved view: the defaults
    ).finally(() => (this.loaded = true));
    return this.loading;
  }

  snapshot(): JobsScreenState {
    return {
      view: this.view,
      filters: $state.snapshot(this.filters) as Filters,
      search: this.searchText,
      openJobId: this.openJobId,
      listWidth: this.listWidth,
    };
  }

  /** Something the user chose changed: save it (ignored before the saved view is read, so the
   * defaults never overwrite it). */
  changed(): void {
    if (!this.loaded) return;
    this.saver.save();
  }

  /** Resolves once every change so far is written. */
  saved(): Promise<void> {
    return this.saver.idle();
  }

  private apply(s: JobsScreenState): void {
    this.view = s.view;
    this.filters = s.filters;
    this.searchText = s.search;
    this.appliedSearch = s.search;
    this.openJobId = s.openJobId;
    this.listWidth = s.listWidth;
  }
}

export const jobsView = new JobsViewStore();
