// Words for the proxy in use (Settings → Proxy).
import type { ProxyStatus } from "./ipc";

export function proxyInUseText(s: ProxyStatus): string {
  const p = s.inUse;
  switch (p.source) {
    case "manual":
      return `${p.proxy ?? "?"} (set here${s.hasCredentials ? ", with a user name and password from the keychain" : ""})`;
    case "environment":
      return `${p.proxy ?? "?"} (from the environment${p.variable ? `, ${p.variable}` : ""})`;
    case "os":
      return `${p.proxy ?? "?"} (from the system's proxy settings)`;
    case "direct":
      return "automatic: no proxy (neither the system settings nor the environment name one)";
  }
}
