//! Vendor tokens by their published grammar, end to end: a token whose alphabet holds `=`,
//! `.`, `+` or `/` is masked whole after a key (`OPTION_7=duffel_test_...=...`), in logfmt, in
//! quotes and in JSON inside a string, not cut at its first `=`; a body with stray bytes after
//! a distinctive prefix is masked to the end of its run; after a prefix of four or more bytes
//! only the obvious placeholders stay; a Teams webhook loses its whole path. Beside them, the
//! look-alikes logs are full of come through byte for byte.

mod common;

use common::{filter_default as filter, random_string as random};

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `body` with `=` put at the given places (a body of the `[a-z0-9_=-]` grammars).
fn with_equals(body: &str, at: &[usize]) -> String {
    body.char_indices().map(|(i, c)| if at.contains(&i) { '=' } else { c }).collect()
}

/// Every place a log carries a token: free text, a neutral field, `KEY=value` in a config
/// dump, a secret-named assignment, logfmt bare and quoted, JSON inside a string.
fn places(secret: &str) -> Vec<String> {
    vec![
        format!(r#"{{"msg":"calling upstream alpha {secret} bravo done"}}"#),
        format!(r#"{{"svc":"checkout alpha bravo","note":"{secret}"}}"#),
        format!(r#"{{"msg":"config dump: OPTION_7={secret} RETRIES=3 alpha bravo"}}"#),
        format!(r#"{{"msg":"alpha vendorToken={secret} bravo"}}"#),
        format!(r#"{{"log":"level=info msg=\"alpha bravo\" x={secret} dur=12ms"}}"#),
        format!(r#"{{"log":"level=info msg=\"alpha bravo\" x=\"{secret}\" dur=12ms"}}"#),
        format!(r#"{{"msg":"alpha {{\"config.ini\": \"VENDOR_TOKEN={secret}\\nBACKUP=true\"}} bravo"}}"#),
    ]
}

/// The token is gone whole in every place: no piece of 8 or more of it stays, and the words
/// around it do.
fn assert_masked_whole(secret: &str) {
    for line in places(secret) {
        let (v, text) = filter(&line);
        let piece = secret.as_bytes().windows(8).find(|w| text.contains(std::str::from_utf8(w).unwrap()));
        assert!(piece.is_none(), "{:?} of {secret:?} survived in {text}", piece.map(String::from_utf8_lossy));
        for word in ["alpha", "bravo"] {
            assert!(text.contains(word), "{word} was lost from {text}");
        }
        assert!(v["logseal"]["tags"].as_array().is_some_and(|t| t.iter().any(|x| x == "secret_exposed")), "{text}");
    }
}

fn assert_kept(s: &str) {
    for line in [format!(r#"{{"msg":"note {s} end"}}"#), format!(r#"{{"note":"{s}"}}"#)] {
        let (v, text) = filter(&line);
        assert!(v["logseal"]["redacted"].is_null(), "{s:?} was redacted: {text}");
        assert!(text.contains(s), "{s:?} changed: {text}");
    }
}

#[test]
fn tokens_whose_grammar_holds_equals_are_masked_whole_after_a_key() {
    // Duffel: `duffel_(test|live)_` and 43 of `[a-z0-9_=-]`.
    assert_masked_whole(&format!("duffel_test_{}", with_equals(&random(1, LOWER, 43), &[3, 9, 11, 15])));
    assert_masked_whole(&format!("duffel_live_{}", with_equals(&random(2, LOWER, 43), &[0, 20])));
    // PlanetScale: `pscale_(pw|tkn|oauth)_` and 32-64 of `[\w=.-]`.
    assert_masked_whole(&format!("pscale_pw_{}", with_equals(&random(3, LOWER, 32), &[12])));
    assert_masked_whole(&format!("pscale_tkn_{}", with_equals(&random(4, LOWER, 43), &[6, 30])));
    assert_masked_whole(&format!("pscale_oauth_{}", with_equals(&random(5, LOWER, 64), &[1, 40, 41])));
    // Typeform `tfp_` (59) and Frame.io `fio-u-` (64), `=` inside.
    assert_masked_whole(&format!("tfp_{}", with_equals(&random(6, LOWER, 59), &[10, 25, 40])));
    assert_masked_whole(&format!("fio-u-{}", with_equals(&random(7, LOWER, 64), &[7, 50])));
}

#[test]
fn sentry_org_tokens_are_masked_whole_with_their_padding() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    // Base64 JSON with one and with two `=` of padding, `_`, then a 43-character secret.
    let mut paddings = Vec::new();
    for (org, seed) in ["acme", "shop1", "ops-eu", "acme-bank", "a"].into_iter().zip(8..) {
        let json = format!(r#"{{"iat":1754111222.5,"url":"https://sentry.example","region_url":"https://de.sentry.example","org":"{org}"}}"#);
        let head = b64(&json);
        let pad = head.bytes().rev().take_while(|&b| b == b'=').count();
        if pad == 0 || paddings.contains(&pad) {
            continue;
        }
        paddings.push(pad);
        assert_masked_whole(&format!("sntrys_{head}_{}", random(seed, &format!("{ALNUM}+/"), 43)));
    }
    assert_eq!(paddings.len(), 2, "both paddings checked");
}

#[test]
fn a_body_with_stray_bytes_after_a_distinctive_prefix_is_masked_to_its_end() {
    // Square's secret (`sq0csp-` and 43), with bytes outside its alphabet in it.
    let body: String = random(10, ALNUM, 43).char_indices().map(|(i, c)| match i {
        11 => ']',
        23 => '^',
        30 => ']',
        _ => c,
    }).collect();
    let token = format!("sq0csp-{body}");
    for line in [
        format!(r#"{{"note":"{token}"}}"#),
        format!(r#"{{"msg":"config dump: OPTION_7={token} RETRIES=3 alpha"}}"#),
        format!(r#"{{"log":"level=info x={token} dur=12ms"}}"#),
    ] {
        let (_, text) = filter(&line);
        for piece in body.split([']', '^']) {
            assert!(!text.contains(piece), "{piece:?} survived in {text}");
        }
    }
    // The same prefix with a short body and a closing bracket is a name, not a token.
    assert_kept("[sq0csp-config]");
}

#[test]
fn after_a_distinctive_prefix_test_looking_bodies_are_masked() {
    // Counting digits and short runs of letters in order, repeated digits: test keys and
    // real keys have them; the prefix says a secret stands here.
    for token in [
        "squ_0123456789ABCDEFG0123456789ABCDEFG012345".to_string(),
        "sqp_0123456789ABCDEFG0123456789ABCDEFG012345".to_string(),
        "sqa_0123456789ABCDEFG0123456789ABCDEFG012345".to_string(),
        "xoxa-2-711111111-41111111111-4111111111111-a3f9c2e81b0d7a64c5".to_string(),
        "xoxa-2-711111111".to_string(),
        "sq0atp-7f2kd9sd9s3aba12345678".to_string(),
        format!("xoxr-{}", "1234567890-1234567890"),
    ] {
        assert_masked_whole(&token);
    }
}

#[test]
fn obvious_placeholders_after_a_prefix_survive() {
    for p in [
        "AKIAXXXXXXXXXXXXXXXX",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk_live_0000000000000000",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
        "xoxa-your-workspace-token-here",
        "xoxp-1234567890-REDACTED-REDACTED",
        "pscale_pw_placeholder_for_the_password_value",
        "duffel_test_changeme_changeme_changeme_changeme",
        "sntryu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "glsa_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX_AAAAAAAA",
        "GR134894112312312312312312312",
        // One letter repeated: bech32's zero key, a checksum no real key has.
        "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
    ] {
        assert_kept(p);
    }
}

#[test]
fn teams_webhooks_lose_their_whole_path() {
    let uuid = |seed| {
        let h = random(seed, "0123456789abcdef", 32);
        format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
    };
    let path = format!("{}@{}/IncomingWebhook/{}/{}", uuid(20), uuid(21), random(22, LOWER, 32), uuid(23));
    for host in ["https://contoso.webhook.office.com/webhookb2/", "https://outlook.office.com/webhook/", "https://outlook.office365.com/webhook/"] {
        let url = format!("{host}{path}");
        for line in [
            format!(r#"{{"msg":"posting to {url} now"}}"#),
            format!(r#"{{"note":"{url}"}}"#),
            format!(r#"{{"msg":"config dump: OPTION_7={url} RETRIES=3"}}"#),
        ] {
            let (_, text) = filter(&line);
            for id in [uuid(20), uuid(21), uuid(23)] {
                assert!(!text.contains(&id[..13]), "{id} survived in {text}");
            }
            assert!(text.contains(host), "the host was lost from {text}");
        }
    }
    // Other Office URLs stay.
    assert_kept("https://contoso.sharepoint.com/sites/ops/Shared%20Documents/runbook.docx");
    assert_kept("https://outlook.office.com/mail/inbox");
}

#[test]
fn beamer_tokens_are_masked_and_b_words_stay() {
    let body = with_equals(&random(30, &format!("{LOWER}_-"), 44), &[9]);
    assert!(body.bytes().filter(u8::is_ascii_digit).count() >= 4, "{body}");
    assert_masked_whole(&format!("b_{body}"));
    for b in ["b_tree", "b_tree_index_rebuild", "b_frame_count=12", "b_settings_cache_refresh_interval_seconds_x"] {
        assert_kept(b);
    }
}

#[test]
fn look_alikes_with_equals_and_prefix_words_survive() {
    for b in [
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "opts=a=b=c",
        "--opt=val",
        "mode=fast=true",
        "squash merge done",
        "duffel bag",
        "fio-utils 2.1.0",
        "version=1.2.3-rc.1+build.7",
        "req c196c5c2-ff2e-4c17-9d4c-712e801b43bf",
        "duffel_test_suite passed",
        "pscale_pw_rotation scheduled",
        "sq0csp-rotation",
        "tfp_enabled=true",
    ] {
        assert_kept(b);
    }
    // A base64 blob under a neutral name that decodes to text stays too.
    assert_kept("base64=aGVsbG8gd29ybGQsIHRoaXMgaXMgYSB0ZXN0IG1lc3NhZ2U=");
}
