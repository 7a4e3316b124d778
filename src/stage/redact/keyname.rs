//! Field names, compared ignoring case and style, and what a name says about its value.
//!
//! `userPassword`, `user_password`, `User-Password` and `user password` are one name. A `.` is
//! kept as a path separator, so the flat OpenTelemetry-style key `http.status_code` and the nested
//! `http` -> `status_code` agree.
//!
//! A name is split into words (at separators and camelCase humps) and judged by its head, the
//! last word: `userPassword` and `db_pass` hold secrets, `password_changed` and `token_count` do
//! not. Some heads need a qualifier (`api_key` yes, `cache_key` no).

use super::kind::Kind;

/// Appends the normalised form of `name` to `out`: ASCII letters lowercased, digits and `.`
/// kept, other ASCII punctuation and spaces dropped, non-ASCII bytes kept as they are.
///
/// ```
/// let mut out = Vec::new();
/// logseal::stage::redact::keyname::normalize_into(b"X-Api_Key", &mut out);
/// assert_eq!(out, b"xapikey");
/// ```
pub fn normalize_into(name: &[u8], out: &mut Vec<u8>) {
    for &b in name {
        if b.is_ascii_alphanumeric() || b == b'.' || b >= 0x80 {
            out.push(b.to_ascii_lowercase());
        }
    }
}

/// The normalised form of `name`, for compiling policy names.
pub fn normalize(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    normalize_into(name.as_bytes(), &mut out);
    out
}

/// What a field name says about its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// Nothing: the value is scanned by the detectors like any text.
    Plain,
    /// The whole value is a secret of this kind (booleans and null excepted: they are flags).
    Secret(Kind),
    /// The value is a secret if it looks random (`key`, `signature`, ...).
    MaybeSecret,
    /// A credential of this kind unless it is a small count or, for `auth`, a plain word
    /// (`"auth":"ok"`, `auth=oauth`, `pass=3`); containers under it are walked into.
    Credential(Kind),
    /// A phone number field: the value is redacted if it holds a phone number.
    Phone,
    /// A raw request or response body: dropped, replaced by its size.
    Body,
}

/// Up to this many words of a name are looked at (the head and its qualifiers).
const MAX_WORDS: usize = 4;

/// The last words of `name`, lowercased, newest last: (`buf`, word ranges).
struct Words {
    buf: [u8; 64],
    len: usize,
    ranges: [(u8, u8); MAX_WORDS],
    count: usize,
}

impl Words {
    fn split(name: &[u8]) -> Words {
        let mut w = Words { buf: [0; 64], len: 0, ranges: [(0, 0); MAX_WORDS], count: 0 };
        // Only the tail matters: a name is judged by its last words.
        let name = &name[name.len().saturating_sub(64)..];
        let mut start: Option<usize> = None;
        let mut prev = 0u8;
        for (i, &b) in name.iter().enumerate() {
            let alnum = b.is_ascii_alphanumeric();
            let next = name.get(i + 1).copied().unwrap_or(0);
            // camelCase hump (userPassword) or the end of an acronym (APIKey -> API, Key).
            let hump = b.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next.is_ascii_lowercase()));
            if !alnum || hump {
                if let Some(s) = start.take() {
                    w.push(&name[s..i]);
                }
            }
            if alnum && start.is_none() {
                start = Some(i);
            }
            prev = b;
        }
        if let Some(s) = start {
            w.push(&name[s..]);
        }
        w
    }

    fn push(&mut self, word: &[u8]) {
        if self.len + word.len() > self.buf.len() {
            return;
        }
        if self.count == MAX_WORDS {
            self.ranges.copy_within(1.., 0);
            self.count -= 1;
        }
        let at = self.len;
        for (i, &b) in word.iter().enumerate() {
            self.buf[at + i] = b.to_ascii_lowercase();
        }
        self.len += word.len();
        self.ranges[self.count] = (at as u8, word.len() as u8);
        self.count += 1;
    }

    /// Word `i` from the end (0 = the head).
    fn back(&self, i: usize) -> &[u8] {
        if i >= self.count {
            return b"";
        }
        let (at, len) = self.ranges[self.count - 1 - i];
        &self.buf[at as usize..at as usize + len as usize]
    }
}

