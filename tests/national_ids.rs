//! National identifiers end to end: each country's written shapes are redacted as
//! `national_id` (bare digit runs with a label), and the numbers logs are full of (Unix times,
//! order ids, phone numbers, durations, ports, versions) survive.

use logseal::{Filter, Plan};
use messages::{record as msg, redacted_as, run};
use serde_json::Value;

#[path = "support/messages.rs"]
mod messages;

/// How many national IDs the filter found in the record.
fn ids(v: &Value) -> u64 {
    v["logseal"]["redacted"]["national_id"].as_u64().unwrap_or(0)
}

/// Asserts `secret` is gone from `text` as a national ID and `kept` survives.
fn redacted(filter: &mut Filter, text: &str, secret: &str, kept: &str) {
    redacted_as(filter, text, secret, kept, "[REDACTED:national_id]");
}

fn kept(filter: &mut Filter, text: &str) {
    let v = run(filter, &msg(text));
    assert_eq!(v["msg"].as_str(), Some(text), "changed");
    assert_eq!(ids(&v), 0, "{text}");
}

#[test]
fn written_shapes_are_redacted_without_a_label() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("citizen 670919-9530 called", "670919-9530"),
        ("user 19670919-9530 called", "19670919-9530"),
        ("user 701063-2391 called", "701063-2391"),
        ("user 85.07.30-033.28 called", "85.07.30-033.28"),
        ("user 2 69 05 49 588 157 80 called", "2 69 05 49 588 157 80"),
        ("user 151024610204325 called", "151024610204325"),
        ("user 15070649C103 called", "15070649C103"),
        ("user C01X00T478 called", "C01X00T478"),
        ("user 1990093012358 called", "1990093012358"),
        ("user 2800101221146 called", "2800101221146"),
        ("user 8001015009087 called", "8001015009087"),
        ("user 01-01-006-50-000-6 called", "01-01-006-50-000-6"),
        ("user 680911/5566 called", "680911/5566"),
        ("user CZ 710319/2745 called", "710319/2745"),
        ("user 121282-11210 called", "121282-11210"),
        ("user 28 12345678 40 called", "28 12345678 40"),
        ("user 1234567T called", "1234567T"),
        ("user 1234567FA called", "1234567FA"),
        ("user S6859080I called", "S6859080I"),
        ("user MRTMTT91D08F205J called", "MRTMTT91D08F205J"),
        ("user 911124-5678906 called", "911124-5678906"),
        ("user 010594Y9032 called", "010594Y9032"),
        ("extranjero Y8063915-Z called", "Y8063915-Z"),
    ] {
        redacted(&mut f, text, secret, "called");
    }
}

#[test]
fn bare_digit_runs_are_redacted_with_a_label() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("personnummer 196709199530 ok", "196709199530"),
        ("my personal identity code is: 189110089811. ok", "189110089811"),
        ("rijksregisternummer 85073003328 ok", "85073003328"),
        ("Steuer-ID: 86095742719 ok", "86095742719"),
        ("EGN 7523169263 ok", "7523169263"),
        ("isikukood 38507300337 ok", "38507300337"),
        ("asmens kodas 39001010000 ok", "39001010000"),
        ("AMKA 01039012347 ok", "01039012347"),
        ("afm 982603151 ok", "982603151"),
        ("nuss 281234567840 ok", "281234567840"),
        ("tax number 8234567896 ok", "8234567896"),
        ("PESEL 44051401458 ok", "44051401458"),
        ("TC kimlik no 10000000146 ok", "10000000146"),
        ("thai national id 1234567890121 ok", "1234567890121"),
        ("TFN 876 543 210 ok", "876 543 210"),
        ("davcna 95985352 ok", "95985352"),
        ("rodne cislo 9811150570 ok", "9811150570"),
        ("aadhaar 234567890124 ok", "234567890124"),
        ("My TIN is 000-123-456-000 ok", "000-123-456-000"),
        ("CNP 1800101221144 ok", "1800101221144"),
        ("frn 9111245678906 ok", "9111245678906"),
    ] {
        redacted(&mut f, text, secret, "ok");
    }
}

