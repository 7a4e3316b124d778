//! Vendor tokens by their published shapes: a fixed prefix, then a run of the vendor's
//! alphabet within a length range. Found at word starts, so they are caught in any text
//! (`calling upstream with key sk_live_...`) and under any key.

use super::kind::Kind;
use super::memo::Memo;

/// The alphabet after a prefix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    /// A-Z 0-9
    Upper,
    /// a-f 0-9 (either case)
    Hex,
    /// A-Z a-z 0-9
    Alnum,
    /// A-Z a-z 0-9 _ -
    Url,
    /// A-Z a-z 0-9 _ - . (Slack, Vault, GitLab's routable tokens with their `.` tail, ...)
    Dotted,
    /// A-Z a-z 0-9 + / = (standard base64: Fly.io macaroons, 1Password, Grafana Cloud)
    Base64,
    /// A-Z a-z 0-9 _ - . = (SendGrid, Atlassian with its `=` checksum tail, PlanetScale)
    Wide,
    /// A-Z a-z 0-9 + / = _ - (base64 of either flavour, and `_`-joined parts: Sentry)
    AnyBase64,
}

/// How many alphabets there are (the size of `Memo::alphabets`).
pub const ALPHABETS: usize = 8;

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
            Alphabet::Base64 => b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=',
            Alphabet::Wide => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'='),
            Alphabet::AnyBase64 => b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'),
        }
    }
}

/// A check a body must pass beyond its alphabet and length.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    None,
    /// Slack's bot and user tokens start with a workspace number: 8+ digits, then `-`.
    LeadDigits,
    /// Anthropic keys end in `AA`.
    EndsAa,
    /// Sentry org tokens: base64 JSON, `_`, then a 43-character base64 secret.
    SentryTail,
    /// At least one digit (an all-letter body is a word: `API-CONFIGURATION...`).
    Digit,
    /// Both cases of letters (an all-lowercase body is an identifier: `hf_serving...`).
    MixedCase,
    /// A UUID, 8-4-4-4-12 hex digits (HubSpot's `pat-na1-`, Plaid's `access-sandbox-`).
    Uuid,
    /// Four or more digits and eight or more letters, no `.` (a short prefix's body must be
    /// random, not words: Beamer's `b_`).
    Random,
}

/// One vendor's token shape.
struct Shape {
    vendor: &'static str,
    prefix: &'static [u8],
    alphabet: Alphabet,
    min: usize,
    max: usize,
    check: Check,
}

const fn s(vendor: &'static str, prefix: &'static [u8], alphabet: Alphabet, min: usize, max: usize) -> Shape {
    Shape { vendor, prefix, alphabet, min, max, check: Check::None }
}

const fn c(vendor: &'static str, prefix: &'static [u8], alphabet: Alphabet, min: usize, max: usize, check: Check) -> Shape {
    Shape { vendor, prefix, alphabet, min, max, check }
}

use Alphabet::*;

