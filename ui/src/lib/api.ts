// Typed wrappers over Tauri IPC. Types come from ipc.ts, generated from the Rust structs.
import { invoke } from "@tauri-apps/api/core";
import type {
  AppInfo,
  BootState,
  ErrorCode,
  ErrorPayload,
  Facets,
  JobDetail,
  JobPage,
  JobQuery,
  SyncRunRecord,
  SyncStatus,
  KeyStatus,
  Verification,
  WizardProgress,
  WizardStep,
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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  bootState: () => call<BootState>("boot_state"),
  wizardSteps: () => call<WizardStep[]>("wizard_steps"),
  wizardProgress: () => call<WizardProgress>("wizard_progress"),
  setWizardProgress: (progress: WizardProgress) => call<void>("set_wizard_progress", { progress }),
  verifyKey: (key: string) => call<Verification>("verify_key", { key }),
  cancelVerification: () => call<void>("cancel_verification"),
  saveKey: (clearCache: boolean) => call<void>("save_key", { clearCache }),
  checkOrganization: () => call<boolean | null>("check_organization"),
  keyStatus: () => call<KeyStatus>("key_status"),
  reverifyKey: () => call<Verification>("reverify_key"),
  removeKey: (deleteCache: boolean) => call<void>("remove_key", { deleteCache }),
  startAtLogin: () => call<boolean>("start_at_login"),
  setStartAtLogin: (enabled: boolean) => call<boolean>("set_start_at_login", { enabled }),
  listJobs: (query: JobQuery) => call<JobPage>("list_jobs", { query }),
  jobDetail: (id: string) => call<JobDetail | null>("job_detail", { id }),
  facets: (statuses: string[]) => call<Facets>("facets", { statuses }),
  syncHistory: (limit: number) => call<SyncRunRecord[]>("sync_history", { limit }),
  syncStatus: () => call<SyncStatus>("sync_status"),
  syncNow: () => call<void>("sync_now"),
};
