//! Randomness, judged two ways.
//!
//! - Under an ambiguous key (`key`, `signature`, ...) a value is a secret when it looks random:
//!   at least 16 characters, no white space, letters and digits mixed, and a Shannon entropy of
//!   at least 3.2 bits per character (English words score lower; keys, tokens and signatures
//!   higher).
//! - Anywhere else ([`bare`]), with no key to go by, a run of token characters is a secret only
//!   when it holds a segment that no identifier, digest or id looks like: 16+ alphanumerics
//!   mixing classes (lower, upper, digit) at random, with few vowels. Hex in one case (digests,
//!   git SHAs, UUIDs, trace ids), numbers, one-case words, ULIDs, words joined by separators
//!   (`user-settings-cache`, paths, versions), camel-case identifiers and base64 of text are
//!   kept.

/// True when `v` looks like random key material.
pub fn looks_random(v: &[u8]) -> bool {
    if v.len() < 16 || v.iter().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    let letters = v.iter().any(u8::is_ascii_alphabetic);
    let digits = v.iter().any(u8::is_ascii_digit);
    letters && digits && shannon(v) >= 3.2
}

/// Shannon entropy of the bytes of `v`, in bits per byte.
pub fn shannon(v: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in v {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = c as f64 / n;
        -p * p.log2()
    }).sum()
}

/// [`looks_random`] for values that share their end, asked in order of their start: under
/// ambiguous keys one after another (`key=key=key=...`), every value is the rest of one run,
/// and judging each afresh reads the run once per key. The first value is judged by
/// [`looks_random`] itself; from the second on, byte counts and the entropy sum are kept and
/// only the bytes between two starts are taken out, so a run is read a bounded number of times.
pub struct Suffixes {
    /// The last value judged directly: `(start, end)`.
    last: (usize, usize),
    /// Counts of `from..end` are kept (`end` is `last.1`).
    primed: bool,
    from: usize,
    counts: [u32; 256],
    letters: u32,
    digits: u32,
    spaces: u32,
    /// The sum over bytes of `c * log2(c)`, `c` its count in `from..end`.
    sum: f64,
}

impl Default for Suffixes {
    fn default() -> Self {
        Suffixes { last: (usize::MAX, 0), primed: false, from: 0, counts: [0; 256], letters: 0, digits: 0, spaces: 0, sum: 0.0 }
    }
}

fn c_log_c(c: u32) -> f64 {
    if c < 2 {
        0.0
    } else {
        c as f64 * (c as f64).log2()
    }
}

impl Suffixes {
    /// Forgets everything: a new text.
    pub fn reset(&mut self) {
        self.last = (usize::MAX, 0);
        self.primed = false;
    }

    /// Whether `text[start..end]` looks random, as [`looks_random`] says.
    pub fn looks_random(&mut self, text: &[u8], start: usize, end: usize) -> bool {
        let Some(v) = text.get(start..end) else { return false };
        if end != self.last.1 || start < self.last.0 || start < self.from && self.primed {
            self.last = (start, end);
            self.primed = false;
            return looks_random(v);
        }
        if !self.primed {
            self.counts = [0; 256];
            (self.letters, self.digits, self.spaces) = (0, 0, 0);
            for &b in v {
                self.add(b);
            }
            self.sum = self.counts.iter().map(|&c| c_log_c(c)).sum();
            self.from = start;
            self.primed = true;
        }
        for &b in text.get(self.from..start).unwrap_or(&[]) {
            self.remove(b);
        }
        self.from = start;
        let n = v.len();
        if n < 16 || self.spaces > 0 || self.letters == 0 || self.digits == 0 {
            return false;
        }
        // H = log2(n) - sum(c log2 c) / n
        (n as f64).log2() - self.sum / n as f64 >= 3.2
    }

    fn add(&mut self, b: u8) {
        self.counts[b as usize] += 1;
        self.letters += b.is_ascii_alphabetic() as u32;
        self.digits += b.is_ascii_digit() as u32;
        self.spaces += b.is_ascii_whitespace() as u32;
    }

    fn remove(&mut self, b: u8) {
        let c = &mut self.counts[b as usize];
        if *c == 0 {
            return;
        }
        self.sum -= c_log_c(*c) - c_log_c(*c - 1);
        *c -= 1;
        self.letters -= b.is_ascii_alphabetic() as u32;
        self.digits -= b.is_ascii_digit() as u32;
        self.spaces -= b.is_ascii_whitespace() as u32;
    }
}

/// Bytes a bare secret's run may hold: base64 (either flavour), `.` and `~`.
pub fn bare_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'=' | b'~')
}

/// Separators between the segments of a run.
fn separator(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'=' | b'~')
}

