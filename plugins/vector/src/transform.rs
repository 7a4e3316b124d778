//! The transform itself, over a [`Host`]: reads the module options, loads the policy once,
//! and turns one event into zero or one event. The wasm exports in `lib.rs` only bind it to
//! Vector's imports; tests bind it to a fake host.

use logseal::policy::{Environment, Plan};
use logseal::stage::seal::CHAIN_RANDOM_BYTES;
use logseal::{Context, Filter, Outcome};

/// What the transform needs of Vector.
pub trait Host {
    /// `env.register`: the module's registration, JSON.
    fn register(&mut self, registration: &[u8]);
    /// `env.emit`: one output event, a JSON object.
    fn emit(&mut self, event: &[u8]);
    /// `env.raise`: an error for Vector's log.
    fn raise(&mut self, message: &str);
    /// `env.config_size` + `env.config`: the module configuration, JSON.
    fn config(&mut self) -> Vec<u8>;
    /// The host's time, nanoseconds since the Unix epoch (WASI's wall clock), if it has one.
    fn time_ns(&mut self) -> Option<i64>;
    /// The host's randomness (WASI `random_get`); false when it has none.
    fn random(&mut self, buf: &mut [u8]) -> bool;
}

/// The registration Vector expects from a transform's `init`.
pub const REGISTRATION: &[u8] = br#"{"role":"Transform"}"#;

/// Where the policy comes from, in the module's `options`.
#[derive(Debug, PartialEq)]
enum Source {
    /// `options.policy`: the policy itself, as a JSON object or as its text.
    Inline(String),
    /// `options.policy_path`: a file inside the WASI sandbox (hosts that pre-open one).
    Path(String),
    /// Neither: the built-in default policy.
    Default,
}

/// Reads the policy source from the configuration JSON (`{"options": {...}, ...}`).
fn source(config: &[u8]) -> Result<Source, String> {
    let value: serde_json::Value = serde_json::from_slice(config).map_err(|e| format!("the module configuration is not JSON ({e})"))?;
    let options = match value.get("options") {
        None | Some(serde_json::Value::Null) => return Ok(Source::Default),
        Some(serde_json::Value::Object(o)) => o,
        Some(_) => return Err("options: must be a table".into()),
    };
    if let Some(unknown) = options.keys().find(|k| !matches!(k.as_str(), "policy" | "policy_path")) {
        return Err(format!("options.{unknown}: unknown option (known: policy, policy_path)"));
    }
    match (options.get("policy"), options.get("policy_path")) {
        (Some(_), Some(_)) => Err("options: give policy or policy_path, not both".into()),
        (Some(serde_json::Value::String(text)), None) => Ok(Source::Inline(text.clone())),
        (Some(p @ serde_json::Value::Object(_)), None) => Ok(Source::Inline(p.to_string())),
        (Some(_), None) => Err("options.policy: must be the policy as a table or as JSON text".into()),
        (None, Some(serde_json::Value::String(path))) => Ok(Source::Path(path.clone())),
        (None, Some(_)) => Err("options.policy_path: must be a path".into()),
        (None, None) => Ok(Source::Default),
    }
}

/// Files and variables of the WASI sandbox, warnings through `raise`'s sibling: stderr.
struct Sandbox;

impl Environment for Sandbox {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| e.kind().to_string())
    }
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn warn(&self, message: &str) {
        eprintln!("[logseal] warning: {message}");
    }
}

/// The loaded transform: the filter and its reused output buffer.
pub struct Transform {
    filter: Filter,
    out: Vec<u8>,
}

impl Transform {
    /// `init`: loads the policy the options name (a fault is raised and the lockdown policy
    /// runs, so every record says why), starts the hash chain, registers.
    pub fn start(host: &mut dyn Host) -> Transform {
        let config = host.config();
        let plan = match source(&config).and_then(|s| load(&s)) {
            Ok(plan) => plan,
            Err(why) => {
                host.raise(&format!("logseal: {why}; running the lockdown policy, every record carries this error"));
                Plan::lockdown(&why)
            }
        };
        let mut filter = Filter::new(plan);
        if filter.plan().sealer.is_some() {
            let mut random = [0u8; CHAIN_RANDOM_BYTES];
            if host.random(&mut random) {
                filter.start_chain(&random);
            } else {
                host.raise("logseal: no randomness from the host: records go out unsealed and marked");
            }
        }
        filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
        host.register(REGISTRATION);
        Transform { filter, out: Vec::new() }
    }

    /// `process`: filters one event (Vector's JSON of a log event) and emits what comes out.
    /// Returns the number of events emitted (0 when sampling dropped it).
    pub fn process(&mut self, host: &mut dyn Host, event: Option<&[u8]>) -> u32 {
        let time_ns = host.time_ns().unwrap_or(0);
        let outcome = match event {
            Some(event) => self.filter.process(event, &Context { time_ns, ..Context::default() }, &mut self.out),
            None => self.filter.host_error("Vector passed an event outside module memory", time_ns, &mut self.out),
        };
        if outcome == Outcome::Dropped {
            return 0;
        }
        host.emit(&self.out);
        1
    }

