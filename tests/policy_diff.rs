//! `logseal diff`: changed records before and after, with what changed them.

mod common;

use common::logseal;

#[test]
fn diff_shows_changed_fields_with_kind_action_and_scope() {
    let input = concat!(
        r#"{"msg":"hello","user":"bob"}"#, "\n",
        r#"{"msg":"mail alice@example.com","password":"hunter2"}"#, "\n",
        "disk full\n",
        "user bob password=hunter2\n",
    );
    let (code, out, err) = logseal(&["diff", "--color", "never", "--time-ns", "1795773600000000000"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        concat!(
            "line 2:\n",
            "  msg: \"mail alice@example.com\"\n",
            "    -> \"mail [REDACTED:email]\"  (email, mask, span)\n",
            "  password: \"hunter2\"\n",
            "    -> \"[REDACTED:password]\"  (password, mask, value)\n",
            "line 4: text line\n",
            "  user bob password=hunter2\n",
            "    -> user bob password=[REDACTED:password]\n",
            "2 of 4 records shown\n",
        )
    );
    // Colour only when asked (or on a terminal): the changed middle is marked.
    let (_, out, _) = logseal(&["diff", "--color", "always"], b"{\"card\":\"4111 1111 1111 1111\"}\n");
    assert!(String::from_utf8(out).unwrap().contains("\"\x1b[31m4111 1111 1111 1111\x1b[0m\""));
    let (code, _, _) = logseal(&["diff", "--color", "sometimes"], b"");
    assert_eq!(code, 2);
}

#[test]
fn filter_explain_says_what_changed_where_beside_unchanged_output() {
    let input = concat!(r#"{"msg":"mail alice@example.com","password":"hunter2","ok":1}"#, "\n", "password=hunter2 x\n", r#"{"a":1}"#, "\n");
    let (code, plain, _) = logseal(&["filter", "--time-ns", "1795773600000000000"], input.as_bytes());
    assert_eq!(code, 0);
    let (code, out, err) = logseal(&["filter", "--time-ns", "1795773600000000000", "--explain", "-"], input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(out, plain, "the records are the same with --explain");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"line":1,"changes":[{"action":"mask","kind":"email","path":"msg","scope":"span"},{"action":"mask","kind":"password","path":"password","scope":"value"}]}"#,
            r#"{"line":2,"changes":[{"action":"mask","kind":"password","path":"message","scope":"span"}]}"#,
            r#"{"line":3,"changes":[]}"#,
        ]
    );
    assert!(!err.contains("hunter2") && !err.contains("alice"), "never a value");
}
