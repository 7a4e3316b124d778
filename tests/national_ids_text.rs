//! National identifiers and bank numbers in free text, end to end: labels of each kind in a
//! message (`BSN 123456782`, `NIF 581348915`, `CPF 52998224725`), shapes distinctive enough to
//! take bare (Indian PAN, lowercase DNI/NIE), Unicode digits (fullwidth, Arabic-Indic), groups
//! spaced by `%20` or `+` in a query string, labels in Thai and Korean; and the numbers logs
//! are full of (epoch times, order and request ids, versions, ports, durations, UUIDs, commit
//! ids, hex digests) surviving beside them.

use logseal::{Filter, Plan};
use messages::{record as msg, redacted_as, run};

#[path = "support/messages.rs"]
mod messages;

/// Asserts `secret` is gone from `text` and `kept` survives.
fn redacted(filter: &mut Filter, text: &str, secret: &str, kept: &str) {
    redacted_as(filter, text, secret, kept, "[REDACTED:");
}

fn kept(filter: &mut Filter, text: &str) {
    let v = run(filter, &msg(text));
    assert_eq!(v["msg"].as_str(), Some(text), "changed");
    assert!(v["logseal"]["redacted"].is_null(), "{text}: {v}");
}

#[test]
fn labels_of_their_kind_take_bare_numbers_in_text() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("citizen BSN 123456782 updated", "123456782"),
        ("burgerservicenummer: 1234.56.782 updated", "1234.56.782"),
        ("sofinummer 123456782 updated", "123456782"),
        ("NIF 581348915 updated", "581348915"),
        ("numero de contribuinte 581 348 915 updated", "581 348 915"),
        ("CPF 52998224725 updated", "52998224725"),
        ("my cpf is 529.982.247-25 updated", "529.982.247-25"),
        ("ITIN 912701234 updated", "912701234"),
        ("PAN: ABCND1234Z updated", "ABCND1234Z"),
        ("เลขประจำตัวประชาชน: 3456789012347 updated", "3456789012347"),
        ("주민등록번호 8001011234560 updated", "8001011234560"),
    ] {
        redacted(&mut f, text, secret, "updated");
    }
}

#[test]
fn generic_labels_do_not_take_a_one_in_eleven_number() {
    let mut f = Filter::new(Plan::default_policy());
    // 123456789 passes the Portuguese check, 123456782 the Dutch one.
    // 876543210 passes the Australian check, 982603151 the Greek one.
    for text in [
        "Not a TIN 123456789 ok",
        "tax batch 123456782 ok",
        "national rollout 581348915 ok",
        "id 123456782 ok",
        "tax batch 876543210 ok",
        "taxpayer count 982603151 ok",
    ] {
        kept(&mut f, text);
    }
}

#[test]
fn nine_digit_numbers_without_a_label_stay() {
    let mut f = Filter::new(Plan::default_policy());
    for text in ["order 123456782 shipped", "bytes 581348915 sent", "user 52998224725 called", "ref 912701234 done", "took 912701234ns"] {
        kept(&mut f, text);
    }
}

#[test]
fn indian_pans_are_taken_bare_by_their_holder_type() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("pan ABCPD1234Z on file", "ABCPD1234Z"),
        ("holder AAACB1234F, filed", "AAACB1234F"),
        ("holder ABCPD1234Z 2024 filed", "ABCPD1234Z"),
        ("My PAN number is ABBPM4567S with a lot of text", "ABBPM4567S"),
    ] {
        redacted(&mut f, text, secret, "");
    }
    // No holder type (N), serial 0000, lower case, inside a longer word: kept.
    for text in ["sku ABCND1234Z ok", "sku ABCPD0000Z ok", "sku abcpd1234z ok", "sku XABCPD1234Z ok", "sku ABCPD1234ZZ ok"] {
        kept(&mut f, text);
    }
}

#[test]
fn dni_and_nie_letters_in_lower_case_count_but_not_hex_ones() {
    let mut f = Filter::new(Plan::default_policy());
    redacted(&mut f, "dni 12345678z ok", "12345678z", "ok");
    redacted(&mut f, "nie x1234567l ok", "x1234567l", "ok");
    redacted(&mut f, "user y8063915z ok", "y8063915z", "ok");
    // 00000009 mod 23 is 9: `D`; in lower case it is a hex digit (a short commit id's tail).
    kept(&mut f, "commit 00000009d ok");
    kept(&mut f, "nie X1234567l ok");
    redacted(&mut f, "fin g3970684p ok", "g3970684p", "ok");
    kept(&mut f, "ref g3970684q ok");
}

