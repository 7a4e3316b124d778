//! PEM private-key blocks: from `-----BEGIN ... PRIVATE KEY-----` (RSA, EC, DSA, OPENSSH,
//! ENCRYPTED, PGP ... PRIVATE KEY BLOCK) through the matching `-----END ...-----`, or to the end
//! of the text when the END line is missing (a truncated key is still a key). Certificates and
//! public keys are not secrets and are kept.

/// The longest label between `-----BEGIN ` and `-----` taken.
const MAX_LABEL: usize = 40;

/// The private-key block starting at `at` (a `-`); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    if text.get(at..at + BEGIN.len())? != BEGIN {
        return None;
    }
    let label_start = at + BEGIN.len();
    // A label is at most MAX_LABEL bytes: the closing dashes are looked for no further, so a
    // `-----BEGIN ` without them costs a bounded read, not the rest of the text.
    let window = text.get(label_start..text.len().min(label_start + MAX_LABEL + 5))?;
    let label_len = window.windows(5).position(|w| w == b"-----")?;
    let label = &text[label_start..label_start + label_len];
    if label.len() > MAX_LABEL || !label.windows(11).any(|w| w == b"PRIVATE KEY") {
        return None;
    }
    let body = label_start + label_len + 5;
    let rest = text.get(body..)?;
    match rest.windows(8).position(|w| w == b"-----END") {
        Some(p) => {
            let after = body + p + 8;
            let close = text.get(after..)?.windows(5).position(|w| w == b"-----");
            Some(close.map_or(text.len(), |c| after + c + 5))
        }
        None => Some(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_the_whole_block() {
        let t = "cfg: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAbCd\n-----END RSA PRIVATE KEY----- done";
        let at = t.find("-----").unwrap();
        let end = find(t.as_bytes(), at).unwrap();
        assert_eq!(&t[end..], " done");
        let open = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk";
        assert_eq!(find(open.as_bytes(), 0), Some(open.len()), "a truncated key runs to the end");
    }

    #[test]
    fn keeps_certificates_and_public_keys() {
        assert_eq!(find(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", 0), None);
        assert_eq!(find(b"-----BEGIN PUBLIC KEY-----\nMIIB", 0), None);
        assert_eq!(find(b"----- not pem", 0), None);
        let long = format!("-----BEGIN {}PRIVATE KEY-----\nMIIE", "A".repeat(30));
        assert_eq!(find(long.as_bytes(), 0), None, "a label over 40 bytes");
        let label = format!("-----BEGIN {}PRIVATE KEY-----\nMIIE", "A".repeat(29));
        assert_eq!(find(label.as_bytes(), 0), Some(label.len()), "a label of 40 bytes");
    }
}
