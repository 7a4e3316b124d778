//! Progress on stderr for long runs, on a terminal only: never on a pipe or in a file, and
//! not for short runs (it appears once a run has taken a second).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Bytes between two looks at the clock (and updates of the bar): cheap on the record path.
const CHECK_EVERY: u64 = 1 << 20;
/// A run shorter than this shows nothing.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Bytes read so far, drawn as a bar (known total) or a counter (stdin) once the run is long.
pub struct Progress {
    bar: Option<ProgressBar>,
    visible: bool,
    done: u64,
    since_check: u64,
    start: Instant,
}

impl Progress {
    /// A progress display for reading `total` bytes (None: unknown, as on a pipe), labelled
    /// `what`. It is drawn only when stderr is a terminal and `allowed` (the caller's own
    /// condition, such as "stdout is not that same terminal").
    pub fn new(what: &'static str, total: Option<u64>, allowed: bool) -> Progress {
        let bar = (allowed && std::io::stderr().is_terminal()).then(|| {
            let template = match total {
                Some(_) => "{prefix} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
                None => "{prefix} {spinner} {bytes} read ({bytes_per_sec})",
            };
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden()).with_prefix(what);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, visible: false, done: 0, since_check: 0, start: Instant::now() }
    }

    /// Counts `bytes` more read.
    pub fn advance(&mut self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        self.done += bytes;
        self.since_check += bytes;
        if self.since_check < CHECK_EVERY {
            return;
        }
        self.since_check = 0;
        if !self.visible {
            if self.start.elapsed() < SHOW_AFTER {
                return;
            }
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.visible = true;
        }
        bar.set_position(self.done);
    }

    /// Runs `f` (which writes to the terminal) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.visible => bar.suspend(f),
            _ => f(),
        }
    }

    /// Removes the bar; what follows on stderr starts on a clean line.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