/// Sorted by the prefix's first byte (the index below relies on it); within one first byte,
/// longer prefixes come before the prefixes they extend (`sk-ant-` before `sk-`).
const SHAPES: &[Shape] = &[
    c("1password_secret_key", b"A3-", Url, 33, 40, Check::Digit),
    s("aws_key", b"A3T", Upper, 17, 17),
    s("aws_access_key", b"AKIA", Upper, 16, 16),
    s("aws_temporary_key", b"ASIA", Upper, 16, 16),
    s("aws_key", b"AGPA", Upper, 16, 16),
    s("aws_key", b"AIDA", Upper, 16, 16),
    s("aws_key", b"AROA", Upper, 16, 16),
    s("aws_key", b"ANPA", Upper, 16, 16),
    s("aws_key", b"ABIA", Upper, 16, 16),
    s("aws_key", b"ACCA", Upper, 16, 16),
    s("twitter_bearer_token", b"AAAAAAAAAAAAAAAAAAAAAA", Alnum, 60, 110),
    s("aws_bedrock_key", b"ABSK", Base64, 100, 300),
    s("artifactory_key", b"AKCp", Alnum, 69, 69),
    s("google_api_key", b"AIza", Url, 35, 35),
    s("age_secret_key", b"AGE-SECRET-KEY-1", Upper, 58, 58),
    c("octopus_deploy_key", b"API-", Upper, 26, 26, Check::Digit),
    s("atlassian_token", b"ATATT3", Wide, 100, 300),
    s("clojars_token", b"CLOJARS_", Alnum, 60, 60),
    s("facebook_page_token", b"EAAC", Alnum, 100, 400),
    s("facebook_page_token", b"EAAM", Alnum, 100, 400),
    s("square_token", b"EAAA", Url, 22, 60),
    s("easypost_key", b"EZAK", Alnum, 54, 54),
    s("easypost_test_key", b"EZTK", Alnum, 54, 54),
    s("flutterwave_public_key", b"FLWPUBK_TEST-", Url, 34, 34),
    s("flutterwave_secret_key", b"FLWSECK_TEST-", Url, 12, 34),
    s("gitlab_runner_registration", b"GR1348941", Url, 20, 20),
    s("heroku_key", b"HRKU-AA", Url, 58, 58),
    s("alibaba_access_key", b"LTAI", Alnum, 20, 20),
    s("newrelic_user_key", b"NRAK-", Alnum, 27, 27),
    s("newrelic_insert_key", b"NRII-", Url, 32, 32),
    s("newrelic_browser_key", b"NRJS-", Hex, 19, 19),
    s("postman_key", b"PMAK-", Url, 59, 64),
    s("sendgrid_key", b"SG.", Wide, 60, 80),
    s("twilio_api_key", b"SK", Hex, 32, 32),
    c("huggingface_org_token", b"api_org_", Alnum, 34, 34, Check::MixedCase),
    c("plaid_access_token", b"access-sandbox-", Url, 36, 36, Check::Uuid),
    c("plaid_access_token", b"access-development-", Url, 36, 36, Check::Uuid),
    c("plaid_access_token", b"access-production-", Url, 36, 36, Check::Uuid),
    // A short-lived Bedrock key: the prefix, base64 of `bedrock.amazonaws.com`, then the rest
    // of a presigned URL in base64.
    s("aws_bedrock_key", b"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", Base64, 0, 8192),
    // Beamer: `b_` and 44 of `A-Z a-z 0-9 _ - =`; so short a prefix needs a random body.
    c("beamer_token", b"b_", Wide, 44, 44, Check::Random),
    s("artifactory_reference_token", b"cmVmd", Alnum, 59, 59),
    s("digitalocean_token", b"dop_v1_", Hex, 64, 64),
    s("digitalocean_oauth", b"doo_v1_", Hex, 64, 64),
    s("digitalocean_refresh", b"dor_v1_", Hex, 64, 64),
    s("databricks_token", b"dapi", Hex, 32, 40),
    s("dynatrace_token", b"dt0c01.", Dotted, 89, 89),
    s("defined_networking_key", b"dnkey-", Wide, 79, 79),
    s("duffel_token", b"duffel_live_", Wide, 43, 43),
    s("duffel_token", b"duffel_test_", Wide, 43, 43),
    s("doppler_token", b"dp.pt.", Alnum, 40, 44),
    s("grafana_api_key", b"eyJrIjoi", Base64, 70, 400),
    s("flyio_token", b"fo1_", Url, 40, 64),
    s("flyio_token", b"fm1a_", Base64, 100, 4096),
    s("flyio_token", b"fm1r_", Base64, 100, 4096),
    s("flyio_token", b"fm2_", Base64, 100, 4096),
    s("frameio_token", b"fio-u-", Wide, 64, 64),
    s("github_token", b"ghp_", Alnum, 36, 36),
    s("github_oauth", b"gho_", Alnum, 36, 36),
    s("github_user_token", b"ghu_", Alnum, 36, 36),
    s("github_server_token", b"ghs_", Alnum, 36, 36),
    s("github_refresh_token", b"ghr_", Alnum, 36, 36),
    s("github_pat", b"github_pat_", Url, 22, 255),
    s("gitlab_token", b"glpat-", Dotted, 20, 320),
    s("gitlab_runner_token", b"glrt-", Dotted, 20, 320),
    s("gitlab_cicd_job_token", b"glcbt-", Url, 22, 40),
    s("gitlab_deploy_token", b"gldt-", Url, 20, 20),
    s("gitlab_feature_flag_token", b"glffct-", Url, 20, 20),
    s("gitlab_feed_token", b"glft-", Url, 20, 20),
    s("gitlab_incoming_mail_token", b"glimt-", Url, 25, 25),
    s("gitlab_agent_token", b"glagent-", Url, 50, 50),
    s("gitlab_oauth_secret", b"gloas-", Url, 64, 64),
    s("gitlab_trigger_token", b"glptt-", Hex, 40, 40),
    s("gitlab_scim_token", b"glsoat-", Url, 20, 20),
    s("grafana_token", b"glsa_", Url, 32, 64),
    s("grafana_cloud_token", b"glc_", Base64, 32, 400),
    c("huggingface_token", b"hf_", Alnum, 34, 40, Check::MixedCase),
    s("vault_token", b"hvs.", Url, 20, 255),
    s("vault_batch_token", b"hvb.", Url, 20, 300),
    s("infracost_token", b"ico-", Alnum, 32, 32),
    s("mailgun_key", b"key-", Hex, 32, 32),
    s("linear_api_key", b"lin_api_", Alnum, 40, 40),
    s("lob_key", b"live_pub_", Hex, 31, 31),
    s("lob_key", b"live_", Hex, 35, 35),
    s("npm_token", b"npm_", Alnum, 36, 36),
    s("notion_token", b"ntn_", Alnum, 40, 50),
    s("1password_service_token", b"ops_eyJ", Base64, 250, 8192),
    c("hubspot_token", b"pat-na1-", Url, 36, 36, Check::Uuid),
    c("hubspot_token", b"pat-eu1-", Url, 36, 36, Check::Uuid),
    s("airtable_token", b"pat", Dotted, 79, 79),
    s("prefect_token", b"pnu_", Alnum, 36, 36),
    s("perplexity_key", b"pplx-", Alnum, 48, 48),
    s("planetscale_password", b"pscale_pw_", Wide, 32, 64),
    s("planetscale_token", b"pscale_tkn_", Wide, 32, 64),
    s("planetscale_oauth", b"pscale_oauth_", Wide, 32, 64),
    s("pypi_token", b"pypi-AgEIcHlwaS5vcmc", Url, 50, 1000),
    s("pulumi_token", b"pul-", Hex, 40, 40),
    s("adobe_client_secret", b"p8e-", Alnum, 32, 32),
    s("mailgun_public_key", b"pubkey-", Hex, 32, 32),
    s("readme_token", b"rdme_", Alnum, 70, 70),
    s("stripe_restricted_key", b"rk_live_", Alnum, 10, 255),
    s("stripe_restricted_key", b"rk_test_", Alnum, 10, 255),
    s("stripe_restricted_key", b"rk_prod_", Alnum, 10, 255),
    s("rubygems_key", b"rubygems_", Hex, 48, 48),
    s("stripe_secret_key", b"sk_live_", Alnum, 10, 255),
    s("stripe_test_key", b"sk_test_", Alnum, 10, 255),
    s("stripe_secret_key", b"sk_prod_", Alnum, 10, 255),
    c("anthropic_key", b"sk-ant-api03-", Url, 95, 95, Check::EndsAa),
    c("anthropic_key", b"sk-ant-admin01-", Url, 95, 95, Check::EndsAa),
    s("openai_key", b"sk-proj-", Url, 20, 255),
    s("openai_key", b"sk-svcacct-", Url, 20, 255),
    s("openai_key", b"sk-admin-", Url, 20, 255),
    s("openai_key", b"sk-", Alnum, 32, 64),
    s("intra42_secret", b"s-s4t2ud-", Hex, 64, 64),
    s("intra42_secret", b"s-s4t2af-", Hex, 64, 64),
    s("openshift_token", b"sha256~", Url, 43, 43),
    s("shippo_token", b"shippo_live_", Hex, 40, 40),
    s("shippo_token", b"shippo_test_", Hex, 40, 40),
    s("shopify_token", b"shpat_", Hex, 32, 32),
    s("shopify_secret", b"shpss_", Hex, 32, 32),
    s("shopify_custom_token", b"shpca_", Hex, 32, 32),
    s("shopify_private_token", b"shppa_", Hex, 32, 32),
    s("sourcegraph_token", b"sgp_local_", Hex, 40, 40),
    s("sourcegraph_token", b"sgp_", Hex, 40, 40),
    s("sourcegraph_token", b"sgp_", Url, 57, 57),
    s("settlemint_token", b"sm_pat_", Alnum, 16, 16),
    s("settlemint_token", b"sm_aat_", Alnum, 16, 16),
    s("settlemint_token", b"sm_sat_", Alnum, 16, 16),
    s("sonar_token", b"squ_", Alnum, 40, 40),
    s("sonar_token", b"sqp_", Alnum, 40, 40),
    s("sonar_token", b"sqa_", Alnum, 40, 40),
    s("square_token", b"sq0atp-", Url, 22, 22),
    s("square_secret", b"sq0csp-", Url, 43, 43),
    s("sentry_user_token", b"sntryu_", Hex, 64, 64),
    c("sentry_org_token", b"sntrys_eyJpYXQiO", AnyBase64, 70, 500, Check::SentryTail),
    s("scalingo_token", b"tk-us-", Url, 48, 48),
    s("typeform_token", b"tfp_", Wide, 59, 59),
    s("lob_key", b"test_pub_", Hex, 31, 31),
    s("lob_key", b"test_", Hex, 35, 35),
    s("cloudflare_origin_ca_key", b"v1.0-", Url, 171, 171),
    s("stripe_webhook_secret", b"whsec_", Alnum, 16, 255),
    s("brevo_key", b"xkeysib-", Url, 81, 81),
    c("slack_bot_token", b"xoxb-", Url, 10, 255, Check::LeadDigits),
    c("slack_user_token", b"xoxp-", Url, 10, 255, Check::LeadDigits),
    s("slack_token", b"xoxa-", Url, 10, 255),
    s("slack_token", b"xoxr-", Url, 10, 255),
    s("slack_token", b"xoxs-", Url, 10, 255),
    s("slack_token", b"xoxo-", Url, 10, 255),
    s("slack_config_token", b"xoxe.xox", Url, 150, 190),
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
    // A prefix inside a dotted or dashed name is part of that name (`video_box.ico-7a38...png`,
    // `2018-250-xoxo-indieweb-1.jpg`), not a token's start.
    // A GitHub token whose checksum holds is taken there too (`deploy-ghp_...`): a random
    // name part passes the check once in 2^32.
    if at > 0 && matches!(text[at - 1], b'.' | b'-') && !github_checked(text, at) {
        return None;
    }
    let (from, to) = INDEX[*text.get(at)? as usize];
    for shape in SHAPES.get(from as usize..to as usize)? {
        if text.get(at..at + shape.prefix.len()) != Some(shape.prefix) {
            continue;
        }
        let body = at + shape.prefix.len();
        // Every start inside one run of the alphabet shares its end (`glpat-glpat-...`).
        let mut end = memo.alphabets[shape.alphabet.slot()].run(text, body, |b| shape.alphabet.has(b));
        // A sentence's full stop (or an ellipsis) is not part of a dotted token; at most three
        // are given back, so a long run of dots is not read back from every start.
        if matches!(shape.alphabet, Dotted | Wide) {
            let mut k = 0;
            while end > body && text[end - 1] == b'.' && k < 3 {
                end -= 1;
                k += 1;
            }
        }
        let n = end - body;
        // A body cut short by a byte outside the alphabet, after a distinctive prefix, is
        // read to the end of its token run (`sq0csp-JQLN...]bgOK...^ns16...`): the shape says
        // a secret starts here, so its tail is masked too (fail closed) rather than kept.
        if n < shape.min {
            if let Some(e) = loose_end(text, shape, body, end) {
                if !vendor_placeholder(shape.prefix, &text[body..e]) {
                    return Some((e, shape.vendor));
                }
            }
            continue;
        }
        // A fixed-length shape must not run on into more word characters.
        if n > shape.max || text.get(end).copied().is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let Some(body) = text.get(body..end) else { continue };
        if passes(shape.check, body) && !vendor_placeholder(shape.prefix, body) {
            return Some((end, shape.vendor));
        }
    }
    None
}

