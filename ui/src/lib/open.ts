// Opens Ashby pages in the default browser. The window itself never leaves the app (Rust refuses
// any other navigation); links go through the `open_external` command, which lets only
// https://app|developers|jobs.ashbyhq.com through and starts the browser without the app's own
// environment (its API key, its WebKit settings).
import { api } from "./api";

export const ALLOWED_URL = /^https:\/\/(app|developers|jobs)\.ashbyhq\.com(\/\S*)?$/;

export async function openExternal(url: string): Promise<void> {
  if (!ALLOWED_URL.test(url)) throw new Error(`Ashby Sync only opens Ashby pages, not ${url}`);
  await api.openExternal(url);
}

/** Copies text; falls back to a hidden textarea where the async clipboard API is unavailable. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
  }
}
