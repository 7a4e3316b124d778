//! What the detector pass remembers between detector calls on one text, so that no detector
//! reads the same bytes again from every start inside a long run: run ends, the last `<` seen,
//! the last flag and URL read, and the randomness of values that share their end. Each entry
//! is exact (the detectors answer as if they had read everything again); together they keep
//! the pass linear in the text's length on any input.
//!
//! Lives in the redaction state, reused from string to string: [`Memo::reset`] costs a few
//! stores, and the larger tables are only written when a text needs them.

use super::entropy::Suffixes;
use super::keyname::KeyClass;
use super::text::RunCache;

/// One text's memory; see the module documentation.
pub struct Memo {
    /// Runs of the vendor-token alphabets (see `tokens::Alphabet`), by alphabet.
    pub alphabets: [RunCache; super::tokens::ALPHABETS],
    /// Runs of key bytes after `--` (command-line flags).
    pub flag_name: RunCache,
    /// The end of the name of the last `--flag` that found nothing: every `--` inside it
    /// names a tail of it, which is no secret either (see `kv::flag`).
    pub flag_miss_end: usize,
    /// Runs of URL bytes after `://`.
    pub url: RunCache,
    /// For the URL run from `.0` to `.1`: its last `@`.
    pub url_at: (usize, usize, Option<usize>),
    /// How far back the text has been searched for `<`, and the last `<` before that.
    pub lt_seen: usize,
    pub last_lt: Option<usize>,
    /// The element name at the last `<` asked about: (its `<`, its end, its class).
    pub element: Option<(usize, usize, KeyClass)>,
    /// Unquoted `key=value` values, by whether they are in a URL query: the run and the end
    /// left after trimming closing punctuation, `(from, run end, trimmed end)`.
    pub values: [(usize, usize, usize); 2],
    /// The randomness of values under ambiguous keys, by whether they are in a URL query.
    pub random: [Suffixes; 2],
    /// The end of the last run judged for a bare secret (`tokens::bare`).
    pub bare_end: usize,
    /// The last search for a PEM `-----END`: (from, found at or `usize::MAX`).
    pub pem_end: (usize, usize),
    /// The last search for a `]` closing an inline envelope: (from, found at or `usize::MAX`).
    pub close: (usize, usize),
    /// The command words read so far, for command-line flags (see `cmdline`).
    pub cmd: super::cmdline::Seen,
    /// The first `%` the pass stepped on (`usize::MAX` for none): where encoded values may
    /// start (see `percent`).
    pub pct: usize,
}

impl Default for Memo {
    fn default() -> Self {
        let mut m = Memo {
            alphabets: [RunCache::default(); super::tokens::ALPHABETS],
            flag_name: RunCache::default(),
            flag_miss_end: 0,
            url: RunCache::default(),
            url_at: (usize::MAX, 0, None),
            lt_seen: 0,
            last_lt: None,
            element: None,
            values: [(usize::MAX, 0, 0); 2],
            random: Default::default(),
            bare_end: 0,
            pem_end: (usize::MAX, 0),
            close: (usize::MAX, 0),
            cmd: Default::default(),
            pct: usize::MAX,
        };
        m.reset();
        m
    }
}

impl Memo {
    /// Forgets the last text.
    pub fn reset(&mut self) {
        self.alphabets = [RunCache::default(); super::tokens::ALPHABETS];
        self.flag_name = RunCache::default();
        self.flag_miss_end = 0;
        self.url = RunCache::default();
        self.url_at = (usize::MAX, 0, None);
        self.lt_seen = 0;
        self.last_lt = None;
        self.element = None;
        self.values = [(usize::MAX, 0, 0); 2];
        self.random[0].reset();
        self.random[1].reset();
        self.bare_end = 0;
        self.pem_end = (usize::MAX, 0);
        self.close = (usize::MAX, 0);
        self.cmd.reset();
        self.pct = usize::MAX;
    }
}
