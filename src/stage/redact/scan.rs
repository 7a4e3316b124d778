//! The one pass over a string that finds every built-in secret. Most bytes cost a table-free
//! match arm; detectors run only where their trigger is: a digit or letter starting a word, an
//! `@`, `=`, `:`, `$` or `-`. After a finding, scanning resumes past it, and no later finding
//! may reach back into it.
//!
//! Linear on any input: every detector either stops within a bounded window (the longest
//! thing it can match), or hands its finding's end back so scanning resumes past what it
//! read, or reads through [`Memo`], which remembers runs so that no start inside one reads it
//! again. `tests/linear_time.rs` checks it with a deterministic cost measure.

use super::keyname::ClassCache;
use super::kind::Kind;
use super::memo::Memo;
use super::text::{is_alnum, run};
use super::text::{Span, NO_RULE};
use super::{assign, bank_account, card, cmdline, credhash, email, iban, jwt, kv, national, national_id, pem, routing, tokens, url, userpass};

// What a byte can start, for the one pass. Most bytes are `NONE` or inside a word, and cost a
// table load and a branch.
const NONE: u8 = 0;
const DIGIT: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 3;
const AT: u8 = 4;
const EQUALS: u8 = 5;
const COLON: u8 = 6;
const DOLLAR: u8 = 7;
const DASH: u8 = 8;
const GT: u8 = 9;
const COMMA: u8 = 10;
const PERCENT: u8 = 11;

const CLASS: [u8; 256] = {
    let mut t = [NONE; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'0'..=b'9' => DIGIT,
            b'A'..=b'Z' => UPPER,
            b'a'..=b'z' => LOWER,
            b'@' => AT,
            b'=' => EQUALS,
            b':' => COLON,
            b'$' => DOLLAR,
            b'-' => DASH,
            b'>' => GT,
            b',' => COMMA,
            b'%' => PERCENT,
            _ => NONE,
        };
        b += 1;
    }
    t
};