/// Heads that make any field a secret, with the kind they name.
const SECRET_HEADS: &[(&str, Kind)] = &[
    ("password", Kind::Password),
    ("passwd", Kind::Password),
    ("pwd", Kind::Password),
    ("pass", Kind::Password),
    ("pw", Kind::Password),
    ("passwords", Kind::Password),
    ("passphrase", Kind::Password),
    ("passcode", Kind::Password),
    ("secret", Kind::Secret),
    ("secrets", Kind::Secret),
    ("token", Kind::Token),
    ("tokens", Kind::Token),
    ("apikey", Kind::Token),
    ("jwt", Kind::Token),
    ("credential", Kind::Secret),
    ("credentials", Kind::Secret),
    ("creds", Kind::Secret),
    ("authorization", Kind::Authorization),
    ("auth", Kind::Authorization),
    ("cookie", Kind::Cookie),
    ("cookies", Kind::Cookie),
    ("session", Kind::Session),
    ("sessionid", Kind::Session),
    ("jsessionid", Kind::Session),
    ("phpsessid", Kind::Session),
    ("privatekey", Kind::PrivateKey),
    ("otp", Kind::Password),
    ("totp", Kind::Password),
    ("pin", Kind::Password),
    ("cvv", Kind::Cvv),
    ("cvv2", Kind::Cvv),
    ("cvc", Kind::Cvv),
    ("cvc2", Kind::Cvv),
    ("cvn", Kind::Cvv),
    ("ssn", Kind::Ssn),
    ("nino", Kind::NationalId),
    ("iban", Kind::Iban),
    ("pan", Kind::Card),
    ("ccn", Kind::Card),
    ("ccnum", Kind::Card),
    ("cardnumber", Kind::Card),
    ("creditcard", Kind::Card),
    ("sessid", Kind::Session),
    ("dsn", Kind::Secret),
    ("connectionstring", Kind::Secret),
    ("connstr", Kind::Secret),
    // National identifiers by their own names (their shapes in free text: `national/`).
    ("bsn", Kind::NationalId),
    ("pesel", Kind::NationalId),
    ("cpf", Kind::NationalId),
    ("aadhaar", Kind::NationalId),
    ("aadhar", Kind::NationalId),
    ("tfn", Kind::NationalId),
    ("dni", Kind::NationalId),
    ("nie", Kind::NationalId),
    ("nif", Kind::NationalId),
    ("hetu", Kind::NationalId),
    ("henkilotunnus", Kind::NationalId),
    ("rrn", Kind::NationalId),
    ("itin", Kind::NationalId),
];

