//! Secrets percent-encoded in query strings and form bodies: every detector reads the decoded
//! value, and what it finds masks the whole encoded value, keeping the parameter name and the
//! rest of the line. Encoded values with nothing secret in them (text, paths, callback URLs,
//! timestamps, sort orders) stay as they came.

use messages::{check, filtered, kept};

#[path = "support/messages.rs"]
mod messages;

/// A request line with `q` set to `value`, as access logs write it.
fn get(value: &str) -> String {
    format!("GET /search?q={value}&page=2 HTTP/1.1 200")
}

/// Asserts `value` (in a request line) is masked whole, and the name and the line around stay.
fn masked(value: &str) {
    let out = filtered(&get(value));
    assert!(!out.contains(value), "{value:?} survived: {out}");
    assert!(out.starts_with("GET /search?q=[REDACTED"), "the name or the path was lost: {out}");
    assert!(out.ends_with("]&page=2 HTTP/1.1 200"), "the rest of the line was lost: {out}");
    // No piece of the encoded value survives either (a partial mask leaks the rest).
    let longest = value.split(|c: char| c == '%' || !c.is_ascii_alphanumeric()).map(str::len).max().unwrap_or(0);
    for piece in value.split('%').filter(|p| p.len() >= 6 && p.len() + 2 >= longest) {
        assert!(!out.contains(&piece[2..]), "{piece:?} of {value:?} survived: {out}");
    }
}

#[test]
fn vendor_tokens_with_encoded_separators_are_masked_whole() {
    // Facebook app token `id|secret`, Telegram bot token `id:secret`.
    masked("1308742762612587%7CrhoK1cbv0DOU_RTX_87O4MkX7AI");
    masked("1729261894532190%3AAbuzq9fxmkze-q37-nre4e9v6c7947jia0i");
    // Slack webhooks, with and without their scheme.
    masked("http%3A%2F%2Fhooks.slack.com%2Fservices%2FT024TTTTT%2FBBB72BBL%2FAZAAA9u0pA4ad666eMgbi555");
    masked("https%3A%2F%2Fhooks.slack.com%2Fworkflows%2F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");
}

#[test]
fn tokens_with_an_encoded_equals_or_plus_lose_every_part() {
    // Before, only the part after the `%3D` went.
    masked("pscale_pw_cx4mtfk-lgt_l%3D4_l4aaarxjjwpkwai0");
    masked("sntrys_eyJpYXQiOjE2ODczMzY1NDMuNjk4NjIzLCJ1cmwiOm51bGwsInJlZ2lvbl91cmwiOiJodHRwOi8vbG9jYWxob3N0OjgwMDAiLCJvcmciOiJzZW50cnkifQ%3D%3D_NzJkYzA3NzMyZTRjNGE2NmJlNjBjOWQxOGRmNTUzMmY");
}

#[test]
fn urls_with_passwords_inside_an_encoded_value_are_masked() {
    masked("https%3A%2F%2Fdeploy%3AQx7%21mVp2zR%40git.example.com%2Frepo.git");
    masked("postgres%3A%2F%2Fapp%3AUUZL9eRmm4207%40db.internal%3A5432%2Forders");
}

#[test]
fn a_secret_parameter_of_a_nested_url_masks_the_outer_value() {
    check(
        "GET /oauth/authorize?client_id=web&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Faccess_token%3Dya29a0AfH6SMBx7Qq%26state%3D1 HTTP/1.1",
        &["ya29a0AfH6SMBx7Qq", "%3Faccess_token"],
        &["GET /oauth/authorize?client_id=web&redirect_uri=[REDACTED", "] HTTP/1.1"],
    );
    // Encoded twice (a referrer inside a redirect).
    check(
        "GET /r?next=https%253A%252F%252Fapp.example.com%252Fcb%253Ftoken%253Dk9Zq4Xw7Lp2 HTTP/1.1",
        &["k9Zq4Xw7Lp2"],
        &["GET /r?next=[REDACTED", "] HTTP/1.1"],
    );
}

#[test]
fn a_whole_form_body_is_read_decoded() {
    check(
        "POST /oauth/token body=grant_type=password&username=bob&password=p%40ss%21w0rd&client_secret=c%2Bs3cr3t%2Fv4lue",
        &["p%40ss", "ss%21w0rd", "c%2Bs3cr3t", "v4lue"],
        &["grant_type=password&username=bob&password=", "&client_secret="],
    );
}

#[test]
fn json_and_names_inside_encoded_values_are_read_decoded() {
    check(
        "GET /x?data=%7B%22user%22%3A%22bob%22%2C%22password%22%3A%22hunter2%22%7D&y=2 HTTP/1.1",
        &["hunter2", "%22bob%22"],
        &["GET /x?data=[REDACTED:password]&y=2 HTTP/1.1"],
    );
    // An encoded `_` in the parameter's name.
    check("GET /x?api%5Fkey=Zk29dLq81mXv&y=2 HTTP/1.1", &["Zk29dLq81mXv"], &["GET /x?api%5Fkey=[REDACTED", "]&y=2 HTTP/1.1"]);
}

#[test]
fn benign_encoded_values_are_kept() {
    for m in [
        get("hello%20world"),
        get("caf%C3%A9+au+lait"),
        "GET /logs?path=%2Fvar%2Flog%2Fapp.log&next=%2Fhome HTTP/1.1 200".to_string(),
        "GET /login?redirect_uri=https%3A%2F%2Fexample.com%2Fcallback&state=xyz HTTP/1.1 302".to_string(),
        "GET /events?ts=2024-01-02T03%3A04%3A05Z&sort=name%3Aasc&limit=50 HTTP/1.1 200".to_string(),
        "GET /files?name=report%202026-11%20%28final%29.pdf&v=3 HTTP/1.1 200".to_string(),
        "GET /q?filter=status%3Dactive%26region%3Deu-west-1&id=c196c5c2-ff2e-dc17-9d4c-712e801b43bf HTTP/1.1".to_string(),
        "GET /api?order=9068985753113361&sha=754f90bc80d3a0f11c3a4d374013574da0819fa6&dur=12%20ms HTTP/1.1".to_string(),
        "progress 100% done, 50%% left, bad escape %zz and %4".to_string(),
        "printf %2d items, 50%25 off, %s and %d".to_string(),
        "GET /cb?state=SGVsbG8gd29ybGQgaGVsbG8gd29ybGQ%3D&x=1 HTTP/1.1".to_string(),
        "GET /x?next=%2Fapi%2Fv1%2Fusers%2F8f14e45fceea167a5a36dedd4bea2543&y=2 HTTP/1.1".to_string(),
        "GET /x?data=%7B%22user%22%3A%22bob%22%2C%22id%22%3A42%7D&y=2 HTTP/1.1".to_string(),
        "GET /x?url=https%3A%2F%2Fcdn.example.com%2Fimg%2Fa.png%3Fw%3D200%26h%3D100 HTTP/1.1".to_string(),
        "GET /x?q=name%3D%22Jo%C3%ABl%22+AND+age%3E30&sort=-created HTTP/1.1".to_string(),
        "GET /x?filter=created_at%3E%3D2026-11-01T00%3A00%3A00Z%26status%3Dopen HTTP/1.1".to_string(),
    ] {
        kept(&m);
    }
}

#[test]
fn encoded_emails_are_still_emails() {
    let out = filtered("GET /invite?to=alice%40example.com&role=admin HTTP/1.1");
    assert!(!out.contains("alice"), "{out}");
    assert!(out.contains("[REDACTED:email]") && out.contains("&role=admin HTTP/1.1"), "{out}");
}
