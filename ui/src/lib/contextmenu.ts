// The app's own right-click menu (release builds): what it offers for the place clicked, and
// where it opens so it stays inside the window.

export type MenuAction = "copy" | "copyLink" | "openInAshby";

export interface MenuItem {
  action: MenuAction;
  label: string;
  /** What the item copies or opens. */
  value: string;
}

export interface MenuTarget {
  /** The text selected in the window (or in the field clicked). */
  selection: string;
  /** A link under the pointer (a posting, an email, a job). */
  link: string | null;
  /** The Ashby page of the job under the pointer. */
  ashbyUrl: string | null;
}

/** The items for a right-click; empty means no menu at all (never WebKit's Back/Reload). */
export function menuItems(t: MenuTarget): MenuItem[] {
  const items: MenuItem[] = [];
  const sel = t.selection.trim();
  if (sel) items.push({ action: "copy", label: "Copy", value: t.selection });
  const link = t.link ?? t.ashbyUrl;
  if (link) {
    const email = link.startsWith("mailto:");
    items.push({ action: "copyLink", label: email ? "Copy email address" : "Copy link", value: email ? link.slice(7) : link });
  }
  if (t.ashbyUrl) items.push({ action: "openInAshby", label: "Open in Ashby", value: t.ashbyUrl });
  return items;
}

/** Top-left corner for a menu of `w`×`h` opened at (`x`, `y`) in a `vw`×`vh` window. */
export function menuPosition(x: number, y: number, w: number, h: number, vw: number, vh: number): { left: number; top: number } {
  const left = x + w > vw ? Math.max(0, x - w) : x;
  const top = y + h > vh ? Math.max(0, vh - h) : y;
  return { left, top };
}