/// The bare secret in `text[at..end]`, a run of [`bare_byte`]s starting at a word start:
/// the span to mask, from the segment after the last `=` or `/` before the first random
/// segment (a `key=` or a path stays) to the run's end. See the module documentation.
pub fn bare(text: &[u8], at: usize, end: usize) -> Option<(usize, usize)> {
    let mut e = end.min(text.len());
    while e > at && matches!(text[e - 1], b'.' | b'/' | b'-' | b'_' | b'+' | b'~') {
        e -= 1;
    }
    let run = text.get(at..e)?;
    if run.len() < 16 || object_id(run) {
        return None;
    }
    let (mut first, mut longest, mut total, mut count) = (None, 0, 0, 0);
    let mut a = 0;
    while a < run.len() {
        let b = a + run[a..].iter().position(|&c| separator(c)).unwrap_or(run.len() - a);
        let seg = &run[a..b];
        if b - a >= 10 && random_segment(seg) && !base64_of_text(seg) && !super::tokens::placeholder(seg) {
            first.get_or_insert(a);
            longest = longest.max(b - a);
            total += b - a;
            count += 1;
        }
        a = b + 1;
    }
    let first = first?;
    if longest < 16 && !(count >= 2 && total >= 24) {
        return None;
    }
    let start = run[..first].iter().rposition(|&c| c == b'=' || c == b'/').map_or(0, |p| p + 1);
    let span = &run[start..];
    // Base64 of text, documentation's example values, and cryptocurrency addresses (public)
    // are kept.
    if base64_of_text(span) || span.windows(7).any(|w| w == b"EXAMPLE" || w == b"example") || crypto_address(span) {
        return None;
    }
    Some((at + start, e))
}

/// Prefixes that APIs put before the random part of an object's id (Stripe's `cus_`, `evt_`,
/// `req_`, OpenAI's `chatcmpl-`, `asst_`, ...): the id names a record, it grants nothing.
/// Their secrets have prefixes of their own (`sk_live_`, `rk_live_`, `whsec_`, found as vendor
/// tokens before this is asked).
const ID_PREFIXES: &[&[u8]] = &[
    b"acct", b"ba", b"card", b"ch", b"cus", b"evt", b"in", b"ii", b"il", b"pi", b"pm", b"po", b"price", b"prod", b"py", b"re",
    b"req", b"seti", b"si", b"src", b"sub", b"tr", b"txn", b"ord", b"order", b"usr", b"user", b"msg", b"job", b"run", b"obj",
    b"asst", b"thread", b"call", b"batch", b"file", b"chatcmpl", b"ftjob", b"cmpl", b"inv",
];

/// Whether `run` is an object id: an [`ID_PREFIXES`] word, `_` or `-`, then one alphanumeric
/// segment (`cus_NffrFeUfNV2Hib`, `req_8fK2mQ9xLp3Rt7Zw`, `chatcmpl-8abcXYZ123`).
fn object_id(run: &[u8]) -> bool {
    // The first separator comes within the longest prefix: one short look for most runs.
    let Some(p) = run.iter().take(9).position(|&b| b == b'_' || b == b'-') else { return false };
    p > 0 && ID_PREFIXES.contains(&&run[..p]) && run[p + 1..].iter().all(u8::is_ascii_alphanumeric)
}

