//! Measuring what the benchmarks report: a `cargo` command, the wall time and peak memory of
//! a child process, and the size of generated Rust code. Uses no other module of xtask.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall time and peak resident memory of one child process (and the children it waited for).
pub struct Run {
    pub wall: Duration,
    pub max_rss_kb: i64,
}

/// A command running the `cargo` that runs xtask (`$CARGO`), else the one on the `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Run `command` to completion; its wall time and peak RSS come from `wait4`.
pub fn measure(command: &mut Command) -> Result<Run, String> {
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; the pointers are valid for the call.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed for {command:?}"));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{command:?} failed (status {status})"));
    }
    Ok(Run {
        wall,
        max_rss_kb: usage.ru_maxrss,
    })
}

/// The median wall time and the median peak memory of `runs` (each taken on its own).
pub fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    let wall = runs[runs.len() / 2].wall;
    let mut rss: Vec<i64> = runs.iter().map(|r| r.max_rss_kb).collect();
    rss.sort();
    Run {
        wall,
        max_rss_kb: rss[rss.len() / 2],
    }
}

/// Lines of Rust and `.rs` files under `dir`.
pub fn rust_lines(dir: &Path) -> (usize, usize) {
    let mut lines = 0;
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    (lines, files)
}
