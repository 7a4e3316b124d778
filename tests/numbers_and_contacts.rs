//! Numbers and contacts end to end: cards, IBANs, routing and account numbers, phones and
//! emails in the shapes logs write them (grouped, percent-encoded, as JSON numbers, under
//! phone names in arrays and objects), and the benign numbers beside them that must survive.

use logseal::{Context, Filter, Plan};
use serde_json::Value;

fn run(plan: Plan, line: &str) -> (Value, String) {
    let mut out = Vec::new();
    Filter::new(plan).process(line.as_bytes(), &Context::default(), &mut out);
    let text = String::from_utf8(out).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

fn filter(line: &str) -> (Value, String) {
    run(Plan::default_policy(), line)
}

/// The message field after filtering `{"msg": <msg>}` (`msg` as JSON string text).
fn msg(m: &str) -> String {
    let (v, _) = filter(&format!(r#"{{"msg":{}}}"#, serde_json::to_string(m).unwrap()));
    v["msg"].as_str().unwrap().to_string()
}

fn phones_in_text() -> Plan {
    Plan::load(r#"{"version":1,"redact":{"phones_in_text":true}}"#, &logseal::policy::NoEnvironment, None).unwrap()
}

#[test]
fn grouped_and_dashed_ibans_are_masked_whole() {
    for iban in [
        "DE89 3704 0044 0532 0130 00", "AL47-2121-1009-0000-0002-3569-8741", "KZ86 125K ZT50 0410 0100", "GB82 WEST 1234 5698 7654 32",
        "DE4450-0105-1754-0732-4931",
    ] {
        assert_eq!(msg(&format!("pay to {iban} today")), "pay to [REDACTED:iban] today", "{iban}");
    }
    assert_eq!(msg("GET /pay?iban=KZ86%20125K%20ZT50%200410%200100&x=1"), "GET /pay?iban=[REDACTED:iban]&x=1");
}

#[test]
fn an_iban_label_takes_the_whole_grouped_value() {
    assert_eq!(msg("IBAN: DE89 3704 0044 0532 0130 00 sent"), "IBAN: [REDACTED:iban] sent");
    // Even with wrong check digits: the label says what it is.
    assert_eq!(msg("iban=DE00 3704 0044 0532 0130 00 ok"), "iban=[REDACTED:iban] ok");
}

#[test]
fn ibans_of_recently_registered_countries() {
    // Libya (25) and Russia (33): lengths from the SWIFT registry, check digits computed.
    for iban in ["LY83002048000020100120361", "RU0204452560040702810412345678901"] {
        assert_eq!(msg(&format!("to {iban}.")), "to [REDACTED:iban].", "{iban}");
    }
}

#[test]
fn an_iban_with_wrong_check_digits_is_not_read_as_a_card() {
    // The groups of a mistyped IBAN hold a Luhn-valid Mastercard-range number: it stays.
    let t = "ref RS35 2600 0560 1001 6113 70 ok";
    assert_eq!(msg(t), t);
    let t = "ref LV80 bANK 0000 4351 9500 1 ok";
    assert_eq!(msg(t), t, "IBANs are written in capitals");
}

#[test]
fn cards_in_every_grouping_logs_use() {
    for card in [
        "4111\u{a0}1111\u{a0}1111\u{a0}1111", "4111\u{2009}1111\u{2009}1111\u{2009}1111", "4111\t1111\t1111\t1111",
        "4111/1111/1111/1111", "4111_1111_1111_1111", "3782 822463 10005", "35660020 20360505",
    ] {
        assert_eq!(msg(&format!("card {card} ok")), "card [REDACTED:card] ok", "{card:?}");
    }
    assert_eq!(msg("GET /s?q=4111%201111%201111%201111&page=2"), "GET /s?q=[REDACTED:card]&page=2");
}

#[test]
fn cards_glued_to_letters_and_in_track_data() {
    assert_eq!(msg("PAN4111111111111111 ok"), "PAN[REDACTED:card] ok");
    assert_eq!(msg("%B4111111111111111^DOE/JOHN^2512101?"), "%B[REDACTED:card]^DOE/JOHN^2512101?");
    assert_eq!(msg(";4111111111111111=25121010000000000?"), ";[REDACTED:card]=25121010000000000?");
}

#[test]
fn regional_card_ranges() {
    // Maestro 6759, Dankort 5019, Mir 2200, UATP 1 (15 digits), Troy 9792, RuPay 6070.
    for card in ["6759649826438453", "5019717010103742", "2200000000000004", "122000000000003", "9792000000000003", "6070000000000002"] {
        assert!(logseal_luhn(card), "{card} is a test vector with a valid Luhn digit");
        assert_eq!(msg(&format!("card {card} ok")), "card [REDACTED:card] ok", "{card}");
    }
}

fn logseal_luhn(d: &str) -> bool {
    let sum: u32 = d.bytes().rev().enumerate().map(|(i, c)| {
        let v = (c - b'0') as u32;
        if i % 2 == 1 { if v * 2 > 9 { v * 2 - 9 } else { v * 2 } } else { v }
    }).sum();
    sum % 10 == 0
}

#[test]
fn number_lists_and_ids_are_not_cards() {
    for t in [
        "digits 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 end",
        "ids [4111, 1111, 1111, 1111]",
        "ts 1721625608312 1721625608313 1721625608314",
        "us 1721625608312000 ok",
        "order 9068985753113361 shipped",
        "took 12 411111111111111 steps",
        "path /v1/4111/1111.1111/1111",
    ] {
        assert_eq!(msg(t), t);
    }
}

#[test]
fn json_numbers_holding_cards_are_masked_as_strings() {
    let (v, _) = filter(r#"{"x":4111111111111111,"n":[5555555555554444,3],"count":12345678901,"ts":1721625608312}"#);
    assert_eq!(v["x"], "[REDACTED:card]");
    assert_eq!(v["n"][0], "[REDACTED:card]");
    assert_eq!(v["n"][1], 3);
    assert_eq!(v["count"], 12345678901u64);
    assert_eq!(v["ts"], 1721625608312u64);
    assert_eq!(v["logseal"]["redacted"]["card"], 2);
}

#[test]
fn phones_under_phone_names_in_every_shape() {
    let (v, _) = filter(
        r#"{"phone":14155550132,"phones":["+1 415 555 0132","+44 20 7123 4567"],"contact":{"mobile":{"number":"(415) 555-0132 ext. 42","country":"US"}},"phone_e164":"+14155550132","tel":"+1 (415) 555-0132 x7","phone_verified":true}"#,
    );
    assert_eq!(v["phone"], "[REDACTED:phone]");
    assert_eq!(v["phones"][0], "[REDACTED:phone]");
    assert_eq!(v["phones"][1], "[REDACTED:phone]");
    assert_eq!(v["contact"]["mobile"]["number"], "[REDACTED:phone]");
    assert_eq!(v["contact"]["mobile"]["country"], "US");
    assert_eq!(v["phone_e164"], "[REDACTED:phone]");
    assert_eq!(v["tel"], "[REDACTED:phone]");
    assert_eq!(v["phone_verified"], true);
}

#[test]
fn phones_under_phone_names_in_text_and_urls() {
    assert_eq!(msg("GET /contact?phone=%2B63%20917%20123%204567&page=2"), "GET /contact?phone=[REDACTED:phone]&page=2");
    assert_eq!(msg("GET /contact?phone=%28415%29%20555-0132&page=2"), "GET /contact?phone=[REDACTED:phone]&page=2");
    assert_eq!(msg("level=info phone=+1-415-555-0132 dur=3ms"), "level=info phone=[REDACTED:phone] dur=3ms");
}

#[test]
fn free_text_phones_only_when_the_policy_asks() {
    let t = "call +44 20 7123 4567 or (415) 555-0132 about order 4155550132";
    assert_eq!(msg(t), t, "off by default");
    let (v, _) = run(phones_in_text(), &format!(r#"{{"msg":"{t}"}}"#));
    assert_eq!(v["msg"], "call [REDACTED:phone] or [REDACTED:phone] about order 4155550132");
}

#[test]
fn emails_encoded_internationalised_and_punycode() {
    assert_eq!(msg("GET /s?q=alice%40example.com&p=2"), "GET /s?q=[REDACTED:email]&p=2");
    assert_eq!(msg("to josé@bücher.de ok"), "to [REDACTED:email] ok");
    assert_eq!(msg("to 用户@例子.广告 ok"), "to [REDACTED:email] ok");
    assert_eq!(msg("to a@xn--d1acufc.xn--p1ai ok"), "to [REDACTED:email] ok");
    for t in ["100%40 off", "pkg@1.2.3", "discount 20%40 off.now"] {
        assert_eq!(msg(t), t);
    }
}

#[test]
fn routing_and_account_numbers_after_labels() {
    assert_eq!(msg("routing no. 121000358 account no. 12345678"), "routing no. [REDACTED:bank_account] account no. [REDACTED:bank_account]");
    assert_eq!(msg("acct: 000123456789 ok"), "acct: [REDACTED:bank_account] ok");
    assert_eq!(msg("sort code 12-34-56 account 12345678"), "sort code [REDACTED:bank_account] account [REDACTED:bank_account]");
    assert_eq!(msg("rtn 3222-7162-7"), "rtn [REDACTED:bank_account]");
    assert_eq!(msg("transfer via 3222-7162-7 ok"), "transfer via [REDACTED:bank_account] ok", "the routing check-digit shape");
}

#[test]
fn plain_nine_digit_numbers_and_cloud_account_ids_stay() {
    for t in [
        "bytes 121000358 sent", "assumed role in account 123456789012", "account: 123456789012", "routing key 12345678",
        "dur_ns=314074269", "id 3222-7162-8",
    ] {
        assert_eq!(msg(t), t);
    }
}

#[test]
fn ssn_with_dots_and_lowercase_ninos() {
    assert_eq!(msg("ssn 078.05.1123 ok"), "ssn [REDACTED:ssn] ok");
    assert_eq!(msg("nino tw987654a ok"), "nino [REDACTED:national_id] ok");
    assert_eq!(msg("nino hh 01 02 03 d ok"), "nino [REDACTED:national_id] ok");
    for t in ["v 1.2.3 and 123.45.678 ok", "ref Ab123456c ok", "ref da123456c ok"] {
        assert_eq!(msg(t), t);
    }
}
