//! Regexes in policies and predicates: how one is compiled (linear time, bounded size) and how
//! its faults are told without quoting it.

/// Compiles a policy regex: regex crate syntax (linear time), over bytes, in ASCII mode
/// (`\d`, `\w`, `\s` and `(?i)` are ASCII; non-ASCII literals match their UTF-8 bytes), with
/// a size limit so no policy can make the plan huge.
pub fn compile_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern).unicode(false).size_limit(1 << 20).build()
}

/// What is wrong with a policy regex, without quoting it: the regex crate's own message
/// repeats the pattern, and a pattern may hold the very words a team wants hidden (a codename,
/// a customer's id). Gives the fault and the character position where the crate names one.
///
/// ```
/// let e = logseal::reader::pattern::compile_regex("ab(c").unwrap_err();
/// assert_eq!(logseal::reader::pattern::describe_regex_error(&e), "invalid regex: unclosed group (at character 3)");
/// ```
pub fn describe_regex_error(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => {
            let fault = text.lines().rev().find_map(|l| l.strip_prefix("error: ")).unwrap_or("syntax error");
            // The crate prints the pattern indented by four spaces, then a line of `^` (and `~`)
            // under the fault; its first `^` gives the position (characters, from 1).
            let at = text
                .lines()
                .find(|l| l.contains('^') && l.trim().chars().all(|c| c == '^' || c == '~'))
                .and_then(|l| l.find('^'))
                .map(|col| col.saturating_sub(4) + 1);
            match at {
                Some(at) => format!("invalid regex: {fault} (at character {at})"),
                None => format!("invalid regex: {fault}"),
            }
        }
        regex::Error::CompiledTooBig(limit) => {
            format!("invalid regex: it compiles to more than {limit} bytes; make it smaller")
        }
        _ => "invalid regex".to_string(),
    }
}
