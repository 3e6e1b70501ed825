//! A small HTTP proxy for tests, in front of the fake: `CONNECT` tunnels (how every client reaches
//! an HTTPS API through a company proxy) and absolute-form forwarding for `http://` targets (one
//! request per connection). It records what it was asked, can demand credentials (407), refuse
//! tunnels, and answer requests with a web filter's HTML block page instead of forwarding them.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRecord {
    /// `CONNECT`, `POST`, …
    pub method: String,
    /// `127.0.0.1:443` for CONNECT, the absolute URL otherwise.
    pub target: String,
    /// Decoded `Proxy-Authorization: Basic …` (`user:password`), if sent.
    pub credentials: Option<String>,
    /// The status the proxy itself answered with (0 when it passed the request on).
    pub answered: u16,
}

#[derive(Debug, Default)]
struct ProxyState {
    records: Vec<ProxyRecord>,
    /// `user:password` the proxy demands.
    required: Option<String>,
    refuse_connect: bool,
    /// Answer this many forwarded requests with a block page of this status.
    block: Option<(usize, u16)>,
}

/// A running test proxy; stops when dropped.
pub struct TestProxy {
    addr: SocketAddr,
    state: Arc<Mutex<ProxyState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The HTML a web filter answers with.
pub const BLOCK_PAGE: &str = "<!DOCTYPE html><html><head><title>Access denied</title></head>\
<body><h1>This site is blocked</h1><p>Access to this site has been blocked by your \
organisation's web filter (category: Uncategorised).</p></body></html>";

impl TestProxy {
    pub async fn start() -> std::io::Result<TestProxy> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(ProxyState::default()));
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                if let Ok((stream, _)) = listener.accept().await {
                    let st = st.clone();
                    tokio::spawn(async move {
                        if let Err(e) = handle(stream, st).await {
                            tracing::debug!(error = %e, "test proxy: connection ended");
                        }
                    });
                }
            }
        });
        Ok(TestProxy { addr, state, task })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ProxyState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Demand these credentials (407 without them).
    pub fn require_auth(&self, user: &str, password: &str) {
        self.lock().required = Some(format!("{user}:{password}"));
    }

    /// Answer every CONNECT with 403.
    pub fn refuse_connect(&self, on: bool) {
        self.lock().refuse_connect = on;
    }

    /// Answer the next `n` forwarded (non-CONNECT) requests with an HTML block page of `status`.
    pub fn block_next(&self, n: usize, status: u16) {
        self.lock().block = Some((n, status));
    }

    pub fn records(&self) -> Vec<ProxyRecord> {
        self.lock().records.clone()
    }

    /// Targets of the tunnels opened (CONNECT answered 200).
    pub fn tunnels(&self) -> Vec<String> {
        self.records()
            .into_iter()
            .filter(|r| r.method == "CONNECT" && r.answered == 0)
            .map(|r| r.target)
            .collect()
    }
}

async fn handle(stream: TcpStream, st: Arc<Mutex<ProxyState>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let end = line == "\r\n" || line == "\n";
        head.push(line);
        if end {
            break;
        }
        if head.len() > 100 {
            return Ok(());
        }
    }
    let mut parts = head[0].split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let header = |name: &str| {
        head[1..].iter().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let credentials = header("proxy-authorization").and_then(|v| {
        let b64 = v
            .strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()?;
        String::from_utf8(raw).ok()
    });
    let content_length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);

    // Decide, and record, under the lock; act after.
    let answer: Option<(u16, &'static str, String)> = {
        let mut s = st.lock().unwrap_or_else(|p| p.into_inner());
        let answer = if s.required.is_some() && s.required != credentials {
            Some((
                407,
                "Proxy Authentication Required",
                "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n".to_string(),
            ))
        } else if method == "CONNECT" && s.refuse_connect {
            Some((403, "Forbidden", String::new()))
        } else if method != "CONNECT" && s.block.is_some_and(|(n, _)| n > 0) {
            let (n, status) = s.block.unwrap_or((0, 403));
            s.block = Some((n - 1, status));
            Some((status, "Blocked", "Content-Type: text/html\r\n".to_string()))
        } else {
            None
        };
        s.records.push(ProxyRecord {
            method: method.clone(),
            target: target.clone(),
            credentials: credentials.clone(),
            answered: answer.as_ref().map_or(0, |a| a.0),
        });
        answer
    };

    let mut body = vec![0u8; content_length.min(16 << 20)];
    if method != "CONNECT" {
        reader.read_exact(&mut body).await?;
    }
    if let Some((status, reason, extra)) = answer {
        let page = if extra.contains("text/html") {
            BLOCK_PAGE
        } else {
            ""
        };
        let resp = format!(
            "HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
        let mut stream = reader.into_inner();
        stream.write_all(resp.as_bytes()).await?;
        stream.shutdown().await?;
        return Ok(());
    }

    if method == "CONNECT" {
        let mut upstream = match TcpStream::connect(&target).await {
            Ok(u) => u,
            Err(_) => {
                let mut stream = reader.into_inner();
                stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    .await?;
                return Ok(());
            }
        };
        let early = reader.buffer().to_vec();
        let mut stream = reader.into_inner();
        stream
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        upstream.write_all(&early).await?;
        let _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream).await;
        return Ok(());
    }

    // Absolute-form: pass one request on with `Connection: close`, relay the answer, hang up.
    let Ok(url) = target.parse::<http::Uri>() else {
        return Ok(());
    };
    let (Some(host), Some(port)) = (url.host(), url.port_u16().or(Some(80))) else {
        return Ok(());
    };
    let mut upstream = TcpStream::connect((host, port)).await?;
    let path = url.path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for l in &head[1..head.len() - 1] {
        let name = l
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "proxy-authorization" | "proxy-connection" | "connection"
        ) {
            out.push_str(l);
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    upstream.write_all(&body).await?;
    let mut stream = reader.into_inner();
    tokio::io::copy(&mut upstream, &mut stream).await?;
    stream.shutdown().await?;
    Ok(())
}
