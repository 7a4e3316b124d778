//! Unlabelled numbers, opt-in (`redact.national_ids_in_text`): a run of 8 to 13 digits,
//! bare or in groups with one kind of separator (`44051401458`, `4405 1401 458`,
//! `1112.22.333`), that passes the published check of a national ID (or of a
//! US ABA routing number) chosen by the policy, wherever it stands, with no label needed.
//!
//! Off by default, on purpose: a bare 9-13 digit run is as likely an order id, a counter or a
//! timestamp, and with some thirty check rules most such numbers pass one (a nine-digit run
//! passes the Dutch, Australian, Greek, Portuguese or ABA check about one time in three).
//! Deployments whose logs carry no long numeric ids turn it on, for all IDs (`true`) or for a
//! list of them (`["pl_pesel", "tr_tckn"]`, names in [`NAMES`]).
//!
//! Even when on, what reads as a timestamp stays: ten digits in the Unix seconds of September
//! 2001 to 2033, thirteen in its milliseconds, eight that are a date `YYYYMMDD` or `DDMMYYYY` of 1900-2099,
//! twelve that are `YYYYMMDDhhmm` of 1970-2099. So do placeholders (one repeated digit,
//! `123456789`), dotted quads (`10.120.33.201`), and numbers that are part of a longer one
//! (`1.44051401458`, `44051401458-7`, `x44051401458`). A run of space-separated groups that is no ID as a whole is
//! tried group by group (`count 3 44051401458`).
//!
//! Linear: each run is read once, and once more group by group; scanning resumes past it.
//! Off, it costs one test per string.

use super::super::kind::Kind;
use super::super::text::{Span, NO_RULE};
use super::{aadhaar, at, au, be, bg, br, cz, de, ee, es, gr, hu, kr, lu, lv, nl, pl, pt, ro, se, si, th, tr, za};

/// A set of the IDs of [`NAMES`] the detector looks for (bit `i` for `NAMES[i]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdSet(u64);

impl IdSet {
    /// No ID: the detector is off.
    pub const NONE: IdSet = IdSet(0);
    /// Every ID of [`NAMES`].
    pub const ALL: IdSet = IdSet((1u64 << IDS.len()) - 1);

    /// This set and the ID `NAMES[index]` (an index past the table adds nothing).
    pub fn with(self, index: usize) -> IdSet {
        if index < IDS.len() {
            IdSet(self.0 | 1 << index)
        } else {
            self
        }
    }

    /// Whether the set holds no ID.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set holds `NAMES[index]`.
    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }
}

/// One ID the detector knows: its policy name, the kind it is redacted as, and its check over
/// the run's digits (which also says which digit counts it has).
struct Id {
    name: &'static str,
    kind: Kind,
    check: fn(&[u32]) -> bool,
}

/// The digits `d` as an array of `N`, when there are `N`.
fn arr<const N: usize>(d: &[u32]) -> Option<&[u32; N]> {
    d.try_into().ok()
}

const fn id(name: &'static str, check: fn(&[u32]) -> bool) -> Id {
    Id { name, kind: Kind::NationalId, check }
}

/// Each ID's check, from its own module. Adding one: a row here, and its name in the schema
/// and in `docs/detectors/national-ids.md`.
const IDS: [Id; 28] = [
    id("at_svnr", |d| arr(d).is_some_and(at::valid)),
    id("au_tfn", |d| arr(d).is_some_and(au::valid9) || arr(d).is_some_and(au::valid8)),
    id("be_nrn", |d| arr(d).is_some_and(be::valid)),
    id("bg_egn", |d| arr(d).is_some_and(bg::valid)),
    id("br_cpf", |d| arr(d).is_some_and(br::valid)),
    id("cz_rodne_cislo", |d| arr(d).is_some_and(cz::valid)),
    id("de_steuer_id", |d| arr::<11>(d).is_some_and(|d| d[0] != 0 && de::tax_id_valid(d))),
    id("ee_isikukood", |d| arr(d).is_some_and(ee::valid)),
    id("es_nuss", |d| arr(d).is_some_and(es::nuss_valid)),
    id("gr_afm", |d| arr(d).is_some_and(gr::afm_valid)),
    id("gr_amka", |d| arr(d).is_some_and(gr::amka_valid)),
    id("hu_tin", |d| arr(d).is_some_and(hu::valid)),
    id("in_aadhaar", |d| arr::<12>(d).is_some_and(|d| d[0] >= 2 && aadhaar::verhoeff(d))),
    id("kr_rrn", |d| arr(d).is_some_and(kr::valid)),
    id("lt_asmens_kodas", |d| arr(d).is_some_and(ee::valid)),
    id("lu_matricule", |d| arr(d).is_some_and(lu::valid)),
    id("lv_personas_kods", |d| arr(d).is_some_and(lv::valid)),
    id("nl_bsn", |d| arr(d).is_some_and(nl::valid)),
    id("pl_pesel", |d| arr(d).is_some_and(pl::valid)),
    id("pt_nif", |d| arr(d).is_some_and(pt::valid)),
    id("ro_cnp", |d| arr(d).is_some_and(ro::valid)),
    id("se_personnummer", swedish),
    id("si_emso", |d| arr(d).is_some_and(si::emso_valid)),
    id("si_tax_number", |d| arr(d).is_some_and(si::tax_number_valid)),
    id("th_tnin", |d| arr(d).is_some_and(th::valid)),
    id("tr_tckn", |d| arr(d).is_some_and(tr::valid)),
    id("za_id", |d| arr(d).is_some_and(za::valid)),
    Id { name: "us_aba_routing", kind: Kind::BankAccount, check: aba },
];