/// Appends every secret found in `text` to `spans`, in order, without overlaps. `names`
/// caches what field names mean, for `key=value` text; `memo` is scratch space, reused.
pub fn find_all(text: &[u8], spans: &mut Vec<Span>, names: &mut ClassCache, memo: &mut Memo) {
    memo.reset();
    let mut i = 0;
    let mut floor = 0;
    // The end of the token run (alphanumerics, `_`, `-`, `.`) the last letter word belongs
    // to: every word start inside one run shares it, so a UUID or a dotted name is read once.
    let mut tok_end = 0;
    while let Some(&b) = text.get(i) {
        let (hit, next) = match CLASS[b as usize] {
            NONE => {
                i += 1;
                continue;
            }
            // No trigger lies inside a word: after its start is tried, skip to its end.
            class @ (DIGIT | UPPER | LOWER) => {
                let word_end = run(text, i + 1, is_alnum);
                let hit = if i > 0 && is_alnum(text[i - 1]) {
                    None // inside a word (a finding ended mid-word)
                } else if class == DIGIT && national::spaced::after_encoded_space(text, i) {
                    // `q=tfn%20876%20543%20210`: the number starts after the `%20`.
                    national::spaced::decoded(text, i + 2, spaced_ids).map(|(e, kind)| (i + 2, e, kind))
                } else if class == DIGIT {
                    digits(text, i, word_end, memo)
                } else {
                    if tok_end <= i {
                        tok_end = run(text, word_end, token_byte);
                    }
                    word(text, i, word_end, tok_end, names, memo)
                };
                let hit = if hit.is_none() && !(i > 0 && is_alnum(text[i - 1])) { tokens::bare(text, i, word_end, memo) } else { hit };
                (hit, word_end)
            }
            AT => (email::find(text, i, floor).map(|(s, e)| (s, e, Kind::Email)), i + 1),
            EQUALS => (kv::find(text, i, floor, names, memo), i + 1),
            COLON => {
                let url = match text.get(i + 1) {
                    Some(b'/') => url::find(text, i, memo),
                    _ if i >= 4 && &text[i - 4..i] == b"thin" => url::thin(text, i),
                    _ => None,
                };
                let hit = url.map(|(s, e)| (s, e, Kind::Password)).or_else(|| kv::find(text, i, floor, names, memo));
                // `user:password` with no key name: `elastic:P@ssw0rd$1`, `":key"`.
                (hit.or_else(|| userpass::find(text, i, floor)), i + 1)
            }
            DOLLAR => (credhash::find(text, i).map(|e| (i, e, Kind::CredentialHash)), i + 1),
            // PEM blocks and `--flags` both start with two dashes; UUIDs and dates have one.
            DASH if text.get(i + 1) == Some(&b'-') => match pem::public_block(text, i, &mut memo.pem_end) {
                // Certificates and public keys: their base64 is stepped over, not judged.
                Some(e) => (None, e),
                None => {
                    let found = pem::find(text, i).map(|e| (i, e, Kind::PrivateKey)).or_else(|| kv::flag(text, i, names, memo));
                    (found.or_else(|| cmdline::long_flag(text, i)), i + 1)
                }
            },
            // Short flags (` -p`, ` -u`): by the command before them.
            DASH if text.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => (cmdline::short_flag(text, i, &mut memo.cmd), i + 1),
            // `->` assigns; other `>` may close an XML element.
            GT if i > 0 && text[i - 1] == b'-' => (kv::find(text, i, floor, names, memo), i + 1),
            GT => (kv::xml(text, i, floor, names, memo), i + 1),
            // `"X_TOKEN", "v"`: a pair of quoted strings.
            // `password%3Dx`, `%22token%22%3A%22x%22`: pairs inside a percent-encoded value;
            // a percent-encoded `@` (`alice%40example.com` in a query string). The first `%` is
            // noted: values holding escapes are read again decoded after the pass (`percent`).
            PERCENT => {
                memo.pct = memo.pct.min(i);
                let found = match text.get(i + 1) {
                    Some(b'3') => kv::percent(text, i, floor, names),
                    Some(b'4') => email::find_encoded(text, i, floor).map(|(s, e)| (s, e, Kind::Email)),
                    _ => None,
                };
                (found, i + 1)
            }
            COMMA if i > 0 && matches!(text[i - 1], b'"' | b'\'') => (assign::pair(text, i, floor, names), i + 1),
            _ => (None, i + 1),
        };
        match hit {
            Some((start, end, kind)) if end > start && start >= floor => {
                spans.push(Span { start, end, kind, rule: NO_RULE });
                floor = end;
                i = end.max(i + 1);
            }
            // An empty finding at `end`: a detector read a shape that is no secret and that no
            // other detector may read into (an IBAN with wrong check digits).
            Some((start, end, _)) if start == end && end > i => i = end,
            _ => i = next,
        }
    }
}

/// Detectors triggered by a digit that starts a word ending at `word_end`.
fn digits(text: &[u8], i: usize, word_end: usize, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    if let Some(hash) = mysql_hash(text, i, word_end) {
        return Some(hash);
    }
    if text.get(word_end) == Some(&b'|') {
        if let Some(e) = tokens::facebook_app(text, i, word_end) {
            return Some((i, e, Kind::VendorToken));
        }
    }
    // Every digit detector needs at least 8 digits, in this word or in groups after it. Most
    // digit words in logs (times, ports, statuses, amounts, addresses) have fewer: count them
    // cheaply, without the buffers the detectors need (in an interpreter, setting those up on
    // every call cost more than the whole check).
    if word_end - i < 8 && card::sep_len(text, word_end) == 0 && !matches!(text.get(word_end), Some(b' ' | b'-' | b'.' | b'/' | b'+')) {
        return None;
    }
    // No detector needs more than 19 digits: counting stops at 20 ("too many"), so a long run
    // of digit groups (`00 00 00 ...`) is not counted to its end from every group. A card
    // starts with 2-6; national IDs (up to 18 digits) start with any digit.
    let card = card::may_start(text[i]);
    let most = 19;
    let mut n = 0;
    let mut j = i;
    while let Some(&b) = text.get(j) {
        if n > most {
            break;
        }
        if b.is_ascii_digit() {
            n += 1;
            j += 1;
            continue;
        }
        let s = card::sep_len(text, j);
        if s == 0 || !text.get(j + s).is_some_and(u8::is_ascii_digit) {
            break;
        }
        j += s;
    }
    // Cards need 13 digits, SSN, SIN and ITIN 9, a Telegram token 8-16 before its `:`; the
    // national IDs of `national/` 8-18 digits or a word of 8-17 characters (`may_start`).
    let telegram = (8..=16).contains(&(word_end - i)) && text.get(word_end) == Some(&b':');
    let id = national::may_start(text, i, word_end, n);
    if n < 13 && n != 9 && !telegram && !id {
        return None;
    }
    digit_detectors(text, i, card, n, memo)
}