/// Two-word heads (qualifier, head) that name a secret.
const SECRET_PAIRS: &[(&str, &str, Kind)] = &[
    ("api", "key", Kind::Token),
    ("access", "key", Kind::Token),
    ("secret", "key", Kind::Secret),
    ("private", "key", Kind::PrivateKey),
    ("signing", "key", Kind::Secret),
    ("encryption", "key", Kind::Secret),
    ("master", "key", Kind::Secret),
    ("client", "secret", Kind::Secret),
    ("session", "id", Kind::Session),
    ("session", "key", Kind::Session),
    ("card", "number", Kind::Card),
    ("card", "no", Kind::Card),
    ("card", "num", Kind::Card),
    ("credit", "card", Kind::Card),
    ("cc", "number", Kind::Card),
    ("security", "code", Kind::Cvv),
    ("card", "code", Kind::Cvv),
    ("account", "number", Kind::BankAccount),
    ("account", "no", Kind::BankAccount),
    ("account", "num", Kind::BankAccount),
    ("bank", "account", Kind::BankAccount),
    ("routing", "number", Kind::BankAccount),
    ("sort", "code", Kind::BankAccount),
    ("security", "number", Kind::Ssn),
    ("insurance", "number", Kind::NationalId),
    ("national", "id", Kind::NationalId),
    ("tax", "id", Kind::NationalId),
    ("passport", "number", Kind::NationalId),
    ("sin", "number", Kind::NationalId),
    ("connect", "sid", Kind::Session),
    ("session", "token", Kind::Session),
    ("account", "key", Kind::Secret),
    ("subscription", "key", Kind::Token),
    ("storage", "key", Kind::Secret),
    ("shared", "key", Kind::Secret),
    ("connection", "string", Kind::Secret),
    ("conn", "string", Kind::Secret),
    ("conn", "str", Kind::Secret),
    ("mfa", "code", Kind::Password),
    ("otp", "code", Kind::Password),
    ("totp", "code", Kind::Password),
    ("recovery", "code", Kind::Password),
    ("backup", "code", Kind::Password),
    ("verification", "code", Kind::Password),
    ("auth", "code", Kind::Token),
    ("authorization", "code", Kind::Token),
    ("acct", "no", Kind::BankAccount),
    ("acct", "num", Kind::BankAccount),
    ("acct", "number", Kind::BankAccount),
    ("aba", "number", Kind::BankAccount),
    ("aba", "routing", Kind::BankAccount),
    ("bank", "number", Kind::BankAccount),
    ("resident", "id", Kind::NationalId),
    ("citizen", "id", Kind::NationalId),
    ("identity", "number", Kind::NationalId),
    ("personal", "code", Kind::NationalId),
    // SonarQube's `sonar.login` holds a user token, not a user name.
    ("sonar", "login", Kind::Token),
    // A webhook URL is a bearer credential: whoever holds it can post (Slack, Teams, Discord
    // carry the secret in the path).
    ("webhook", "url", Kind::Token),
    ("webhook", "uri", Kind::Token),
];

/// Heads long and distinct enough to name a secret at the end of a run-together word
/// (`userpassword`, `PGPASSWORD`, `accesstoken`, `clientsecret`). Shorter heads (`pass`,
/// `pin`, `sid`) and `session` (`possession`) count only as whole words.
const SUFFIX_HEADS: &[&str] = &[
    "password", "passwd", "passphrase", "passcode", "secret", "secrets", "token", "tokens", "apikey", "credential",
    "credentials", "privatekey", "sessionid", "cardnumber", "creditcard",
];

/// Short names that are secrets only as the whole name (`sid`, but not `account_sid`).
const SOLO_HEADS: &[(&str, Kind)] = &[("sid", Kind::Session), ("sin", Kind::NationalId)];

/// Vendors whose credentials are often stored under the vendor's name alone, with no word
/// saying which credential (`cloudflare: "<37 hex>"`, `heroku: <uuid>`): as a whole name the
/// value is a secret if it looks random (a UUID or hex key does; `enabled`, `my-app` do not).
const VENDOR_NAMES: &[&str] = &[
    "cloudflare", "heroku", "hubspot", "sumologic", "sonarqube", "sendgrid", "mailgun", "mailchimp", "twilio", "algolia",
    "launchdarkly", "sendbird", "finicity", "kucoin", "plaid", "snyk", "squarespace", "messagebird", "anthropic", "openai",
    "pagerduty", "datadog", "newrelic", "okta", "contentful", "netlify", "vercel", "doppler", "pulumi",
];

/// Words before `token`/`tokens` that make it a count (LLM usage: `prompt_tokens`,
/// `max_tokens`, `totalTokens`), not a credential.
const COUNT_QUALIFIERS: &[&str] = &[
    "prompt", "completion", "total", "max", "min", "input", "output", "cached", "cache", "reasoning", "num", "count",
    "used", "remaining", "estimated", "audio", "image", "candidates", "thoughts", "tool", "accepted", "rejected",
];

