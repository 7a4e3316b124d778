//! The `logseal serve` configuration file: one JSON object, checked like the policy (unknown
//! keys refused, every error names its JSON path). Command-line flags override the file.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where to listen or forward: a TCP address, a unix socket path (`unix:/path`), or (as a
/// downstream of the HTTP modes) an `http://` or `https://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
    Http(Url),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp(a) => write!(f, "{a}"),
            Endpoint::Unix(p) => write!(f, "unix:{}", p.display()),
            Endpoint::Http(u) => write!(f, "{u}"),
        }
    }
}

/// An `http://` or `https://` downstream URL, split once at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    /// The host as written (an IP address or a DNS name; the TLS server name for https).
    pub host: String,
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}{}", self.host, self.port, self.path)
        } else {
            write!(f, "{scheme}://{}:{}{}", self.host, self.port, self.path)
        }
    }
}

impl Url {
    /// The `Host` header value.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// What the listener speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Newline-delimited records on a stream (Vector's `socket` sink and source).
    Socket,
    /// NDJSON POSTs in, NDJSON POSTs out (Vector `http` sink / `http_server` source, Fluent Bit).
    Http,
    /// OTLP/HTTP logs (`POST /v1/logs`, protobuf or JSON) in and out.
    Otlp,
}

/// The listener's certificate chain and private key (PEM files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerTls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How an https downstream is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// PEM file of the certificate authorities to trust (None: the Mozilla roots).
    pub ca: Option<PathBuf>,
    /// The name the downstream's certificate must carry (None: the URL's host).
    pub server_name: Option<String>,
}

/// A checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The policy file (None: the built-in default policy).
    pub policy: Option<String>,
    pub mode: Mode,
    pub listen: Endpoint,
    pub forward: Endpoint,
    /// The loopback address of `/metrics` and `/healthz` (None: no admin endpoint).
    pub admin: Option<SocketAddr>,
    /// Filter threads, each with its own hash chain.
    pub workers: usize,
    /// Input bytes that may be in flight (read, not yet forwarded) before clients are no
    /// longer read from.
    pub queue_bytes: usize,
    pub max_connections: usize,
    /// A client connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
    /// On SIGTERM: how long open client connections may go on sending.
    pub shutdown_grace: Duration,
    /// On SIGTERM: how long to keep trying to forward what is in flight before counting it lost.
    pub drain_timeout: Duration,
    /// TLS on the listener (socket and HTTP modes).
    pub tls: Option<ServerTls>,
    /// How an https downstream is checked (HTTP modes).
    pub forward_tls: ClientTls,
    /// HTTP modes: the largest request body, compressed and decompressed.
    pub max_body_bytes: usize,
    /// HTTP modes: how long one batch may take to be forwarded (retries included) before the
    /// sender is answered 503 and retries itself.
    pub forward_timeout: Duration,
    /// HTTP modes: the `Retry-After` seconds of 429 and 503 answers.
    pub retry_after_s: u64,
}

/// A configuration fault, with the JSON path (or flag) it is at.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Why a configuration cannot be served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file or a flag is wrong.
    Invalid(ConfigError),
    /// A plaintext listener on an address other hosts can reach.
    Plaintext(String),
}

const KEYS: &[&str] = &[
    "version",
    "mode",
    "policy",
    "listen",
    "forward",
    "admin",
    "workers",
    "queue_bytes",
    "max_connections",
    "idle_timeout_ms",
    "shutdown_grace_ms",
    "drain_timeout_ms",
    "tls",
    "forward_tls",
    "max_body_bytes",
    "forward_timeout_ms",
    "retry_after_s",
];

/// Values given on the command line; they win over the file.
#[derive(Default)]
pub struct Overrides<'a> {
    pub policy: Option<&'a str>,
    pub listen: Option<&'a str>,
    pub forward: Option<&'a str>,
    pub admin: Option<&'a str>,
    pub workers: Option<&'a str>,
}

fn err(path: &str, problem: impl Into<String>) -> Refusal {
    Refusal::Invalid(ConfigError { path: path.to_string(), problem: problem.into() })
}

