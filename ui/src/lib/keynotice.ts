// What the app says about the saved key outside the wizard: Re-verify's result in Settings, and
// the reminders on the jobs screen (no key at all, or a key that can't read some modules).
import type { KeyStatus, Verification } from "./ipc";

export interface ReverifyResult {
  tone: "ok" | "warn" | "err";
  text: string;
}

const missing = (v: Verification | null): string[] =>
  v ? v.modules.filter((m) => m.access === "missing").map((m) => m.label) : [];
const readable = (v: Verification | null): string[] =>
  v ? v.modules.filter((m) => m.access === "read").map((m) => m.label) : [];

function list(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Re-verify's answer, compared with what the key could do before. */
export function reverifyResult(before: Verification | null, after: Verification): ReverifyResult {
  if (!after.valid) return { tone: "err", text: after.message };
  const lost = readable(before).filter((m) => missing(after).includes(m));
  const gained = missing(before).filter((m) => readable(after).includes(m));
  const still = missing(after);
  const changes = [
    gained.length ? `it can now read ${list(gained)}` : null,
    lost.length ? `it can no longer read ${list(lost)}` : null,
  ].filter((c) => c !== null);
  if (changes.length) {
    return { tone: lost.length ? "warn" : "ok", text: `Key still works, but ${changes.join(", and ")}.` };
  }
  if (still.length) return { tone: "warn", text: `Key still works — it still can't read ${list(still)}.` };
  return { tone: "ok", text: "Key still works — all modules readable." };
}

export type KeyReminder =
  | { kind: "noKey" }
  | { kind: "missingModules"; modules: string[]; id: string };

/**
 * The reminder the jobs screen shows about the key, if any: no key (syncing is off), or a saved
 * key that can't read some modules (dismissible; `id` changes when the key or its gaps do).
 */
export function keyReminder(status: KeyStatus | null): KeyReminder | null {
  if (!status) return null;
  if (!status.stored && !status.overridden) return { kind: "noKey" };
  const mods = missing(status.verification);
  if (!status.verification || mods.length === 0) return null;
  const v = status.verification;
  return { kind: "missingModules", modules: mods, id: `${v.title ?? ""}|${v.createdAt ?? ""}|${mods.join(",")}` };
}

/** "The key can't read Offers and Interviews, so those aren't synced." */
export function missingModulesText(modules: string[]): string {
  return `The saved key can't read ${list(modules)}, so ${modules.length === 1 ? "that part isn't" : "those parts aren't"} synced. Tick Read for ${modules.length === 1 ? "it" : "them"} in Ashby → Admin → API Keys, then Re-verify in Settings.`;
}
