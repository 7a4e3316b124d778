//! A strict reader over a parsed JSON document that tracks the JSON path of every value, so
//! each refusal says exactly where the fault is. Policies, keyrings and public key files are
//! read with it; it sits below them (and below [`crate::predicate`]), so none reaches up.

pub mod document;
mod error;
pub mod pattern;

pub use error::{PolicyError, Problem};
use serde_json::{Map, Value};

/// A value and its JSON path.
#[derive(Clone, Copy)]
pub struct Field<'v, 'p> {
    pub value: &'v Value,
    pub path: &'p str,
}

/// The JSON type name used in messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The path of member `key` under `parent`.
pub fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Value::String(key.to_string()))
    }
}

/// The path of element `i` under `parent`.
pub fn index_path(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

impl<'v, 'p> Field<'v, 'p> {
    pub fn new(value: &'v Value, path: &'p str) -> Self {
        Field { value, path }
    }

    fn wrong(&self, expected: &'static str) -> PolicyError {
        PolicyError::new(self.path, Problem::WrongType { expected, found: type_name(self.value) })
    }

    pub fn invalid(&self, why: impl Into<String>) -> PolicyError {
        PolicyError::new(self.path, Problem::Invalid(why.into()))
    }

    /// The value as an object whose keys must all be in `allowed`.
    pub fn object(&self, allowed: &'static [&'static str]) -> Result<Obj<'v>, PolicyError> {
        let Value::Object(map) = self.value else {
            return Err(self.wrong("an object"));
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(PolicyError::new(child_path(self.path, k), Problem::UnknownKey { allowed }));
        }
        Ok(Obj { map, path: self.path.to_string() })
    }

    /// The value as an object, its keys not checked (the caller judges each one).
    pub fn members(&self) -> Result<Obj<'v>, PolicyError> {
        let Value::Object(map) = self.value else {
            return Err(self.wrong("an object"));
        };
        Ok(Obj { map, path: self.path.to_string() })
    }

    pub fn str(&self) -> Result<&'v str, PolicyError> {
        self.value.as_str().ok_or_else(|| self.wrong("a string"))
    }

    pub fn bool(&self) -> Result<bool, PolicyError> {
        self.value.as_bool().ok_or_else(|| self.wrong("a boolean"))
    }

    /// An integer in `min..=max`.
    pub fn uint(&self, min: u64, max: u64) -> Result<u64, PolicyError> {
        match self.value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ if self.value.is_number() => {
                Err(PolicyError::new(self.path, Problem::OutOfRange { min, max }))
            }
            _ => Err(self.wrong("an integer")),
        }
    }

    /// A number from 0 to 1 (a sampling rate).
    pub fn rate(&self) -> Result<f64, PolicyError> {
        match self.value.as_f64() {
            Some(r) if (0.0..=1.0).contains(&r) => Ok(r),
            Some(_) => Err(PolicyError::new(self.path, Problem::Invalid("expected a rate from 0 to 1".into()))),
            None => Err(self.wrong("a number from 0 to 1")),
        }
    }

    pub fn array(&self) -> Result<&'v [Value], PolicyError> {
        self.value.as_array().map(Vec::as_slice).ok_or_else(|| self.wrong("an array"))
    }

    /// One of `choices`, returned as the index of the match.
    pub fn choice(&self, choices: &'static [&'static str]) -> Result<usize, PolicyError> {
        let s = self.str()?;
        choices.iter().position(|c| *c == s).ok_or_else(|| {
            PolicyError::new(self.path, Problem::Invalid(format!("expected one of: {}", choices.join(", "))))
        })
    }
}

/// An object whose keys have been checked against the schema.
pub struct Obj<'v> {
    map: &'v Map<String, Value>,
    pub path: String,
}

impl<'v> Obj<'v> {
    /// The member `key` with its path, if present.
    pub fn get(&self, key: &str) -> Option<(&'v Value, String)> {
        self.map.get(key).map(|v| (v, child_path(&self.path, key)))
    }

    /// The member `key`, or a Missing error.
    pub fn require(&self, key: &str) -> Result<(&'v Value, String), PolicyError> {
        self.get(key).ok_or_else(|| PolicyError::new(child_path(&self.path, key), Problem::Missing))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'v String, &'v Value)> {
        self.map.iter()
    }
}

/// Parses `text` as JSON, reporting syntax errors by line and column only.
/// Parses policy JSON; a key given twice in one object is refused (see [`document`]).
pub fn parse_json(text: &str) -> Result<Value, PolicyError> {
    use document::{strict_value, DocumentError};
    let syntax = |e: &serde_json::Error| Problem::Syntax { line: e.line(), column: e.column() };
    let mut d = serde_json::Deserializer::from_str(text);
    let doc = strict_value(&mut d).map_err(|e| match e {
        DocumentError::Duplicate { path, error } => PolicyError::new(path, Problem::Duplicate { line: error.line(), column: error.column() }),
        DocumentError::Unsupported { path, what, .. } => PolicyError::new(path, Problem::Invalid(format!("{what} cannot be a policy value"))),
        DocumentError::Format(error) => PolicyError::new("$", syntax(&error)),
    })?;
    d.end().map_err(|e| PolicyError::new("$", syntax(&e)))?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_quote_keys_that_are_not_identifiers() {
        assert_eq!(child_path("$", "limits"), "$.limits");
        assert_eq!(child_path("$.a", "x-y"), r#"$.a["x-y"]"#);
        assert_eq!(index_path("$.rules", 3), "$.rules[3]");
    }

    #[test]
    fn unknown_keys_are_named_with_their_path() {
        let v: Value = serde_json::json!({"max_dpth": 3});
        let err = Field::new(&v, "$.limits").object(&["max_depth"]).err().unwrap();
        assert_eq!(err.to_string(), "$.limits.max_dpth: unknown key; expected one of: max_depth");
    }

    #[test]
    fn wrong_types_and_ranges_say_what_was_expected() {
        let v = serde_json::json!("deep");
        assert_eq!(
            Field::new(&v, "$.x").uint(1, 9).err().unwrap().to_string(),
            "$.x: expected an integer, found a string"
        );
        let v = serde_json::json!(0);
        assert_eq!(
            Field::new(&v, "$.x").uint(1, 9).err().unwrap().to_string(),
            "$.x: expected an integer from 1 to 9"
        );
    }

    #[test]
    fn syntax_errors_give_line_and_column_not_content() {
        let err = parse_json("{\n  \"secret\": \"hunter2\",\n}").err().unwrap();
        let msg = err.to_string();
        assert!(msg.starts_with("$: not valid JSON (line 3"), "{msg}");
        assert!(!msg.contains("hunter2"));
    }
}