/// Words before `key` that make it an identifier, not a credential (`cache_key`,
/// `routing_key`, `idempotency_key`, `public_key`).
const ID_KEY_QUALIFIERS: &[&str] = &[
    "cache", "routing", "partition", "sort", "range", "idempotency", "idempotence", "dedup", "dedupe", "public",
    "primary", "foreign", "object", "bucket", "lookup", "row", "shard", "group", "message", "event", "index", "map",
    "hash", "cursor", "page", "i18n", "translation", "label", "config", "setting", "metric", "span", "trace", "log",
];

/// Heads that are secrets when qualified by a secret word (`password_hash`, `secret_salt`).
const QUALIFIED_HEADS: &[&str] = &[
    "hash", "digest", "salt", "key", "value", "string", "text", "id", "confirmation", "confirm", "again", "repeat",
    "retype", "plain", "plaintext", "clear", "cleartext", "raw", "encrypted", "enc", "b64", "base64", "hex", "old",
    "new", "current", "input", "number", "no", "num", "nr",
];
/// Heads whose value is a secret if it looks random.
const MAYBE_HEADS: &[&str] = &["key", "sig", "signature", "hmac"];
const PHONE_HEADS: &[&str] = &["phone", "mobile", "tel", "telephone", "msisdn", "fax", "cell", "cellphone"];
const BODY_NAMES: &[&str] = &["body", "requestbody", "rawbody", "payload", "responsebody", "rawpayload"];

/// Judges a field name.
///
/// ```
/// use logseal::stage::redact::keyname::{classify, KeyClass};
/// assert!(matches!(classify(b"userPassword"), KeyClass::Secret(_)));
/// assert!(matches!(classify(b"X-Api-Key"), KeyClass::Secret(_)));
/// assert_eq!(classify(b"password_changed"), KeyClass::Plain);
/// assert!(matches!(classify(b"PGPASSWORD"), KeyClass::Secret(_)));
/// assert_eq!(classify(b"prompt_tokens"), KeyClass::Plain);
/// assert_eq!(classify(b"key"), KeyClass::MaybeSecret);
/// assert_eq!(classify(b"cache_key"), KeyClass::Plain);
/// ```
pub fn classify(name: &[u8]) -> KeyClass {
    let w = Words::split(name);
    let head = w.back(0);
    if head.is_empty() {
        return KeyClass::Plain;
    }
    let qualifier = w.back(1);
    if is_count(head, qualifier) {
        return KeyClass::Plain;
    }
    // Alone, `auth` may name a mode (`auth: oauth`), `pass` a test count (`pass=3`) and
    // `pwd` (with `pw`, its shorter spelling) the working directory (`pwd=/home/app`).
    if w.count == 1 && head == b"auth" {
        return KeyClass::Credential(Kind::Authorization);
    }
    if w.count == 1 && matches!(head, b"pass" | b"pwd" | b"pw") {
        return KeyClass::Credential(Kind::Password);
    }
    if let Some(kind) = vendor_credential(name, &w) {
        return KeyClass::Secret(kind);
    }
    if let Some(kind) = secret_word(head, qualifier) {
        return KeyClass::Secret(kind);
    }
    if QUALIFIED_HEADS.iter().any(|h| head == h.as_bytes()) {
        for i in 1..w.count {
            if let Some(kind) = secret_word(w.back(i), w.back(i + 1)) {
                return KeyClass::Secret(kind);
            }
        }
    }
    // `e164` names a phone only beside another word (`phone_e164`, `e164_number`): alone it
    // is also an IPv6 hex group, which `shape` relies on no name rule taking.
    let e164 = w.count > 1 && (head == b"e164" || qualifier == b"e164");
    // Plurals too: `"phones": [...]` holds phone numbers.
    let singular = head.strip_suffix(b"s").unwrap_or(head);
    if e164 || PHONE_HEADS.iter().any(|h| head == h.as_bytes() || singular == h.as_bytes()) || (head == b"number" && PHONE_HEADS.iter().any(|h| qualifier == h.as_bytes())) {
        return KeyClass::Phone;
    }
    if w.count <= 2 {
        let mut joined = [0u8; 64];
        let (a, b) = (w.back(1), w.back(0));
        if a.len() + b.len() <= 64 {
            joined[..a.len()].copy_from_slice(a);
            joined[a.len()..a.len() + b.len()].copy_from_slice(b);
            let whole = &joined[..a.len() + b.len()];
            if BODY_NAMES.iter().any(|n| whole == n.as_bytes()) {
                return KeyClass::Body;
            }
        }
    }
    if head == b"key" && ID_KEY_QUALIFIERS.iter().any(|q| qualifier == q.as_bytes()) {
        return KeyClass::Plain;
    }
    if w.count == 1 {
        if let Some((_, kind)) = SOLO_HEADS.iter().find(|(h, _)| head == h.as_bytes()) {
            return KeyClass::Secret(*kind);
        }
        if VENDOR_NAMES.iter().any(|v| head == v.as_bytes()) {
            return KeyClass::MaybeSecret;
        }
    }
    if MAYBE_HEADS.iter().any(|h| head == h.as_bytes()) {
        return KeyClass::MaybeSecret;
    }
    KeyClass::Plain
}

