//! The `logseal serve` configuration file: one JSON object, checked like the policy (unknown
//! keys refused, every error names its JSON path). Command-line flags override the file.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where to listen or forward: a TCP address or a unix socket path (`unix:/path`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp(a) => write!(f, "{a}"),
            Endpoint::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// A checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The policy file (None: the built-in default policy).
    pub policy: Option<String>,
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
        match obj.get("mode").map(|v| v.as_str()) {
            None | Some(Some("socket")) => {}
            Some(Some("http" | "otlp")) => return Err(err("$.mode", "only \"socket\" is implemented by this build")),
            Some(_) => return Err(err("$.mode", "expected \"socket\"")),
        }
        if obj.contains_key("tls") {
            return Err(err("$.tls", "TLS is not implemented by this build; terminate TLS in front of logseal serve"));
        }
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
            Some(f) => endpoint(&f).map_err(|p| err(&where_("forward", flags.forward), p))?,
            None => return Err(err("$.forward", "required: the downstream address (host:port or unix:/path)")),
        };
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
            listen,
            forward,
            admin,
            workers: workers as usize,
            queue_bytes: uint("queue_bytes", 32 << 20, 1 << 16, u32::MAX as u64)? as usize,
            max_connections: uint("max_connections", 1024, 1, 1 << 20)? as usize,
            idle_timeout: Duration::from_millis(uint("idle_timeout_ms", 60_000, 1, 86_400_000)?),
            shutdown_grace: Duration::from_millis(uint("shutdown_grace_ms", 10_000, 0, 3_600_000)?),
            drain_timeout: Duration::from_millis(uint("drain_timeout_ms", 10_000, 0, 3_600_000)?),
        };
        if let Endpoint::Tcp(addr) = &config.listen {
            if !addr.ip().is_loopback() {
                return Err(Refusal::Plaintext(format!(
                    "{}: refusing a plaintext listener on {addr}, which other hosts can reach; listen on a loopback address or a unix socket",
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
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","mode":"http"}"#).starts_with("$.mode: "));
        assert!(invalid(r#"{"version":1,"forward":"127.0.0.1:1","tls":{}}"#).starts_with("$.tls: "));
    }

    #[test]
    fn the_shipped_example_is_valid() {
        let c = parse(include_str!("../../../host-examples/vector/serve.json")).unwrap();
        assert_eq!(c.forward, Endpoint::Tcp("127.0.0.1:9001".parse().unwrap()));
        assert_eq!(c.admin, Some("127.0.0.1:9100".parse().unwrap()));
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
