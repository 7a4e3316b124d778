//! The one pass over a string that finds every built-in secret. Most bytes cost a table-free
//! match arm; detectors run only where their trigger is: a digit or letter starting a word, an
//! `@`, `=`, `:`, `$` or `-`. After a finding, scanning resumes past it, and no later finding
//! may reach back into it.

use super::kind::Kind;
use super::text::{word_start, Span, NO_RULE};
use super::{card, credhash, email, iban, jwt, kv, national_id, pem, tokens, url};

/// Appends every secret found in `text` to `spans`, in order, without overlaps.
pub fn find_all(text: &[u8], spans: &mut Vec<Span>) {
    let mut i = 0;
    let mut floor = 0;
    while i < text.len() {
        let b = text[i];
        let hit = match b {
            b'0'..=b'9' if word_start(text, i) => digits(text, i),
            b'A'..=b'Z' | b'a'..=b'z' if word_start(text, i) => word(text, i),
            b'@' => email::find(text, i, floor).map(|(s, e)| (s, e, Kind::Email)),
            b'=' => kv::find(text, i, floor),
            b':' => url::find(text, i).map(|(s, e)| (s, e, Kind::Password)).or_else(|| kv::find(text, i, floor)),
            b'$' => credhash::find(text, i).map(|e| (i, e, Kind::CredentialHash)),
            b'-' => pem::find(text, i).map(|e| (i, e, Kind::PrivateKey)),
            _ => None,
        };
        match hit {
            Some((start, end, kind)) if end > start && start >= floor => {
                spans.push(Span { start, end, kind, rule: NO_RULE });
                floor = end;
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
}

/// Detectors triggered by a digit that starts a word.
fn digits(text: &[u8], i: usize) -> Option<(usize, usize, Kind)> {
    if let Some(e) = card::find(text, i) {
        return Some((i, e, Kind::Card));
    }
    if let Some(e) = national_id::ssn(text, i) {
        return Some((i, e, Kind::Ssn));
    }
    if let Some(e) = national_id::sin(text, i) {
        return Some((i, e, Kind::NationalId));
    }
    tokens::telegram(text, i).map(|e| (i, e, Kind::VendorToken))
}

/// Detectors triggered by a letter that starts a word.
fn word(text: &[u8], i: usize) -> Option<(usize, usize, Kind)> {
    if let Some((e, _)) = tokens::find(text, i) {
        return Some((i, e, Kind::VendorToken));
    }
    match text[i] {
        b'e' => jwt::find(text, i).map(|e| (i, e, Kind::Jwt)),
        b'B' | b'b' => kv::bearer(text, i).map(|(s, e)| (s, e, Kind::Authorization)),
        b'h' => tokens::slack_webhook(text, i).map(|(s, e)| (s, e, Kind::VendorToken)),
        b'A'..=b'Z' => iban::find(text, i)
            .map(|e| (i, e, Kind::Iban))
            .or_else(|| national_id::nino(text, i).map(|e| (i, e, Kind::NationalId))),
        b'p' | b'a' | b's' => credhash::find(text, i).map(|e| (i, e, Kind::CredentialHash)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, &'static str)> {
        let mut spans = Vec::new();
        find_all(text.as_bytes(), &mut spans);
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
    fn a_userinfo_password_does_not_swallow_the_host() {
        assert_eq!(found("postgres://app:UUZL9eRmm&4207@db.internal:5432/orders"), [("UUZL9eRmm&4207", "password")]);
    }
}
