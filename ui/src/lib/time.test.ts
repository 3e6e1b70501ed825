import { afterEach, describe, expect, it } from "vitest";
import {
  clockTime,
  dayLabel,
  durationBetween,
  formatDate,
  formatDateTime,
  formatDuration,
  listDate,
  parseDate,
  relativeTime,
  setLocale,
  sinceTime,
  timeOfDay,
} from "./time";

const now = Date.parse("2025-03-10T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

describe("relativeTime", () => {
  it("says never for missing or broken dates", () => {
    expect(relativeTime(null, now)).toBe("never");
    expect(relativeTime("not a date", now)).toBe("never");
  });
  it("rounds to the unit a person would say", () => {
    expect(relativeTime(ago(10_000), now)).toBe("just now");
    expect(relativeTime(ago(60_000), now)).toBe("1 minute ago");
    expect(relativeTime(ago(5 * 60_000), now)).toBe("5 minutes ago");
    expect(relativeTime(ago(2 * 3600_000), now)).toBe("2 hours ago");
    expect(relativeTime(ago(30 * 3600_000), now)).toBe("yesterday");
    expect(relativeTime(ago(3 * 86400_000), now)).toBe("3 days ago");
  });
  it("handles the future", () => {
    expect(relativeTime(ago(-12 * 60_000), now)).toBe("in 12 minutes");
    expect(relativeTime(ago(-10_000), now)).toBe("in a moment");
  });
  it("falls back to a date for old times", () => {
    expect(relativeTime("2024-01-15T10:00:00Z", now)).toMatch(/2024/);
  });
});

describe("sinceTime", () => {
  it("never says a past event in the future tense", () => {
    // Stamped a little ahead of this computer's clock (another machine's clock, or set back).
    expect(sinceTime(ago(-10_000), now)).toBe("just now");
    expect(sinceTime(ago(-20 * 60_000), now)).toBe("just now");
    expect(sinceTime(ago(5 * 60_000), now)).toBe("5 minutes ago");
    expect(sinceTime(null, now)).toBe("never");
    for (const ms of [-86400_000, -3600_000, -60_000, -1, 0, 1, 60_000]) {
      expect(sinceTime(ago(ms), now)).not.toMatch(/^in |tomorrow|in a moment/);
    }
  });
});

describe("durations", () => {
  it("formats short and long spans", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(3_720_000)).toBe("1 h 2 min");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(-5)).toBe("—");
  });
  it("measures between ISO times", () => {
    expect(durationBetween("2025-03-10T12:00:00Z", "2025-03-10T12:01:30Z")).toBe(90_000);
    expect(durationBetween("2025-03-10T12:00:00Z", null)).toBeNull();
  });
});

describe("clockTime", () => {
  it("shows only the time today and adds the day otherwise", () => {
    const today = clockTime(new Date(now + 3600_000).toISOString(), now);
    const later = clockTime(new Date(now + 3 * 86400_000).toISOString(), now);
    expect(today).not.toMatch(/,/);
    expect(later).toMatch(/,/);
    expect(clockTime(null, now)).toBe("—");
  });
  it("parses dates", () => {
    expect(parseDate("2025-03-10")?.getUTCFullYear()).toBe(2025);
  });
});

describe("listDate", () => {
  it("shows the time today, the day this year, and the year before that", () => {
    const local = new Date(2025, 2, 10, 12, 0, 0).getTime();
    expect(listDate(new Date(2025, 2, 10, 9, 30).toISOString(), local)).not.toMatch(/Mar|2025/);
    const thisYear = listDate(new Date(2025, 0, 5, 9, 30).toISOString(), local);
    expect(thisYear).toMatch(/Jan/);
    expect(thisYear).not.toMatch(/2025/);
    expect(listDate(new Date(2023, 5, 1).toISOString(), local)).toMatch(/2023/);
    expect(listDate(null, local)).toBe("—");
  });
});

describe("one format, in the user's locale", () => {
  afterEach(() => setLocale(undefined));
  const at = new Date(2025, 2, 3, 14, 5).toISOString();

  it("writes dates the way the locale does", () => {
    setLocale("en-GB");
    expect(formatDate(at)).toBe("3 Mar 2025");
    expect(formatDateTime(at)).toBe("3 Mar 2025, 14:05");
    setLocale("en-US");
    expect(formatDate(at)).toBe("Mar 3, 2025");
    expect(timeOfDay(at)).toMatch(/^02:05\sPM$/);
    setLocale("de-DE");
    expect(formatDate(at)).toBe("3. März 2025");
    expect(timeOfDay(at)).toBe("14:05");
  });
  it("reads a date-only value as that calendar day", () => {
    setLocale("en-GB");
    expect(formatDate("2025-03-03")).toBe("3 Mar 2025");
    expect(formatDateTime(null)).toBe("—");
  });
  it("names today and yesterday, else the weekday and date", () => {
    setLocale("en-GB");
    const now = new Date(2025, 2, 10, 12).getTime();
    expect(dayLabel(new Date(2025, 2, 10, 8).toISOString(), now)).toBe("Today");
    expect(dayLabel(new Date(2025, 2, 9, 23).toISOString(), now)).toBe("Yesterday");
    expect(dayLabel(at, now)).toBe("Monday 3 March");
    expect(dayLabel(new Date(2024, 11, 30).toISOString(), now)).toBe("Monday, 30 December 2024");
  });
});

// Three date styles once crept into the screens; every date now goes through this module.
describe("screens format dates only through lib/time", () => {
  const sources = import.meta.glob<string>(["../**/*.ts", "../**/*.svelte", "!../**/*.test.ts", "!./time.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  });
  it("has no toLocaleDateString, toLocaleTimeString or Date#toLocaleString outside time.ts", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(Object.keys(sources)).toContain("../screens/Settings.svelte");
    const offenders = Object.entries(sources)
      .filter(([, text]) => /toLocale(Date|Time)String|Date\([^)]*\)\.toLocaleString|DateTimeFormat/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