#[test]
fn swedish_numbers_of_twelve_digits_born_before_2000_need_no_label() {
    let mut f = Filter::new(Plan::default_policy());
    redacted(&mut f, "user 198712202384 called", "198712202384", "called");
    redacted(&mut f, "user 189004119807 called", "189004119807", "called");
    // Born in 2011, or a compact timestamp of today: a label is needed.
    kept(&mut f, "user 201109252385 called");
    kept(&mut f, "at 202612011514 built");
    kept(&mut f, "user 198712202385 called");
}

#[test]
fn unicode_digits_are_read_as_digits_and_masked_whole() {
    let mut f = Filter::new(Plan::default_policy());
    let fw = |s: &str| s.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0xFF10 + d).unwrap())).collect::<String>();
    let arabic = |s: &str| s.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0x660 + d).unwrap())).collect::<String>();
    for secret in [fw("4111 1111 1111 1111"), fw("078-05-1120"), fw("529.982.247-25"), arabic("4111111111111111"), fw("670919-9530")] {
        let text = format!("paid {secret} ok");
        let v = run(&mut f, &msg(&text));
        let out = v["msg"].as_str().unwrap();
        assert!(out.starts_with("paid [REDACTED:") && out.ends_with("] ok"), "{text} -> {out}");
        // No byte of the number survives.
        assert!(!out.contains('\u{ff11}') && !out.contains('\u{661}'), "{out}");
    }
    // Fullwidth digits that fail the checks stay as they were.
    kept(&mut f, &format!("order {} ok", fw("4111 1111 1111 1112")));
    kept(&mut f, &format!("at {} ok", fw("1721625608")));
    kept(&mut f, "価格は１２３４円です");
}

#[test]
fn grouped_ids_in_query_strings_are_found_through_encoded_spaces() {
    let mut f = Filter::new(Plan::default_policy());
    for (text, secret) in [
        ("GET /s?q=078%2005%201120&page=2 200", "078%2005%201120"),
        ("GET /s?q=130%20692%20544&page=2 200", "130%20692%20544"),
        ("GET /s?q=3123%204567%208909&page=2 200", "3123%204567%208909"),
        ("GET /s?q=85%2007%2030%20033%2028&page=2 200", "85%2007%2030%20033%2028"),
        ("GET /s?q=AA%2012%2034%2056%20B&page=2 200", "AA%2012%2034%2056%20B"),
        ("GET /s?q=hh%2001%2002%2003%20d&page=2 200", "hh%2001%2002%2003%20d"),
        ("GET /s?ssn=078+05+1120&page=2 200", "078+05+1120"),
        ("GET /s?q=tfn%20876%20543%20210&page=2 200", "876%20543%20210"),
    ] {
        redacted(&mut f, text, secret, "&page=2 200");
    }
    for text in [
        "GET /s?q=1%202%203%204&page=2 200",
        "GET /s?q=078%2005%201121x&page=2 200",
        "GET /s?q=876%20543%20210&page=2 200",
        "GET /s?t=1721625608+0200&v=1.2.3 200",
        "GET /s?q=123%20456%20789%20012&page=2 200",
    ] {
        kept(&mut f, text);
    }
}

#[test]
fn numbers_logs_carry_survive_beside_the_new_rules() {
    let mut f = Filter::new(Plan::default_policy());
    for text in [
        "epoch 1721625608 ms 1721625608312 ns 1721625608312000000 done",
        "order 123456782 request 581348915 trace 52998224725 ok",
        "version 12.345.678 port 8443 took 912701234us retries 3",
        "req c196c5c2-ff2e-dc17-9d4c-712e801b43bf commit 754f90bc80d3a0f11c3a4d374013574da0819fa6",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 ok",
        "short commit 1234567a8 and 12345678e built",
        "GET /api/v1/orders/123456782?page=2&size=50 200 12ms",
        "counter 000000001 seq 000123456 ok",
        "BUILD2024 ABCDE12345 SKU-1234567 ok",
    ] {
        kept(&mut f, text);
    }
}
