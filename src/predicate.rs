//! The condition language used by classify, sample and redact rules. Deliberately small and
//! not a scripting language:
//!
//! | form | true when |
//! |---|---|
//! | `{"field": "status", "equals": 401}` | the field equals the value (`"401"` also equals `401`) |
//! | `{"field": "level", "in": ["debug", "trace"]}` | the field equals one of the values |
//! | `{"field": "path", "prefix": "/healthz"}` | the string field starts with the text |
//! | `{"field": "message", "regex": "timeout \\d+"}` | the string field matches (regex crate syntax, ASCII mode) |
//! | `{"field": "status", "range": {"gte": 500, "lt": 600}}` | the number is within every bound given |
//! | `{"field": "user_id", "exists": true}` | the field is present (or absent, with `false`) |
//! | `{"tag": "kube.*"}` | the host's tag for the record matches the glob (`*` is any text) |
//! | `{"all": [..]}`, `{"any": [..]}`, `{"not": {..}}` | combinations |
//!
//! `equals`, `in` and `prefix` take `"ignore_case": true` for ASCII case-insensitive text.
//! Fields are dotted paths into nested objects (`http.response.status`).

use crate::json::Kind;
use crate::reader::pattern::{compile_regex, describe_regex_error};
use crate::reader::{index_path, type_name, Field, PolicyError, Problem};
use crate::record::{FieldPath, Record, Scratch};
use regex::bytes::Regex;
use serde_json::Value;

/// A literal a field is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(Box<[u8]>),
    Num(f64),
    Bool(bool),
    Null,
}

/// Bounds of a numeric range; each is optional.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    pub gt: Option<f64>,
    pub gte: Option<f64>,
    pub lt: Option<f64>,
    pub lte: Option<f64>,
}

impl Range {
    fn contains(&self, v: f64) -> bool {
        self.gt.is_none_or(|b| v > b)
            && self.gte.is_none_or(|b| v >= b)
            && self.lt.is_none_or(|b| v < b)
            && self.lte.is_none_or(|b| v <= b)
    }
}

/// A compiled condition.
#[derive(Clone, Debug)]
pub enum Predicate {
    Equals { field: FieldPath, value: Literal, ignore_case: bool },
    In { field: FieldPath, values: Vec<Literal>, ignore_case: bool },
    Prefix { field: FieldPath, prefix: Box<[u8]>, ignore_case: bool },
    Regex { field: FieldPath, regex: Regex },
    Range { field: FieldPath, range: Range },
    Exists { field: FieldPath, present: bool },
    Tag(Box<[u8]>),
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
}

/// What a predicate may look at besides the record.
#[derive(Clone, Copy, Default)]
pub struct Facts<'a> {
    /// The host's tag for the record (Fluent Bit's tag; empty where the host has none).
    pub tag: &'a [u8],
}

const FIELD_OPS: &[&str] = &["equals", "in", "prefix", "regex", "range", "exists"];
const KEYS: &[&str] =
    &["field", "equals", "in", "prefix", "regex", "range", "exists", "ignore_case", "tag", "all", "any", "not"];
/// Nesting bound for `all`/`any`/`not`, so evaluation depth stays small.
const MAX_NESTING: usize = 16;

impl Predicate {
    /// Compiles a predicate from its JSON form; errors carry the JSON path `path`.
    ///
    /// ```
    /// let v = serde_json::json!({"field": "status", "range": {"gte": 500}});
    /// assert!(logseal::predicate::Predicate::compile(&v, "$.rule").is_ok());
    /// let v = serde_json::json!({"field": "status", "equal": 500});
    /// let err = logseal::predicate::Predicate::compile(&v, "$.rule").unwrap_err();
    /// assert!(err.to_string().starts_with("$.rule.equal: unknown key"));
    /// ```
    pub fn compile(value: &Value, path: &str) -> Result<Predicate, PolicyError> {
        compile_at(value, path, 0)
    }

