//! The vault against the real macOS Keychain and Windows Credential Manager (CI's macOS and
//! Windows jobs run it; on Linux tests/vault.rs covers the Secret Service in a private D-Bus
//! session). Uses an account of its own, so it never touches a real key, and removes it.
#![cfg(any(target_os = "macos", target_os = "windows"))]

use ashby_sync_core::ashby::ApiKey;
use ashby_sync_core::config::APP_IDENTIFIER;
use ashby_sync_core::vault::{Vault, VaultStatus};

const TEST_KEY: &str = "test-ashby-key-0123456789abcdef";

#[test]
fn stores_reads_and_deletes_an_item_in_the_real_keychain() {
    let account = format!("ci-test-{}", std::process::id());
    let vault = Vault::new(&account).unwrap();
    assert!(
        matches!(vault.status(), VaultStatus::NoKey),
        "{:?}",
        vault.status()
    );
    assert_eq!(vault.get().unwrap(), None);
    vault.set(&ApiKey::parse(TEST_KEY).unwrap()).unwrap();

    // A fresh handle (the next launch, the CLI) finds it under the same service and account.
    let again = Vault::new(&account).unwrap();
    let got = again.get().unwrap();
    assert_eq!(got.as_ref().map(ApiKey::expose), Some(TEST_KEY));
    #[cfg(target_os = "macos")]
    {
        // The Keychain item is filed under the app's identifier as its service.
        let out = std::process::Command::new("security")
            .args([
                "find-generic-password",
                "-s",
                APP_IDENTIFIER,
                "-a",
                &account,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    #[cfg(target_os = "windows")]
    {
        // Credential Manager files it as <account>.<service>.
        let out = std::process::Command::new("cmdkey")
            .arg("/list")
            .output()
            .unwrap();
        let list = String::from_utf8_lossy(&out.stdout);
        assert!(
            list.contains(&format!("{account}.{APP_IDENTIFIER}")),
            "{list}"
        );
    }

    assert!(again.delete().unwrap());
    assert_eq!(Vault::new(&account).unwrap().get().unwrap(), None);
    assert!(!vault.delete().unwrap(), "already gone");
}
