//! Where a policy's text comes from (a file or stdin) and in which format: JSON, or YAML with
//! comments. YAML is read into the same document as JSON (duplicate keys refused, JSON paths in
//! every fault) and handed on as JSON text, so the core and every host read one format.

use super::exit::io_reason;
use super::input::STDIN;
use logseal::policy::document::{strict_value, DocumentError};
use logseal::policy::{PolicyError, Problem};
use std::path::Path;

/// Why a policy source gave no policy text.
pub enum SourceError {
    /// The file or stdin could not be read; the message names it.
    Io(String),
    /// The text is not a well-formed document (its JSON path and position given).
    Policy(PolicyError),
}

/// A policy's text as JSON, and the directory its key files resolve from.
pub struct PolicySource {
    pub json: String,
    pub dir: String,
}

/// Reads the policy at `source` (`-`: stdin). A file named `*.yaml` or `*.yml` is YAML, as is
/// stdin whose first non-blank character is not `{`; everything else is JSON.
pub fn read(source: &str) -> Result<PolicySource, SourceError> {
    let (text, dir) = if source == STDIN {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| SourceError::Io(format!("cannot read the policy from stdin: {}", io_reason(&e))))?;
        (text, ".".to_string())
    } else {
        let text = std::fs::read_to_string(source).map_err(|e| SourceError::Io(format!("cannot read policy {source}: {}", io_reason(&e))))?;
        let dir = Path::new(source).parent().and_then(Path::to_str).filter(|d| !d.is_empty()).unwrap_or(".");
        (text, dir.to_string())
    };
    let json = if is_yaml(source, &text) { yaml_to_json(&text).map_err(SourceError::Policy)? } else { text };
    Ok(PolicySource { json, dir })
}

fn is_yaml(source: &str, text: &str) -> bool {
    if source == STDIN {
        return !text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
    }
    let ext = Path::new(source).extension().and_then(|e| e.to_str()).unwrap_or("");
    ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml")
}

/// Converts a YAML policy to JSON text; faults carry the JSON path (or `$` and the position).
///
/// The JSON is re-read by the policy reader, which judges it exactly as a JSON policy.
pub fn yaml_to_json(text: &str) -> Result<String, PolicyError> {
    let position = |e: &yaml_serde::Error| e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    let doc = strict_value(yaml_serde::Deserializer::from_str(text)).map_err(|e| match e {
        DocumentError::Duplicate { path, error } => {
            let (line, column) = position(&error);
            PolicyError::new(path, Problem::Duplicate { line, column })
        }
        DocumentError::Unsupported { path, what, .. } => PolicyError::new(path, Problem::Invalid(format!("{what} cannot be a policy value"))),
        DocumentError::Format(error) => {
            let (line, column) = position(&error);
            PolicyError::new("$", Problem::YamlSyntax { line, column, detail: detail(&error) })
        }
    })?;
    serde_json::to_string(&doc).map_err(|_| PolicyError::new("$", Problem::Invalid("the YAML document has no JSON form".into())))
}

/// `logseal policy json FILE`: the policy validated and printed as JSON (pretty, one document),
/// for hosts that load JSON only. Returns the exit code.
pub fn print_json(source: &str) -> i32 {
    let text = match read(source) {
        Ok(s) => s.json,
        Err(SourceError::Io(msg)) => {
            eprintln!("logseal: {msg}");
            return super::exit::IO;
        }
        Err(SourceError::Policy(fault)) => {
            eprintln!("logseal: policy {source} refused: {fault}");
            return super::exit::POLICY;
        }
    };
    if let Err(fault) = logseal::policy::Policy::parse(&text) {
        eprintln!("logseal: policy {source} refused: {fault}");
        return super::exit::POLICY;
    }
    // Printed from the document as read: key order is the reader's, values unchanged.
    let pretty = serde_json::from_str::<serde_json::Value>(&text).and_then(|v| serde_json::to_string_pretty(&v));
    match pretty {
        Ok(p) => super::exit::print_all(format!("{p}\n").as_bytes()),
        Err(_) => {
            eprintln!("logseal: policy {source} has no JSON form");
            super::exit::POLICY
        }
    }
}

