// The jobs screen's view — tab, search, filters and sort, the open job, the list's width — in a
// store that outlives the screen: going to Settings and back keeps it, and it is saved in the
// cache's settings (a moment after each change) so a restart comes back to it.
import { api } from "./api";
import { debounce } from "./latest";
import { defaultScreenState, fromViewState, toViewState, type JobsScreenState } from "./viewstate";
import type { Filters } from "./filters";
import type { JobsView, ViewState } from "./ipc";

const SAVE_AFTER_MS = 400;

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
  /** The view, filters and open job as last saved (see `changed`). */
  private lastDiscrete = "";
  private readonly saveSoon = debounce(() => void this.saveNow(), SAVE_AFTER_MS);

  constructor(
    private readonly read: () => Promise<ViewState> = api.viewState,
    private readonly write: (v: ViewState) => Promise<void> = api.setViewState,
  ) {}

  /** Reads the saved view once (later calls wait for the same read). */
  load(): Promise<void> {
    this.loading ??= this.read().then(
      (v) => this.apply(fromViewState(v)),
      () => {}, // no saved view: the defaults
    ).finally(() => {
      this.lastDiscrete = JSON.stringify([this.view, this.filters, this.openJobId]);
      this.loaded = true;
    });
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

  /** Something the user chose changed. A click (the open job, a filter, the tab) is saved at
   * once, since the app may be quit right after it; typing and dragging a moment later. */
  changed(): void {
    if (!this.loaded) return;
    const discrete = JSON.stringify([this.view, this.filters, this.openJobId]);
    this.saveSoon();
    if (discrete !== this.lastDiscrete) {
      this.lastDiscrete = discrete;
      this.saveSoon.flush();
    }
  }

  /** Saves now (e.g. before the window goes away). */
  flush(): void {
    this.saveSoon.flush();
  }

  private async saveNow(): Promise<void> {
    try {
      await this.write(toViewState(this.snapshot()));
    } catch {
      // Not worth a banner: the view is a convenience, the next change saves again.
    }
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
