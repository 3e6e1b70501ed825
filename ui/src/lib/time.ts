// The one place dates and times are formatted, so every screen writes them the same way:
// relative words for recent events ("5 minutes ago"), the time today, the day this year, the full
// date otherwise, all in the user's locale (date order, 12- or 24-hour clock). Screens never call
// toLocale*String on a date themselves (time.test.ts checks the sources).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// `undefined` is the runtime's locale (the system's, in the app's window); tests pin one.
let locale: string | undefined;
const formats = new Map<string, Intl.DateTimeFormat>();

/** Sets the locale every format uses (`undefined`: the system's). */
export function setLocale(l: string | undefined): void {
  locale = l;
  formats.clear();
}

function format(d: Date, opts: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(opts);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    formats.set(key, f);
  }
  return f.format(d);
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
const DAY_MONTH: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" };
const DATE: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };

/** Parses an ISO date or date-time; `null` for missing or unparseable input. */
export function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** "just now", "5 minutes ago", "in 2 hours", "yesterday", "3 days ago", else a date. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parseDate(iso);
  if (!d) return "never";
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const fmt = (s: string) => (diff < 0 ? `${s} ago` : `in ${s}`);
  if (abs < 45_000) return diff <= 0 ? "just now" : "in a moment";
  if (abs < HOUR) return fmt(plural(Math.max(1, Math.round(abs / MINUTE)), "minute"));
  if (abs < DAY) return fmt(plural(Math.round(abs / HOUR), "hour"));
  if (abs < 2 * DAY) return diff < 0 ? "yesterday" : "tomorrow";
  if (abs < 30 * DAY) return fmt(plural(Math.round(abs / DAY), "day"));
  return formatDate(iso);
}

/**
 * For something that already happened ("Last synced"): never future tense. A time slightly
 * ahead of this computer's clock (another machine's, or a clock set back) reads "just now".
 */
export function sinceTime(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parseDate(iso);
  if (!d) return "never";
  return relativeTime(new Date(Math.min(d.getTime(), now)).toISOString(), now);
}

/** The full local date and time, for tooltips. */
export function exactTime(iso: string | null | undefined): string {
  const d = parseDate(iso);
  return d ? format(d, { dateStyle: "full", timeStyle: "long" }) : "Never";
}

/** "14:05" today, otherwise "Mon 3 Mar, 14:05". */
export function clockTime(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parseDate(iso);
  if (!d) return "—";
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? format(d, TIME) : format(d, { weekday: "short", ...DAY_MONTH, ...TIME });
}

/** The mail-client convention for a list column: the time today, "Sep 14" this year, else with the year. */
export function listDate(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parseDate(iso);
  if (!d) return "—";
  const today = new Date(now);
  if (today.toDateString() === d.toDateString()) return format(d, TIME);
  return format(d, d.getFullYear() === today.getFullYear() ? DAY_MONTH : DATE);
}

/** A calendar date ("3 Mar 2025"); date-only strings are read as that day wherever we are. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const d = parseDate(dateOnly ? `${iso}T12:00:00` : iso);
  return d ? format(d, DATE) : iso;
}

/** A date with its time ("3 Mar 2025, 14:05"), for facts such as when a key was last verified. */
export function formatDateTime(iso: string | null | undefined): string {
  const d = parseDate(iso);
  return d ? format(d, { ...DATE, ...TIME }) : "—";
}

/** The time of day alone ("14:05"). */
export function timeOfDay(iso: string | null | undefined): string {
  const d = parseDate(iso);
  return d ? format(d, TIME) : "—";
}

/** A day heading: "Today", "Yesterday", else the weekday and date (with the year when not this year). */
export function dayLabel(iso: string, now: number = Date.now()): string {
  const d = parseDate(iso);
  if (!d) return "—";
  const today = new Date(now);
  const yesterday = new Date(now);
  yesterday.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return format(d, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(d.getFullYear() === today.getFullYear() ? {} : { year: "numeric" }),
  });
}

/** "850 ms", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Milliseconds between two ISO times, or `null` if either is missing. */
export function durationBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  const a = parseDate(start);
  const b = parseDate(end);
  return a && b ? b.getTime() - a.getTime() : null;
}
