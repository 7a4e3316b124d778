//! Linear time on any input, checked deterministically: the wasmtime fuel `logseal.wasm` burns
//! on a record built by repeating a hostile shape grows at most 2.2x when the record doubles,
//! and stays under a fixed bound per input byte (see `tests/support/linear.rs`). Each shape
//! aims at one detector's trigger or look-ahead; every shape goes in every place a record can
//! carry text (a message, a plain-text line, a key name, ...), under the default policy and a
//! sealing one, with strings never cut (cutting is a fixed step that would blur the ratio).

mod common;
#[path = "support/linear.rs"]
mod linear;

use linear::{growth, Meter, Place, Runner, DEFAULT_UNCUT, MAX_FUEL_PER_BYTE, MAX_RATIO, PLACES};
use std::sync::OnceLock;

/// 32 KiB and 64 KiB: large enough that a record's fixed cost (about 20k fuel, against some
/// 170 per byte of text) cannot hide quadratic growth, small enough for a quick debug test.
/// `LOGSEAL_LINEAR_SIZE` overrides it.
fn size() -> usize {
    std::env::var("LOGSEAL_LINEAR_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(32 << 10)
}

fn meter() -> &'static Meter {
    static METER: OnceLock<Meter> = OnceLock::new();
    METER.get_or_init(|| Meter::new(&common::wasm_module("logseal.wasm")))
}

/// A sealing policy with an inline key (the module reads no files), plus a custom regex rule
/// and a keyword rule, so every stage runs. Strings are not cut (see `linear::DEFAULT_UNCUT`).
const SEALED: &str = r#"{"version":1,"limits":{"max_string_bytes":1073741824},"keys":{"seal":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"seal":{"checkpoint_every":1000},"normalise":{"timestamps":true},"redact":{"rules":[{"name":"emp","regex":"EMP-[0-9]{6}"},{"name":"code","keywords":["falcon","project-x"]}]}}"#;

