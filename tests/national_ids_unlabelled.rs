//! National identifiers without a label, end to end: the shapes distinctive enough to take
//! bare (a letter at a fixed place plus a check, or the country's separators plus a check and
//! a date), in the places logs put them (a message, a neutral field, a config dump, a query
//! string, logfmt), and the look-alikes logs are full of (phones, dates, build ids, versions,
//! IPs, order and ticket ids, SKUs, hex ids, commit ids, pod names, account ids, durations)
//! surviving beside them. `docs/detectors/national-ids.md`, "Without a label", lists what is
//! taken and what is refused bare, and why.

use logseal::{Filter, Plan};
use messages::{record as msg, run};
use serde_json::json;

#[path = "support/messages.rs"]
mod messages;

/// The written shapes taken bare: (the ID as written, what it is).
const BARE: &[(&str, &str)] = &[
    ("AAAPL1234C", "Indian PAN, holder type P"),
    ("T1234567J", "Singapore NRIC"),
    ("G1234567X", "Singapore FIN"),
    ("MRTMTT91D08F205J", "codice fiscale"),
    ("MRTMTT 91D08 F205J", "codice fiscale in three groups"),
    ("MLLSNT82P65-Z404U", "codice fiscale, dash before the last group"),
    ("LKJLDJ/00E20/D635F", "codice fiscale, slashes"),
    ("T220001293", "German passport with its check digit"),
    ("LZ6311T475", "German identity card with its check digit"),
    ("12345678Z", "Spanish DNI"),
    ("X1234567L", "Spanish NIE"),
    ("800101-1234560", "Korean RRN"),
    ("911124-5678906", "Korean FRN"),
    ("201015-3123458", "Korean RRN issued since October 2020, no check digit"),
    ("536-90-4399", "US SSN"),
    ("912-70-1234", "US ITIN"),
    ("811228-9874", "Swedish personnummer"),
    ("19811228-9874", "Swedish personnummer, full year"),
    ("131052-308T", "Finnish HETU"),
    ("1-2345-67890-12-1", "Thai citizen id, dashed"),
    ("1 2345 67890 12 1", "Thai citizen id, spaced"),
    ("000-123-456-000", "Philippine TIN with a branch code"),
    ("2345 6789 0124", "Aadhaar, spaced"),
    ("2345-6789-0124", "Aadhaar, dashed"),
    ("529.982.247-25", "Brazilian CPF"),
    ("1 84 12 76 451 089 46", "French NIR, spaced"),
];

/// The records a log carries an ID in, with `{}` where the ID goes (the query string's
/// spaces percent-encoded), and the field whose text is read back.
fn contexts(id: &str) -> Vec<(String, &'static str)> {
    let encoded = id.replace(' ', "%20").replace('/', "%2F");
    vec![
        (msg(&format!("job 4512 alphaword {id} bravoword done")), "msg"),
        (json!({"svc": "checkout alphaword bravoword", "note": id}).to_string(), "note"),
        (msg(&format!("config dump: OPTION_7={id} RETRIES=3 alphaword bravoword")), "msg"),
        (msg(&format!("GET /search?q={encoded}&page=2 HTTP/1.1 200 alphaword bravoword")), "msg"),
        (json!({"log": format!("level=info msg=\"alphaword bravoword\" x={id} dur=12ms")}).to_string(), "log"),
    ]
}

