//! `serve`'s own argument reading: `--name value` pairs, flags and positional arguments
//! (serve takes its arguments unparsed from the command tree, for its config-file overrides).

/// `--name value` pairs and positional arguments, for `serve`, which reads its own arguments.
pub struct Args {
    pub options: Vec<(String, String)>,
    pub flags: Vec<String>,
    pub positional: Vec<String>,
}

impl Args {
    /// Splits `args`; `valued` names options that take a value, `flags` those that do not.
    pub fn parse(args: &[String], valued: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut out = Args { options: Vec::new(), flags: Vec::new(), positional: Vec::new() };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if valued.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it.next().cloned().ok_or_else(|| format!("--{name} needs a value"))?,
                    };
                    out.options.push((name.to_string(), v));
                } else if flags.contains(&name) && inline.is_none() {
                    out.flags.push(name.to_string());
                } else {
                    return Err(format!("unknown option `{a}`"));
                }
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}
