// Typed wrappers over Tauri IPC. Command names, argument keys and result types come from the
// generated `Commands` in ipc.ts (src-tauri/commands/ipc.rs): renaming a command or an argument
// in Rust breaks this file's typecheck.
import { invoke } from "@tauri-apps/api/core";
import type {
  ChangeQuery,
  CommandName,
  Commands,
  ErrorCode,
  ErrorPayload,
  ExportFormat,
  Folder,
  JobQuery,
  NotificationPrefs,
  SyncInterval,
  WizardMode,
  ViewState,
  WizardProgress,
} from "./ipc";

/** A failed command, with the stable machine code from Rust. */
export class IpcError extends Error {
  readonly code: ErrorCode;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
  }
}

export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const p = e as { code: unknown; message: unknown };
    return new IpcError({ code: String(p.code) as ErrorCode, message: String(p.message) });
  }
  return new IpcError({ code: "internal", message: String(e) });
}

type Args<C extends CommandName> = Commands[C]["args"];
type Result<C extends CommandName> = Commands[C]["result"];

/** Invokes `cmd` with exactly its generated argument object (none when it takes none). */
async function call<C extends CommandName>(
  cmd: C,
  ...args: Args<C> extends null ? [] : [Args<C>]
): Promise<Result<C>> {
  try {
    return await invoke<Result<C>>(cmd, args[0] ?? undefined);
  } catch (e) {
    const err = toIpcError(e);
    if (err.code === "db_corrupt") cacheDamaged(err);
    throw err;
  }
}

/** The DOM event App listens to: the open cache turned out damaged (any command can find it). */
export const CACHE_DAMAGED = "ashby-sync:cache-damaged";

function cacheDamaged(err: IpcError) {
  if (typeof window !== "undefined") {
    window.dispatchEvent(new CustomEvent<string>(CACHE_DAMAGED, { detail: err.message }));
  }
}

export const api = {
  appInfo: () => call("app_info"),
  startupProblem: () => call("startup_problem"),
  retryStartup: () => call("retry_startup"),
  startFresh: () => call("start_fresh"),
  quitApp: () => call("quit_app"),
  openExternal: (url: string) => call("open_external", { url }),
  bootState: () => call("boot_state"),
  wizardSteps: (mode: WizardMode) => call("wizard_steps", { mode }),
  wizardProgress: () => call("wizard_progress"),
  setWizardProgress: (progress: WizardProgress) => call("set_wizard_progress", { progress }),
  verifyKey: (key: string) => call("verify_key", { key }),
  cancelVerification: () => call("cancel_verification"),
  saveKey: (clearCache: boolean) => call("save_key", { clearCache }),
  checkOrganization: () => call("check_organization"),
  firstSyncEstimate: () => call("first_sync_estimate"),
  keyStatus: () => call("key_status"),
  reverifyKey: () => call("reverify_key"),
  removeKey: (deleteCache: boolean) => call("remove_key", { deleteCache }),
  startAtLogin: () => call("start_at_login"),
  setStartAtLogin: (enabled: boolean) => call("set_start_at_login", { enabled }),
  proxyStatus: () => call("proxy_status"),
  setProxy: (proxy: string) => call("set_proxy", { proxy }),
  testConnection: () => call("test_connection"),
  checkForUpdate: () => call("check_for_update"),
  installUpdate: () => call("install_update"),
  listJobs: (query: JobQuery) => call("list_jobs", { query }),
  jobDetail: (id: string) => call("job_detail", { id }),
  facets: (statuses: string[]) => call("facets", { statuses }),
  jobFacets: (query: JobQuery) => call("job_facets", { query }),
  jobInResults: (query: JobQuery, id: string) => call("job_in_results", { query, id }),
  viewState: () => call("view_state"),
  setViewState: (view: ViewState) => call("set_view_state", { view }),
  syncHistory: (limit: number) => call("sync_history", { limit }),
  syncStatus: () => call("sync_status"),
  syncNow: () => call("sync_now"),
  exportJobs: (query: JobQuery, format: ExportFormat) => call("export_jobs", { query, format }),
  notificationPrefs: () => call("notification_prefs"),
  setNotificationPrefs: (prefs: NotificationPrefs) => call("set_notification_prefs", { prefs }),
  listChanges: (query: ChangeQuery) => call("list_changes", { query }),
  unreadChanges: () => call("unread_changes"),
  markChangesSeen: (upTo: number) => call("mark_changes_seen", { upTo }),
  syncTrend: (days: number) => call("sync_trend", { days }),
  runChanges: (runId: number) => call("run_changes", { runId }),
  syncInterval: () => call("sync_interval"),
  setSyncInterval: (interval: SyncInterval) => call("set_sync_interval", { interval }),
  openFolder: (folder: Folder) => call("open_folder", { folder }),
  networkChanged: () => call("network_changed"),
};
