//! The progress bar of the long commands (imports): done of total, rows per second and the
//! time left, redrawn in place on stderr; silent when the output is JSON.

use std::io::Write as _;
use std::time::Instant;

/// A progress bar counting `what` (e.g. "hồ sơ").
pub struct Progress {
    started: Instant,
    quiet: bool,
    what: &'static str,
}

impl Progress {
    /// Starts the clock; `quiet` draws nothing.
    pub fn new(quiet: bool, what: &'static str) -> Self {
        Self {
            started: Instant::now(),
            quiet,
            what,
        }
    }

    /// Redraws the bar at `done` of `total`; ends the line when done.
    pub fn tick(&self, done: usize, total: usize) {
        if self.quiet {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let left = if rate > 0.0 {
            (total.saturating_sub(done)) as f64 / rate
        } else {
            0.0
        };
        let width = 30usize;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width);
        let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{bar}] {done}/{total} {} · {rate:.0}/s · còn {left:.0} s  ",
            self.what
        );
        if done >= total {
            let _ = writeln!(err);
        }
    }
}