/// The policy names of the IDs, in the order of [`IdSet`]'s bits.
pub const NAMES: [&str; IDS.len()] = {
    let mut names = [""; IDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = IDS[i].name;
        i += 1;
    }
    names
};

/// A Swedish personnummer or samordningsnummer: ten digits `YYMMDDNNNC`, or twelve with the
/// century 18-20.
fn swedish(d: &[u32]) -> bool {
    match d.len() {
        10 => arr(d).is_some_and(|d| se::valid(d, None)),
        12 => {
            let century = d[0] * 10 + d[1];
            (18..=20).contains(&century) && arr::<10>(&d[2..]).is_some_and(|t| se::valid(t, Some(century * 100)))
        }
        _ => false,
    }
}

/// A US ABA routing number ([`super::super::routing::valid`]).
fn aba(d: &[u32]) -> bool {
    let Some(d) = arr::<9>(d) else { return false };
    let ascii = d.map(|x| b'0' + x as u8);
    super::super::routing::valid(&ascii)
}

/// The most digits an ID here has.
const MOST: usize = 13;
/// The fewest.
const FEWEST: usize = 8;

/// The separators a grouped number may use (one kind per number).
fn separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.')
}

/// Appends to `spans` the numbers in `text` that pass the check of an ID in `set`, except
/// where they overlap a finding already in `spans` (which must be in order, as
/// [`super::super::scan::find_all`] leaves them).
pub fn find_all(text: &[u8], spans: &mut Vec<Span>, set: IdSet) {
    if set.is_empty() {
        return;
    }
    let before = spans.len();
    let mut k = 0; // the first earlier finding that may overlap what comes next
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let end = run_end(text, i);
        if !super::continues_a_number(text, i) && !(i > 0 && text[i - 1] == b'_') {
            for (start, stop, kind) in candidates(text, i, end, set) {
                while k < before && spans[k].end <= start {
                    k += 1;
                }
                if k < before && spans[k].start < stop {
                    continue; // another detector read this number (or a part of it)
                }
                spans.push(Span { start, end: stop, kind, rule: NO_RULE });
            }
        }
        i = end;
    }
}

/// The end of the run of digit groups starting at the digit `i`: digits, and single
/// separators of one kind between them.
fn run_end(text: &[u8], i: usize) -> usize {
    let mut j = i;
    let mut sep = None;
    loop {
        while text.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        match text.get(j) {
            Some(&c) if separator(c) && sep.is_none_or(|s| s == c) && text.get(j + 1).is_some_and(u8::is_ascii_digit) => {
                sep = Some(c);
                j += 1;
            }
            _ => return j,
        }
    }
}

