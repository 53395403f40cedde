//! A child process bounded in time and memory, for tools that may run away (the peers of
//! `cargo xtask bench --peers`): it runs in its own process group, is killed with its children
//! past a limit, and a failure says why in a line. Uses no other module of xtask.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// When a run is stopped.
pub struct Limits {
    pub time: Duration,
    /// Resident memory of the whole process group, in KB.
    pub memory_kb: i64,
}

/// What a bounded run gives.
pub struct Outcome {
    pub wall: Duration,
    /// Peak resident memory of the process and the children it waited for, in KB.
    pub max_rss_kb: i64,
    /// Why it failed: its exit status and the lines of its output that say why, or the limit
    /// hit.
    pub result: Result<(), String>,
}

/// Run `command` in its own process group, bounded by `limits`; its wall time and peak memory
/// (with the children it waited for) come from `wait4`. An `Err` is a run that could not be
/// started or waited for; a tool that fails is an `Ok` whose `result` says why.
pub fn run(command: &mut Command, limits: &Limits) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut child = spawn_in_group(command)?;
    // Drain both pipes on threads so a chatty tool cannot block on a full pipe (some tools
    // report their errors on stdout).
    let stdout = drain(child.stdout.take().ok_or("no stdout pipe")?);
    let stderr = drain(child.stderr.take().ok_or("no stderr pipe")?);
    let pid = child.id() as libc::pid_t;
    let (status, max_rss_kb, killed, end) =
        watch(pid, start, limits).ok_or_else(|| format!("wait4 failed for {command:?}"))?;
    let wall = end - start;
    let output = format!(
        "{}\n{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    let result = match killed {
        Some(reason) => Err(reason),
        None => exit_result(status, &output),
    };
    Ok(Outcome {
        wall,
        max_rss_kb,
        result,
    })
}

/// Start `command` with its output piped, no Rust backtraces, and in a process group of its
/// own (so it can be killed with its children).
fn spawn_in_group(command: &mut Command) -> Result<Child, String> {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "0");
    // SAFETY: setpgid is async-signal-safe; the closure runs in the child before exec.
    unsafe {
        command.pre_exec(|| {
            libc::setpgid(0, 0);
            Ok(())
        });
    }
    command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))
}

/// Read all of `pipe` on a thread of its own; the text read.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Wait for the child `pid`, started at `start`, killing its process group when it passes a
/// limit (checked every 20 ms); its wait status, its peak memory (KB), why it was killed and
/// when it ended. A thread waits for it (a blocking `wait4`), so the end is taken when it
/// exits, not at the next check: a run of 30 ms is not counted as 40. `None` when `wait4`
/// fails.
fn watch(
    pid: libc::pid_t,
    start: Instant,
    limits: &Limits,
) -> Option<(i32, i64, Option<String>, Instant)> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: an all-zero `rusage` is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our child, not yet reaped; the pointers are valid for the call.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let end = Instant::now();
        let _ = sender.send((waited == pid).then_some((status, usage.ru_maxrss, end)));
    });
    let mut killed = None;
    loop {
        match receiver.recv_timeout(Duration::from_millis(20)) {
            Ok(Some((status, max_rss_kb, end))) => return Some((status, max_rss_kb, killed, end)),
            Ok(None) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return None,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if killed.is_none() {
            if let Some(reason) = over_limit(pid, start, limits) {
                // SAFETY: signalling our own process group.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
                killed = Some(reason);
            }
        }
    }
}

/// Why the process group of `pid`, started at `start`, must be stopped now, if it must.
fn over_limit(pid: libc::pid_t, start: Instant, limits: &Limits) -> Option<String> {
    let rss = group_rss_kb(pid);
    if start.elapsed() > limits.time {
        Some(format!(
            "stopped after {} s (time limit)",
            limits.time.as_secs()
        ))
    } else if rss > limits.memory_kb {
        Some(format!(
            "stopped at {:.1} GB of memory after {:.0} s (memory limit {} GB)",
            rss as f64 / 1024.0 / 1024.0,
            start.elapsed().as_secs_f64(),
            limits.memory_kb / 1024 / 1024
        ))
    } else {
        None
    }
}

/// `Ok` for a wait `status` of exit 0, else the exit status or signal and what `output` says.
fn exit_result(status: i32, output: &str) -> Result<(), String> {
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        return Ok(());
    }
    let code = if libc::WIFEXITED(status) {
        format!("exit status {}", libc::WEXITSTATUS(status))
    } else {
        format!("killed by signal {}", libc::WTERMSIG(status))
    };
    Err(format!("{code}: {}", summarize(output)))
}

/// Resident memory of the process group led by `pid` (a tool may run its work in a child, as
/// the Python wrapper of openapi-generator runs Java).
fn group_rss_kb(pid: libc::pid_t) -> i64 {
    let mut total = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Fields after the command name (which may contain spaces): state ppid pgrp ...
        let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<libc::pid_t>().ok()) != Some(pid) {
            continue;
        }
        // Field 24 of the whole line (rss, in pages) is index 21 after the name.
        if let Some(pages) = fields.get(21).and_then(|p| p.parse::<i64>().ok()) {
            total += pages * 4;
        }
    }
    total
}

/// The last `lines` non-blank lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The lines of a failed tool's output that say why: a panic and its message, else the
/// first error lines, else the last lines.
fn summarize(output: &str) -> String {
    let lines: Vec<&str> = output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(at) = lines.iter().position(|l| l.contains("panicked at")) {
        return lines[at..lines.len().min(at + 3)].join(" ");
    }
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| {
            let lower = l.to_lowercase();
            lower.starts_with("error") || lower.contains("exception") || lower.contains(" fail")
        })
        .take(3)
        .collect();
    if errors.is_empty() {
        tail(output, 3).replace('\n', " ")
    } else {
        errors.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        time: Duration::from_secs(60),
        memory_kb: 4 * 1024 * 1024,
    };

    /// `sh -c script`.
    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_run_that_succeeds() {
        let outcome = run(&mut sh("echo fine"), &LIMITS).unwrap();
        assert_eq!(outcome.result, Ok(()));
        assert!(outcome.max_rss_kb > 0);
    }

    #[test]
    fn a_failure_says_why() {
        let script = "echo starting; echo 'error: the spec is bad' >&2; exit 3";
        let outcome = run(&mut sh(script), &LIMITS).unwrap();
        assert_eq!(
            outcome.result,
            Err("exit status 3: error: the spec is bad".to_string())
        );
    }

    #[test]
    fn a_run_past_the_time_limit_is_stopped_with_its_children() {
        let limits = Limits {
            time: Duration::from_millis(200),
            ..LIMITS
        };
        let start = Instant::now();
        let outcome = run(&mut sh("sleep 30 & sleep 30; wait"), &limits).unwrap();
        assert_eq!(
            outcome.result,
            Err("stopped after 0 s (time limit)".to_string())
        );
        // The background `sleep` holds the output pipes open: `run` returns early only when it
        // was killed too.
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_panic_is_summarized_by_its_message() {
        let output =
            "compiling\nthread 'main' panicked at src/lib.rs:1:1:\nno schema\nnote: run with\nmore";
        assert_eq!(
            summarize(output),
            "thread 'main' panicked at src/lib.rs:1:1: no schema note: run with"
        );
        assert_eq!(summarize("a\n\nb\nc\nd\n"), "b c d");
    }
}