/// The kind of secret the word `word` names after the word `qualifier` (empty when none):
/// a secret head or pair, also run together into one word (`clientsecret`, `secretkey`) and
/// with a number after it (`password2`).
fn secret_word(word: &[u8], qualifier: &[u8]) -> Option<Kind> {
    let digits = word.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let bare = &word[..word.len() - digits];
    // `cvv2` is a head of its own; `password2` is `password`.
    for word in [word, bare] {
        if word.is_empty() {
            continue;
        }
        if let Some((_, _, kind)) = SECRET_PAIRS.iter().find(|(q, h, _)| word == h.as_bytes() && qualifier == q.as_bytes()) {
            return Some(*kind);
        }
        if let Some((_, kind)) = SECRET_HEADS.iter().find(|(h, _)| word == h.as_bytes()) {
            return Some(*kind);
        }
        if super::national::label::is_key_name(word, qualifier) {
            return Some(Kind::NationalId);
        }
        // Run together: a pair (`secretkey`, `creditcardnumber`'s `cardnumber`) or a long head.
        if let Some((_, _, kind)) = SECRET_PAIRS.iter().find(|(q, h, _)| word.len() == q.len() + h.len() && word.starts_with(q.as_bytes()) && word.ends_with(h.as_bytes())) {
            return Some(*kind);
        }
        for h in SUFFIX_HEADS {
            if word.len() > h.len() && word.ends_with(h.as_bytes()) && !is_count(h.as_bytes(), &word[..word.len() - h.len()]) {
                return SECRET_HEADS.iter().find(|(head, _)| head == h).map(|(_, kind)| *kind);
            }
        }
    }
    None
}

/// Vendor-specific names of credentials that no generic word gives away: Bundler's
/// per-host credentials (`BUNDLE_GEMS__CONTRIBSYS__COM=user:pw`, the host's dots written as
/// `__`; `BUNDLE_PATH` and `BUNDLE_JOBS` have no `__` and stay) and Sumo Logic's access id
/// (`SUMO_ACCESS_ID`, `sumologic.accessId`), the first half of its key pair.
fn vendor_credential(name: &[u8], w: &Words) -> Option<Kind> {
    if name.len() > 9 && name[..7].eq_ignore_ascii_case(b"bundle_") && name[7..].windows(2).any(|p| p == b"__") {
        return Some(Kind::Password);
    }
    let sumo = |q: &[u8]| q == b"sumo" || q == b"sumologic";
    match (w.back(0), w.back(1), w.back(2)) {
        (b"id", b"access", q) if sumo(q) => Some(Kind::Token),
        (b"accessid", q, _) if sumo(q) => Some(Kind::Token),
        _ => None,
    }
}