#[test]
fn distinctive_shapes_are_taken_without_a_label_in_every_context() {
    let mut f = Filter::new(Plan::default_policy());
    let mut missed = Vec::new();
    for (id, what) in BARE {
        for (i, (record, field)) in contexts(id).into_iter().enumerate() {
            let v = run(&mut f, &record);
            let out = v[field].as_str().unwrap_or_default().to_string();
            let bare = id.replace(' ', "%20").replace('/', "%2F");
            if out.contains(id) || out.contains(&bare) || !out.contains("[REDACTED:") {
                missed.push(format!("{what} ({id}) in context {i}: {out}"));
            }
            if field != "note" && !(out.contains("alphaword") && out.contains("bravoword")) {
                missed.push(format!("{what} ({id}) in context {i} lost its words: {out}"));
            }
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// Benign look-alikes that must go through unchanged, each in a message and a field.
const BENIGN: &[&str] = &[
    // Phones.
    "555-123-4567",
    "+1 415 555 0100",
    "020 7946 0958",
    "907 974 668",
    // Dates, times, build ids stamped with a date.
    "2024-01-15",
    "15.01.2024",
    "2024-01-15T10:22:31.123Z",
    "20240115-1234",
    "20110925-2385",
    "build 240115-1234567",
    // Versions, IPs, ports, durations.
    "1.2.3",
    "10.0.19045",
    "192.168.1.10",
    "10.0.0.1:8080",
    "1500ms",
    "PT1H30M",
    // Order, ticket and request ids, SKUs.
    "ORD-2024-00012345",
    "INC0012345",
    "AB1234567",
    "SKU-AB1234567",
    "REQ-7F3A9C21",
    // Hex ids, commit ids, UUIDs, pod names, account ids.
    "deadbeefcafebabe",
    "3f9a2c1e4b7d8a6f5e4d3c2b1a0f9e8d7c6b5a49",
    "550e8400-e29b-41d4-a716-446655440000",
    "web-7d4b9c8f5-x2kqz",
    "api-5f6c7d8b9-lz6311t475",
    "123456789012",
    // Shapes refused bare (see the docs): a paper Italian identity card, an electronic one,
    // a German document number without its check digit or in lower case, a codice fiscale
    // with a wrong check letter, a spaced nine-digit run, a Korean number failing its check
    // from before October 2020, a Singapore shape with a wrong check letter.
    "AA1234567",
    "CA12345AB",
    "C01X00T47",
    "lz6311t475",
    "MRTMTT 91D08 F205V",
    "876 543 210",
    "960121-1234567",
    "T1234567Z",
    "1-2345-67890-12-2",
    "000-123-457-000",
];

#[test]
fn benign_look_alikes_survive() {
    let mut f = Filter::new(Plan::default_policy());
    let mut lost = Vec::new();
    for text in BENIGN {
        let m = format!("job 4512 alphaword {text} bravoword done");
        let v = run(&mut f, &msg(&m));
        if v["msg"].as_str() != Some(m.as_str()) {
            lost.push(format!("{text}: {}", v["msg"]));
        }
        let v = run(&mut f, &json!({"svc": "checkout", "note": text}).to_string());
        if v["note"].as_str() != Some(*text) {
            lost.push(format!("{text} as a field: {}", v["note"]));
        }
    }
    assert!(lost.is_empty(), "{}", lost.join("\n"));
}

#[test]
fn a_card_number_stays_the_card_detectors() {
    let mut f = Filter::new(Plan::default_policy());
    for card in ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"] {
        let v = run(&mut f, &msg(&format!("paid with {card} ok")));
        let out = v["msg"].as_str().unwrap();
        assert!(out.contains("[REDACTED:card]"), "{card}: {out}");
        assert!(!out.contains("national_id"), "{card}: {out}");
    }
}

#[test]
fn a_grouped_id_is_not_the_tail_of_a_longer_number() {
    let mut f = Filter::new(Plan::default_policy());
    // A fourth or sixth group, or a digit glued before: no longer the ID's shape.
    for text in ["seq 7 1-2345-67890-12-1 ok", "seq 1-2345-67890-12-1-4 ok", "seq 000-123-456-000-111 ok", "seq 9000-123-456-000 ok"] {
        let v = run(&mut f, &msg(text));
        assert_eq!(v["msg"].as_str(), Some(text), "{text}");
    }
}

#[test]
fn an_italian_identity_card_needs_a_label_of_its_own() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("verified carta d'identità AA1234567 ok", "AA1234567"),
        ("verified CIE CA12345AB ok", "CA12345AB"),
        ("identity card no. CB00000AA ok", "CB00000AA"),
    ] {
        let v = run(&mut f, &msg(text));
        let out = v["msg"].as_str().unwrap();
        assert!(!out.contains(secret) && out.contains("[REDACTED:national_id]") && out.ends_with(" ok"), "{text}: {out}");
    }
    for text in ["order ID AA1234567 ok", "sku AA1234567 ok", "batch CA12345AB ok"] {
        let v = run(&mut f, &msg(text));
        assert_eq!(v["msg"].as_str(), Some(text));
    }
}