impl Config {
    /// Parses the file's text (None: no file, flags only). A relative `policy` path resolves
    /// from the file's directory `base`.
    pub fn parse(text: Option<&str>, base: &Path, flags: &Overrides) -> Result<Config, Refusal> {
        let empty = serde_json::Map::new();
        let value: serde_json::Value;
        let obj = match text {
            None => &empty,
            Some(t) => {
                value = serde_json::from_str(t).map_err(|e| err("$", format!("not JSON: {e}")))?;
                value.as_object().ok_or_else(|| err("$", "expected an object"))?
            }
        };
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(err(&format!("$.{k}"), format!("unknown key; expected one of: {}", KEYS.join(", "))));
        }
        if text.is_some() && obj.get("version").and_then(|v| v.as_u64()) != Some(1) {
            return Err(err("$.version", "expected 1"));
        }
        let mode = match obj.get("mode").map(|v| v.as_str()) {
            None | Some(Some("socket")) => Mode::Socket,
            Some(Some("http")) => Mode::Http,
            Some(Some("otlp")) => Mode::Otlp,
            Some(_) => return Err(err("$.mode", "expected \"socket\", \"http\" or \"otlp\"")),
        };
        let tls = match obj.get("tls") {
            None => None,
            Some(v) => {
                let o = v.as_object().ok_or_else(|| err("$.tls", "expected an object with \"cert\" and \"key\" (PEM files)"))?;
                let file = |k: &str| -> Result<PathBuf, Refusal> {
                    let p = o.get(k).and_then(|v| v.as_str()).ok_or_else(|| err(&format!("$.tls.{k}"), "required: a PEM file path"))?;
                    Ok(base.join(p))
                };
                if let Some(k) = o.keys().find(|k| !["cert", "key"].contains(&k.as_str())) {
                    return Err(err(&format!("$.tls.{k}"), "unknown key; expected cert, key"));
                }
                Some(ServerTls { cert: file("cert")?, key: file("key")? })
            }
        };
        let forward_tls = match obj.get("forward_tls") {
            None => ClientTls::default(),
            Some(v) => {
                let o = v.as_object().ok_or_else(|| err("$.forward_tls", "expected an object"))?;
                if let Some(k) = o.keys().find(|k| !["ca", "server_name"].contains(&k.as_str())) {
                    return Err(err(&format!("$.forward_tls.{k}"), "unknown key; expected ca, server_name"));
                }
                let text = |k: &str| -> Result<Option<String>, Refusal> {
                    match o.get(k) {
                        None => Ok(None),
                        Some(v) => v.as_str().map(|s| Some(s.to_string())).ok_or_else(|| err(&format!("$.forward_tls.{k}"), "expected a string")),
                    }
                };
                ClientTls { ca: text("ca")?.map(|p| base.join(p)), server_name: text("server_name")? }
            }
        };
        let string = |key: &str, flag: Option<&str>| -> Result<Option<String>, Refusal> {
            if let Some(f) = flag {
                return Ok(Some(f.to_string()));
            }
            match obj.get(key) {
                None => Ok(None),
                Some(v) => v.as_str().map(|s| Some(s.to_string())).ok_or_else(|| err(&format!("$.{key}"), "expected a string")),
            }
        };
        let uint = |key: &str, default: u64, min: u64, max: u64| -> Result<u64, Refusal> {
            match obj.get(key) {
                None => Ok(default),
                Some(v) => v
                    .as_u64()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| err(&format!("$.{key}"), format!("expected an integer from {min} to {max}"))),
            }
        };
        let policy = match (flags.policy, string("policy", None)?) {
            (Some(p), _) => Some(p.to_string()),
            (None, Some(p)) if Path::new(&p).is_relative() => Some(base.join(p).to_string_lossy().into_owned()),
            (None, p) => p,
        };
        let where_ = |key: &str, flag: Option<&str>| if flag.is_some() { format!("--{key}") } else { format!("$.{key}") };
        let listen_text = string("listen", flags.listen)?.unwrap_or_else(|| "127.0.0.1:9000".to_string());
        let listen = endpoint(&listen_text).map_err(|p| err(&where_("listen", flags.listen), p))?;
        let forward = match string("forward", flags.forward)? {
            Some(f) if mode == Mode::Socket => endpoint(&f).map_err(|p| err(&where_("forward", flags.forward), p))?,
            Some(f) => Endpoint::Http(url(&f).map_err(|p| err(&where_("forward", flags.forward), p))?),
            None if mode == Mode::Socket => return Err(err("$.forward", "required: the downstream address (host:port or unix:/path)")),
            None => return Err(err("$.forward", "required: the downstream URL (http://host:port/path or https://...)")),
        };
        if matches!(listen, Endpoint::Unix(_)) && tls.is_some() {
            return Err(err("$.tls", "TLS is for TCP listeners; a unix socket is reached only on this host"));
        }
        let admin = match string("admin", flags.admin)? {
            None => None,
            Some(a) if a == "off" => None,
            Some(a) => {
                let at = where_("admin", flags.admin);
                let addr: SocketAddr = a.parse().map_err(|_| err(&at, "expected an IP address and port, such as 127.0.0.1:9100, or \"off\""))?;
                if !addr.ip().is_loopback() {
                    return Err(Refusal::Plaintext(format!("{at}: the metrics endpoint {addr} must be on a loopback address")));
                }
                Some(addr)
            }
        };
        let workers = match flags.workers {
            Some(w) => w.parse::<u64>().ok().filter(|n| (1..=64).contains(n)).ok_or_else(|| err("--workers", "expected an integer from 1 to 64"))?,
            None => uint("workers", 2, 1, 64)?,
        };
        let config = Config {
            policy,
            mode,
            listen,
            forward,
            admin,
            workers: workers as usize,
            queue_bytes: uint("queue_bytes", 32 << 20, 1 << 16, u32::MAX as u64)? as usize,
            max_connections: uint("max_connections", 1024, 1, 1 << 20)? as usize,
            idle_timeout: Duration::from_millis(uint("idle_timeout_ms", 60_000, 1, 86_400_000)?),
            shutdown_grace: Duration::from_millis(uint("shutdown_grace_ms", 10_000, 0, 3_600_000)?),
            drain_timeout: Duration::from_millis(uint("drain_timeout_ms", 10_000, 0, 3_600_000)?),
            tls,
            forward_tls,
            max_body_bytes: uint("max_body_bytes", 10 << 20, 1024, 1 << 30)? as usize,
            forward_timeout: Duration::from_millis(uint("forward_timeout_ms", 10_000, 1, 600_000)?),
            retry_after_s: uint("retry_after_s", 1, 0, 3600)?,
        };
        if let Endpoint::Tcp(addr) = &config.listen {
            if !addr.ip().is_loopback() && config.tls.is_none() {
                return Err(Refusal::Plaintext(format!(
                    "{}: refusing a plaintext listener on {addr}, which other hosts can reach; listen on a loopback address or a unix socket, or configure tls",
                    where_("listen", flags.listen)
                )));
            }
        }
        Ok(config)
    }
}

