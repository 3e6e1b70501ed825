// A view the jobs screen should switch to (a clicked notification asked for it), and the
// wizard asked for from inside a screen ("Add a key").
import type { JobsView } from "./notify";

class Navigation {
  jobsView = $state<JobsView | null>(null);
  addKey = $state(false);
}

export const navigation = new Navigation();
