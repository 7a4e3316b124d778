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
        // A block whose body holds less than 32 base64 characters holds no key: documentation
        // (`-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`), an empty template.
        Some(p) if rest[..p].iter().filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')).take(32).count() < 32 => None,
        Some(p) => {
            let after = body + p + 8;
            let close = text.get(after..)?.windows(5).position(|w| w == b"-----");
            Some(close.map_or(text.len(), |c| after + c + 5))
        }
        None => Some(text.len()),
    }
}

/// A public PEM block starting at `at` (`-----BEGIN CERTIFICATE-----`, `PUBLIC KEY`, `PGP
/// PUBLIC KEY BLOCK`, ...) through its END line: returns its end, so that the detector pass
/// steps over its base64 (which is no secret, and looks random). Only a block with an END line
/// is stepped over, and only when no other dashes come first. `next_end` remembers the last
/// search for `-----`: `(from, found)`, the first at or after `from` (`usize::MAX`: none), so
/// repeated BEGIN lines do not search the rest of the text again each.
pub fn public_block(text: &[u8], at: usize, next_end: &mut (usize, usize)) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    if text.get(at..at + BEGIN.len())? != BEGIN {
        return None;
    }
    let label_start = at + BEGIN.len();
    let window = text.get(label_start..text.len().min(label_start + MAX_LABEL + 5))?;
    let label_len = window.windows(5).position(|w| w == b"-----")?;
    let label = &text[label_start..label_start + label_len];
    if label.windows(7).any(|w| w == b"PRIVATE") {
        return None;
    }
    let body = label_start + label_len + 5;
    let (from, found) = *next_end;
    let end = if from <= body && (found == usize::MAX || body <= found) {
        found
    } else {
        let found = text.get(body..)?.windows(5).position(|w| w == b"-----").map_or(usize::MAX, |p| body + p);
        *next_end = (body, found);
        found
    };
    // The first dashes after the BEGIN line must open its END line: a block that runs into
    // another BEGIN (a private key after a truncated certificate) is not stepped over.
    if end == usize::MAX || text.get(end..end + 8) != Some(b"-----END") {
        return None;
    }
    let after = end + 8;
    // The END line's label and dashes: within a label's length.
    let tail = text.get(after..text.len().min(after + MAX_LABEL + 6))?;
    tail.windows(5).position(|w| w == b"-----").map(|c| after + c + 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_the_whole_block() {
        let t = "cfg: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\nAbCd\n-----END RSA PRIVATE KEY----- done";
        let at = t.find("-----").unwrap();
        let end = find(t.as_bytes(), at).unwrap();
        assert_eq!(&t[end..], " done");
        let open = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk";
        assert_eq!(find(open.as_bytes(), 0), Some(open.len()), "a truncated key runs to the end");
    }

    #[test]
    fn keeps_templates_without_a_key_body() {
        assert_eq!(find(b"-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----", 0), None);
        assert_eq!(find(b"-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----", 0), None);
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

    #[test]
    fn public_blocks_are_stepped_over_whole() {
        let t = "tls: -----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG2sdDx8MA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVudXNl\n-----END CERTIFICATE----- ok";
        let at = t.find("-----").unwrap();
        let end = public_block(t.as_bytes(), at, &mut (usize::MAX, 0)).unwrap();
        assert_eq!(&t[end..], " ok");
        assert_eq!(public_block(b"-----BEGIN CERTIFICATE-----\nMIIB", 0, &mut (usize::MAX, 0)), None, "no END line");
        assert_eq!(public_block(b"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", 0, &mut (usize::MAX, 0)), None);
        let hidden = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----";
        assert_eq!(public_block(hidden, 0, &mut (usize::MAX, 0)), None, "a private key after a truncated certificate");
        // The remembered search answers as a fresh one.
        let two = b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----";
        let mut memo = (usize::MAX, 0);
        assert_eq!(public_block(two, 0, &mut memo), public_block(two, 0, &mut (usize::MAX, 0)));
        assert_eq!(public_block(two, 32, &mut memo), public_block(two, 32, &mut (usize::MAX, 0)));
    }
}