/// Bytes that end a token run whatever the vendor: blanks, quotes, and the separators of
/// lists, pairs, queries and markup.
fn ends_run(b: u8) -> bool {
    b <= b' ' || b >= 0x7f || matches!(b, b'"' | b'\'' | b'`' | b',' | b';' | b'&' | b'<' | b'>' | b'(' | b')' | b'{' | b'}' | b'|' | b'%')
}

/// For a shape of a distinctive prefix (6+ bytes) and a bounded body (64 at most) whose
/// alphabet run stopped at `end`, short of its length, on a byte that does not end a token
/// run: the end of that token run when its length (closing `]` `.` `:` given back) is the
/// shape's and at most one byte in eight is outside the alphabet. Reads at most `max` + 1
/// bytes past `body`: a bounded window.
#[inline(never)]
fn loose_end(text: &[u8], shape: &Shape, body: usize, end: usize) -> Option<usize> {
    if shape.prefix.len() < 6 || shape.max > 64 || shape.check != Check::None || text.get(end).is_none_or(|&b| ends_run(b)) {
        return None;
    }
    let limit = text.len().min(body + shape.max + 1);
    let mut e = super::text::run(&text[..limit], end, |b| !ends_run(b));
    if e == limit && text.get(e).is_some_and(|&b| !ends_run(b)) {
        return None;
    }
    while e > end && matches!(text[e - 1], b']' | b'.' | b':') {
        e -= 1;
    }
    let run = text.get(body..e)?;
    let odd = run.iter().filter(|&&b| !shape.alphabet.has(b)).count();
    ((shape.min..=shape.max).contains(&run.len()) && odd * 8 <= run.len()).then_some(e)
}