/// Shapes that each repeat a detector's trigger, or a prefix it reads forward from.
fn shapes() -> Vec<(&'static str, Vec<u8>)> {
    let mut v: Vec<(&'static str, Vec<u8>)> = vec![
        // Digit groups: the card, SSN, SIN and Telegram detectors read groups forward.
        ("00 ", b"00 ".to_vec()),
        ("1 ", b"1 ".to_vec()),
        ("1-", b"1-".to_vec()),
        ("1.", b"1.".to_vec()),
        ("4111 ", b"4111 ".to_vec()),
        ("4 ", b"4 ".to_vec()),
        ("6-", b"6-".to_vec()),
        ("3.", b"3.".to_vec()),
        ("4111-", b"4111-".to_vec()),
        ("123-45-", b"123-45-".to_vec()),
        ("123 456 ", b"123 456 ".to_vec()),
        ("12345678:", b"12345678:".to_vec()),
        ("123456789:a-", b"123456789:a-".to_vec()),
        ("digits", b"0123456789".to_vec()),
        ("hex", b"0123456789abcdef".to_vec()),
        ("hex words", b"deadbeef ".to_vec()),
        // Separators: key=value, key: value, XML elements, flags, URLs.
        (">", b">".to_vec()),
        ("=>", b"=>".to_vec()),
        ("<a>", b"<a>".to_vec()),
        ("<password", b"<password".to_vec()),
        ("=", b"=".to_vec()),
        (":", b":".to_vec()),
        ("@", b"@".to_vec()),
        ("$", b"$".to_vec()),
        ("-", b"-".to_vec()),
        ("--a", b"--a".to_vec()),
        ("--password-", b"--password-".to_vec()),
        ("a@", b"a@".to_vec()),
        ("a@a.", b"a@a.".to_vec()),
        ("a=", b"a=".to_vec()),
        ("key=", b"key=".to_vec()),
        ("key=1a", b"key=1a".to_vec()),
        ("sig:9f", b"sig:9f".to_vec()),
        ("key=\"", b"key=\"".to_vec()),
        ("key='x ", b"key='x ".to_vec()),
        ("phone=-", b"phone=-".to_vec()),
        ("tel:(", b"tel:(".to_vec()),
        ("?key=", b"?key=".to_vec()),
        ("a://", b"a://".to_vec()),
        ("http://http:", b"http://http:".to_vec()),
        ("a://b:c", b"a://b:c".to_vec()),
        ("a://@", b"a://@".to_vec()),
        // Token shapes: vendor prefixes, JWTs, bearer credentials, hashes, PEM, IBAN, NINO.
        ("glpat-", b"glpat-".to_vec()),
        ("sk-ant-", b"sk-ant-".to_vec()),
        ("ya29.", b"ya29.".to_vec()),
        ("xoxb-", b"xoxb-".to_vec()),
        ("AKIA", b"AKIA".to_vec()),
        ("github_pat_", b"github_pat_".to_vec()),
        ("eyJ", b"eyJ".to_vec()),
        ("eyJ...-", b"eyJhbGciOiJI-".to_vec()),
        ("eyJ...", b"eyJhbGciOiJI.eyJzdWIiOiJ4-".to_vec()),
        ("Bearer ", b"Bearer ".to_vec()),
        ("Basic ", b"Basic ".to_vec()),
        ("-----BEGIN ", b"-----BEGIN ".to_vec()),
        ("-----BEGIN a", b"-----BEGIN a".to_vec()),
        ("$2b$", b"$2b$".to_vec()),
        ("pbkdf2_sha256$", b"pbkdf2_sha256$".to_vec()),
        ("GB82 ", b"GB82 ".to_vec()),
        ("GB82", b"GB82".to_vec()),
        ("AB12 ", b"AB12 ".to_vec()),
        ("hooks.slack.com/services/", b"hooks.slack.com/services/".to_vec()),
        // Text the other stages read: phrases, lookups, invisible characters, bad UTF-8.
        ("fa ", b"fa ".to_vec()),
        ("failed ", b"failed ".to_vec()),
        ("${", b"${".to_vec()),
        ("zwsp", "1\u{200b}".as_bytes().to_vec()),
        ("soft hyphen", "a\u{ad}".as_bytes().to_vec()),
        ("bad utf-8", b"\xff\xfe".to_vec()),
        ("c2", b"\xc2".to_vec()),
        ("e2 80", b"\xe2\x80".to_vec()),
        ("newline", b"a\n".to_vec()),
        ("escapes", b"\"\\".to_vec()),
        ("json in a string", br#"{"password":{"a":["#.to_vec()),
        ("EMP-", b"EMP-".to_vec()),
        ("falcon", b"falcofalcon".to_vec()),
        // Bare secrets, Azure secrets and the longer vendor bodies: runs judged from a word start.
        ("x7Kp2QmZ9vLw4RtY-", b"x7Kp2QmZ9vLw4RtY-".to_vec()),
        ("a1B/", b"a1B/".to_vec()),
        ("a1_", b"a1_".to_vec()),
        ("ab8Q~", b"ab8Q~".to_vec()),
        ("sntrys_eyJpYXQiO_", b"sntrys_eyJpYXQiO_".to_vec()),
        ("ops_eyJ/", b"ops_eyJ/".to_vec()),
        ("glpat-.", b"glpat-a.".to_vec()),
        ("-----BEGIN CERTIFICATE-----", b"-----BEGIN CERTIFICATE-----\nMIIB".to_vec()),
        ("hex-us", b"0123456789abcdef0123456789abcdef-us12-".to_vec()),
        // Assignment forms, pairs, command lines, protocol lines, encoded pairs.
        ("token :=", b"token := ".to_vec()),
        ("a ::= ", b"a ::= ".to_vec()),
        ("->", b"->".to_vec()),
        ("token string =", b"token string = ".to_vec()),
        ("token: String", b"token: String ".to_vec()),
        ("`", b"token=`".to_vec()),
        ("token=\\\"", br#"token=\""#.to_vec()),
        ("\"password\",'", b"\"password\",'".to_vec()),
        ("(\"token\", \"", b"(\"token\", \"".to_vec()),
        ("\"pw\",\"value\":", b"\"pw\",\"value\":".to_vec()),
        ("password%3D", b"password%3D".to_vec()),
        ("%22token%22%3A%22", b"%22token%22%3A%22".to_vec()),
        (" -p", b" -p".to_vec()),
        ("curl -u a:", b"curl -u a:".to_vec()),
        ("mysql -p", b"mysql -p".to_vec()),
        ("--user a:", b"--user a:".to_vec()),
        ("token: Bearer ", b"token: Bearer ".to_vec()),
        ("Authorization: Digest ", b"Authorization: Digest ".to_vec()),
        ("password: |\n", b"password: |\n".to_vec()),
        ("passwords:\n - ", b"passwords:\n - ".to_vec()),
        ("value: ", b"- name: password\n  value: ".to_vec()),
        ("password\t", b"\npassword\t".to_vec()),
        ("AUTH ", b"\nAUTH ".to_vec()),
        ("IDENTIFIED BY ", b"IDENTIFIED BY ".to_vec()),
        ("PASSWORD '", b"PASSWORD '".to_vec()),
        ("thin:", b"thin:a/".to_vec()),
        ("/bot", b"/bot12345678:".to_vec()),
        // National IDs: slash and plus forms, letter-led shapes, labels read around a number.
        ("123456/", b"123456/".to_vec()),
        ("123456+", b"123456+".to_vec()),
        ("85.07.30-", b"85.07.30-".to_vec()),
        ("S1234567", b"S1234567".to_vec()),
        ("CZ ", b"CZ ".to_vec()),
        ("1234567F", b"1234567F".to_vec()),
        ("MRTMTT91D08", b"MRTMTT91D08".to_vec()),
        ("15 070649 C", b"15 070649 C".to_vec()),
        ("pesel 44051401458 ", b"pesel 44051401458 ".to_vec()),
        ("national 1234567890123 ", b"national 1234567890123 ".to_vec()),
        // Numbers and contacts: encoded and Unicode separators, glued cards, bank labels,
        // encoded emails and phone values, IBAN groups.
        ("4111%20", b"4111%20".to_vec()),
        ("4111 nbsp", "4111\u{a0}".as_bytes().to_vec()),
        ("4111/", b"4111/".to_vec()),
        ("PAN4111", b"PAN4111111111111111".to_vec()),
        ("a%40", b"a%40".to_vec()),
        ("a%2B", b"a%2B".to_vec()),
        ("%40a.", b"%40a.".to_vec()),
        ("account no. 1-", b"account no. 1-".to_vec()),
        ("sort code 12-34-56 ", b"sort code 12-34-56 ".to_vec()),
        ("routing 1", b"routing 1".to_vec()),
        ("phone=%2B1%20", b"phone=%2B1%20".to_vec()),
        ("phone=1x", b"phone=1x".to_vec()),
        ("iban=DE89 ", b"iban=DE89 ".to_vec()),
        ("DE89-3704-", b"DE89-3704-".to_vec()),
        ("jos\u{e9}@", "jos\u{e9}@b\u{fc}".as_bytes().to_vec()),
        // Secrets in text: IMAP tags, PHP dumps, templates, base64-wrapped JSON and forms,
        // Facebook app tokens, curl users quoted apart, GitHub tokens in dashed names.
        (":a1 login ", b":a1 login ".to_vec()),
        ("[\"pw\"]=> string(", b"[\"pw\"]=> string(6) ".to_vec()),
        ("pw=${", b"pw=${".to_vec()),
        ("token=<", b"token=<".to_vec()),
        ("secret={{ ", b"secret={{ ".to_vec()),
        ("eyJhIjoi", b"eyJhIjoi".to_vec()),
        ("cGFzcz0x", b"cGFzcz0x".to_vec()),
        ("x=eyJ", b"x=eyJ".to_vec()),
        ("1234567890123456|", b"1234567890123456|".to_vec()),
        ("curl -u \"a\":\"", b"curl -u \"a\":\"".to_vec()),
        ("-ghp_", b"-ghp_".to_vec()),
        // Peers' secret formats: mid-line Redis AUTH, quoted curl headers, Sidekiq's userinfo,
        // base64 of user:password, UUID-bodied and long-prefixed vendor shapes.
        ("x AUTH a1 ", b"x AUTH a1 ".to_vec()),
        ("\"X-Auth: a", b"\"X-Auth: a".to_vec()),
        ("a://u:p@contribsys.com", b"a://u:p@contribsys.com".to_vec()),
        ("MzUzOmE1", b"MzUzOmE1".to_vec()),
        ("access-sandbox-", b"access-sandbox-".to_vec()),
        ("pat-na1-", b"pat-na1-".to_vec()),
        ("bedrock-api-key-", b"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t".to_vec()),
        ("cloudflare: ", b"cloudflare: ".to_vec()),
        // National IDs in text: encoded spaces (a decoded copy per start), a glued `%20`,
        // `+` groups, Unicode digits, labels in other scripts, PAN and lowercase NIE shapes.
        ("12%20", b"12%20".to_vec()),
        ("tfn%20876%20", b"tfn%20876%20".to_vec()),
        ("AA%2012%20", b"AA%2012%20".to_vec()),
        ("123+", b"123+".to_vec()),
        ("fullwidth 41 ", "\u{ff14}\u{ff11} ".as_bytes().to_vec()),
        ("arabic 4111", "\u{664}\u{661}\u{661}\u{661}".as_bytes().to_vec()),
        ("thai label 1", "\u{e1b}\u{e23}\u{e30}\u{e0a}\u{e32}\u{e0a}\u{e19} 1234567890123 ".as_bytes().to_vec()),
        ("ABCPD1234Z ", b"ABCPD1234Z ".to_vec()),
        ("x1234567l ", b"x1234567l ".to_vec()),
        ("BSN 123456782 ", b"BSN 123456782 ".to_vec()),
        // National IDs without a label: grouped codice fiscale (plain and encoded separators),
        // Thai and Philippine groups, Korean numbers without a check digit.
        ("MRTMTT ", b"MRTMTT ".to_vec()),
        ("MRTMTT%2F91D08%2F", b"MRTMTT%2F91D08%2F".to_vec()),
        ("1-2345-", b"1-2345-".to_vec()),
        ("000-123-456-", b"000-123-456-".to_vec()),
        ("201015-3", b"201015-3".to_vec()),
        ("AA1234567 ", b"AA1234567 ".to_vec()),
        // user:password pairs: colons read back and on from, quoted halves, long tokens with
        // colons far apart (each read up to its bound).
        ("a:", b"a:".to_vec()),
        (":!", b":!".to_vec()),
        ("\":", b"\":".to_vec()),
        (":\"", b":\"".to_vec()),
        ("ab:P@ssw0rd1", b"ab:P@ssw0rd1".to_vec()),
        ("long user:", [b"a".repeat(63), b":".to_vec()].concat()),
        ("long secret:", [b":".to_vec(), b"P@ssw0rd1".repeat(14)].concat()),
        ("\"long key:", [b"\"".to_vec(), b"d2LkV78zLx!t".repeat(10), b":".to_vec()].concat()),
        // Vendor grammars with `=` (a token after a key inside one bare run), stray bytes
        // after a distinctive prefix, test-looking bodies, Teams webhook paths, Beamer.
        ("duffel_test_=", b"duffel_test_=".to_vec()),
        ("k=pscale_pw_a=", b"k=pscale_pw_a=Zq5kVrX1n8tA2pLmW7=".to_vec()),
        ("sntrys_eyJpYXQiO=_", b"sntrys_eyJpYXQiO=_".to_vec()),
        ("sq0csp-a]", b"sq0csp-a]".to_vec()),
        ("xoxa-2-1-", b"xoxa-2-1-".to_vec()),
        ("squ_0123456789", b"squ_0123456789".to_vec()),
        (".office.com/webhookb2/", b"x.office.com/webhookb2/a@".to_vec()),
        ("b_a1=", b"b_a1=".to_vec()),
        // Percent-encoded values read again decoded: one long value of escapes, stray `%`,
        // encoded `=` and pairs, many short values, double and nested encodings.
        ("%41", b"%41".to_vec()),
        ("%%", b"%%".to_vec()),
        ("%3D", b"%3D".to_vec()),
        ("q=%3D&", b"q=%3D&".to_vec()),
        ("a%3Db%26", b"a%3Db%26".to_vec()),
        ("%253D", b"%253D".to_vec()),
        ("%2525", b"%2525".to_vec()),
        ("u=https%3A%2F%2Fx%3Fk%3D", b"u=https%3A%2F%2Fx%3Fk%3D".to_vec()),
        ("token%253D1%2526", b"token%253D1%2526".to_vec()),
        ("1234567890123456%7C", b"1234567890123456%7C".to_vec()),
        ("a%40b.c%20", b"a%40b.c%20".to_vec()),
    ];
    // A little of everything, so triggers meet each other's look-aheads.
    v.push(("mix", b"a1=b:c@d>e$f--g 1-2 eyJh://x".to_vec()));
    v
}

/// Shapes that are themselves JSON text: members of an object, or raw string escapes.
fn raw_shapes() -> Vec<(&'static str, Place, Vec<u8>)> {
    vec![
        ("\\u0041", Place::MsgRaw, br"\u0041".to_vec()),
        ("\\ud83d\\ude00", Place::MsgRaw, br"\ud83d\ude00".to_vec()),
        ("\\u200b", Place::MsgRaw, br"1\u200b".to_vec()),
        ("\\n", Place::MsgRaw, br"\n".to_vec()),
    ]
}

/// Records with thousands of members: the writer numbers repeated keys (`a`, `a#2`, ...) and
/// checks every key against the earlier ones of its object.
fn duplicate_shapes() -> Vec<(&'static str, Place, Vec<u8>)> {
    vec![
        ("duplicate keys", Place::Members, br#""a":1,"a#2":2,"#.to_vec()),
        ("same key", Place::Members, br#""key_name_x":1234,"#.to_vec()),
        ("same nested", Place::Members, br#""o":{"p":[1,{"q":"r"}]},"#.to_vec()),
        ("many keys", Place::Members, br#""key_%":1234,"#.to_vec()),
        ("secret keys", Place::Members, br#""password%":"x1","#.to_vec()),
        ("nested", Place::Members, br#""o%":{"p":[1,{"q":"r"}]},"#.to_vec()),
        ("numbers", Place::Members, br#""n%":-1.5e300,"#.to_vec()),
        ("messages", Place::Members, br#""msg%":"4111 1111 1111 1111 password=x a@b.io","#.to_vec()),
        ("card numbers", Place::Members, br#""n%":4111111111111111,"#.to_vec()),
        ("phone arrays", Place::Members, br#""phones%":["+1 415 555 0132",14155550132],"#.to_vec()),
    ]
}

struct Case {
    policy: &'static str,
    name: String,
    place: Place,
    growth: linear::Growth,
}

fn measure_raw(policy: &'static str, shapes: Vec<(&'static str, Place, Vec<u8>)>, cases: &mut Vec<Case>) {
    let fresh = || meter().instance(Some(policy));
    let mut runner: Runner = fresh();
    let label = if policy == SEALED { "sealed" } else { "default" };
    for (name, place, seed) in shapes {
        let growth = growth(&mut runner, &fresh, place, &seed, size());
        cases.push(Case { policy: label, name: name.to_string(), place, growth });
    }
}

fn measure(policy: &'static str, cases: &mut Vec<Case>) {
    let fresh = || meter().instance(Some(policy));
    let mut runner: Runner = fresh();
    let label = if policy == SEALED { "sealed" } else { "default" };
    for (name, seed) in shapes() {
        for place in PLACES.into_iter().filter(|p| !matches!(p, Place::MsgRaw | Place::Members)) {
            let growth = growth(&mut runner, &fresh, place, &seed, size());
            cases.push(Case { policy: label, name: name.to_string(), place, growth });
        }
    }
    drop(runner);
    measure_raw(policy, raw_shapes(), cases);
}

fn report(cases: &[Case]) -> Vec<String> {
    let mut bad = Vec::new();
    for c in cases {
        let g = &c.growth;
        let line = format!(
            "{:8} {:28} {:7?} {:>7} B: {:>12?} -> {:>12?} fuel, ratio {:.2?}, {:.1?}/byte",
            c.policy,
            c.name,
            c.place,
            g.len,
            g.small,
            g.large,
            g.ratio(),
            g.per_byte()
        );
        println!("{line}");
        if !g.ok() {
            bad.push(line);
        }
    }
    bad
}

#[test]
fn pathological_shapes_cost_linear_time() {
    let mut cases = Vec::new();
    measure(DEFAULT_UNCUT, &mut cases);
    measure(SEALED, &mut cases);
    let bad = report(&cases);
    assert!(
        bad.is_empty(),
        "{} shapes grow more than {MAX_RATIO}x per doubling or cost over {MAX_FUEL_PER_BYTE} fuel per byte:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn ordinary_records_cost_little_per_byte() {
    // The public corpora, record by record: the per-byte bound has headroom over real logs.
    let mut runner = meter().instance(None);
    let (mut total, mut bytes, mut worst) = (0u64, 0usize, 0f64);
    for name in ["pii-public.ndjson", "injection-public.ndjson"] {
        for rec in common::corpus_records(name) {
            let fuel = runner.cost(&rec, linear::limit(rec.len())).expect("within the limit");
            total += fuel;
            bytes += rec.len();
            worst = worst.max(fuel.saturating_sub(25_000) as f64 / rec.len() as f64);
        }
    }
    let mean = total as f64 / bytes as f64;
    println!("corpus records: {mean:.1} fuel per byte on average (short records: mostly the fixed cost); worst beyond a 25k fixed cost {worst:.1}");
    assert!(mean * 20.0 < MAX_FUEL_PER_BYTE as f64, "the bound is far over ordinary records ({mean:.1}/byte)");
    // A long ordinary message: the cost per byte of plain prose.
    let prose = b"user alice logged in from 10.1.2.3 via https://example.com/login?next=/home status=200 took 12ms; ";
    let fresh = || meter().instance(Some(DEFAULT_UNCUT));
    let g = growth(&mut fresh(), &fresh, Place::Msg, prose, size());
    println!("prose: {:?} -> {:?}, ratio {:.2?}, {:.1?}/byte", g.small, g.large, g.ratio(), g.per_byte());
    assert!(g.ok(), "{g:?}");
    assert!(g.per_byte().is_some_and(|f| f * 10.0 < MAX_FUEL_PER_BYTE as f64), "the bound is far over prose: {g:?}");
}

#[test]
fn many_members_cost_linear_time() {
    let mut cases = Vec::new();
    measure_raw(DEFAULT_UNCUT, duplicate_shapes(), &mut cases);
    measure_raw(SEALED, duplicate_shapes(), &mut cases);
    let bad = report(&cases);
    assert!(bad.is_empty(), "{} shapes are not linear:\n{}", bad.len(), bad.join("\n"));
}

/// The default policy with the opt-in unlabelled national-ID detector on for every ID
/// (`redact.national_ids_in_text`), strings uncut.
const NATIONAL_IDS_ON: &str = r#"{"version":1,"limits":{"max_string_bytes":1073741824},"redact":{"national_ids_in_text":true}}"#;

#[test]
fn unlabelled_national_ids_cost_linear_time() {
    // Runs of groups it reads whole and then group by group, and numbers it takes or refuses.
    let shapes: Vec<(&'static str, Vec<u8>)> = vec![
        ("1 ", b"1 ".to_vec()),
        ("12345678 ", b"12345678 ".to_vec()),
        ("1234-", b"1234-".to_vec()),
        ("1.", b"1.".to_vec()),
        ("44051401458 ", b"44051401458 ".to_vec()),
        ("44051401458-", b"44051401458-".to_vec()),
        ("1721625608,", b"1721625608,".to_vec()),
        ("digits", b"0123456789".to_vec()),
    ];
    let fresh = || meter().instance(Some(NATIONAL_IDS_ON));
    let mut runner: Runner = fresh();
    let mut cases = Vec::new();
    for (name, seed) in shapes {
        for place in [Place::Msg, Place::Text] {
            let growth = growth(&mut runner, &fresh, place, &seed, size());
            cases.push(Case { policy: "ids-on", name: name.to_string(), place, growth });
        }
    }
    let bad = report(&cases);
    assert!(bad.is_empty(), "{} shapes are not linear with national_ids_in_text on:\n{}", bad.len(), bad.join("\n"));
}
