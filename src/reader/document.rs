//! Reads a policy document into a JSON value strictly: a key given twice in one object is
//! refused with its JSON path instead of the later one silently replacing the first (which is
//! what a plain `serde_json::Value` does). Works over any serde format, so the command line's
//! YAML policies are read by the same rule as JSON ones.

use super::{child_path, index_path};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// Why a document could not be read.
#[derive(Debug)]
pub enum DocumentError<E> {
    /// The key at `path` appears more than once in its object; `error` is the format's error,
    /// which carries the position.
    Duplicate { path: String, error: E },
    /// A value JSON has no form for (a YAML tag, or a non-finite number), at `path`.
    Unsupported { path: String, what: &'static str, error: E },
    /// The text is not well-formed in its format.
    Format(E),
}

/// Builds the document from `d`, refusing duplicate keys.
///
/// ```
/// use logseal::policy::document::{strict_value, DocumentError};
/// let mut d = serde_json::Deserializer::from_str(r#"{"redact":{"disable":[]},"redact":{}}"#);
/// match strict_value(&mut d) {
///     Err(DocumentError::Duplicate { path, .. }) => assert_eq!(path, "$.redact"),
///     _ => panic!("a duplicate key must be refused"),
/// }
/// ```
pub fn strict_value<'de, D: Deserializer<'de>>(d: D) -> Result<Value, DocumentError<D::Error>> {
    let fault = RefCell::new(None);
    match (Seed { path: "$".to_string(), fault: &fault }).deserialize(d) {
        Ok(v) => Ok(v),
        Err(error) => Err(match fault.into_inner() {
            Some(Fault::Duplicate(path)) => DocumentError::Duplicate { path, error },
            Some(Fault::Unsupported(path, what)) => DocumentError::Unsupported { path, what, error },
            None => DocumentError::Format(error),
        }),
    }
}

enum Fault {
    Duplicate(String),
    Unsupported(String, &'static str),
}

/// One value at `path`; the first fault found is kept in `fault` so the caller can name it.
struct Seed<'a> {
    path: String,
    fault: &'a RefCell<Option<Fault>>,
}

impl Seed<'_> {
    fn refuse<E: de::Error>(&self, fault: Fault, message: &str) -> E {
        let mut slot = self.fault.borrow_mut();
        if slot.is_none() {
            *slot = Some(fault);
        }
        E::custom(message)
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        match Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.refuse(Fault::Unsupported(self.path.clone(), "a number that is not finite"), "a number that is not finite")),
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    // A YAML tag (`!secret x`) arrives as an enum: JSON has no form for it.
    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Value, A::Error> {
        Err(self.refuse(Fault::Unsupported(self.path.clone(), "a tagged value (`!tag`)"), "a tagged value"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(Seed { path: index_path(&self.path, items.len()), fault: self.fault })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = child_path(&self.path, &key);
            if out.contains_key(&key) {
                return Err(self.refuse(Fault::Duplicate(path), "duplicate key"));
            }
            let value = map.next_value_seed(Seed { path, fault: self.fault })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, DocumentError<serde_json::Error>> {
        let mut d = serde_json::Deserializer::from_str(text);
        let v = strict_value(&mut d)?;
        d.end().map_err(DocumentError::Format)?;
        Ok(v)
    }

    #[test]
    fn a_document_reads_as_serde_json_reads_it() {
        let text = r#"{"version":1,"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        assert_eq!(read(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let cases = [
            (r#"{"version":1,"version":1}"#, "$.version"),
            (r#"{"redact":{"deny":[],"deny":[]}}"#, "$.redact.deny"),
            (r#"{"redact":{"rules":[{"name":"a"},{"name":"b","name":"c"}]}}"#, "$.redact.rules[1].name"),
            (r#"{"sample":{"levels":{"x-y":1,"x-y":2}}}"#, r#"$.sample.levels["x-y"]"#),
        ];
        for (text, want) in cases {
            match read(text) {
                Err(DocumentError::Duplicate { path, error }) => {
                    assert_eq!(path, want, "{text}");
                    assert!(error.line() >= 1);
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_same_key_in_different_objects_is_not_a_duplicate() {
        assert!(read(r#"{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":2}]}"#).is_ok());
    }

    #[test]
    fn malformed_text_is_a_format_error() {
        assert!(matches!(read(r#"{"a":"#), Err(DocumentError::Format(_))));
        assert!(matches!(read(r#"{"a":1} x"#), Err(DocumentError::Format(_))));
    }
}