/// CRC-32 (IEEE 802.3, reflected), the checksum GitHub's tokens carry.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8))
}

/// Whether a GitHub token body (`ghp_` and friends: 30 random base62 characters, then the
/// CRC-32 of those 30 in 6 base62 digits, `0-9A-Za-z`) carries a valid checksum. Used only to
/// take a token in more places; a token whose checksum fails is still masked where its shape
/// alone is enough (a mistyped token is still a secret).
pub fn github_checksum(body: &[u8]) -> bool {
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'A'..=b'Z' => b - b'A' + 10,
        _ => b - b'a' + 36,
    } as u64;
    let sum = body[30..].iter().fold(0u64, |n, &b| n * 62 + digit(b));
    sum == crc32(&body[..30]) as u64
}

/// A GitHub token (`ghp_ gho_ ghu_ ghs_ ghr_`) at `at`, whole and with a valid checksum.
fn github_checked(text: &[u8], at: usize) -> bool {
    let shaped = text.get(at..at + 4).is_some_and(|p| p[..2] == *b"gh" && matches!(p[2], b'p' | b'o' | b'u' | b's' | b'r') && p[3] == b'_');
    shaped && !text.get(at + 40).is_some_and(u8::is_ascii_alphanumeric) && text.get(at + 4..at + 40).is_some_and(github_checksum)
}