/// The parser's description of a fault without its position, or None when it quotes anything
/// from the text (a misplaced secret must not be echoed).
fn detail(e: &yaml_serde::Error) -> Option<String> {
    let mut s = e.to_string();
    while let Some(at) = s.find(" at line ") {
        let rest = &s[at + " at line ".len()..];
        // " at line N column M": drop it, keep what follows (", while parsing ...").
        let end = rest
            .find(" column ")
            .map(|c| c + " column ".len())
            .map(|c| c + rest[c..].find(|ch: char| !ch.is_ascii_digit()).unwrap_or(rest.len() - c))
            .unwrap_or(rest.len());
        s = format!("{}{}", &s[..at], &rest[end..]);
    }
    let quotes = s.contains(['"', '\'', '`']);
    (!quotes && !s.is_empty() && s.len() < 200).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use logseal::policy::Policy;

    fn faults(yaml: &str) -> Vec<String> {
        match yaml_to_json(yaml) {
            Ok(json) => match Policy::parse_all(&json) {
                Ok(_) => Vec::new(),
                Err(f) => f.iter().map(|f| f.to_string()).collect(),
            },
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn a_yaml_policy_with_comments_reads_as_the_same_json_policy() {
        let yaml = "# what we run in staging\nversion: 1   # always 1\nredact:\n  disable: [phone]\n  deny:\n    - internal_note\nsample:\n  levels: {debug: 0.1}\n";
        let json = r#"{"version":1,"redact":{"disable":["phone"],"deny":["internal_note"]},"sample":{"levels":{"debug":0.1}}}"#;
        let a: serde_json::Value = serde_json::from_str(&yaml_to_json(yaml).unwrap()).unwrap();
        let b: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(a, b);
        assert!(Policy::parse(&yaml_to_json(yaml).unwrap()).is_ok());
    }

    #[test]
    fn faults_in_yaml_name_the_json_path() {
        assert_eq!(faults("version: 1\nlimits:\n  max_depth: 0\n"), ["$.limits.max_depth: expected an integer from 1 to 1024"]);
        let f = faults("version: 1\nredact:\n  dissable: []\n");
        assert!(f[0].starts_with("$.redact.dissable: unknown key"), "{f:?}");
        // YAML 1.1's yes/no are strings in YAML 1.2: the strict reader says what it expected.
        let f = faults("version: 1\nredact:\n  phones_in_text: yes\n");
        assert_eq!(f, ["$.redact.phones_in_text: expected a boolean, found a string"]);
    }

    #[test]
    fn duplicate_keys_in_yaml_are_refused_with_path_and_line() {
        let f = faults("version: 1\nredact:\n  deny: [a]\n  deny: [b]\n");
        assert_eq!(f.len(), 1);
        assert!(f[0].starts_with("$.redact.deny: key given twice in one object (near line "), "{f:?}");
    }

    #[test]
    fn yaml_syntax_errors_give_the_position_and_never_quote_the_text() {
        let f = faults("version: 1\nkeys:\n  seal: \"base64:c2VjcmV0LXZhbHVl\n  sample: x\n");
        assert_eq!(f.len(), 1);
        assert!(f[0].starts_with("$: not valid YAML (line "), "{f:?}");
        assert!(!f[0].contains("c2VjcmV0"), "{f:?}");
        let f = faults("version: 1\n  bad: indent: here\n");
        assert!(f[0].starts_with("$: not valid YAML (line 2"), "{f:?}");
    }

    #[test]
    fn yaml_that_json_cannot_hold_is_refused() {
        let f = faults("version: 1\nkeys:\n  seal: !secret abc\n");
        assert_eq!(f, ["$.keys.seal: a tagged value (`!tag`) cannot be a policy value"]);
        assert!(faults("version: 1\n---\nversion: 1\n")[0].starts_with("$: not valid YAML"));
        assert!(faults("- version\n- 1\n")[0].starts_with("$: expected an object"));
    }

    #[test]
    fn non_string_keys_are_refused_without_quoting_them() {
        let f = faults("version: 1\nsample:\n  levels:\n    [debug]: 0.1\n");
        assert_eq!(f.len(), 1);
        assert!(f[0].starts_with("$: not valid YAML"), "{f:?}");
    }

    #[test]
    fn stdin_is_yaml_unless_it_opens_an_object() {
        assert!(!is_yaml("-", "  {\"version\":1}"));
        assert!(is_yaml("-", "version: 1\n"));
        assert!(is_yaml("p.YML", "{}"));
        assert!(!is_yaml("p.json", "version: 1"));
    }
}