    /// Evaluates the predicate against a record.
    pub fn eval(&self, rec: &Record, facts: &Facts, scratch: &mut Scratch) -> bool {
        match self {
            Predicate::All(ps) => ps.iter().all(|p| p.eval(rec, facts, scratch)),
            Predicate::Any(ps) => ps.iter().any(|p| p.eval(rec, facts, scratch)),
            Predicate::Not(p) => !p.eval(rec, facts, scratch),
            Predicate::Tag(glob) => glob_match(glob, facts.tag),
            Predicate::Exists { field, present } => rec.find(field, scratch).is_some() == *present,
            Predicate::Equals { field, value, ignore_case } => rec
                .find(field, scratch)
                .is_some_and(|i| literal_eq(rec, i, value, *ignore_case, scratch)),
            Predicate::In { field, values, ignore_case } => rec.find(field, scratch).is_some_and(|i| {
                values.iter().any(|v| literal_eq(rec, i, v, *ignore_case, scratch))
            }),
            Predicate::Prefix { field, prefix, ignore_case } => {
                string_at(rec, field, scratch, |s| {
                    s.get(..prefix.len()).is_some_and(|head| text_eq(head, prefix, *ignore_case))
                })
            }
            Predicate::Regex { field, regex } => string_at(rec, field, scratch, |s| regex.is_match(s)),
            Predicate::Range { field, range } => rec
                .find(field, scratch)
                .and_then(|i| rec.number(i, scratch))
                .is_some_and(|v| range.contains(v)),
        }
    }
}

fn string_at(rec: &Record, field: &FieldPath, scratch: &mut Scratch, test: impl Fn(&[u8]) -> bool) -> bool {
    let Some(tok) = rec.find(field, scratch).and_then(|i| rec.token(i)) else {
        return false;
    };
    tok.kind == Kind::Str && test(rec.text(tok, scratch))
}

fn text_eq(a: &[u8], b: &[u8], ignore_case: bool) -> bool {
    if ignore_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn literal_eq(rec: &Record, idx: usize, lit: &Literal, ignore_case: bool, scratch: &mut Scratch) -> bool {
    let Some(tok) = rec.token(idx) else { return false };
    match lit {
        Literal::Str(s) => tok.kind == Kind::Str && text_eq(rec.text(tok, scratch), s, ignore_case),
        Literal::Num(n) => rec.number(idx, scratch) == Some(*n),
        Literal::Bool(b) => tok.kind == if *b { Kind::True } else { Kind::False },
        Literal::Null => tok.kind == Kind::Null,
    }
}

/// Matches `text` against a glob where `*` stands for any run of bytes.
///
/// ```
/// assert!(logseal::predicate::glob_match(b"kube.*.app", b"kube.ns1.app"));
/// assert!(!logseal::predicate::glob_match(b"kube.*", b"kub"));
/// ```
pub fn glob_match(glob: &[u8], text: &[u8]) -> bool {
    // Iterative matching with one backtrack point: linear in practice, never recursive.
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match glob.get(g) {
            Some(b'*') => {
                star = Some((g, t));
                g += 1;
            }
            Some(&c) if c == text[t] => {
                g += 1;
                t += 1;
            }
            _ => match star {
                Some((sg, st)) => {
                    g = sg + 1;
                    t = st + 1;
                    star = Some((sg, st + 1));
                }
                None => return false,
            },
        }
    }
    glob[g.min(glob.len())..].iter().all(|&c| c == b'*')
}

fn literal(value: &Value, path: &str) -> Result<Literal, PolicyError> {
    Ok(match value {
        Value::String(s) => Literal::Str(s.as_bytes().into()),
        Value::Number(n) => Literal::Num(n.as_f64().ok_or_else(|| {
            PolicyError::new(path, Problem::Invalid("number out of range".into()))
        })?),
        Value::Bool(b) => Literal::Bool(*b),
        Value::Null => Literal::Null,
        other => {
            return Err(PolicyError::new(
                path,
                Problem::WrongType { expected: "a string, number, boolean or null", found: type_name(other) },
            ))
        }
    })
}

fn compile_list(value: &Value, path: &str, depth: usize) -> Result<Vec<Predicate>, PolicyError> {
    let items = Field::new(value, path).array()?;
    if items.is_empty() {
        return Err(PolicyError::new(path, Problem::Invalid("expected at least one condition".into())));
    }
    items.iter().enumerate().map(|(i, v)| compile_at(v, &index_path(path, i), depth + 1)).collect()
}

