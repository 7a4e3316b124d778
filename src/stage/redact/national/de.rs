//! German identifiers.
//!
//! - Sozialversicherungsnummer (pension insurance number) `AA DDMMYY L SS C`: area, birth
//!   date, the birth name's initial, a serial, and a check digit: the initial becomes its two
//!   digits (A = 01), the twelve digits are weighted 2 1 2 5 7 1 2 1 2 1 2 1, each product's
//!   digits summed, and the total mod 10 is the check. A letter between digits and a date make
//!   it distinct: taken anywhere.
//! - Steuer-ID (tax identification number): eleven digits, the first not 0, one digit of the
//!   first ten appearing twice or three times and no other repeated, and an ISO 7064 MOD 11,10
//!   check digit. Bare digits only: taken with a label (`steuer`, `idnr`, `tax`, ...).
//! - Personalausweis (identity card) document number: nine characters of `CFGHJKLMNPRTVWXYZ`
//!   and digits, the first a letter, then a check digit (weights 7 3 1 over the characters'
//!   base-36 values, mod 10), optionally the nationality `D`. Taken anywhere with its check
//!   digit; nine characters alone (the check digit over the first eight) only with a label.

use super::{bare, digits, label, shaped, two, valid_date, Year};

const TAX_LABELS: &[&[u8]] = &[b"steuer", b"idnr", b"identifikationsnummer", b"tax", b"steuernummer"];
const CARD_LABELS: &[&[u8]] = &[b"personalausweis", b"ausweis", b"identity", b"card", b"document", b"dokument"];

pub fn svnr(text: &[u8], at: usize) -> Option<usize> {
    let end = ["ddddddddLddd", "dd dddddd Lddd", "dd dddddd L ddd", "dd dddddd L dd d"].iter().find_map(|p| shaped(text, at, p.as_bytes()))?;
    let s = &text[at..end];
    let letter = *s.iter().find(|c| c.is_ascii_uppercase())?;
    let mut d = [0u32; 11];
    super::digits_of(s, &mut d);
    // area 2, date 6, serial 2, check 1
    if !valid_date(Year::TwoDigit(two(&d, 6)), two(&d, 4), two(&d, 2)) {
        return None;
    }
    let initial = (letter - b'A' + 1) as u32;
    let twelve = [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], initial / 10, initial % 10, d[8], d[9]];
    const W: [u32; 12] = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1];
    let sum: u32 = twelve.iter().zip(W).map(|(&x, w)| { let p = x * w; p / 10 + p % 10 }).sum();
    (sum % 10 == d[10]).then_some(end)
}

pub fn tax_id(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11).or_else(|| shaped(text, at, b"dd ddd ddd ddd"))?;
    let d = digits::<11>(text, at, end)?;
    (d[0] != 0 && tax_id_valid(&d) && label::near(text, at, end, TAX_LABELS)).then_some(end)
}

/// The digit counts and the MOD 11,10 check digit of the eleven digits `d` (Steuer-ID).
pub fn tax_id_valid(d: &[u32; 11]) -> bool {
    let mut count = [0u8; 10];
    for &x in &d[..10] {
        count[x as usize] += 1;
    }
    let repeated = count.iter().filter(|&&c| c > 1).count();
    if repeated != 1 || count.iter().any(|&c| c > 3) {
        return false;
    }
    let mut product = 10;
    for &x in &d[..10] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = 11 - product;
    (if check == 10 { 0 } else { check }) == d[10]
}

fn card_char(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'C' | b'F' | b'G' | b'H' | b'J' | b'K' | b'L' | b'M' | b'N' | b'P' | b'R' | b'T' | b'V' | b'W' | b'X' | b'Y' | b'Z' => Some((c - b'A') as u32 + 10),
        _ => None,
    }
}

fn card_check(s: &[u8]) -> Option<u32> {
    const W: [u32; 3] = [7, 3, 1];
    let mut sum = 0;
    for (i, &c) in s.iter().enumerate() {
        sum += card_char(c)? * W[i % 3];
    }
    Some(sum % 10)
}

/// A Personalausweis number from the capital at `at`.
pub fn id_card(text: &[u8], at: usize) -> Option<usize> {
    let len = super::super::text::run(text, at, |b| b.is_ascii_alphanumeric()) - at;
    let s = text.get(at..at + len)?;
    card_char(*s.first()?)?;
    if !s[0].is_ascii_uppercase() || !(9..=11).contains(&len) || super::continues_a_number(text, at) {
        return None;
    }
    let core = match len {
        11 if s[10] == b'D' => &s[..10],
        10 if s[9] == b'D' => &s[..9],
        _ => s,
    };
    let end = at + len;
    let last = (*core.last()? as char).to_digit(10)?;
    let ok = card_check(&core[..core.len() - 1]) == Some(last) && core.iter().filter(|c| c.is_ascii_digit()).count() >= 2;
    let labelled = core.len() == 10 || label::near(text, at, end, CARD_LABELS);
    (ok && labelled).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svnr_initial_date_and_check() {
        assert_eq!(svnr(b"15070649C103", 0), Some(12));
        assert_eq!(svnr(b"15 070649 C103", 0), Some(14));
        assert_eq!(svnr(b"65070803A019.", 0), Some(12));
        assert_eq!(svnr(b"15070649C100", 0), None, "check digit");
        assert_eq!(svnr(b"15071349C103", 0), None, "month 13");
        assert_eq!(svnr(b"150706491103", 0), None, "no initial");
    }

    #[test]
    fn tax_id_digits_rule_and_check() {
        assert_eq!(tax_id(b"steuer-id 12345678903", 10), None, "no repeated digit");
        assert_eq!(tax_id(b"Steuer-ID: 86095742719", 11), Some(22));
        assert_eq!(tax_id(b"Steuer-ID: 86095742718", 11), None, "check digit");
        assert_eq!(tax_id(b"order 86095742719", 6), None, "no label");
    }

    #[test]
    fn id_card_with_its_check_digit() {
        assert_eq!(id_card(b"C01X00T478", 0), Some(10));
        assert_eq!(id_card(b"C01X00T478D", 0), Some(11));
        assert_eq!(id_card(b"C01X00T471", 0), None, "check digit");
        assert_eq!(id_card(b"Ausweis L01X00T44", 8), Some(17), "nine characters with a label");
        assert_eq!(id_card(b"build L01X00T44", 6), None);
        assert_eq!(id_card(b"A01X00T478", 0), None, "A is not in the alphabet");
    }
}
