//! Labels: the words that say a nearby number is a national identifier. A bare digit run
//! whose only structure is a check digit is taken only with one of these nearby, in free text
//! or as the field name (`keyname` asks [`is_key_name`]).
//!
//! A label is a word (case ignored, not inside another word) starting with one of the generic
//! terms or the ID's own (a term in another script, such as Thai `ประชาชน` or Korean `등록번호`,
//! may start at any character: those scripts write no spaces or write the label glued on), within [`BEFORE`] bytes before the number or [`AFTER`] bytes after it.
//! `id` alone is too common a word (`order_id`, `request id`) to count; `ID` in capitals as a
//! word of its own does (`SA ID 8001015009087`).

/// How far before a number a label may stand (`my personal identity code is: `).
pub const BEFORE: usize = 40;
/// How far after (`199109242397 är mitt pnr`).
pub const AFTER: usize = 24;

/// Terms that label any national identifier.
pub const GENERIC: &[&[u8]] = &[
    b"national", b"personal", b"identity", b"identification", b"citizen", b"resident", b"ssn", b"social", b"insurance",
    b"taxpayer", b"tin", b"tax", b"nin", b"idnr", b"idno",
];

/// Whether a label (a generic term or one of `own`) stands near `text[at..end]`.
pub fn near(text: &[u8], at: usize, end: usize, own: &[&[u8]]) -> bool {
    near_any(text, at, end, own, true)
}

/// Whether one of the ID's own labels (`own`, no generic term) stands near `text[at..end]`:
/// for a plain nine-digit run with a one-in-eleven check, `tax` or `TIN` says too little
/// (`Not a TIN 123456789` passes the Portuguese check).
pub fn near_own(text: &[u8], at: usize, end: usize, own: &[&[u8]]) -> bool {
    near_any(text, at, end, own, false)
}

fn near_any(text: &[u8], at: usize, end: usize, own: &[&[u8]], generic: bool) -> bool {
    let from = at.saturating_sub(BEFORE);
    let to = (end + AFTER).min(text.len());
    let mut i = from;
    while i < to {
        // A word starts at an ASCII letter after no letter or digit, or at any UTF-8 lead
        // byte (`ประชาชน`, `등록번호`: scripts without ASCII word boundaries).
        let starts = (text[i].is_ascii_alphabetic() && (i == 0 || !text[i - 1].is_ascii_alphanumeric())) || text[i] >= 0xC0;
        if starts && (i < at || i >= end) && label_at(text, i, own, generic) {
            return true;
        }
        i += 1;
    }
    false
}

fn label_at(text: &[u8], i: usize, own: &[&[u8]], generic: bool) -> bool {
    if !generic {
        return own.iter().any(|t| starts_ci(text, i, t));
    }
    if text.get(i..i + 2) == Some(b"ID") && !text.get(i + 2).is_some_and(u8::is_ascii_alphanumeric) && (i == 0 || !matches!(text[i - 1], b'_' | b'-' | b'.')) {
        return true;
    }
    GENERIC.iter().chain(own).any(|t| starts_ci(text, i, t))
}

/// Whether `term` starts at `i`; a term of four letters or fewer (`tin`, `pnr`) only as a
/// whole word (`tin` but not `tiny`).
fn starts_ci(text: &[u8], i: usize, term: &[u8]) -> bool {
    let whole = term.len() > 4 || !text.get(i + term.len()).is_some_and(u8::is_ascii_alphabetic);
    whole && text.get(i..i + term.len()).is_some_and(|s| s.eq_ignore_ascii_case(term))
}

/// National-ID names a field (or `key=value` name) may have, as normalised whole words: the
/// value under one is a national identifier whatever its shape.
pub const KEY_NAMES: &[&str] = &[
    "personnummer", "samordningsnummer", "rijksregisternummer", "insz", "niss", "frn", "tckn", "tckimlik", "kimlik", "nric",
    "cnp", "egn", "amka", "afm", "emso", "isikukood", "nuss", "nir", "svnr", "rvnr", "sozialversicherungsnummer",
    "steuerid", "steueridentifikationsnummer", "idnr", "personalausweis", "ausweis", "ausweisnummer", "ppsn",
    "matricule", "rodnecislo", "codicefiscale", "personaskods", "asmenskodas", "davcna", "adoazonosito", "nin", "tin",
    "sofinummer", "nationalnumber", "idnumber",
];

/// Two-word national-ID names (qualifier, head), as normalised words.
pub const KEY_PAIRS: &[(&str, &str)] = &[
    ("rodne", "cislo"), ("codice", "fiscale"), ("personas", "kods"), ("asmens", "kodas"), ("davcna", "stevilka"),
    ("pps", "number"), ("id", "number"), ("id", "card"), ("identity", "card"), ("steuer", "id"), ("national", "number"),
    ("personal", "number"), ("tax", "number"), ("social", "insurance"), ("tc", "kimlik"), ("kimlik", "no"),
];

/// Whether the field-name word `word` (after `qualifier`, empty when none) names a national ID.
pub fn is_key_name(word: &[u8], qualifier: &[u8]) -> bool {
    KEY_NAMES.iter().any(|n| word == n.as_bytes()) || KEY_PAIRS.iter().any(|(q, h)| word == h.as_bytes() && qualifier == q.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_before_and_after_count() {
        let t = b"My personal identity code is: 189110089811. Thanks";
        assert!(near(t, 30, 42, &[]));
        let t = b"x 199109242397 \xc3\xa4r mitt pnr.";
        assert!(near(t, 2, 14, &[b"pnr"]));
        assert!(near(b"SA ID 8001015009087", 6, 19, &[]));
        assert!(near(b"pesel: 44051401458", 7, 18, &[b"pesel"]));
        let t = "เลขประจำตัวประชาชน: 3456789012347".as_bytes();
        assert!(near(t, t.len() - 13, t.len(), &["ประชาชน".as_bytes()]), "a Thai label");
        let t = "주민등록번호 9601211021413".as_bytes();
        assert!(near(t, t.len() - 13, t.len(), &["등록번호".as_bytes()]), "a Korean label");
    }

    #[test]
    fn ordinary_words_are_no_labels() {
        assert!(!near(b"order_id 8001015009087 shipped", 9, 22, &[]));
        assert!(!near(b"request id 8001015009087", 11, 24, &[]));
        assert!(!near(b"ORDER_ID 8001015009087", 9, 22, &[]));
        assert!(!near(b"latin 8001015009087", 6, 19, &[]), "not inside a word");
        assert!(!near(b"job 4512 alphaword 44051401458 bravoword done", 19, 30, &[b"pesel"]));
    }

    #[test]
    fn key_names() {
        assert!(is_key_name(b"personnummer", b""));
        assert!(is_key_name(b"cislo", b"rodne"));
        assert!(!is_key_name(b"number", b"order"));
    }
}
