import { describe, expect, it } from "vitest";
import { menuItems, menuPosition } from "./contextmenu";

describe("the right-click menu", () => {
  it("offers Copy for a selection only", () => {
    expect(menuItems({ selection: "Senior engineer", link: null, ashbyUrl: null })).toEqual([
      { action: "copy", label: "Copy", value: "Senior engineer" },
    ]);
    expect(menuItems({ selection: "  ", link: null, ashbyUrl: null })).toEqual([]);
  });
  it("offers Copy link and Open in Ashby on a job", () => {
    const url = "https://app.ashbyhq.com/jobs/j1";
    expect(menuItems({ selection: "", link: null, ashbyUrl: url }).map((i) => [i.action, i.value])).toEqual([
      ["copyLink", url],
      ["openInAshby", url],
    ]);
  });
  it("copies a posting's own link, and an email without mailto:", () => {
    const posting = "https://jobs.ashbyhq.com/acme/p1";
    const items = menuItems({ selection: "x", link: posting, ashbyUrl: "https://app.ashbyhq.com/jobs/j1" });
    expect(items.map((i) => i.action)).toEqual(["copy", "copyLink", "openInAshby"]);
    expect(items[1]?.value).toBe(posting);
    const email = menuItems({ selection: "", link: "mailto:ada@example.com", ashbyUrl: null });
    expect(email).toEqual([{ action: "copyLink", label: "Copy email address", value: "ada@example.com" }]);
  });
  it("opens inside the window", () => {
    expect(menuPosition(10, 10, 200, 100, 1280, 800)).toEqual({ left: 10, top: 10 });
    expect(menuPosition(1200, 780, 200, 100, 1280, 800)).toEqual({ left: 1000, top: 700 });
    expect(menuPosition(100, 50, 200, 900, 1280, 800)).toEqual({ left: 100, top: 0 });
  });
});