    /// `shutdown`: the counters, for Vector's log.
    pub fn counters_json(&self) -> String {
        self.filter.stats_json()
    }
}

fn load(source: &Source) -> Result<Plan, String> {
    match source {
        Source::Default => {
            eprintln!("[logseal] no policy in the module options: running the built-in default policy");
            Ok(Plan::default_policy())
        }
        Source::Inline(text) => Plan::load(text, &Sandbox, None).map_err(|e| format!("options.policy: {e}")),
        Source::Path(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("options.policy_path: cannot read {path}: {}", e.kind()))?;
            let text = std::str::from_utf8(&bytes).map_err(|_| format!("options.policy_path: {path} is not UTF-8 text"))?;
            let dir = path.rsplit_once('/').map(|(d, _)| if d.is_empty() { "/" } else { d });
            Plan::load(text, &Sandbox, dir).map_err(|e| format!("policy {path}: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Fake {
        config: Vec<u8>,
        registered: Vec<Vec<u8>>,
        emitted: Vec<Vec<u8>>,
        raised: Vec<String>,
    }

    impl Host for Fake {
        fn register(&mut self, r: &[u8]) {
            self.registered.push(r.to_vec());
        }
        fn emit(&mut self, e: &[u8]) {
            self.emitted.push(e.to_vec());
        }
        fn raise(&mut self, m: &str) {
            self.raised.push(m.to_string());
        }
        fn config(&mut self) -> Vec<u8> {
            self.config.clone()
        }
        fn time_ns(&mut self) -> Option<i64> {
            Some(1_767_225_600_000_000_000)
        }
        fn random(&mut self, buf: &mut [u8]) -> bool {
            buf.fill(7);
            true
        }
    }

    fn fake(config: &str) -> Fake {
        Fake { config: config.as_bytes().to_vec(), ..Fake::default() }
    }

    #[test]
    fn options_name_the_policy_source() {
        assert_eq!(source(br#"{"role":"Transform","options":{}}"#), Ok(Source::Default));
        assert_eq!(source(br#"{"path":"x.wasm"}"#), Ok(Source::Default));
        assert_eq!(source(br#"{"options":{"policy":"{\"version\":1}"}}"#), Ok(Source::Inline(r#"{"version":1}"#.into())));
        assert_eq!(source(br#"{"options":{"policy":{"version":1}}}"#), Ok(Source::Inline(r#"{"version":1}"#.into())));
        assert_eq!(source(br#"{"options":{"policy_path":"/etc/logseal.json"}}"#), Ok(Source::Path("/etc/logseal.json".into())));
        assert!(source(br#"{"options":{"policy":{},"policy_path":"x"}}"#).unwrap_err().contains("not both"));
        assert!(source(br#"{"options":{"polcy":1}}"#).unwrap_err().starts_with("options.polcy"));
        assert!(source(br#"{"options":{"policy":5}}"#).unwrap_err().starts_with("options.policy"));
        assert!(source(b"not json").is_err());
    }

    #[test]
    fn init_registers_and_a_record_is_filtered_and_emitted() {
        let mut host = fake(r#"{"options":{}}"#);
        let mut t = Transform::start(&mut host);
        assert_eq!(host.registered, vec![REGISTRATION.to_vec()]);
        assert_eq!(t.process(&mut host, Some(br#"{"message":"password=hunter2"}"#)), 1);
        let out = String::from_utf8(host.emitted.pop().unwrap()).unwrap();
        assert!(out.contains("[REDACTED:password]") && !out.contains("hunter2"), "{out}");
        assert!(host.raised.is_empty());
    }

    #[test]
    fn an_invalid_policy_is_raised_with_its_path_and_every_record_carries_it() {
        let mut host = fake(r#"{"options":{"policy":{"version":1,"redact":{"actions":{"card":"shred"}}}}}"#);
        let mut t = Transform::start(&mut host);
        assert_eq!(host.raised.len(), 1);
        assert!(host.raised[0].contains("redact.actions.card"), "{}", host.raised[0]);
        assert_eq!(host.registered.len(), 1, "still registers, so Vector keeps the transform");
        t.process(&mut host, Some(br#"{"message":"card 4111 1111 1111 1111"}"#));
        let out: serde_json::Value = serde_json::from_slice(&host.emitted[0]).unwrap();
        assert!(out["logseal"]["policy_error"].as_str().unwrap().contains("redact.actions.card"));
        assert!(!host.emitted[0].windows(4).any(|w| w == b"1111"));
    }

    #[test]
    fn an_event_outside_memory_becomes_an_error_record() {
        let mut host = fake("{}");
        let mut t = Transform::start(&mut host);
        assert_eq!(t.process(&mut host, None), 1);
        let out: serde_json::Value = serde_json::from_slice(&host.emitted[0]).unwrap();
        assert_eq!(out["logseal"]["error"]["kind"], "host");
    }
}