fn compile_at(value: &Value, path: &str, depth: usize) -> Result<Predicate, PolicyError> {
    if depth > MAX_NESTING {
        return Err(PolicyError::new(path, Problem::Invalid(format!("conditions nest deeper than {MAX_NESTING}"))));
    }
    let obj = Field::new(value, path).object(KEYS)?;
    let present: Vec<&str> = KEYS.iter().copied().filter(|k| obj.get(k).is_some()).collect();
    let combinators = ["all", "any", "not", "tag"];
    if let Some(&comb) = present.iter().find(|k| combinators.contains(k)) {
        if present.len() != 1 {
            return Err(PolicyError::new(
                path,
                Problem::Invalid(format!("`{comb}` stands alone; put other conditions inside it")),
            ));
        }
        let Some((v, p)) = obj.get(comb) else { return Err(PolicyError::new(path, Problem::Missing)) };
        return Ok(match comb {
            "all" => Predicate::All(compile_list(v, &p, depth)?),
            "any" => Predicate::Any(compile_list(v, &p, depth)?),
            "not" => Predicate::Not(Box::new(compile_at(v, &p, depth + 1)?)),
            _ => Predicate::Tag(Field::new(v, &p).str()?.as_bytes().into()),
        });
    }
    let (f, fp) = obj.get("field").ok_or_else(|| {
        PolicyError::new(
            path,
            Problem::Invalid("expected a condition: field with an operator, tag, all, any or not".into()),
        )
    })?;
    let field_text = Field::new(f, &fp).str()?;
    let field = FieldPath::parse(field_text)
        .ok_or_else(|| PolicyError::new(&fp, Problem::Invalid("expected a dotted field path such as http.status".into())))?;
    let ops: Vec<&str> = FIELD_OPS.iter().copied().filter(|k| obj.get(k).is_some()).collect();
    let [op] = ops[..] else {
        return Err(PolicyError::new(
            path,
            Problem::Invalid(format!("expected exactly one operator of: {}", FIELD_OPS.join(", "))),
        ));
    };
    let ignore_case = match obj.get("ignore_case") {
        Some((v, p)) if ["equals", "in", "prefix"].contains(&op) => Field::new(v, &p).bool()?,
        Some((_, p)) => {
            return Err(PolicyError::new(p, Problem::Invalid("ignore_case goes with equals, in or prefix".into())))
        }
        None => false,
    };
    let Some((v, p)) = obj.get(op) else { return Err(PolicyError::new(path, Problem::Missing)) };
    let fv = Field::new(v, &p);
    Ok(match op {
        "equals" => Predicate::Equals { field, value: literal(v, &p)?, ignore_case },
        "in" => {
            let items = fv.array()?;
            let values = items
                .iter()
                .enumerate()
                .map(|(i, x)| literal(x, &index_path(&p, i)))
                .collect::<Result<_, _>>()?;
            Predicate::In { field, values, ignore_case }
        }
        "prefix" => Predicate::Prefix { field, prefix: fv.str()?.as_bytes().into(), ignore_case },
        "regex" => {
            let regex = compile_regex(fv.str()?)
                .map_err(|e| PolicyError::new(&p, Problem::Invalid(describe_regex_error(&e))))?;
            Predicate::Regex { field, regex }
        }
        "range" => {
            let r = fv.object(&["gt", "gte", "lt", "lte"])?;
            let bound = |k: &str| -> Result<Option<f64>, PolicyError> {
                match r.get(k) {
                    None => Ok(None),
                    Some((v, bp)) => v.as_f64().map(Some).ok_or_else(|| {
                        PolicyError::new(bp, Problem::WrongType { expected: "a number", found: type_name(v) })
                    }),
                }
            };
            let range = Range { gt: bound("gt")?, gte: bound("gte")?, lt: bound("lt")?, lte: bound("lte")? };
            if range == Range::default() {
                return Err(PolicyError::new(&p, Problem::Invalid("expected at least one of gt, gte, lt, lte".into())));
            }
            Predicate::Range { field, range }
        }
        _ => Predicate::Exists { field, present: fv.bool()? },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};
    use serde_json::json;

    fn holds(pred: Value, record: &str, tag: &str) -> bool {
        let p = Predicate::compile(&pred, "$").unwrap();
        let mut tape = Vec::new();
        scan(record.as_bytes(), ScanLimits { max_depth: 16, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: record.as_bytes(), tape: &tape };
        p.eval(&rec, &Facts { tag: tag.as_bytes() }, &mut Scratch::default())
    }

    const REC: &str = r#"{"status":401,"code":"503","level":"WARN","path":"/healthz/live","ok":true,"gone":null,"http":{"method":"GET"},"msg":"timeout after 30s"}"#;

    #[test]
    fn equals_compares_numbers_strings_booleans_and_null() {
        assert!(holds(json!({"field":"status","equals":401}), REC, ""));
        assert!(!holds(json!({"field":"status","equals":"401"}), REC, ""));
        assert!(holds(json!({"field":"code","equals":503}), REC, ""));
        assert!(holds(json!({"field":"level","equals":"WARN"}), REC, ""));
        assert!(!holds(json!({"field":"level","equals":"warn"}), REC, ""));
        assert!(holds(json!({"field":"level","equals":"warn","ignore_case":true}), REC, ""));
        assert!(holds(json!({"field":"ok","equals":true}), REC, ""));
        assert!(!holds(json!({"field":"ok","equals":false}), REC, ""));
        assert!(holds(json!({"field":"gone","equals":null}), REC, ""));
        assert!(holds(json!({"field":"http.method","equals":"GET"}), REC, ""));
        assert!(!holds(json!({"field":"missing","equals":"x"}), REC, ""));
    }

    #[test]
    fn in_prefix_regex_range_and_exists() {
        assert!(holds(json!({"field":"level","in":["error","warn"],"ignore_case":true}), REC, ""));
        assert!(!holds(json!({"field":"level","in":["error"]}), REC, ""));
        assert!(holds(json!({"field":"path","prefix":"/healthz"}), REC, ""));
        assert!(!holds(json!({"field":"path","prefix":"/healthz/live/x"}), REC, ""));
        assert!(!holds(json!({"field":"status","prefix":"4"}), REC, ""));
        assert!(holds(json!({"field":"msg","regex":"timeout after \\d+s"}), REC, ""));
        assert!(holds(json!({"field":"msg","regex":"(?i)TIMEOUT \\w+ \\d"}), REC, ""), "ASCII classes and case folding work");
        assert!(!holds(json!({"field":"msg","regex":"^after"}), REC, ""));
        assert!(holds(json!({"field":"status","range":{"gte":400,"lt":500}}), REC, ""));
        assert!(!holds(json!({"field":"status","range":{"gt":401}}), REC, ""));
        assert!(holds(json!({"field":"status","range":{"lte":401}}), REC, ""));
        assert!(holds(json!({"field":"code","range":{"gte":500}}), REC, ""));
        assert!(!holds(json!({"field":"level","range":{"gte":0}}), REC, ""));
        assert!(holds(json!({"field":"http.method","exists":true}), REC, ""));
        assert!(holds(json!({"field":"user","exists":false}), REC, ""));
    }

    #[test]
    fn combinators_and_host_tags() {
        let p = json!({"all":[{"field":"path","prefix":"/healthz"},{"not":{"field":"status","range":{"gte":500}}}]});
        assert!(holds(p, REC, ""));
        assert!(holds(json!({"any":[{"field":"x","exists":true},{"tag":"app.*"}]}), REC, "app.web"));
        assert!(!holds(json!({"tag":"app.*"}), REC, "kube.web"));
    }

    #[test]
    fn refuses_malformed_conditions_with_paths() {
        let err = |v: Value| Predicate::compile(&v, "$.p").unwrap_err().to_string();
        assert_eq!(
            err(json!({"field":"a","equals":1,"prefix":"x"})),
            "$.p: expected exactly one operator of: equals, in, prefix, regex, range, exists"
        );
        assert_eq!(err(json!({"field":"a..b","exists":true})), "$.p.field: expected a dotted field path such as http.status");
        assert!(err(json!({"field":"a","regex":"("})).starts_with("$.p.regex: invalid regex"));
        assert_eq!(err(json!({"field":"a","range":{}})), "$.p.range: expected at least one of gt, gte, lt, lte");
        assert_eq!(err(json!({"field":"a","range":{"gt":"1"}})), "$.p.range.gt: expected a number, found a string");
        assert_eq!(err(json!({"all":[]})), "$.p.all: expected at least one condition");
        assert_eq!(err(json!({"all":[{"field":"a"}]})), "$.p.all[0]: expected exactly one operator of: equals, in, prefix, regex, range, exists");
        assert_eq!(err(json!({"tag":"x","field":"a"})), "$.p: `tag` stands alone; put other conditions inside it");
        assert_eq!(err(json!({"field":"a","regex":"x","ignore_case":true})), "$.p.ignore_case: ignore_case goes with equals, in or prefix");
        assert_eq!(err(json!({"field":"a","in":[[1]]})), "$.p.in[0]: expected a string, number, boolean or null, found an array");
        let mut deep = json!({"field":"a","exists":true});
        for _ in 0..20 {
            deep = json!({"not": deep});
        }
        assert!(err(deep).contains("nest deeper than 16"));
    }

    #[test]
    fn glob_matches_stars_anywhere() {
        assert!(glob_match(b"*", b""));
        assert!(glob_match(b"a*c", b"abbbc"));
        assert!(glob_match(b"*.log", b"x.y.log"));
        assert!(!glob_match(b"a*c", b"abcd"));
        assert!(glob_match(b"exact", b"exact"));
        assert!(!glob_match(b"exact", b"exac"));
    }
}