/// Whether an alphanumeric segment (10+ bytes) mixes character classes as random strings do.
pub fn random_segment(s: &[u8]) -> bool {
    let n = s.len();
    let (mut lower, mut upper, mut digit, mut vowels) = (0usize, 0usize, 0usize, 0usize);
    let (mut switches, mut upper_pairs, mut camel) = (0usize, 0usize, 0usize);
    let (mut seen, mut distinct) = ([false; 128], 0usize);
    let class = |b: u8| if b.is_ascii_digit() { 0 } else if b.is_ascii_uppercase() { 1 } else { 2 };
    let mut hex_lower = true;
    let mut hex_upper = true;
    for (k, &b) in s.iter().enumerate() {
        match class(b) {
            0 => digit += 1,
            1 => upper += 1,
            _ => lower += 1,
        }
        vowels += matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u') as usize;
        hex_lower &= b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        hex_upper &= b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
        if k > 0 {
            let p = s[k - 1];
            switches += (class(p) != class(b)) as usize;
            upper_pairs += (class(p) == 1 && class(b) == 1) as usize;
        }
        // A capital that starts a word: two lower-case letters follow.
        camel += (class(b) == 1 && s.get(k + 1).is_some_and(u8::is_ascii_lowercase) && s.get(k + 2).is_some_and(u8::is_ascii_lowercase)) as usize;
        if !seen[b as usize & 127] {
            seen[b as usize & 127] = true;
            distinct += 1;
        }
    }
    let letters = lower + upper;
    // Numbers, one-case words, and hex digests in one case. (Hex in mixed case is kept
    // random: a token generator may mix cases, a digest printer does not.)
    if digit == n || (digit == 0 && (lower == 0 || upper == 0)) || hex_lower || hex_upper {
        return false;
    }
    // A ULID: 26 characters of Crockford's base32 in capitals, starting with its time.
    if n == 26 && lower == 0 && s[0] <= b'7' && !s.iter().any(|b| matches!(b, b'I' | b'L' | b'O' | b'U')) {
        return false;
    }
    // Random strings use many distinct characters, and few vowels (a fifth of the letters
    // of base62 or base36; words and identifiers have a third or more).
    if distinct * 2 < n.min(32) {
        return false;
    }
    // One case of letters with digits: lower case from 14 characters (`x7k2...`), capitals
    // from 20 (shorter ones are codes, part numbers and tax ids: `27ABCDE1234F1Z5`), and two
    // fifths letters (digit-heavy ones are serials and versions).
    if (upper == 0 && n < 14) || (lower == 0 && n < 20) || ((lower == 0 || upper == 0) && letters * 5 < n * 2) {
        return false;
    }
    // Camel case: most capitals start a word (`ultraPictureBox1`, `RowStatusEXPSubs`), and
    // words bring vowels; in random base62 fewer than a fifth of capitals start a word.
    if lower > 0 && upper > 0 && camel * 2 >= upper && vowels * 100 >= letters * 30 {
        return false;
    }
    if digit == 0 {
        if vowels * 100 >= letters * 32 {
            return false;
        }
        // Mixed case without digits: camel case switches case at word starts only, and
        // seldom has two capitals in a row; random letters do both often.
        return n >= 16 && switches * 100 >= n * 35 && upper_pairs * 8 >= n;
    }
    // With digits, letter runs between them are short; a word among them brings vowels.
    vowels * 100 < letters * 45 && switches >= 3 && switches * 7 >= n
}

/// Whether `s` has the shape of a cryptocurrency address, which is public: Bitcoin's Base58
/// (`1...`/`3...`, 26-35 characters, no `0 O I l`) or Bech32 (`bc1...`/`tb1...` in one case, its
/// 32-character alphabet), or Monero's (`4...`/`8...`, 95 Base58 characters). The shape, not
/// the checksum: a mistyped address is no more a secret than a valid one. Ethereum's `0x` and
/// 40 hex digits too.
pub fn crypto_address(s: &[u8]) -> bool {
    let base58 = |b: &u8| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l');
    // Ethereum: `0x` and 40 hex digits (EIP-55 writes its checksum in the letters' case).
    if s.len() == 42 && (s.starts_with(b"0x") || s.starts_with(b"0X")) && s[2..].iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    match s.first() {
        // Base58 of a hash has both cases of letters; a one-case string is not an address.
        Some(b'1' | b'3') if (26..=35).contains(&s.len()) => s.iter().all(base58) && mixed(s),
        Some(b'4' | b'8') if s.len() == 95 => s.iter().all(base58) && mixed(s),
        Some(b'b' | b't' | b'B' | b'T') if (14..=90).contains(&s.len()) => {
            let (lower, upper) = (s.iter().any(u8::is_ascii_lowercase), s.iter().any(u8::is_ascii_uppercase));
            let hrp = s[..3].eq_ignore_ascii_case(b"bc1") || s[..3].eq_ignore_ascii_case(b"tb1");
            hrp && !(lower && upper) && s[3..].iter().all(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".contains(&b.to_ascii_lowercase()))
        }
        _ => false,
    }
}

fn mixed(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_lowercase) && s.iter().any(u8::is_ascii_uppercase)
}