/// The digit detectors at `i`, where `n` grouped digits start (counted up to 20).
#[inline(never)]
fn digit_detectors(text: &[u8], i: usize, card: bool, n: usize, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    if card && n >= 13 {
        if let Some(e) = card::find(text, i) {
            return Some((i, e, Kind::Card));
        }
    }
    if n == 9 {
        if let Some(e) = national_id::ssn(text, i) {
            return Some((i, e, Kind::Ssn));
        }
        if let Some(e) = national_id::sin(text, i) {
            return Some((i, e, Kind::NationalId));
        }
        if let Some(e) = routing::find_shaped(text, i) {
            return Some((i, e, Kind::BankAccount));
        }
    }
    if let Some(e) = national::find_digit_start(text, i) {
        return Some((i, e, Kind::NationalId));
    }
    // Groups spaced by `%20` or `+` in a query string (`?q=078%2005%201120`).
    if national::spaced::follows(text, run(text, i, |b| b.is_ascii_digit())) && !national::spaced::continues_group(text, i) {
        if let Some((e, kind)) = national::spaced::decoded(text, i, spaced_ids) {
            return Some((i, e, kind));
        }
    }
    tokens::telegram(text, i, memo).map(|e| (i, e, Kind::VendorToken))
}

/// The digit-started identifiers read in a decoded copy ([`national::spaced`]).
fn spaced_ids(text: &[u8], i: usize) -> Option<(usize, Kind)> {
    national_id::ssn(text, i)
        .map(|e| (e, Kind::Ssn))
        .or_else(|| national_id::sin(text, i).map(|e| (e, Kind::NationalId)))
        .or_else(|| national::find_digit_start(text, i).map(|e| (e, Kind::NationalId)))
}

/// A MySQL hash: a 40-character word just after a `*` (one compare for every other word).
fn mysql_hash(text: &[u8], i: usize, word_end: usize) -> Option<(usize, usize, Kind)> {
    if word_end - i != 40 || i == 0 || text[i - 1] != b'*' {
        return None;
    }
    credhash::mysql(text, i - 1).map(|e| (i - 1, e, Kind::CredentialHash))
}