/// `host:port` with an IP address, or `unix:/path`.
fn endpoint(text: &str) -> Result<Endpoint, String> {
    if let Some(path) = text.strip_prefix("unix:") {
        if path.is_empty() {
            return Err("expected a socket path after unix:".into());
        }
        return Ok(Endpoint::Unix(PathBuf::from(path)));
    }
    text.parse()
        .map(Endpoint::Tcp)
        .map_err(|_| format!("expected an IP address and port (127.0.0.1:9000) or unix:/path, not `{text}`"))
}

/// `http://host:port/path` or `https://...` (port defaults 80 and 443, path `/`).
fn url(text: &str) -> Result<Url, String> {
    let bad = || format!("expected an http:// or https:// URL such as http://127.0.0.1:8080/, not `{text}`");
    let (https, rest) = match (text.strip_prefix("http://"), text.strip_prefix("https://")) {
        (Some(r), _) => (false, r),
        (_, Some(r)) => (true, r),
        _ => return Err(bad()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    if authority.contains('@') {
        return Err("credentials in the URL are not supported".into());
    }
    let (host, port) = if let Some(r) = authority.strip_prefix('[') {
        let (h, after) = r.split_once(']').ok_or_else(bad)?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => if https { 443 } else { 80 },
        Some(p) => p.parse().map_err(|_| bad())?,
    };
    if host.is_empty() || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:_".contains(&b)) {
        return Err(bad());
    }
    Ok(Url { https, host: host.to_string(), port, path: path.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Refusal> {
        Config::parse(Some(text), Path::new("/etc/logseal"), &Overrides::default())
    }

    fn invalid(text: &str) -> String {
        match parse(text) {
            Err(Refusal::Invalid(e)) => e.to_string(),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_relative_policy_paths() {
        let c = parse(r#"{"version":1,"forward":"127.0.0.1:9001","policy":"policy.json"}"#).unwrap();
        assert_eq!(c.listen, Endpoint::Tcp("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(c.policy.as_deref(), Some("/etc/logseal/policy.json"));
        assert_eq!(c.workers, 2);
        assert_eq!(c.admin, None);
        assert_eq!(c.queue_bytes, 32 << 20);
    }

    #[test]
    fn unix_sockets_and_flags_win_over_the_file() {
        let flags = Overrides { listen: Some("unix:/run/in.sock"), workers: Some("3"), ..Default::default() };
        let c = Config::parse(Some(r#"{"version":1,"forward":"unix:/run/out.sock","listen":"127.0.0.1:1"}"#), Path::new("."), &flags).unwrap();
        assert_eq!(c.listen, Endpoint::Unix("/run/in.sock".into()));
        assert_eq!(c.forward, Endpoint::Unix("/run/out.sock".into()));
        assert_eq!(c.workers, 3);
    }

    #[test]
    fn faults_name_their_path() {
        assert_eq!(invalid(r#"{"version":1,"forward":"x"}"#), "$.forward: expected an IP address and port (127.0.0.1:9000) or unix:/path, not `x`");
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","listne":"a"}"#).starts_with("$.listne: unknown key"));
        assert_eq!(invalid(r#"{"forward":"127.0.0.1:1"}"#), "$.version: expected 1");
        assert!(invalid(r#"{"version":1}"#).starts_with("$.forward: required"));
        assert_eq!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","workers":0}"#), "$.workers: expected an integer from 1 to 64");
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","mode":"http"}"#).starts_with("$.forward: expected an http://"));
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","mode":"tcp"}"#).starts_with("$.mode: "));
        assert_eq!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","tls":{}}"#), "$.tls.cert: required: a PEM file path");
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","tls":{"cert":"a","key":"b","ca":"c"}}"#).starts_with("$.tls.ca: unknown key"));
    }

    #[test]
    fn http_modes_take_urls() {
        let c = parse(r#"{"version":1,"mode":"otlp","forward":"https://collector.internal:4318/v1/logs","forward_tls":{"ca":"ca.pem"}}"#).unwrap();
        assert_eq!(c.mode, Mode::Otlp);
        let want = Url { https: true, host: "collector.internal".into(), port: 4318, path: "/v1/logs".into() };
        assert_eq!(c.forward, Endpoint::Http(want));
        assert_eq!(c.forward_tls.ca.as_deref(), Some(Path::new("/etc/logseal/ca.pem")));
        let c = parse(r#"{"version":1,"mode":"http","forward":"http://[::1]"}"#).unwrap();
        assert_eq!(c.forward, Endpoint::Http(Url { https: false, host: "::1".into(), port: 80, path: "/".into() }));
        assert_eq!(c.forward.to_string(), "http://[::1]:80/");
        for bad in ["ftp://x/", "http://", "http://a:b/", "http://u:p@h/", "http://a b/"] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tls_allows_a_reachable_listener() {
        let c = parse(r#"{"version":1,"forward":"127.0.0.1:1","listen":"0.0.0.0:9000","tls":{"cert":"c.pem","key":"k.pem"}}"#).unwrap();
        assert_eq!(c.tls, Some(ServerTls { cert: "/etc/logseal/c.pem".into(), key: "/etc/logseal/k.pem".into() }));
    }

    #[test]
    fn the_shipped_example_is_valid() {
        let c = parse(include_str!("../../../host-examples/vector/serve.json")).unwrap();
        assert_eq!(c.forward, Endpoint::Tcp("127.0.0.1:9001".parse().unwrap()));
        assert_eq!(c.admin, Some("127.0.0.1:9100".parse().unwrap()));
        let c = parse(include_str!("../../../host-examples/vector/serve-http.json")).unwrap();
        assert_eq!((c.mode, c.forward.to_string()), (Mode::Http, "http://127.0.0.1:9011/logseal".to_string()));
        let c = parse(include_str!("../../../host-examples/otel/serve-otlp.json")).unwrap();
        assert_eq!((c.mode, c.forward.to_string()), (Mode::Otlp, "http://127.0.0.1:4319/v1/logs".to_string()));
    }

    #[test]
    fn plaintext_on_a_reachable_address_is_refused() {
        for text in [
            r#"{"version":1,"forward":"127.0.0.1:1","listen":"0.0.0.0:9000"}"#,
            r#"{"version":1,"forward":"127.0.0.1:1","listen":"[::]:9000"}"#,
            r#"{"version":1,"forward":"127.0.0.1:1","admin":"10.0.0.1:9100"}"#,
        ] {
            assert!(matches!(parse(text), Err(Refusal::Plaintext(_))), "{text}");
        }
        assert!(parse(r#"{"version":1,"forward":"10.0.0.2:9001","listen":"[::1]:9000"}"#).is_ok());
    }
}