/// The IDs in the run `text[at..end]`: the run whole, or else each of its groups. At most
/// a few findings (a run of groups holds at most one ID per group).
fn candidates(text: &[u8], at: usize, end: usize, set: IdSet) -> impl Iterator<Item = (usize, usize, Kind)> + '_ {
    let glued = |e: usize| text.get(e).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_');
    // A separator and a word after the run: it goes on (`44051401458-7`, `1.2.x`).
    // A word after a space is another word; a decimal comma continues only with a digit.
    let continues = |e: usize| match text.get(e) {
        Some(b'-' | b'.' | b':' | b'/') => text.get(e + 1).is_some_and(u8::is_ascii_alphanumeric),
        Some(b',') => text.get(e + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    };
    let last_open = glued(end) || continues(end);
    let whole = if last_open || dotted_quad(&text[at..end]) { None } else { check(text, at, end, set) };
    // Spaces part words; a run joined by dashes or dots is one token (`44051401458-7`).
    let grouped = text[at..end].contains(&b' ');
    let groups = (whole.is_none() && grouped).then(|| {
        let mut s = at;
        std::iter::from_fn(move || {
            while s < end {
                let g = s;
                let e = (g..end).find(|&j| !text[j].is_ascii_digit()).unwrap_or(end);
                s = e + 1;
                if e == end && last_open {
                    return None;
                }
                if let Some(kind) = check(text, g, e, set) {
                    return Some((g, e, kind));
                }
            }
            None
        })
    });
    whole.map(|kind| (at, end, kind)).into_iter().chain(groups.into_iter().flatten())
}

