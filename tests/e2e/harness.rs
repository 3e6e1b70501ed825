//! Real-window end-to-end harness: Xvfb + a private D-Bus session with an unlocked gnome-keyring +
//! tauri-driver → WebKitWebDriver → the real `ashby-sync` binary, with XDG dirs and the data dir in a
//! per-test temp dir. Everything runs in its own process group and is killed on drop, on success
//! and on panic alike.

#![allow(dead_code)]

#[path = "../desktop/mod.rs"]
mod desktop;

use desktop::Proc;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub type Res<T> = Result<T, String>;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

/// The desktop session one test runs in (see `tests/desktop`).
pub struct Desktop(desktop::Desktop);

impl std::ops::Deref for Desktop {
    type Target = desktop::Desktop;
    fn deref(&self) -> &desktop::Desktop {
        &self.0
    }
}

impl Desktop {
    pub fn start() -> Desktop {
        Desktop(desktop::Desktop::start("ashby-e2e-").unwrap_or_else(|e| panic!("{e}")))
    }

    /// A session on a `width`×`height` screen (for windows larger than the default 1280×800).
    pub fn start_sized(width: u32, height: u32) -> Desktop {
        Desktop(
            desktop::Desktop::start_with_screen("ashby-e2e-", &format!("{width}x{height}x24"))
                .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    /// Runs a command inside this session (e.g. `secret-tool`) and returns its stdout.
    pub fn run(&self, prog: &str, args: &[&str]) -> (bool, String) {
        let mut cmd = Command::new(prog);
        cmd.args(args);
        self.apply_env(&mut cmd);
        match cmd.output() {
            Ok(o) => (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).to_string(),
            ),
            Err(e) => (false, e.to_string()),
        }
    }

    pub fn log_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(self.tmp.path(), &mut out);
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ashby-sync"))
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// One running app window driven over WebDriver.
pub struct App {
    http: reqwest::Client,
    base: String,
    session: String,
    pub name: String,
    shots: u32,
    pub output: PathBuf,
    /// The X display the window is on (screenshots are taken from it).
    display: String,
    _driver: Proc,
}

impl App {
    /// Starts tauri-driver and the app in `desk`, with extra environment variables.
    pub async fn launch(desk: &Desktop, name: &str, extra_env: &[(&str, &str)]) -> App {
        Self::launch_wrapped(desk, name, extra_env, &[]).await
    }

    /// Like [`launch`](Self::launch), with tauri-driver (and so the app) started through
    /// `wrapper` (e.g. `setpriv …`).
    pub async fn launch_wrapped(
        desk: &Desktop,
        name: &str,
        extra_env: &[(&str, &str)],
        wrapper: &[&str],
    ) -> App {
        let port = free_port();
        let native = free_port();
        let output = desk.tmp.path().join(format!("{name}-app-output.log"));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&output)
            .expect("log file");
        let err = out.try_clone().expect("log file");
        let mut cmd = match wrapper.split_first() {
            Some((prog, args)) => {
                let mut c = Command::new(prog);
                c.args(args).arg("tauri-driver");
                c
            }
            None => Command::new("tauri-driver"),
        };
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
        desk.apply_env(&mut cmd);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let driver = Proc::spawn("tauri-driver", &mut cmd).unwrap_or_else(|e| panic!("{e}"));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": app_binary().display().to_string()}
        }}});
        let session = loop {
            let r = http
                .post(format!("{base}/session"))
                .json(&caps)
                .send()
                .await;
            match r {
                Ok(resp) => {
                    let v: Value = resp.json().await.unwrap_or(Value::Null);
                    if let Some(id) = v["value"]["sessionId"].as_str() {
                        break id.to_string();
                    }
                    if Instant::now() > deadline {
                        panic!("tauri-driver refused the session: {v}");
                    }
                }
                Err(e) if Instant::now() > deadline => panic!("tauri-driver did not answer: {e}"),
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        App {
            http,
            base,
            session,
            name: name.to_string(),
            shots: 0,
            output,
            display: desk.display.clone(),
            _driver: driver,
        }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Res<Value> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut req = self.http.request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| format!("{path}: {e}"))?;
        let status = resp.status();
        let v: Value = resp
            .json()
            .await
            .map_err(|e| format!("{path}: bad JSON: {e}"))?;
        if !status.is_success() {
            return Err(format!("{path}: {status}: {}", v["value"]));
        }
        Ok(v["value"].clone())
    }

    pub async fn eval(&self, script: &str) -> Res<Value> {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    pub async fn eval_async(&self, script: &str) -> Res<Value> {
        self.cmd(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    pub async fn find(&self, css: &str) -> Res<String> {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await?;
        v[ELEMENT_KEY]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no element {css}"))
    }

    pub async fn find_all(&self, css: &str) -> Res<Vec<String>> {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits for an element to exist and be displayed.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Res<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(id) = self.find(css).await {
                let shown = self
                    .cmd(
                        reqwest::Method::GET,
                        &format!("/element/{id}/displayed"),
                        None,
                    )
                    .await
                    .map(|v| v.as_bool().unwrap_or(true))
                    .unwrap_or(false);
                if shown {
                    return Ok(id);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("timed out after {timeout:?} waiting for {css}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str, timeout: Duration) -> Res<String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(t) = self.text(css).await {
                if t.contains(needle) {
                    return Ok(t);
                }
                last = t;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "timed out waiting for {css} to contain {needle:?}; last text: {last:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> Res<String> {
        let id = self.find(css).await?;
        let v = self
            .cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub async fn click(&self, css: &str) -> Res<()> {
        let id = self.wait_for(css, Duration::from_secs(10)).await?;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    pub async fn click_element(&self, id: &str) -> Res<()> {
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    pub async fn type_into(&self, css: &str, text: &str) -> Res<()> {
        let id = self.wait_for(css, Duration::from_secs(10)).await?;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await?;
        Ok(())
    }

    pub async fn clear(&self, css: &str) -> Res<()> {
        let id = self.find(css).await?;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    /// Presses one key (WebDriver key code, e.g. "\u{E007}" for Enter) on the focused element.
    pub async fn press(&self, key: &str) -> Res<()> {
        let actions = json!({"actions": [{"type": "key", "id": "kbd", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
        ]}]});
        self.cmd(reqwest::Method::POST, "/actions", Some(actions))
            .await?;
        Ok(())
    }

    /// Presses keys together (e.g. Control + "v"): all down in order, then all up.
    pub async fn chord(&self, keys: &[&str]) -> Res<()> {
        let mut acts: Vec<Value> = keys
            .iter()
            .map(|k| json!({"type": "keyDown", "value": k}))
            .collect();
        acts.extend(
            keys.iter()
                .rev()
                .map(|k| json!({"type": "keyUp", "value": k})),
        );
        let actions = json!({"actions": [{"type": "key", "id": "kbd", "actions": acts}]});
        self.cmd(reqwest::Method::POST, "/actions", Some(actions))
            .await?;
        Ok(())
    }

    /// Saves a PNG of the window as `target/e2e-screenshots/<test>-<nn>-<step>.png`,
    /// after two animation frames so the picture is not a stale frame.
    /// A screenshot of the real window, taken from the X display after two animation frames.
    /// Not WebDriver's screenshot: WebKitWebDriver's snapshot hangs on some pages when WebKit
    /// composites without the GPU, which is how the app runs (`app::software_compositing_by_default`);
    /// the X server shows what the user sees either way. The window fills the Xvfb screen.
    pub async fn screenshot(&mut self, step: &str) -> Res<PathBuf> {
        let _ = self
            .eval_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            )
            .await;
        self.shots += 1;
        let path = screenshot_dir().join(format!("{}-{:02}-{step}.png", self.name, self.shots));
        let out = tokio::process::Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .output()
            .await
            .map_err(|e| format!("screenshot: could not run import (ImageMagick): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "screenshot: import failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(path)
    }

    /// Drags the element `css` by `dx` pixels to the right with the mouse.
    pub async fn drag_by(&self, css: &str, dx: i64) -> Res<()> {
        let id = self.wait_for(css, Duration::from_secs(10)).await?;
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse",
            "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "origin": {ELEMENT_KEY: id}, "x": 0, "y": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerMove", "origin": "pointer", "x": dx / 2, "y": 0, "duration": 100},
                {"type": "pointerMove", "origin": "pointer", "x": dx - dx / 2, "y": 0, "duration": 100},
                {"type": "pointerUp", "button": 0}
        ]}]});
        self.cmd(reqwest::Method::POST, "/actions", Some(actions))
            .await?;
        Ok(())
    }

    /// Moves and resizes the window (WebDriver's Set Window Rect), then waits until the page
    /// has the new size.
    pub async fn set_window_rect(&self, x: i32, y: i32, width: u32, height: u32) -> Res<()> {
        self.cmd(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"x": x, "y": y, "width": width, "height": height})),
        )
        .await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self
                .eval("return [window.outerWidth, window.outerHeight]")
                .await?;
            if v[0].as_u64() == Some(u64::from(width)) && v[1].as_u64() == Some(u64::from(height)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("the window did not become {width}×{height}: {v}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Like [`screenshot`](Self::screenshot), cut to the window's top-left `width`×`height`
    /// (a window smaller than the screen, at 0,0).
    pub async fn screenshot_window(&mut self, step: &str, width: u32, height: u32) -> Res<PathBuf> {
        let path = self.screenshot(step).await?;
        let out = tokio::process::Command::new("mogrify")
            .args(["-crop", &format!("{width}x{height}+0+0"), "+repage"])
            .arg(&path)
            .output()
            .await
            .map_err(|e| format!("screenshot: could not run mogrify (ImageMagick): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "screenshot: mogrify failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(path)
    }

    /// Ends the session (the app quits) and the driver.
    pub async fn quit(self) {
        let _ = self.cmd(reqwest::Method::DELETE, "", None).await;
        // Dropping `_driver` kills tauri-driver, WebKitWebDriver and the app's process group.
    }
}
