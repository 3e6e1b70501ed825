// Opens Ashby pages in the default browser through the shell plugin. The capability's scope only
// lets https://app|developers|jobs.ashbyhq.com through; anything else is refused in Rust too.
import { open } from "@tauri-apps/plugin-shell";

export const ALLOWED_URL = /^https:\/\/(app|developers|jobs)\.ashbyhq\.com(\/\S*)?$/;

export async function openExternal(url: string): Promise<void> {
  if (!ALLOWED_URL.test(url)) throw new Error(`Ashby Sync only opens Ashby pages, not ${url}`);
  await open(url);
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