/// True for a token count (`prompt_tokens`, `maxtokens`), which is no credential.
fn is_count(head: &[u8], qualifier: &[u8]) -> bool {
    matches!(head, b"token" | b"tokens") && COUNT_QUALIFIERS.iter().any(|q| qualifier == q.as_bytes())
}

/// A small exact cache in front of [`classify`]: field names repeat from record to record,
/// in keys and in `key=value` text alike. Direct-mapped, names up to 32 bytes compared in full
/// (no false hits); longer names are classified every time.
pub struct ClassCache {
    slots: Vec<Slot>,
}

#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    /// The name, zero-padded, as four little-endian words: one load and compare per word.
    name: [u64; 4],
    class: KeyClass,
}

const SLOTS: usize = 512;

impl Default for ClassCache {
    fn default() -> Self {
        ClassCache { slots: vec![Slot { len: u8::MAX, name: [0; 4], class: KeyClass::Plain }; SLOTS] }
    }
}

impl ClassCache {
    /// The class of `name`, as [`classify`] gives it.
    #[inline]
    pub fn classify(&mut self, name: &[u8]) -> KeyClass {
        if name.len() > 32 {
            return classify(name);
        }
        // Hashed and compared a word at a time: a byte-at-a-time hash and a memcmp cost twice
        // as much, on every key of every record. The slot check is exact either way. Words are
        // loaded straight from the name (copying it into a padded buffer first stalled the
        // loads that read it back).
        let mut words = [0u64; 4];
        let full = name.len() / 8;
        for (k, w) in words.iter_mut().enumerate().take(full) {
            *w = crate::swar::load(name, 8 * k).unwrap_or(0);
        }
        if full < 4 {
            words[full] = name[8 * full..].iter().rev().fold(0u64, |w, &b| w << 8 | b as u64);
        }
        let mixed = words[0] ^ words[1].rotate_left(17) ^ words[2].rotate_left(31) ^ words[3].rotate_left(47) ^ name.len() as u64;
        let hash = mixed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 55; // 9 bits: SLOTS
        let slot = &mut self.slots[hash as usize % SLOTS];
        if slot.len as usize == name.len() && slot.name == words {
            return slot.class;
        }
        let class = classify(name);
        *slot = Slot { len: name.len() as u8, name: words, class };
        class
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_style_do_not_matter() {
        for n in ["userPassword", "user_password", "User-Password", "user password", "USERPASSWORD"] {
            assert_eq!(normalize(n), b"userpassword", "{n}");
        }
        assert_eq!(normalize("@timestamp"), b"timestamp");
        assert_eq!(normalize("http.status_code"), b"http.statuscode");
        assert_eq!(normalize("Größe"), "größe".as_bytes());
    }

    #[test]
    fn words_split_at_separators_humps_and_acronyms() {
        let w = Words::split(b"XApiKey");
        assert_eq!((w.back(2), w.back(1), w.back(0)), (&b"x"[..], &b"api"[..], &b"key"[..]));
        let w = Words::split(b"APIKey");
        assert_eq!((w.back(1), w.back(0)), (&b"api"[..], &b"key"[..]));
        let w = Words::split(b"aws.secret_access-key");
        assert_eq!((w.back(1), w.back(0)), (&b"access"[..], &b"key"[..]));
        let w = Words::split(b"cvv2");
        assert_eq!(w.back(0), b"cvv2");
    }

    #[test]
    fn secret_names_in_every_style() {
        for n in [
            "password", "userPassword", "user_password", "DB_PASS", "db-passwd", "Passphrase", "secret", "client_secret",
            "clientSecret", "api_key", "apiKey", "X-Api-Key", "x-api-key", "access_token", "refreshToken", "auth_token",
            "Authorization", "cookie", "Set-Cookie", "session", "sessionId", "JSESSIONID", "private_key", "privateKey",
            "aws_secret_access_key", "cvv", "cvc2", "card_number", "cardNumber", "creditCard", "pan",
            "ssn", "social_security_number", "iban", "account_number", "routingNumber", "sort_code", "password_hash",
            "passwordHash", "otp", "pin", "credentials", "jwt", "security_code", "tax_id", "nino",
        ] {
            assert!(matches!(classify(n.as_bytes()), KeyClass::Secret(_)), "{n} should be secret");
        }
    }

    #[test]
    fn structural_and_ordinary_names_are_not_secrets() {
        for n in [
            "password_changed", "passwordReset", "token_count", "tokens_used", "token_type", "session_count",
            "cookie_consent", "auth_method", "secret_rotation_days", "user_id", "request_id", "message", "status",
            "path", "bypass", "passenger", "compass", "pinned", "keyboard", "monkey", "account", "card_type",
        ] {
            let c = classify(n.as_bytes());
            assert!(!matches!(c, KeyClass::Secret(_)), "{n} should not be secret: {c:?}");
        }
    }

    #[test]
    fn run_together_numbered_and_named_secrets() {
        for n in [
            "userpassword", "PGPASSWORD", "newpassword", "MYSQL_PWD", "accesstoken", "clientsecret", "secretkey",
            "creditcard", "password2", "pass1", "password_confirmation", "passwordConfirm", "new_password", "connect.sid",
            "sid", "sessid", "PHPSESSID", "sin", "private_key_id", "dsn", "SENTRY_DSN", "connection_string",
            "connectionString", "AccountKey", "Ocp-Apim-Subscription-Key", "mfa_code", "recovery_code", "acct_no",
            "refreshtoken", "githubtoken", "x-auth-token", "storageAccountKey", "creditcardnumber", "otp_code", "bsn",
            "PESEL", "customer_cpf", "aadhaar_number", "tfn", "dni", "itin", "aba_number", "aba_routing", "bank_number",
        ] {
            assert!(matches!(classify(n.as_bytes()), KeyClass::Secret(_)), "{n} should be secret");
        }
    }

    #[test]
    fn counts_and_identifier_keys_are_not_secrets() {
        for n in [
            "prompt_tokens", "completion_tokens", "total_tokens", "max_tokens", "maxTokens", "totaltokens", "input_tokens",
            "cache_key", "routing_key", "partition_key", "idempotency_key", "idempotencyKey", "public_key", "publicKey",
            "sort_key", "account_sid", "sinus", "possession", "session_count", "tokens_used", "cvv_checked",
        ] {
            let c = classify(n.as_bytes());
            assert!(!matches!(c, KeyClass::Secret(_) | KeyClass::MaybeSecret), "{n} should be plain: {c:?}");
        }
    }

    #[test]
    fn the_cache_answers_exactly_as_classify() {
        let mut cache = ClassCache::default();
        let names: Vec<String> = (0..3000).map(|i| format!("field_{i}")).chain(["password".into(), "pass_word_x".into()]).collect();
        for _ in 0..2 {
            for n in &names {
                assert_eq!(cache.classify(n.as_bytes()), classify(n.as_bytes()), "{n}");
            }
        }
        let long = "a_very_long_field_name_that_is_over_32_bytes_password";
        assert_eq!(cache.classify(long.as_bytes()), classify(long.as_bytes()));
    }

    #[test]
    fn maybe_phone_and_body_names() {
        assert_eq!(classify(b"signature"), KeyClass::MaybeSecret);
        assert_eq!(classify(b"key"), KeyClass::MaybeSecret);
        assert_eq!(classify(b"phone"), KeyClass::Phone);
        assert_eq!(classify(b"mobileNumber"), KeyClass::Phone);
        assert_eq!(classify(b"phone_number"), KeyClass::Phone);
        for n in ["body", "request_body", "rawBody", "payload", "response_body"] {
            assert_eq!(classify(n.as_bytes()), KeyClass::Body, "{n}");
        }
        assert_eq!(classify(b"body_size"), KeyClass::Plain);
    }
}