/// Bytes a token, JWT or IBAN word may hold.
fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Detectors triggered by a letter that starts a word ending at `word_end`, inside a token
/// run ending at `tok_end`. Most words in logs are short, and every long-word detector has a
/// minimum length, so a short word costs a few comparisons; each detector's cheapest
/// necessary condition is tested before it is called.
fn word(text: &[u8], i: usize, word_end: usize, tok_end: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    let first = text[i];
    if let Some(hash) = mysql_hash(text, i, word_end) {
        return Some(hash);
    }
    // Protocol commands and SQL (`AUTH pw`, `IDENTIFIED BY 'pw'`), aligned `name   value`.
    if let Some(hit) = assign::at_word(text, i, word_end).or_else(|| kv::aligned(text, i, tok_end, names)) {
        return Some(hit);
    }
    let at = |k: usize| text.get(i + k).copied().unwrap_or(0);
    // `Bearer ` and `Basic ` are short words followed by a space.
    let scheme = matches!(first, b'B' | b'b') && matches!(word_end - i, 5 | 6) && at(word_end - i) == b' ';
    // NINOs and IBANs start with two capitals (NINOs also with two lowercase letters).
    let capitals = first.is_ascii_uppercase() && at(1).is_ascii_uppercase();
    let nino_lower = first.is_ascii_lowercase() && at(1).is_ascii_lowercase() && matches!(at(2), b'0'..=b'9' | b' ' | b'%');
    let len = tok_end - i;
    // LDAP `{SSHA}...`: a capital word just after a `{`.
    if capitals && i > 0 && text[i - 1] == b'{' {
        if let Some(e) = credhash::ldap(text, i - 1) {
            return Some((i - 1, e, Kind::CredentialHash));
        }
    }
    // Bank labels (`account no.`, `acct:`, `a/c`, `bank account`, `routing`, `RTN`, `ABA`,
    // `sort code`): the second letter rules out most words.
    let bank = match first | 0x20 {
        b'a' => matches!(at(1) | 0x20, b'c' | b'b') || at(1) == b'/',
        b'b' => at(1) | 0x20 == b'a',
        b'r' => matches!(at(1) | 0x20, b'o' | b't'),
        b's' => at(1) | 0x20 == b'o',
        _ => false,
    };
    if bank {
        if let Some(hit) = bank_account::find(text, i) {
            return Some(hit);
        }
    }
    if len < 9 {
        // Only the NINO (9 with spaces) and Bearer/Basic (a short word before a token) remain.
        return if scheme {
            kv::bearer(text, i).map(|(s, e)| (s, e, Kind::Authorization))
        } else if capitals || nino_lower {
            // A grouped IBAN's first group is a short word (`DE89 3704 ...`); a NINO's first
            // pair may be followed by `%20` in a query string.
            let found = if capitals { iban_at(text, i) } else { None };
            found.or_else(|| {
                national_id::nino(text, i)
                    .or_else(|| if capitals { national::find_letter_start(text, i) } else { None })
                    .or_else(|| national::spaced::follows(text, word_end).then(|| national::spaced::decoded(text, i, |t, j| national_id::nino(t, j).map(|e| (e, ())))).flatten().map(|(e, _)| e))
                    .map(|e| (i, e, Kind::NationalId))
            })
        } else if first == b'w' && at(1) == b'e' {
            // A Teams webhook's older path (`.office.com/webhook/...`).
            tokens::office_webhook(text, i).map(|(s, e)| (s, e, Kind::VendorToken))
        } else {
            None
        };
    }
    // The shortest vendor token has 15 characters; bodies may hold `= + / ~` past the run.
    if len >= 15 || matches!(text.get(tok_end), Some(b'=' | b'+' | b'/' | b'~')) {
        if let Some((e, _)) = tokens::find_in(text, i, memo) {
            return Some((i, e, Kind::VendorToken));
        }
    }
    // A card glued after letters (`PAN4111...`, track data `%B4111...^`).
    if word_end - i >= 14 && text[word_end - 1].is_ascii_digit() {
        if let Some((s, e)) = card::glued(text, i, word_end) {
            return Some((s, e, Kind::Card));
        }
    }
    match first {
        b'e' if at(1) == b'y' && at(2) == b'J' => jwt::find(text, i, memo).map(|e| (i, e, Kind::Jwt)),
        b'B' | b'b' if scheme => kv::bearer(text, i).map(|(s, e)| (s, e, Kind::Authorization)),
        // A Telegram bot token in a URL path: `/bot<digits>:<token>`.
        b'b' if at(1) == b'o' && at(2) == b't' && i > 0 && text[i - 1] == b'/' => tokens::telegram(text, i + 3, memo).map(|e| (i + 3, e, Kind::VendorToken)),
        b'h' if at(1) == b'o' => tokens::slack_webhook(text, i).map(|(s, e)| (s, e, Kind::VendorToken)),
        // A Teams webhook's path (`.office.com/webhookb2/...`) after its host.
        b'w' if at(1) == b'e' => tokens::office_webhook(text, i).map(|(s, e)| (s, e, Kind::VendorToken)),
        b'A'..=b'Z' if at(1).is_ascii_digit() => national::find_letter_start(text, i).map(|e| (i, e, Kind::NationalId)),
        b'A'..=b'Z' if capitals => {
            iban_at(text, i).or_else(|| national_id::nino(text, i).or_else(|| national::find_letter_start(text, i)).map(|e| (i, e, Kind::NationalId)))
        }
        // Django-style hashes: a word, then `$`.
        b'p' | b'a' | b's' if text.get(tok_end) == Some(&b'$') => credhash::find(text, i).map(|e| (i, e, Kind::CredentialHash)),
        b'a'..=b'z' if nino_lower => national_id::nino(text, i).map(|e| (i, e, Kind::NationalId)),
        // A Spanish NIE or a Singapore NRIC in lower case (`x1234567l`, `s6859080i`).
        b'x' | b'y' | b'z' | b's' | b't' | b'f' | b'g' | b'm' if at(1).is_ascii_digit() => national::find_letter_start(text, i).map(|e| (i, e, Kind::NationalId)),
        _ => None,
    }
}