fn passes(check: Check, body: &[u8]) -> bool {
    match check {
        Check::None => true,
        Check::LeadDigits => body.iter().take_while(|b| b.is_ascii_digit()).count() >= 8,
        Check::EndsAa => body.ends_with(b"AA"),
        Check::Digit => body.iter().any(u8::is_ascii_digit),
        Check::Random => {
            let digits = body.iter().filter(|b| b.is_ascii_digit()).count();
            digits >= 4 && body.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 8 && !body.contains(&b'.')
        }
        Check::MixedCase => body.iter().any(u8::is_ascii_lowercase) && body.iter().any(u8::is_ascii_uppercase),
        Check::Uuid => {
            body.len() == 36 && body.iter().enumerate().all(|(i, &b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
        }
        Check::SentryTail => {
            // `..._` + 43 base64 characters, and the JSON names its `region_url`.
            let tail = body.len().checked_sub(44).and_then(|k| body.get(k..));
            let marker = [&b"LCJyZWdpb25fdXJs"[..], b"InJlZ2lvbl91cmwi", b"cmVnaW9uX3VybCI6"];
            tail.is_some_and(|t| t[0] == b'_' && t[1..].iter().all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
                && marker.iter().any(|m| body.windows(m.len()).any(|w| w == *m))
        }
    }
}

/// A body that is a placeholder, not a secret: five of one character in a row (`xxxxx`,
/// `XXXXX`, `00000`), or six in alphabetical or numeric order (`abcdef`, `123456`), or fewer
/// than seven distinct characters in 16 or more (`xxxx-xxxx_AAAA...`). A random body of a
/// vendor alphabet has any of these by chance far less than once in a thousand.
pub fn placeholder(body: &[u8]) -> bool {
    let f = Filler::of(body);
    f.repeat || f.counted > 0 || f.few_distinct
}

/// [`placeholder`] for the body of a vendor shape after `prefix`. After a distinctive prefix
/// (4+ bytes: `squ_`, `xoxa-`, `sq0atp-`, `AGE-SECRET-KEY-1`) the prefix already says a
/// secret stands here, and masking a hand-made value costs nothing while keeping a real one
/// leaks it: only the obvious placeholders stay, see [`masked_body`]. After a short prefix
/// (`SK`, `sk-`, `hf_`, `pat`) the body alone must look unlike filler: [`Filler`]'s rules,
/// where a long body (64+) with a counting run in it is still a key when the runs cover less
/// than a third of it.
fn vendor_placeholder(prefix: &[u8], body: &[u8]) -> bool {
    if prefix.len() >= 4 {
        return masked_body(body);
    }
    let f = Filler::of(body);
    let counted = if body.len() >= 64 { f.counted * 3 >= body.len() } else { f.counted > 0 };
    f.repeat || counted || f.few_distinct
}

/// Words a placeholder is written with (`sk_live_YOUR_KEY`, `xoxb-your-token-here`,
/// `..._REDACTED`, `...CHANGEME`), in any case.
const PLACEHOLDER_WORDS: &[&[u8]] = &[b"your", b"redacted", b"placeholder", b"changeme", b"replace"];

/// Whether a body after a distinctive prefix is an obvious placeholder:
/// - five or more of one letter or mask mark in a row (`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx...`,
///   `sntryu_aaaa...`, `sk_live_0000...`; the marks are `0 * # . - _`);
/// - a walk through the alphabet of twelve or more (`abcdefghijkl...`): longer than any run
///   of digits in order can be, so it is typed, not drawn (in a body of 64 or more, walks of
///   six or more must cover a third of it);
/// - 16 or more characters of fewer than seven distinct ones (`123123123...`, `xyxy...`);
/// - a placeholder word ([`PLACEHOLDER_WORDS`]).
///
/// What is no placeholder there: repeated digits (`xoxa-2-511111111`: workspace and user
/// numbers are digits), digit sequences and short counting runs (`squ_12345678ABCDEFH...`,
/// `sq0atp-...45678901`). Test keys and real keys look like that, and the prefix already says
/// a secret stands here.
#[inline(never)]
fn masked_body(body: &[u8]) -> bool {
    let mark = |b: u8| b.is_ascii_alphabetic() || matches!(b, b'0' | b'*' | b'#' | b'.' | b'-' | b'_');
    let (mut same, mut up, mut prev) = (0usize, 0usize, 0u8);
    let (mut seen, mut distinct) = ([false; 128], 0usize);
    for (i, &b) in body.iter().enumerate() {
        let l = b.to_ascii_lowercase();
        same = if b == prev { same + 1 } else { 1 };
        up = if prev.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() && l == prev.to_ascii_lowercase().wrapping_add(1) { up + 1 } else { 1 };
        if (same >= 5 && mark(b)) || (up >= 12 && body.len() < 64) {
            return true;
        }
        if b.is_ascii_alphanumeric() && !seen[l as usize & 127] {
            seen[l as usize & 127] = true;
            distinct += 1;
        }
        // The placeholder words start with one of these letters.
        if matches!(l, b'y' | b'r' | b'p' | b'c') && starts_word(&body[i..]) {
            return true;
        }
        prev = b;
    }
    // A long body (64+) that someone typed in part (`sk-ant-api03-abc123xyz-...-klmnopqrstuvwx-
    // ...AA`, 93 characters and its tail) is still a key unless its walks cover a third of it.
    (body.len() >= 16 && distinct < 7) || (body.len() >= 64 && Filler::of(body).counted * 3 >= body.len())
}

/// Whether `rest` starts with one of the [`PLACEHOLDER_WORDS`], in any case.
fn starts_word(rest: &[u8]) -> bool {
    PLACEHOLDER_WORDS.iter().any(|p| rest.get(..p.len()).is_some_and(|w| w.eq_ignore_ascii_case(p)))
}

/// What of a body is filler: a run of five of one character, how many characters lie in
/// counting runs of six or more (`abcdef`, `123456`), and whether it has fewer than seven
/// distinct characters in 16 or more.
struct Filler {
    repeat: bool,
    counted: usize,
    few_distinct: bool,
}

impl Filler {
    fn of(body: &[u8]) -> Filler {
        let (mut same, mut up, mut seen) = (1, 1, [false; 128]);
        let (mut distinct, mut counted, mut repeat) = (0, 0, false);
        let mut prev = 0u8;
        for &b in body {
            if !b.is_ascii_alphanumeric() {
                prev = 0;
                (same, up) = (1, 1);
                continue;
            }
            let l = b.to_ascii_lowercase();
            same = if l == prev { same + 1 } else { 1 };
            up = if prev != 0 && l == prev.wrapping_add(1) { up + 1 } else { 1 };
            repeat |= same >= 5;
            counted += match up {
                6 => 6,
                u if u > 6 => 1,
                _ => 0,
            };
            if !seen[l as usize & 127] {
                seen[l as usize & 127] = true;
                distinct += 1;
            }
            prev = l;
        }
        Filler { repeat, counted, few_distinct: body.len() >= 16 && distinct < 7 }
    }
}

/// An Azure AD client secret, `xxx8Q~` then 31-34 characters: the alphanumeric word from
/// `at` to `word_end` is followed by `~` and ends in a digit and `Q`; up to two of `_ ~ .`
/// may stand before it. Returns the span.
pub fn azure_secret(text: &[u8], at: usize, word_end: usize) -> Option<(usize, usize)> {
    if text.get(word_end) != Some(&b'~') || word_end < at + 2 || text[word_end - 1] != b'Q' || !text[word_end - 2].is_ascii_digit() {
        return None;
    }
    let start = (word_end - 2).checked_sub(3)?;
    let lead = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'~' | b'.');
    if start + 2 < at || !text[start..word_end - 2].iter().all(|&b| lead(b)) || start > 0 && lead(text[start - 1]) {
        return None;
    }
    let body = word_end + 1;
    // Read no further than the longest body and one more byte: a bounded window.
    let limit = text.len().min(body + 36);
    let end = super::text::run(&text[..limit], body, |b| lead(b) || b == b'-');
    if end == limit && text.get(end).copied().is_some_and(|b| lead(b) || b == b'-') {
        return None;
    }
    let mut trimmed = end;
    while trimmed > body && text[trimmed - 1] == b'.' && end - trimmed < 3 {
        trimmed -= 1;
    }
    ((31..=34).contains(&(trimmed - body)) && !placeholder(&text[body..trimmed])).then_some((start, trimmed))
}

/// After the other word detectors found nothing at the word `at..word_end`: an Azure AD
/// client secret, or a bare random secret (see [`super::entropy::bare`]). Each run of
/// [`super::entropy::bare_byte`]s is judged once, from its first word start (`memo` keeps its
/// end), so no byte is read again from every word inside it.
pub fn bare(text: &[u8], at: usize, word_end: usize, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    if text.get(word_end) == Some(&b'~') {
        if let Some((s, e)) = azure_secret(text, at, word_end) {
            return Some((s, e, Kind::VendorToken));
        }
    }
    // Mailchimp: 32 hex digits, `-us`, two digits (a digest alone is kept; this suffix is not).
    if word_end - at == 32 && text.get(word_end..word_end + 3) == Some(b"-us") {
        let tail = text.get(word_end + 3..word_end + 5).filter(|t| t.iter().all(u8::is_ascii_digit));
        if tail.is_some() && text[at..word_end].iter().all(u8::is_ascii_hexdigit) && super::text::word_end(text, word_end + 5) {
            return Some((at, word_end + 5, Kind::VendorToken));
        }
    }
    // logseal's own inline envelopes (`[ENC:kid:g:iv:ct]`): their base64 is ciphertext, not
    // a secret to mask again. `memo.close` keeps the last search for `]`, so repeated `[ENC:`
    // do not search the rest of the text each.
    if at > 0 && text[at - 1] == b'[' && text.get(at..at + 4) == Some(b"ENC:") {
        let (from, found) = memo.close;
        let close = if from <= at && (found == usize::MAX || at <= found) {
            found
        } else {
            let found = memchr::memchr(b']', &text[at..]).map_or(usize::MAX, |p| at + p);
            memo.close = (at, found);
            found
        };
        if close != usize::MAX && crate::stage::encrypt::parse_inline(&text[at - 1..=close]).is_some() {
            memo.bare_end = memo.bare_end.max(close);
            return None;
        }
    }
    if at < memo.bare_end {
        return None;
    }
    let end = super::text::run(text, word_end, super::entropy::bare_byte);
    memo.bare_end = end;
    if end - at < 16 {
        return None;
    }
    let found = super::entropy::bare(text, at, end).map(|(s, e)| (s, e, Kind::Secret)).or_else(|| super::encoded::find(text, at, end));
    // What a bare finding leaves before it (`OPTION_7=`, `token=`) may hold the head of a
    // vendor token whose grammar has `=` or `/` in it (`duffel_test_rhe=s7e9h=...`,
    // `sntrys_eyJ...In0=_NDty...`): the token goes whole, from its prefix. Each run is judged
    // once, so its head is read once.
    if let Some((s, e, _)) = found {
        if let Some((p, t)) = embedded(text, at, s, memo) {
            return Some((p, t.max(e), Kind::VendorToken));
        }
    }
    found
}

/// The first vendor token starting after a `=` or `/` in `at..until` (inside one bare run,
/// before the bare finding at `until`): (its start, its end). One starting at `until` itself
/// is masked by the finding already.
#[inline(never)]
fn embedded(text: &[u8], at: usize, until: usize, memo: &mut Memo) -> Option<(usize, usize)> {
    (at + 1..until).filter(|&p| matches!(text[p - 1], b'=' | b'/')).find_map(|p| find_in(text, p, memo).map(|(t, _)| (p, t)))
}

/// A Slack webhook URL path, `hooks.slack.com/services/T../B../..` (or `workflows/`,
/// `triggers/`), at `at`; returns the span of its secret path.
pub fn slack_webhook(text: &[u8], at: usize) -> Option<(usize, usize)> {
    const HOST: &[u8] = b"hooks.slack.com/";
    if text.get(at..at + HOST.len())? != HOST {
        return None;
    }
    let path = at + HOST.len();
    let kind = [&b"services/"[..], b"workflows/", b"triggers/"].into_iter().find(|k| text.get(path..path + k.len()) == Some(*k))?;
    let start = path + kind.len();
    let end = super::text::run(text, start, |b| b.is_ascii_alphanumeric() || b == b'/' || b == b'_');
    (end - start >= 20).then_some((start, end))
}

/// A Microsoft Teams (Office 365 connector) webhook path at `at`, after an `office.com/` or
/// `office365.com/` host: `webhookb2/<uuid>@<tenant uuid>/IncomingWebhook/<hex>/<uuid>` (or the
/// older `webhook/...`). Returns the span of the whole path after `webhookb2/`: every part of
/// it is needed to post, so none of it is kept.
pub fn office_webhook(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let path = [&b"webhookb2/"[..], b"webhook/"].into_iter().find(|p| text.get(at..at + p.len()) == Some(*p))?;
    let host = text.get(..at)?;
    if ![&b".office.com/"[..], b".office365.com/"].iter().any(|h| host.ends_with(h)) {
        return None;
    }
    let start = at + path.len();
    let mut end = super::text::run(text, start, |b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'@' | b'/'));
    while end > start && text[end - 1] == b'/' {
        end -= 1;
    }
    (end - start >= 36).then_some((start, end))
}

/// The run of base64url bytes (`A-Z a-z 0-9 _ -`) from `at`, shared with the JWT detector.
pub fn url_run(text: &[u8], at: usize, memo: &mut Memo) -> usize {
    memo.alphabets[Url.slot()].run(text, at, |b| Url.has(b))
}

/// A Telegram bot token `123456789:AA...` (8-16 digits, 35 characters after the colon) at `at`.
pub fn telegram(text: &[u8], at: usize, memo: &mut Memo) -> Option<usize> {
    let digits = super::text::run(text, at, |b| b.is_ascii_digit());
    if !(8..=16).contains(&(digits - at)) || text.get(digits) != Some(&b':') {
        return None;
    }
    let end = url_run(text, digits + 1, memo);
    (end - digits - 1 == 35).then_some(end)
}

/// A Facebook app access token, `<app id>|<app secret>`: 15-16 digits ending at `word_end`,
/// `|`, then 27 base64url characters mixing digits and both cases. Returns its end.
pub fn facebook_app(text: &[u8], at: usize, word_end: usize) -> Option<usize> {
    if !(15..=16).contains(&(word_end - at)) || text.get(word_end) != Some(&b'|') {
        return None;
    }
    let body = word_end + 1;
    let limit = text.len().min(body + 28);
    let end = super::text::run(&text[..limit], body, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let secret = text.get(body..end)?;
    let shaped = end - body == 27 && !text.get(end).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
    (shaped && super::assign::mixed_random(secret) && !placeholder(secret)).then_some(end)
}

/// How many vendor shapes are known (docs/redaction.md quotes it): the table, Slack and Teams
/// webhooks, Telegram bots, Azure AD secrets, Mailchimp keys and Facebook app tokens.
pub fn shape_count() -> usize {
    SHAPES.len() + 6
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
            ("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", "github_pat"),
            ("glpat-dXTPyLsxPFkThf4VucSm", "gitlab_token"),
            ("xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD", "slack_bot_token"),
            ("xapp-1-A04J3BAF7AA-4307808261882-23d5a4fd12aabfe2", "slack_app_token"),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe_secret_key"),
            ("rk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe_restricted_key"),
            ("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "google_api_key"),
            ("npm_1F8ResqEDusTpkr0cStY4qWB8dWKnHfDNxSI", "npm_token"),
            ("sk-ant-api03-fyy-KV5zjR3j1twdTKWTddB_XhkAS1voQG6yyzyN9zHYIa4UOrGNATMuDJawTgsu8PO_799nKSNrh9UCauSDmLhuVtcqcAA", "anthropic_key"),
            ("sk-proj-nzyw2MzP0ZvzOMhfWuBByReQMsm9Wcz7uW9XFOGO", "openai_key"),
            ("sk-eMVNen5n1Ae6pWzpF1qH6YytwMe4LbyoVFz8uZdZv8FuKKIB", "openai_key"),
            ("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", "sendgrid_key"),
            ("SK4e4fb440034d6608697a8d41bed440e5", "twilio_api_key"),
            ("dop_v1_0454f31af3176813e02ea68ef786e4d3cea27d26934b484e73cf575dcad6ba2b", "digitalocean_token"),
            ("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", "shopify_token"),
            ("hf_8BoFzQFm2OEQ3HdAVja76RnIChtP8HKQDL", "huggingface_token"),
            ("dapi69969e58b081006f7e3dfc967a64cb14", "databricks_token"),
            ("hvs.CAESIJlWh2Hj3d7e5fQ6gT7hW8iX9jZ0kYmRbp", "vault_token"),
            ("lin_api_AEov4QbKDFq1Y3gqSmPsSCdLKRcAQX9VjUPC94TN", "linear_api_key"),
            ("key-b50ac2f86702824c1c099724caf4941d", "mailgun_key"),
            ("glsa_uszgI6hwgk10zB0rlz5tr9spOFBCIoX9_3ce107f8", "grafana_token"),
            ("pul-0e222f828767efc2f91624a8940f1f836f99eee3", "pulumi_token"),
            ("whsec_5jMTF7eBSdE0g9cRYN687NElFJvhQ8XI", "stripe_webhook_secret"),
        ];
        for (token, name) in cases {
            assert_eq!(vendor(token), Some(name), "{token}");
        }
        assert!(shape_count() >= 25);
    }

    #[test]
    fn finds_the_wider_families_whole() {
        let cases = [
            ("glpat-Xp3kQ9vLw2RtYzB7mN4cHs1aDf6.01ab3cd9e", "gitlab_token"),
            ("glrt-t1_Xp3kQ9vLw2RtYzB7mN4cHs1aDf6.01ab3cd9e", "gitlab_runner_token"),
            ("gldt-Xp3kQ9vLw2RtYzB7mN4c", "gitlab_deploy_token"),
            ("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", "notion_token"),
            ("dt0c01.Y9S4QONP8G5LOE8DB2KMMCDF.70UVNQ9RO63L51EUEPN3LKXRN464076CNOCMRNXZWPTRB105ZEE81G0P27P6R0ES", "dynatrace_token"),
            ("HRKU-AAB3GY9Ir5uwHfg_r3zzSp35xC_QOP5eLwUAsYsxo5pFA7KH_r-AOB66AFoq", "heroku_key"),
            ("sha256~ZEtCYem_P7kBoYNwXOgcxcMFosrfwPX_Bx245C5984b", "openshift_token"),
            ("NRAK-PAOW32OLLDJO3X4GO7NX2VWI7JI", "newrelic_user_key"),
            ("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", "sendgrid_key"),
            ("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", "perplexity_key"),
        ];
        for (token, name) in cases {
            assert_eq!(vendor(token), Some(name), "{token}");
        }
        // An Atlassian token with its `=` and checksum tail, and the full stop after it.
        let atl = format!("ATATT3{}=8F4B2A1C", "xFfGF0YZuf-EBmAHs1FyiNmk0cYQKtD9zx2LIv8d_zB-yk5Zp8nkug2Rp_ZnYJwq9ys-lS0PRAXLS4vL-crh5tbBbGQIS");
        let text = format!("{atl}.");
        assert_eq!(find(text.as_bytes(), 0), Some((atl.len(), "atlassian_token")));
        let az = "bP88Q~rcBcYjzzOhg1Hnn76Wm3jGgakZiZ.8vMgR";
        assert_eq!(azure_secret(az.as_bytes(), 0, 5), Some((0, az.len())));
        assert_eq!(azure_secret(b".IQ8Q~79R7TOWOspFnWcEG-dYt4KXqFqxK16cxr", 1, 5), Some((0, 39)));
    }

    #[test]
    fn refuses_placeholders_and_names() {
        for s in [
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAXXXXXXXXXXXXXXXX",
            "glpat-XXXXXXXXXXX-XXXXXXXX",
            "glsa_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX_AAAAAAAA",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "xoxb-Slack_BOT_TOKEN",
            "xoxb-xoxb-my-bot-token",
            "sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA",
            "hf_servingcellpriorityparametersdescription",
            "API-CONFIGURATIONMANAGEMENTSERVI",
        ] {
            assert_eq!(vendor(s), None, "{s}");
        }
        assert!(placeholder(b"abcdef-abcdef-abcdef"));
        assert!(!placeholder(b"wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"));
        // Inside a dotted or dashed name.
        assert_eq!(find(b"video_box.ico-7a388b69018576d24b59331fd60aab0c.png", 10), None);
        // There a GitHub token is taken only when its checksum holds.
        let valid = b"deploy-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";
        assert_eq!(find(valid, 7), Some((valid.len(), "github_token")));
        let typo = b"deploy-ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7A3gm1IL";
        assert_eq!(find(typo, 7), None);
        // Standing alone, a checksum that fails is still a token.
        assert_eq!(find(&typo[7..], 0).map(|t| t.1), Some("github_token"));
        assert_eq!(azure_secret(b"ab8Q~short", 0, 4), None);
    }

    #[test]
    fn after_a_distinctive_prefix_only_obvious_placeholders_stay() {
        for body in [&b"XXXXXXXXXXXXXXXX"[..], b"ab0000012kd9", b"a1b2c3abcdefghijklmn", b"123123123123123123", b"xx_your_token_here", b"k9REDACTEDk9"] {
            assert!(masked_body(body), "{}", String::from_utf8_lossy(body));
        }
        for body in [&b"12345678ABCDEFH1234567890ABCDEFH12345678"[..], b"2-511111111", b"QqQ9f3kd82mzQ1", b"812erere3wewew45678901"] {
            assert!(!masked_body(body), "{}", String::from_utf8_lossy(body));
        }
        // A short prefix keeps the stricter rules: counting runs are filler there.
        assert!(vendor_placeholder(b"sk-", b"12345678ABCDEFH1234567890ABCDEFH12345678"));
        assert!(!vendor_placeholder(b"squ_", b"12345678ABCDEFH1234567890ABCDEFH12345678"));
    }

    #[test]
    fn stray_bytes_after_a_distinctive_prefix_are_read_to_the_run_end() {
        let t = b"sq0csp-JQLNWJaQp2z]bgOKMv4tVL5]r3^ns16lcBPhvx2ZmyC done";
        assert_eq!(find(t, 0), Some((50, "square_secret")));
        // Too many odd bytes, a run too long, or a short prefix: no token.
        assert_eq!(find(b"sq0csp-JQLN]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0), None);
        assert_eq!(find(b"sq0csp-JQLNWJaQp2z]bgOKMv4tVL5]r3^ns16lcBPhvx2ZmyCx]", 0), None);
        assert_eq!(find(b"sk-abc]defghijklmnopqrstuvwxyz0123456789", 0), None);
    }

    #[test]
    fn teams_webhook_paths_after_an_office_host() {
        let t = b"https://x.webhook.office.com/webhookb2/0a1b2c3d-0000-4000-8000-0a1b2c3d4e5f@1a1b2c3d-0000-4000-8000-0a1b2c3d4e5f/IncomingWebhook/abc/def/ ok";
        let at = 29;
        assert_eq!(office_webhook(t, at), Some((at + 10, t.len() - 4)));
        assert_eq!(office_webhook(b"https://example.com/webhookb2/0a1b2c3d-0000-4000-8000-0a1b2c3d4e5f@x", 20), None);
        assert_eq!(office_webhook(b"https://outlook.office.com/webhook/short", 27), None);
    }

    #[test]
    fn a_token_inside_a_bare_run_is_found_from_its_prefix() {
        let t = b"OPTION_7=duffel_test_rhe=s7e9h=3=03s=8wd0ujx4gdq5sruzmsxrxt7cs-z RETRIES=3";
        let mut memo = Memo::default();
        assert_eq!(bare(t, 0, 6, &mut memo), Some((9, 64, Kind::VendorToken)));
    }

    #[test]
    fn github_checksums() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "the CRC-32 check value");
        assert!(github_checksum(b"Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IL"));
        assert!(!github_checksum(b"Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7A3gm1IL"));
        assert!(!github_checksum(b"Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1I"));
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
        let text = b"glpat-glpat-dXTPyLsxPFkThf4VucSmxxxx sk-ant-sk-ant-abcdefghijklmnopqrstu AKIAAKIAIOSFODNN7EXAMPLE ya29.ya29.abcdefghijklmnopqrstuv";
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
        let fb = "1308742762612587|rhoK1cbv0DOU_RTX_87O4MkX7AI";
        assert_eq!(facebook_app(fb.as_bytes(), 0, 16), Some(fb.len()));
        assert_eq!(facebook_app(b"1308742762612587|abcdefghijklmnopqrstuvwxyz0", 0, 16), None, "a placeholder");
        assert_eq!(facebook_app(b"1308742762612587|1308742762612588", 0, 16), None, "two ids");
    }
}