#[test]
fn national_id_field_names_redact_their_values() {
    let mut f = Filter::new(Plan::default_policy());
    for key in ["personnummer", "cnp", "egn", "amka", "emso", "tckn", "nric", "rodne_cislo", "codice_fiscale", "steuer_id", "isikukood", "pps_number", "national_number"] {
        let v = run(&mut f, &format!(r#"{{"{key}":"0000 anything","svc":"ok"}}"#));
        assert_eq!(v[key], "[REDACTED:national_id]", "{key}");
        assert_eq!(v["svc"], "ok");
    }
}

#[test]
fn the_same_shapes_failing_their_checks_survive() {
    let mut f = Filter::new(Plan::default_policy());
    for text in [
        "ref 670919-9539 x", "ref 85.07.30-033.29 x", "ref 151024610204326 x", "ref 15070649C100 x", "ref C01X00T471 x",
        "ref 1990093012359 x", "ref 2800101221145 x", "ref 8001015009086 x", "ref 0101006500007 x", "ref 680911/5567 x",
        "ref 121282-11211 x", "ref 28 12345678 41 x", "ref 1234567A x", "ref S6859080J x", "ref MRTMTT91D08F205V x",
        "ref 111111-11111 x", "ref 800230-1234560 x", "PESEL 44051401459 x", "EGN 7523169264 x",
    ] {
        kept(&mut f, text);
    }
}

/// A deterministic generator (64-bit LCG), so the benign sets are the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
}

/// Runs `numbers` through the filter in records of a few hundred, each number in a sentence
/// (`... 1721625608 ok | ...`); returns how many the filter took for national IDs.
fn national_ids_among(numbers: &[String]) -> u64 {
    let mut f = Filter::new(Plan::default_policy());
    numbers
        .chunks(200)
        .map(|chunk| {
            let text: Vec<String> = chunk.iter().map(|n| format!("event at {n} ok")).collect();
            ids(&run(&mut f, &msg(&text.join(" | "))))
        })
        .sum()
}

#[test]
fn unix_times_of_the_last_thirty_years_survive() {
    // 1996-12-01 to 2026-12-01, a step of a little under a day, in seconds and milliseconds.
    let (from, to) = (849_398_400u64, 1_796_083_200u64);
    let mut g = Lcg(15);
    let seconds: Vec<String> = (from..to).step_by(86_389).map(|t| t.to_string()).collect();
    let millis: Vec<String> = (from..to).step_by(86_389).map(|t| (t * 1000 + g.next() % 1000).to_string()).collect();
    assert!(seconds.len() > 10_000);
    assert_eq!(national_ids_among(&seconds), 0);
    assert_eq!(national_ids_among(&millis), 0);
    // Microseconds and nanoseconds are longer than any national ID.
    let micros: Vec<String> = (from..to).step_by(8_638_900).map(|t| (t * 1_000_000 + g.next() % 1_000_000).to_string()).collect();
    assert_eq!(national_ids_among(&micros), 0);
}

#[test]
fn random_order_ids_rarely_pass_for_a_national_id() {
    // An unlabelled digit run passes only where its structure is strong (a date and a check
    // digit, or two check digits): at most three in a thousand of any length.
    let mut g = Lcg(7);
    for len in 8..=18u32 {
        let numbers: Vec<String> = (0..4000).map(|_| format!("{:0w$}", g.next() % 10u64.pow(len), w = len as usize)).collect();
        let found = national_ids_among(&numbers);
        eprintln!("{len} digits: {found} of 4000");
        assert!(found <= 12, "{len}-digit ids: {found} of 4000 taken for national IDs");
    }
}

#[test]
fn phone_numbers_durations_ports_and_versions_survive() {
    let mut f = Filter::new(Plan::default_policy());
    for text in [
        "call 0701234567 now", "call 14155552671 now", "call 447911123456 now", "dial 004670123456 now",
        "took 1234567890ns", "took 86400000 ms", "listening on 0.0.0.0:8080", "port 65535 open", "version 1.2.3.4567890",
        "release v2026.12.01-123456", "build 20261201.1516 ok", "backup-20261201-1516.tar.gz", "GET /api/v1/users/680911/5566 200",
        "seq 12345678 ack 87654321", "offset 9876543210123", "bytes 1073741824 read", "count 99999999999 rows", "date 20261201 ok",
        "invoice INV-2026-000123456 paid",
    ] {
        kept(&mut f, text);
    }
}
