// A view the jobs screen should switch to (a clicked notification asked for it).
import type { JobsView } from "./notify";

class Navigation {
  jobsView = $state<JobsView | null>(null);
}

export const navigation = new Navigation();
