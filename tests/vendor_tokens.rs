//! Vendor tokens and bare random secrets, end to end: each token is masked whole (tails
//! included) in every place a log carries it (free text, a neutral field, logfmt, a config
//! dump, a URL query), and the look-alikes logs are full of survive byte for byte:
//! placeholders, digests, ids, versions, identifiers, encodings, addresses, certificates.

mod common;

use common::{filter_default as filter, random_string as random};

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER36: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";
const URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// The records a secret is checked in: free text, a neutral field, a config dump, logfmt and
/// a URL query, each with words around it that must survive.
fn places(secret: &str) -> Vec<String> {
    let esc = secret.replace('\\', "\\\\").replace('"', "\\\"");
    vec![
        format!(r#"{{"msg":"calling upstream alpha {esc} bravo done"}}"#),
        format!(r#"{{"svc":"checkout alpha bravo","note":"{esc}"}}"#),
        format!(r#"{{"msg":"config dump: OPTION_7={esc} RETRIES=3 alpha bravo"}}"#),
        format!(r#"{{"log":"level=info msg=\"alpha bravo\" x={esc} dur=12ms"}}"#),
        format!(r#"{{"msg":"GET /search?q={esc}&page=2 HTTP/1.1 200 alpha bravo"}}"#),
    ]
}

fn assert_masked(secret: &str) {
    for line in places(secret) {
        let (v, text) = filter(&line);
        assert!(!text.contains(secret), "{secret:?} survived in {text}");
        // No long piece of it either: the whole token goes, tails included.
        let long_piece = secret.as_bytes().windows(12.min(secret.len())).any(|w| text.contains(std::str::from_utf8(w).unwrap_or("\u{0}")));
        assert!(!long_piece, "a piece of {secret:?} survived in {text}");
        for word in ["alpha", "bravo"] {
            assert!(text.contains(word), "{word} was lost from {text}");
        }
        let tagged = v["logseal"]["tags"].as_array().is_some_and(|t| t.iter().any(|x| x == "secret_exposed"));
        assert!(tagged, "{text}");
    }
}

fn assert_kept(benign: &str) {
    for line in places(benign) {
        let (v, text) = filter(&line);
        assert!(text.contains(benign), "{benign:?} was destroyed in {text}");
        assert!(v["logseal"]["redacted"].is_null(), "nothing is redacted from {text}");
    }
}

#[test]
fn vendor_tokens_are_masked_in_every_place() {
    let tokens = [
        format!("SG.{}.{}", random(1, URL, 22), random(2, URL, 43)),
        format!("glpat-{}", random(3, URL, 20)),
        format!("glcbt-{}_{}", random(4, ALNUM, 3), random(5, URL, 20)),
        format!("gldt-{}", random(6, URL, 20)),
        format!("glrt-{}", random(7, URL, 20)),
        format!("glsoat-{}", random(8, URL, 20)),
        format!("ntn_{}", random(9, ALNUM, 46)),
        format!("dt0c01.{}.{}", random(10, LOWER36, 24).to_uppercase(), random(11, LOWER36, 64).to_uppercase()),
        format!("HRKU-AA{}", random(12, URL, 58)),
        format!("sha256~{}", random(13, URL, 43)),
        format!("NRAK-{}", random(14, LOWER36, 27).to_uppercase()),
        format!("NRII-{}", random(15, URL, 32)),
        format!("NRJS-{}", random(16, HEX, 19)),
        format!("xoxb-{}-{}-{}", random(17, "0123456789", 12), random(18, "0123456789", 13), random(19, ALNUM, 24)),
        format!("sk-ant-api03-{}AA", random(20, URL, 93)),
        format!("pscale_tkn_{}", random(21, URL, 43)),
        format!("dop_v1_{}", random(22, HEX, 64)),
        format!("pplx-{}", random(23, ALNUM, 48)),
        format!("EZAK{}", random(24, ALNUM, 54)),
        format!("LTAI{}", random(25, ALNUM, 20)),
        format!("fm2_{}==", random(26, ALNUM, 120)),
        format!("{}-us14", random(27, HEX, 32)),
        format!("AKIA{}", random(28, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        format!("ghp_{}", random(29, ALNUM, 36)),
        format!("{}{}8Q~{}", random(30, ALNUM, 2), "a", random(31, ALNUM, 31)),
    ];
    for t in &tokens {
        assert_masked(t);
    }
}

#[test]
fn routable_and_checksummed_tails_are_masked_with_the_token() {
    // GitLab's routable tokens carry a `.` segment; Atlassian's a `=` and a checksum.
    let routable = format!("glpat-{}.01{}", random(40, URL, 27), random(41, LOWER36, 7));
    let runner = format!("glrt-t1_{}.01{}", random(42, URL, 27), random(43, LOWER36, 7));
    let atlassian = format!("ATATT3{}={}", random(44, URL, 183), random(45, HEX, 8).to_uppercase());
    for t in [&routable, &runner, &atlassian] {
        assert_masked(t);
        let (v, _) = filter(&format!(r#"{{"note":"{t}"}}"#));
        assert_eq!(v["note"], "[REDACTED:vendor_token]", "{t}");
    }
}

#[test]
fn bare_random_secrets_are_masked_in_neutral_fields_and_text() {
    for (seed, alphabet, n) in [(50, ALNUM, 20), (51, ALNUM, 32), (52, ALNUM, 64), (53, LOWER36, 24), (54, LOWER36, 40), (55, URL, 40)] {
        assert_masked(&random(seed, alphabet, n));
    }
    // Base64 of random bytes.
    assert_masked("q8Vh3+Zk1r0T9wXyB2mN/fLp6Jc4Ds7uEa5Gi0Ho8Kt=");
}

#[test]
fn placeholders_survive() {
    for p in [
        "AKIAXXXXXXXXXXXXXXXX",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "glpat-XXXXXXXXXXX-XXXXXXXX",
        "glpat-xxxxxxxx-xxxxxxxxxxxxxxxxxx.xxxxxxxxx",
        "xoxb-Slack_BOT_TOKEN",
        "xoxb-xxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
        "hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "glsa_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX_AAAAAAAA",
        "sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "sk_live_0000000000000000",
        "changeme",
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "abcdefghijklmnopqrstuvwxyz123456",
    ] {
        assert_kept(p);
    }
    // `<token>` alone in a field (in running text, `<token> ...` reads as an XML element
    // named `token`, whose content the key rules take).
    let (v, text) = filter(r#"{"note":"<token>"}"#);
    assert_eq!(v["note"], "<token>", "{text}");
    // `${TOKEN}` is a lookup, neutralised by escaping (`$\{`), not redacted.
    let (v, text) = filter(r#"{"msg":"header set from ${TOKEN} now"}"#);
    assert!(v["logseal"]["redacted"].is_null() && text.contains("TOKEN}"), "{text}");
}

#[test]
fn ids_digests_and_identifiers_survive() {
    for b in [
        // Digests, git SHAs, UUIDs, trace ids, ULIDs, epoch times.
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "754f90bc80d3a0f11c3a4d374013574da0819fa6",
        "E3B0C44298FC1C149AFBF4C8996FB924",
        "c196c5c2-ff2e-dc17-9d4c-712e801b43bf",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "1721625608312000000",
        // Words, paths, identifiers, versions, pod names.
        "user-settings-cache-v2-primary",
        "ServingCellPriorityParametersDescription",
        "getUserByIdAndEmailAddress",
        "com.example.orders.OrderServiceImpl",
        "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
        "v1.2.3-beta.4+build.5678",
        "checkout-service-7d9f8b6c4-x2klm",
        "order-2026-11-30-000123-eu-west-1",
        "utf8mb4_unicode_520_ci",
        "LibraryWebpageUploadUr1RowStatus",
        // Base64 of text, a Bitcoin address (public).
        "dXNlcm5hbWU6IGFsaWNlIGlzIGhlcmU=",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        // A prefix inside a dotted or dashed name.
        "video_box.ico-7a388b69018576d24b59331fd60aab0c.png",
        "2018-250-xoxo-indieweb-1.jpg",
        "hf_servingcellpriorityparametersdescription",
    ] {
        assert_kept(b);
    }
}

#[test]
fn certificates_are_kept_and_key_templates_are_not_keys() {
    let cert = "-----BEGIN CERTIFICATE-----\\nMIIBkTCB+wIJAKHHIG2sdDx8MA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVudXNlZDAeFw0yNjAxMDEwMDAwMDBa\\n-----END CERTIFICATE-----";
    let (v, text) = filter(&format!(r#"{{"msg":"tls peer {cert} ok"}}"#));
    assert!(text.contains("MIIBkTCB+wIJAKHHIG2sdDx8MA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVudXNlZDAeFw0yNjAxMDEwMDAwMDBa"), "{text}");
    assert!(v["logseal"]["redacted"].is_null(), "{text}");
    let template = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----";
    let (_, text) = filter(&format!(r#"{{"msg":"paste your key here: {template}"}}"#));
    assert!(text.contains("-----BEGIN PRIVATE KEY-----"), "{text}");
    // A real key body is masked, even after a truncated certificate.
    let key = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\\n-----END RSA PRIVATE KEY-----";
    let (_, text) = filter(&format!(r#"{{"msg":"{key}"}}"#));
    assert!(!text.contains("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo"), "{text}");
}
