//! Policy errors: where (a JSON path such as `$.limits.max_depth`) and what was expected.
//! Messages never quote string values from the policy, because a misplaced key might be one.

use std::fmt;

/// A policy that cannot be used, with the JSON path of the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// JSON path of the fault, `$` for the document itself.
    pub path: String,
    pub problem: Problem,
}

/// What is wrong at the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The text is not JSON.
    Syntax { line: usize, column: usize },
    /// The text is not YAML; `detail` is the parser's description of the fault, when it
    /// quotes nothing from the text.
    YamlSyntax { line: usize, column: usize, detail: Option<String> },
    /// The key at the path is given twice in its object; the position is where the reader
    /// noticed (JSON: after the second key; YAML: at the object's key).
    Duplicate { line: usize, column: usize },
    /// A required key is absent.
    Missing,
    /// A key the schema does not know; `allowed` lists the ones it does.
    UnknownKey { allowed: &'static [&'static str] },
    /// A value of the wrong JSON type.
    WrongType { expected: &'static str, found: &'static str },
    /// A number outside its range.
    OutOfRange { min: u64, max: u64 },
    /// A value that is well-typed but not acceptable; the text explains.
    Invalid(String),
    /// A key reference that cannot be resolved.
    Key(crate::keys::KeyError),
}

impl PolicyError {
    pub fn new(path: impl Into<String>, problem: Problem) -> Self {
        PolicyError { path: path.into(), problem }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Syntax { line, column } => {
                write!(f, "not valid JSON (line {line}, column {column})")
            }
            Problem::YamlSyntax { line, column, detail } => match detail {
                Some(d) => write!(f, "not valid YAML (line {line}, column {column}): {d}"),
                None => write!(f, "not valid YAML (line {line}, column {column})"),
            },
            Problem::Duplicate { line, column } => write!(
                f,
                "key given twice in one object (near line {line}, column {column}); remove one: a later one would silently replace the first"
            ),
            Problem::Missing => write!(f, "required but missing"),
            Problem::UnknownKey { allowed } => {
                write!(f, "unknown key; expected one of: {}", allowed.join(", "))
            }
            Problem::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            Problem::OutOfRange { min, max } => {
                write!(f, "expected an integer from {min} to {max}")
            }
            Problem::Invalid(why) => f.write_str(why),
            Problem::Key(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PolicyError {}
