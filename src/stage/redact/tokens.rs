//! Vendor tokens by their published shapes: a fixed prefix, then a run of the vendor's
//! alphabet within a length range. Found at word starts, so they are caught in any text
//! (`calling upstream with key sk_live_...`) and under any key.

use super::memo::Memo;

/// The alphabet after a prefix.
#[derive(Clone, Copy)]
enum Alphabet {
    /// A-Z 0-9
    Upper,
    /// a-f 0-9 (either case)
    Hex,
    /// A-Z a-z 0-9
    Alnum,
    /// A-Z a-z 0-9 _ -
    Url,
    /// A-Z a-z 0-9 _ - . (Slack, Vault, ...)
    Dotted,
}

impl Alphabet {
    /// Its slot in `Memo::alphabets`.
    fn slot(self) -> usize {
        self as usize
    }

    fn has(self, b: u8) -> bool {
        match self {
            Alphabet::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Alphabet::Hex => b.is_ascii_hexdigit(),
            Alphabet::Alnum => b.is_ascii_alphanumeric(),
            Alphabet::Url => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Alphabet::Dotted => b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.',
        }
    }
}

/// One vendor's token shape.
struct Shape {
    vendor: &'static str,
    prefix: &'static [u8],
    alphabet: Alphabet,
    min: usize,
    max: usize,
}

const fn s(vendor: &'static str, prefix: &'static [u8], alphabet: Alphabet, min: usize, max: usize) -> Shape {
    Shape { vendor, prefix, alphabet, min, max }
}

use Alphabet::*;

/// Sorted by the prefix's first byte (the index below relies on it); within one first byte,
/// longer prefixes come before the prefixes they extend (`sk-ant-` before `sk-`).
const SHAPES: &[Shape] = &[
    s("aws_access_key", b"AKIA", Upper, 16, 16),
    s("aws_temporary_key", b"ASIA", Upper, 16, 16),
    s("aws_key", b"AGPA", Upper, 16, 16),
    s("aws_key", b"AIDA", Upper, 16, 16),
    s("aws_key", b"AROA", Upper, 16, 16),
    s("aws_key", b"ANPA", Upper, 16, 16),
    s("google_api_key", b"AIza", Url, 35, 35),
    s("age_secret_key", b"AGE-SECRET-KEY-1", Upper, 58, 58),
    s("atlassian_token", b"ATATT3", Dotted, 100, 255),
    s("postman_key", b"PMAK-", Url, 59, 64),
    s("sendgrid_key", b"SG.", Dotted, 60, 80),
    s("twilio_api_key", b"SK", Hex, 32, 32),
    s("digitalocean_token", b"dop_v1_", Hex, 64, 64),
    s("digitalocean_oauth", b"doo_v1_", Hex, 64, 64),
    s("digitalocean_refresh", b"dor_v1_", Hex, 64, 64),
    s("databricks_token", b"dapi", Hex, 32, 40),
    s("doppler_token", b"dp.pt.", Alnum, 40, 44),
    s("flyio_token", b"fo1_", Url, 40, 64),
    s("github_token", b"ghp_", Alnum, 36, 36),
    s("github_oauth", b"gho_", Alnum, 36, 36),
    s("github_user_token", b"ghu_", Alnum, 36, 36),
    s("github_server_token", b"ghs_", Alnum, 36, 36),
    s("github_refresh_token", b"ghr_", Alnum, 36, 36),
    s("github_pat", b"github_pat_", Url, 22, 255),
    s("gitlab_token", b"glpat-", Url, 20, 64),
    s("gitlab_runner_token", b"glrt-", Url, 20, 64),
    s("grafana_token", b"glsa_", Url, 32, 64),
    s("grafana_cloud_token", b"glc_", Url, 32, 255),
    s("huggingface_token", b"hf_", Alnum, 34, 40),
    s("vault_token", b"hvs.", Url, 20, 255),
    s("vault_batch_token", b"hvb.", Url, 20, 255),
    s("mailgun_key", b"key-", Hex, 32, 32),
    s("linear_api_key", b"lin_api_", Alnum, 40, 40),
    s("npm_token", b"npm_", Alnum, 36, 36),
    s("pypi_token", b"pypi-AgEIcHlwaS5vcmc", Url, 50, 255),
    s("pulumi_token", b"pul-", Hex, 40, 40),
    s("stripe_restricted_key", b"rk_live_", Alnum, 16, 255),
    s("stripe_restricted_key", b"rk_test_", Alnum, 16, 255),
    s("rubygems_key", b"rubygems_", Hex, 48, 48),
    s("stripe_secret_key", b"sk_live_", Alnum, 16, 255),
    s("stripe_test_key", b"sk_test_", Alnum, 16, 255),
    s("anthropic_key", b"sk-ant-", Url, 20, 255),
    s("openai_key", b"sk-proj-", Url, 20, 255),
    s("openai_key", b"sk-svcacct-", Url, 20, 255),
    s("openai_key", b"sk-", Alnum, 32, 64),
    s("shopify_token", b"shpat_", Hex, 32, 32),
    s("shopify_secret", b"shpss_", Hex, 32, 32),
    s("shopify_custom_token", b"shpca_", Hex, 32, 32),
    s("shopify_private_token", b"shppa_", Hex, 32, 32),
    s("square_token", b"sq0atp-", Url, 22, 22),
    s("square_secret", b"sq0csp-", Url, 43, 43),
    s("sentry_token", b"sntrys_", Dotted, 32, 255),
    s("stripe_webhook_secret", b"whsec_", Alnum, 16, 255),
    s("slack_bot_token", b"xoxb-", Url, 10, 255),
    s("slack_user_token", b"xoxp-", Url, 10, 255),
    s("slack_token", b"xoxa-", Url, 10, 255),
    s("slack_token", b"xoxr-", Url, 10, 255),
    s("slack_token", b"xoxs-", Url, 10, 255),
    s("slack_token", b"xoxe-", Url, 10, 255),
    s("slack_app_token", b"xapp-", Url, 10, 255),
    s("google_oauth_token", b"ya29.", Url, 20, 2048),
];