/// The IBAN at `i`; an IBAN's shape with wrong check digits is an empty finding at its end.
fn iban_at(text: &[u8], i: usize) -> Option<(usize, usize, Kind)> {
    match iban::read_shape(text, i)? {
        (e, true) => Some((i, e, Kind::Iban)),
        (e, false) => Some((e, e, Kind::Iban)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, &'static str)> {
        let mut spans = Vec::new();
        find_all(text.as_bytes(), &mut spans, &mut ClassCache::default(), &mut Memo::default());
        spans.iter().map(|s| (&text[s.start..s.end], s.kind.name())).collect()
    }

    #[test]
    fn finds_each_kind_in_running_text() {
        let text = "card 4111-1111-1111-1111 ssn 123-45-6789 mail a.b@x.io key AKIAIOSFODNN7EXAMPLE \
                    jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0x.sig db postgres://u:pw1@db:5432 password=hunter2 \
                    iban GB82WEST12345698765432 hash $2b$12$PI53DFKrTGGQJuxacBuRtnP9OADwvvdCC4PVtP7cq9oJIHTC3syfg";
        assert_eq!(
            found(text),
            [
                ("4111-1111-1111-1111", "card"),
                ("123-45-6789", "ssn"),
                ("a.b@x.io", "email"),
                ("AKIAIOSFODNN7EXAMPLE", "vendor_token"),
                ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0x.sig", "jwt"),
                ("pw1", "password"),
                ("hunter2", "password"),
                ("GB82WEST12345698765432", "iban"),
                ("$2b$12$PI53DFKrTGGQJuxacBuRtnP9OADwvvdCC4PVtP7cq9oJIHTC3syfg", "credential_hash"),
            ]
        );
    }

    #[test]
    fn keeps_what_investigators_need() {
        let text = "order 9068985753113361 shipped commit=754f90bc80d3a0f11c3a4d374013574da0819fa6 at \
                    2026-08-01T06:51:55.065Z epoch_ms=1721625608312 from 2001:db8::2f46 and 10.1.2.3 \
                    ua Mozilla/5.0 (X11; Linux x86_64) path /api/v1/users/user-25806 req c196c5c2-ff2e-dc17-9d4c-712e801b43bf \
                    event password_reset_requested";
        assert_eq!(found(text), []);
    }

    #[test]
    fn national_ids_are_found_in_their_written_shapes() {
        let text = "cpf 529.982.247-25 dni 12345678Z nie X1234567L aadhaar 2345 6789 0124 \
                    id 11010519491231002X hetu 131052-308T rrn 800101-1234560 itin 912-70-1234";
        let kinds: Vec<&str> = found(text).iter().map(|&(t, k)| {
            assert_eq!(k, "national_id", "{t}");
            t
        }).collect();
        assert_eq!(
            kinds,
            ["529.982.247-25", "12345678Z", "X1234567L", "2345 6789 0124", "11010519491231002X", "131052-308T", "800101-1234560", "912-70-1234"]
        );
    }

    #[test]
    fn ldap_and_mysql_hashes_are_found_whole() {
        assert_eq!(
            found("ldap {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=xy grant *6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9 done"),
            [("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=xy", "credential_hash"), ("*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9", "credential_hash")]
        );
    }

    #[test]
    fn numbers_shaped_like_ids_but_failing_their_checks_stay() {
        let text = "ref 529.982.247-26 build 12345678A batch 2345 6789 0123 code 110105194912310021 \
                    at 131052-308U num 800101-1234564 ticket 912-45-1234 date 20261201 x";
        assert_eq!(found(text), []);
    }

    #[test]
    fn a_userinfo_password_does_not_swallow_the_host() {
        assert_eq!(found("postgres://app:UUZL9eRmm&4207@db.internal:5432/orders"), [("UUZL9eRmm&4207", "password")]);
    }
}
