//! Ctrl-C. Simulations look at a flag and stop within milliseconds; work that does not look
//! (reading a big log, fitting, a formula) is stopped by a watchdog a moment later. Either way
//! the exit code is 130 and nothing is written: files are written only through [`gate`], which
//! the watchdog holds while it exits, and temporary files registered with [`track`] are removed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Set by Ctrl-C: simulations stop soon after, and nothing is written.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Held while output files are written; the watchdog takes it before exiting.
static GATE: Mutex<()> = Mutex::new(());

/// Temporary files to remove if the process is stopped.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// How long work that does not look at the flag gets to stop on its own.
const GRACE: Duration = Duration::from_millis(300);

/// Installs the Ctrl-C handler.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            return;
        }
        std::thread::spawn(|| {
            std::thread::sleep(GRACE);
            // No file is being written once the gate is ours, and none will be.
            let _gate = GATE.lock().unwrap_or_else(|e| e.into_inner());
            for p in TEMPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                let _ = std::fs::remove_file(p);
            }
            eprintln!("interrupted: stopped before the end, nothing was written");
            std::process::exit(130);
        });
    });
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

thread_local! {
    /// Whether this thread holds the gate (writes nest: a run's files, then its log).
    static HOLDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Permission to write output files, held until dropped.
pub struct Gate(Option<MutexGuard<'static, ()>>);

impl Drop for Gate {
    fn drop(&mut self) {
        if self.0.is_some() {
            HOLDING.with(|h| h.set(false));
        }
    }
}

/// Permission to write output files: `None` once Ctrl-C was pressed (write nothing then).
/// Writes that began before Ctrl-C finish: the watchdog waits for the gate.
pub fn gate() -> Option<Gate> {
    if HOLDING.with(|h| h.get()) {
        return Some(Gate(None));
    }
    let g = GATE.lock().unwrap_or_else(|e| e.into_inner());
    if interrupted() {
        return None;
    }
    HOLDING.with(|h| h.set(true));
    Some(Gate(Some(g)))
}

/// The failure of a command stopped by Ctrl-C.
pub fn stopped() -> super::Failure {
    super::Failure {
        code: 130,
        error: anyhow::anyhow!("interrupted: stopped before the end, nothing was written"),
    }
}

/// Registers a temporary file to remove if the process is stopped.
pub fn track(path: &Path) {
    TEMPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_path_buf());
}