/// For each first byte, the range of SHAPES whose prefix starts with it.
const INDEX: [(u8, u8); 256] = {
    let mut index = [(0u8, 0u8); 256];
    let mut i = 0;
    while i < SHAPES.len() {
        let b = SHAPES[i].prefix[0] as usize;
        if index[b].1 == 0 {
            index[b].0 = i as u8;
        }
        index[b].1 = i as u8 + 1;
        i += 1;
    }
    index
};

/// The vendor token starting at `at` (a word start); returns (end, vendor).
pub fn find(text: &[u8], at: usize) -> Option<(usize, &'static str)> {
    find_in(text, at, &mut Memo::default())
}

/// As [`find`], with the runs already read in `memo` (the detector pass's).
pub fn find_in(text: &[u8], at: usize, memo: &mut Memo) -> Option<(usize, &'static str)> {
    let (from, to) = INDEX[*text.get(at)? as usize];
    for shape in SHAPES.get(from as usize..to as usize)? {
        if text.get(at..at + shape.prefix.len()) != Some(shape.prefix) {
            continue;
        }
        let body = at + shape.prefix.len();
        // Every start inside one run of the alphabet shares its end (`glpat-glpat-...`).
        let end = memo.alphabets[shape.alphabet.slot()].run(text, body, |b| shape.alphabet.has(b));
        let n = end - body;
        // A fixed-length shape must not run on into more word characters.
        if (shape.min..=shape.max).contains(&n) && !text.get(end).copied().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return Some((end, shape.vendor));
        }
    }
    None
}

/// A Slack incoming-webhook URL path, `hooks.slack.com/services/T../B../..`, at `at`;
/// returns the span of its secret path.
pub fn slack_webhook(text: &[u8], at: usize) -> Option<(usize, usize)> {
    const HOST: &[u8] = b"hooks.slack.com/services/";
    if text.get(at..at + HOST.len())? != HOST {
        return None;
    }
    let start = at + HOST.len();
    let end = super::text::run(text, start, |b| b.is_ascii_alphanumeric() || b == b'/' || b == b'_');
    (end - start >= 20).then_some((start, end))
}

/// The run of base64url bytes (`A-Z a-z 0-9 _ -`) from `at`, shared with the JWT detector.
pub fn url_run(text: &[u8], at: usize, memo: &mut Memo) -> usize {
    memo.alphabets[Url.slot()].run(text, at, |b| Url.has(b))
}

