// Pure parts of the set-up wizard.
import type { ChecklistItem } from "./ipc";

export interface ChecklistProgress {
  ticked: number;
  total: number;
  /** Every item ticked (a step without a checklist counts as complete). */
  complete: boolean;
  /** "3 of 10". */
  label: string;
}

/** How much of a step's checklist is ticked; ticks of items no longer listed don't count. */
export function checklistProgress(items: Pick<ChecklistItem, "id">[], ticks: readonly string[]): ChecklistProgress {
  const ticked = items.filter((c) => ticks.includes(c.id)).length;
  return { ticked, total: items.length, complete: ticked === items.length, label: `${ticked} of ${items.length}` };
}