/// `a.b.c.d`, each part 1-3 digits: an IPv4 address.
fn dotted_quad(s: &[u8]) -> bool {
    let mut parts = 0;
    for part in s.split(|&c| c == b'.') {
        if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// The kind of the first ID of `set` that the number `text[at..end]` passes, unless it reads
/// as a timestamp or a placeholder.
fn check(text: &[u8], at: usize, end: usize, set: IdSet) -> Option<Kind> {
    let mut d = [0u32; MOST];
    let mut n = 0;
    for &c in text.get(at..end)? {
        if c.is_ascii_digit() {
            *d.get_mut(n)? = (c - b'0') as u32;
            n += 1;
        }
    }
    let d = &d[..n];
    if n < FEWEST || placeholder(d) || timestamp(text, at, end, d) {
        return None;
    }
    IDS.iter().enumerate().find(|(i, id)| set.contains(*i) && (id.check)(d)).map(|(_, id)| id.kind)
}

/// Whether the digits `d` are a placeholder, never an issued number: one repeated digit
/// (`00000000000`), or counting up or down (`123456789`, `9876543210`, `12345678901`).
fn placeholder(d: &[u32]) -> bool {
    let step = |k: u32| d.windows(2).all(|w| (w[0] + k) % 10 == w[1]);
    step(0) || step(1) || step(9)
}

/// Whether the digits `d` of `text[at..end]` read as a time: Unix seconds or milliseconds
/// (bare), a date `YYYYMMDD` or `DDMMYYYY` (bare or grouped), `YYYYMMDDhhmm` (bare).
fn timestamp(text: &[u8], at: usize, end: usize, d: &[u32]) -> bool {
    let two = |i: usize| super::two(d, i);
    let year = |i: usize| two(i) * 100 + two(i + 2);
    let date = |y: u32, m: u32, day: u32| (1900..=2099).contains(&y) && super::valid_date(super::Year::Full(y), m, day);
    match d.len() {
        8 => date(year(0), two(4), two(6)) || date(year(4), two(2), two(0)),
        10 | 13 => super::epoch_like(text, at, end),
        12 => end - at == 12 && (1970..=2099).contains(&year(0)) && date(year(0), two(4), two(6)) && two(8) < 24 && two(10) < 60,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, set: IdSet) -> Vec<(&str, &'static str)> {
        let mut spans = Vec::new();
        find_all(text.as_bytes(), &mut spans, set);
        spans.iter().map(|s| (&text[s.start..s.end], s.kind.name())).collect()
    }

    fn all(text: &str) -> Vec<&str> {
        found(text, IdSet::ALL).into_iter().map(|(t, _)| t).collect()
    }

    fn only(name: &str) -> IdSet {
        IdSet::NONE.with(NAMES.iter().position(|n| *n == name).expect(name))
    }

    #[test]
    fn off_finds_nothing() {
        assert_eq!(found("job 4512 alphaword 44051401458 bravoword done", IdSet::NONE), []);
    }

    #[test]
    fn bare_numbers_anywhere() {
        assert_eq!(found("job 4512 alphaword 44051401458 bravoword done", IdSet::ALL), [("44051401458", "national_id")]);
        assert_eq!(all(r#"note: "44051401458""#), ["44051401458"]);
        assert_eq!(all("OPTION_7=10000000146"), ["10000000146"]);
        assert_eq!(found("q=121000358&x=1", IdSet::ALL), [("121000358", "bank_account")]);
        assert_eq!(all("aadhaar-less 234567890124."), ["234567890124"]);
    }

    #[test]
    fn grouped_numbers_whole_or_by_group() {
        assert_eq!(all("uid 2345 6789 0124 ok"), ["2345 6789 0124"]);
        assert_eq!(all("count 3 44051401458 done"), ["44051401458"]);
        assert_eq!(all("ref 123-456-782 ok"), ["123-456-782"]);
    }

    #[test]
    fn each_name_finds_its_own() {
        // Every ID: a valid number passes, the same with its last digit changed and without its
        // first digit fails.
        let mut tested = Vec::new();
        for (name, text) in [
            ("at_svnr", "1237010180"), // also Unix seconds: see the next test
            ("pl_pesel", "44051401458"),
            ("tr_tckn", "10000000146"),
            ("bg_egn", "7523169263"),
            ("ee_isikukood", "37605030299"),
            ("cz_rodne_cislo", "7801233540"),
            ("nl_bsn", "111222333"),
            ("us_aba_routing", "121000358"),
            ("th_tnin", "3456789012347"),
            ("se_personnummer", "8112289874"),
            ("in_aadhaar", "234567890124"),
            ("de_steuer_id", "86095742719"),
            ("au_tfn", "123456782"),
            ("be_nrn", "85073003328"),
            ("br_cpf", "52998224725"),
            ("es_nuss", "281234567840"),
            ("gr_afm", "982603151"),
            ("gr_amka", "01039012347"),
            ("hu_tin", "8234567896"),
            ("kr_rrn", "8001011234560"),
            ("lt_asmens_kodas", "37605030299"),
            ("lu_matricule", "1990093012358"),
            ("lv_personas_kods", "12128211210"),
            ("pt_nif", "581348915"),
            ("ro_cnp", "2800101221146"),
            ("si_emso", "0101006500006"),
            ("si_tax_number", "95985352"),
            ("za_id", "8001015009087"),
        ] {
            let d: Vec<u32> = text.bytes().map(|c| (c - b'0') as u32).collect();
            let i = NAMES.iter().position(|n| *n == name).unwrap();
            assert!((IDS[i].check)(&d), "{name} {text}");
            let wrong: Vec<u32> = d.iter().enumerate().map(|(k, &x)| if k + 1 == d.len() { (x + 1) % 10 } else { x }).collect();
            assert!(!(IDS[i].check)(&wrong), "{name}: check digit");
            assert!(!(IDS[i].check)(&d[1..]), "{name}: length");
            tested.push(name);
        }
        tested.sort();
        assert_eq!(tested, { let mut n = NAMES.to_vec(); n.sort(); n }, "every ID has a case");
        assert_eq!(found("x 44051401458 y", only("tr_tckn")), []);
        assert_eq!(found("x 44051401458 y", only("pl_pesel")), [("44051401458", "national_id")]);
    }

    #[test]
    fn timestamps_survive() {
        for t in [
            "at 1237010180 ok",
            "ts=1721625608 ms=1721625608312",
            "day 20240115 and 15012024",
            "built 202401151230 ok",
            "t 20240115123000",
            "ns 1721625608312000000 us 1721625608312000",
            "ip 10.120.33.201 v 1.2.3.4567",
            "zero 00000000000 ones 11111111111",
            "test 123456789 and 9876543210 and 12345678901",
        ] {
            assert_eq!(all(t), Vec::<&str>::new(), "{t}");
        }
    }

    #[test]
    fn parts_of_longer_numbers_survive() {
        for t in ["v1.44051401458", "44051401458-7", "x44051401458", "44051401458abc", "2024-01-15 44051401458:12", "a_44051401458"] {
            assert_eq!(all(t), Vec::<&str>::new(), "{t}");
        }
    }

    #[test]
    fn earlier_findings_win() {
        let text = b"x 44051401458 y";
        let mut spans = vec![Span { start: 2, end: 13, kind: Kind::Card, rule: NO_RULE }];
        find_all(text, &mut spans, IdSet::ALL);
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn sets() {
        assert!(IdSet::NONE.is_empty() && !IdSet::ALL.is_empty());
        assert!(IdSet::ALL.contains(NAMES.len() - 1) && !IdSet::ALL.contains(NAMES.len()));
        assert_eq!(IdSet::NONE.with(99), IdSet::NONE);
    }
}