/// Whether `run` is base64 of printable text (`dXNlcm5hbWU=`): an encoding, not a secret.
fn base64_of_text(run: &[u8]) -> bool {
    let body = run.strip_suffix(b"==").or_else(|| run.strip_suffix(b"=")).unwrap_or(run);
    if !body.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/') {
        return false;
    }
    let value = |b: u8| match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let (mut acc, mut bits, mut printable, mut total) = (0u32, 0u32, 0usize, 0usize);
    for &b in body {
        acc = (acc << 6) | value(b) as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = (acc >> bits) as u8;
            acc &= (1 << bits) - 1;
            total += 1;
            printable += (byte == b' ' || byte.is_ascii_graphic()) as usize;
        }
    }
    total >= 12 && printable == total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_material_is_recognised() {
        assert!(looks_random(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(looks_random(b"9f86d081884c7d659a2feaa0c55ad015"));
        assert!(looks_random(b"x7Kp2QmZ9vLw4RtY"));
    }

    #[test]
    fn words_and_short_values_are_not() {
        assert!(!looks_random(b"user-settings-cache"));
        assert!(!looks_random(b"orders:2026:11"));
        assert!(!looks_random(b"aaaaaaaaaaaaaaaa1111"));
        assert!(!looks_random(b"short1"));
        assert!(!looks_random(b"two words here 12345678"));
    }

    #[test]
    fn suffixes_judge_as_looks_random_does() {
        let text = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9f86d081884c7d659a2feaa0c55ad015 x7Kp2QmZ9vLw4RtYzz";
        let mut s = Suffixes::default();
        for end in [text.len(), 80] {
            for start in 0..end {
                let want = looks_random(&text[start..end]);
                assert_eq!(s.looks_random(text, start, end), want, "{start}..{end}");
            }
        }
        // Out of order: judged afresh.
        assert_eq!(s.looks_random(text, 48, 80), looks_random(&text[48..80]));
        assert_eq!(s.looks_random(text, 10, 80), looks_random(&text[10..80]));
    }

    fn bare_str(s: &str) -> Option<&str> {
        bare(s.as_bytes(), 0, s.len()).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn bare_random_tokens_are_found() {
        for t in [
            "9r4yuygnpljdzuz8zm5xnnfjib721oj1",
            "HXe8DGg1iJd2AopzyxkFB7F2",
            "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "nfw6ai-aaitfmzrbih44znxkh2-2mg10wn8jfaew",
            "8wfidw7q76d26bja-24ojk6ypo1v5dh8",
            "31zhigk7cbcnuqwovba9a9kxu54epxh1",
            "n895qoa0nwix7aidrc3efad6",
            "Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4",
            "00ebObu4zSNkyc6dimLvUwq4KpTEop-PCEnnfSTpD3",
            "IFNlVzdVmWZNsJLuxNcJOIybUnkZuJdLdU",
            "4b1dbRdW3rOcB7xLthrM4BTBGK1qPLkHigpN1bXD6z",
            "jC+6TUUjCNHcVtAXpcqBCgxnA8r+qD6MatnYaf/+289y7HWpK0BWPyLHv/K4DMN32fufwmeVVjlo8zjgBh8kx3GfS6",
        ] {
            assert_eq!(bare_str(t), Some(t), "{t}");
        }
        // A key before `=` and a path before `/` stay.
        assert_eq!(bare_str("OPTION_7=9r4yuygnpljdzuz8zm5xnnfjib721oj1"), Some("9r4yuygnpljdzuz8zm5xnnfjib721oj1"));
        assert_eq!(bare_str("/v1/keys/HXe8DGg1iJd2AopzyxkFB7F2."), Some("HXe8DGg1iJd2AopzyxkFB7F2"));
        // An id prefix before more than one segment, or an unknown prefix: judged as any run.
        assert_eq!(bare_str("req_8fK2mQ9xLp3Rt7Zw1Vb4-HXe8DGg1iJd2AopzyxkFB7F2"), Some("req_8fK2mQ9xLp3Rt7Zw1Vb4-HXe8DGg1iJd2AopzyxkFB7F2"));
        assert_eq!(bare_str("key_8fK2mQ9xLp3Rt7Zw1Vb4"), Some("key_8fK2mQ9xLp3Rt7Zw1Vb4"));
    }

    #[test]
    fn ids_digests_words_and_encodings_are_not_bare_secrets() {
        for t in [
            "754f90bc80d3a0f11c3a4d374013574da0819fa6",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "c196c5c2-ff2e-dc17-9d4c-712e801b43bf",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "1721625608312000000",
            "ServingCellPriorityParametersDescription_t",
            "HTTPSConnectionPoolManager",
            "getUserByIdAndEmailAddress",
            "user-settings-cache-v2-primary",
            "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
            "com.example.orders.OrderServiceImpl",
            "1.2.3-beta.4+build.5678",
            "checkout-service-7d9f8b6c4-x2klm",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "dXNlcm5hbWU6IGFsaWNlIGlzIGhlcmU=",
            "utf8mb4_unicode_520_ci",
            "order-2026-11-30-000123-eu-west-1",
            "internationalization2026",
            "aaaaaaaaaaaaaaaa1111",
            "1234fghijklmnopby56aaaogaopaaaabc123xyzBB",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t",
            "AKIAIOSFODNN7EXAMPLE-wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
            "27ABCDE1234F1Z55",
            "R21A-A-V010SP13RC181024R16900-CN-B_250K-Release",
            "this.ultraPictureBox1.Name",
            "LibraryWebpageUploadUr1RowStatus",
            "desktop-rhf_SponsoredProductsRemoteRHFSearchEXPSubsK2ClickPagination",
            "req_8fK2mQ9xLp3Rt7Zw1Vb4",
            "cus_NffrFeUfNV2Hib9xLp3Rt7Zw",
            "evt_1NqXy2Kz8LmPqRsTuVwXyZ",
            "chatcmpl-8fK2mQ9xLp3Rt7Zw1Vb4Yq",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae",
        ] {
            assert_eq!(bare_str(t), None, "{t}");
        }
    }
}
