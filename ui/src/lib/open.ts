// Opens Ashby pages in the default browser, and hiring-team emails in the email app. The window
// itself never leaves the app (Rust refuses any other navigation); links go through the
// `open_external` command, which lets only https://app|developers|jobs.ashbyhq.com and plain
// `mailto:` addresses through and starts the opener without the app's own environment (its API
// key, its WebKit settings).
import { api } from "./api";

export const ALLOWED_URL = /^https:\/\/(app|developers|jobs)\.ashbyhq\.com(\/\S*)?$/;

/** One address, nothing after it (the same rule Rust applies). */
const PLAIN_ADDRESS = /^[A-Za-z0-9._%+'][A-Za-z0-9._%+'-]{0,63}@[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9.-]+$/;

/** The job's page in Ashby. */
export const ashbyJobUrl = (id: string) => `https://app.ashbyhq.com/jobs/${encodeURIComponent(id)}`;

/** `mailto:` for a hiring-team email, or `null` when it is not one plain address. */
export function mailtoUrl(email: string | null | undefined): string | null {
  const e = (email ?? "").trim();
  return PLAIN_ADDRESS.test(e) && !e.startsWith("-") ? `mailto:${e}` : null;
}

/** What a link shows and copies: the address itself for `mailto:`. */
export const linkText = (url: string) => (url.startsWith("mailto:") ? url.slice("mailto:".length) : url);

export async function openExternal(url: string): Promise<void> {
  if (!ALLOWED_URL.test(url) && mailtoUrl(linkText(url)) !== url) {
    throw { code: "invalid_input", message: "Ashby Sync only opens Ashby pages and email addresses." };
  }
  await api.openExternal(url);
}

/** The words shown when a link could not be opened: Rust's message, never an empty box. */
export function openFailureText(url: string, err: unknown): string {
  const message =
    err && typeof err === "object" && "message" in err && typeof err.message === "string"
      ? err.message.trim()
      : err instanceof Error
        ? err.message.trim()
        : "";
  if (message) return message;
  return url.startsWith("mailto:")
    ? "Ashby Sync couldn't open your email app. Copy the address and write to it from your email app."
    : "Ashby Sync couldn't open your web browser. Copy the address and open it in your browser yourself.";
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
