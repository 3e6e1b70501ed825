// The Changes view's pure logic: the kind filters, an entry's words, and the grouping of the
// feed by day and run ("Today" › "14:00 — 3 new jobs, 1 closed").
import type { ChangeKind, ChangeRecord, ChangeSummary } from "./ipc";
import { clockTime, dayLabel, parseDate, timeOfDay } from "./time";

export interface KindFilter {
  id: string;
  label: string;
  /** Empty: every kind. */
  kinds: ChangeKind[];
}

/** The filter menu: related kinds together, as a coordinator asks ("what closed?"). */
const ALL: KindFilter = { id: "all", label: "All changes", kinds: [] };

export const KIND_FILTERS: KindFilter[] = [
  ALL,
  { id: "added", label: "New jobs", kinds: ["jobAdded"] },
  { id: "status", label: "Opened, closed, archived", kinds: ["jobOpened", "jobClosed", "jobArchived", "jobReopened", "jobBackToDraft", "jobStatusChanged"] },
  { id: "renamed", label: "Renamed", kinds: ["jobRenamed", "postingRenamed"] },
  { id: "moved", label: "Department or location", kinds: ["departmentChanged", "locationChanged"] },
  { id: "published", label: "Published or unpublished", kinds: ["postingPublished", "postingUnpublished"] },
  { id: "listed", label: "Listed or unlisted", kinds: ["postingListed", "postingUnlisted"] },
  { id: "descriptions", label: "Descriptions edited", kinds: ["descriptionEdited"] },
  { id: "compensation", label: "Compensation", kinds: ["compensationChanged"] },
  { id: "removed", label: "Removed", kinds: ["jobRemoved", "postingRemoved"] },
];

export function kindFilter(id: string): KindFilter {
  return KIND_FILTERS.find((f) => f.id === id) ?? ALL;
}

/** A short label of the kind, for badges. */
export const KIND_LABELS: Record<ChangeKind, string> = {
  firstSync: "First sync",
  jobAdded: "New job",
  jobOpened: "Opened",
  jobClosed: "Closed",
  jobArchived: "Archived",
  jobReopened: "Reopened",
  jobBackToDraft: "Back to draft",
  jobStatusChanged: "Status changed",
  jobRenamed: "Renamed",
  departmentChanged: "Department changed",
  locationChanged: "Location changed",
  jobRemoved: "Job removed",
  postingPublished: "Posting published",
  postingUnpublished: "Posting unpublished",
  postingListed: "Listed",
  postingUnlisted: "Unlisted",
  postingRenamed: "Posting renamed",
  descriptionEdited: "Description edited",
  compensationChanged: "Compensation changed",
  postingRemoved: "Posting removed",
  other: "Changed",
};

/** The badge colour class of a kind (app.css badges). */
export function kindTone(kind: ChangeKind): "ok" | "warn" | "err" | "" {
  switch (kind) {
    case "jobAdded":
    case "jobOpened":
    case "jobReopened":
    case "postingPublished":
    case "postingListed":
      return "ok";
    case "jobClosed":
    case "jobArchived":
    case "postingUnpublished":
    case "postingUnlisted":
    case "jobBackToDraft":
      return "warn";
    case "jobRemoved":
    case "postingRemoved":
      return "err";
    default:
      return "";
  }
}

const quote = (s: string | null | undefined) => (s ? `“${s}”` : "");
const arrow = (a: string | null | undefined, b: string | null | undefined) => `${a ?? "none"} → ${b ?? "none"}`;

/** What happened, in words, beside the job's title. */
export function describeChange(c: ChangeRecord): string {
  const posting = c.postingTitle ? `Posting ${quote(c.postingTitle)}` : "A posting";
  switch (c.kind) {
    case "firstSync": {
      const f = c.firstSync;
      return f ? firstSyncLine(f.jobs, f.postings) : "First sync";
    }
    case "jobAdded":
      return "New job";
    case "jobOpened":
    case "jobClosed":
    case "jobArchived":
    case "jobReopened":
    case "jobBackToDraft":
    case "jobStatusChanged":
      return `${KIND_LABELS[c.kind]} (${arrow(c.oldValue, c.newValue)})`;
    case "jobRenamed":
      return `Renamed from ${quote(c.oldValue)}`;
    case "departmentChanged":
      return `Department: ${arrow(c.oldValue, c.newValue)}`;
    case "locationChanged":
      return `Location: ${arrow(c.oldValue, c.newValue)}`;
    case "jobRemoved":
      return "Removed from Ashby (or no longer visible to this key)";
    case "postingPublished":
      return `${posting} published`;
    case "postingUnpublished":
      return `${posting} unpublished`;
    case "postingListed":
      return `${posting} listed on the job board`;
    case "postingUnlisted":
      return `${posting} unlisted from the job board`;
    case "postingRenamed":
      return `Posting renamed: ${quote(c.oldValue)} → ${quote(c.newValue)}`;
    case "descriptionEdited":
      return `Description of ${c.postingTitle ? quote(c.postingTitle) : "a posting"} edited`;
    case "compensationChanged":
      return `Compensation${c.postingTitle ? ` of ${quote(c.postingTitle)}` : ""}: ${arrow(c.oldValue, c.newValue)}`;
    case "postingRemoved":
      return `${posting} removed`;
    default:
      return "Changed";
  }
}

export function firstSyncLine(jobs: number, postings: number): string {
  return `First sync: ${jobs.toLocaleString("en-US")} ${jobs === 1 ? "job" : "jobs"}, ${postings.toLocaleString("en-US")} ${postings === 1 ? "posting" : "postings"}`;
}

export interface RunGroup {
  runId: number;
  /** When the run started (ISO). */
  at: string;
  /** "14:00" (or with the date when not today). */
  time: string;
  /** The run's whole summary ("3 new jobs, 1 closed"), whatever the filter shows. */
  headline: string;
  rows: ChangeRecord[];
}

export interface DayGroup {
  /** "Today", "Yesterday", else "Monday 3 March". */
  label: string;
  key: string;
  runs: RunGroup[];
}

/** Groups newest-first rows by local day, then by run, keeping the order. */
export function groupChanges(rows: ChangeRecord[], runs: ChangeSummary[], now: number = Date.now()): DayGroup[] {
  const headline = new Map(runs.map((r) => [r.runId, r.headline]));
  const days: DayGroup[] = [];
  for (const c of rows) {
    const d = parseDate(c.at);
    const key = d ? d.toDateString() : "unknown";
    let day = days[days.length - 1];
    if (!day || day.key !== key) {
      day = { key, label: dayLabel(c.at, now), runs: [] };
      days.push(day);
    }
    let run = day.runs[day.runs.length - 1];
    if (!run || run.runId !== c.runId) {
      const time = d ? timeOfDay(c.at) : clockTime(c.at, now);
      run = { runId: c.runId, at: c.at, time, headline: headline.get(c.runId) ?? "", rows: [] };
      day.runs.push(run);
    }
    run.rows.push(c);
  }
  return days;
}

/** The newest id in the feed (what "seen" moves to), 0 when empty. */
export function newestId(rows: ChangeRecord[]): number {
  return rows.reduce((m, c) => Math.max(m, c.id), 0);
}