/// A Telegram bot token `123456789:AA...` (35 characters after the colon) at `at`.
pub fn telegram(text: &[u8], at: usize, memo: &mut Memo) -> Option<usize> {
    let digits = super::text::run(text, at, |b| b.is_ascii_digit());
    if !(8..=10).contains(&(digits - at)) || text.get(digits) != Some(&b':') {
        return None;
    }
    let end = url_run(text, digits + 1, memo);
    (end - digits - 1 == 35).then_some(end)
}

/// How many vendor shapes are known (docs/redaction.md quotes it).
pub fn shape_count() -> usize {
    SHAPES.len() + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(s: &str) -> Option<&'static str> {
        find(s.as_bytes(), 0).filter(|(end, _)| *end == s.len()).map(|(_, v)| v)
    }

    #[test]
    fn finds_published_shapes() {
        let cases = [
            ("AKIAIOSFODNN7EXAMPLE", "aws_access_key"),
            ("ASIAY34FZKBOKMUTVV7A", "aws_temporary_key"),
            ("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", "github_token"),
            ("github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "github_pat"),
            ("glpat-xxxxxxxxxxxxxxxxxxxx", "gitlab_token"),
            ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack_bot_token"),
            ("xapp-1-A0123456789-1234567890123-abcdef0123456789", "slack_app_token"),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe_secret_key"),
            ("rk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe_restricted_key"),
            ("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "google_api_key"),
            ("npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_token"),
            ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789", "anthropic_key"),
            ("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", "openai_key"),
            ("sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL", "openai_key"),
            ("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", "sendgrid_key"),
            ("SK0123456789abcdef0123456789abcdef", "twilio_api_key"),
            ("dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "digitalocean_token"),
            ("shpat_0123456789abcdef0123456789abcdef", "shopify_token"),
            ("hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "huggingface_token"),
            ("dapi0123456789abcdef0123456789abcdef", "databricks_token"),
            ("hvs.CAESIJlWh2Hj3d7e5f6g7h8i9j0kLmNoPqRs", "vault_token"),
            ("lin_api_abcdefghijklmnopqrstuvwxyz0123456789ABCD", "linear_api_key"),
            ("key-0123456789abcdef0123456789abcdef", "mailgun_key"),
            ("glsa_abcdefghijklmnopqrstuvwxyz012345_abcd1234", "grafana_token"),
            ("pul-0123456789abcdef0123456789abcdef01234567", "pulumi_token"),
            ("whsec_abcdefghijklmnopqrstuvwxyz012345", "stripe_webhook_secret"),
        ];
        for (token, name) in cases {
            assert_eq!(vendor(token), Some(name), "{token}");
        }
        assert!(shape_count() >= 25);
    }

    #[test]
    fn shapes_are_sorted_by_first_byte_for_the_index() {
        assert!(SHAPES.windows(2).all(|w| w[0].prefix[0] <= w[1].prefix[0]));
        for (i, a) in SHAPES.iter().enumerate() {
            for b in &SHAPES[i + 1..] {
                assert!(!b.prefix.starts_with(a.prefix) || b.prefix == a.prefix, "{:?} must come before {:?}", b.vendor, a.vendor);
            }
        }
    }

    #[test]
    fn one_memo_answers_at_every_start_as_a_fresh_read() {
        let text = b"glpat-glpat-xxxxxxxxxxxxxxxxxxxxxxxx sk-ant-sk-ant-abcdefghijklmnopqrstu AKIAAKIAIOSFODNN7EXAMPLE ya29.ya29.abcdefghijklmnopqrstuv";
        let mut memo = Memo::default();
        for at in 0..text.len() {
            assert_eq!(find_in(text, at, &mut memo), find(text, at), "at {at}");
        }
    }

    #[test]
    fn ignores_look_alikes() {
        for s in ["AKIAEXAMPLE", "AKIAIOSFODNN7EXAMPLEX", "ghp_short", "sk-short", "sk_live_", "skip-this", "SKYLINE", "key-value", "AIzaShort"] {
            assert_eq!(vendor(s), None, "{s}");
        }
    }

    #[test]
    fn webhooks_and_telegram_tokens() {
        let hook = "hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
        assert_eq!(slack_webhook(hook.as_bytes(), 0), Some((25, hook.len())));
        let tg = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq";
        assert_eq!(telegram(tg.as_bytes(), 0, &mut Memo::default()), Some(tg.len()));
        assert_eq!(telegram(b"12:30:45", 0, &mut Memo::default()), None);
    }
}
