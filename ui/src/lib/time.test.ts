import { describe, expect, it } from "vitest";
import { clockTime, durationBetween, formatDuration, listDate, parseDate, relativeTime } from "./time";

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
