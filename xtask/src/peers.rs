//! `cargo xtask bench --peers`: the same inputs through progenitor and openapi-generator.
//!
//! Both tools are installed on first use into a cache outside the repository
//! (`$FORGE_PEERS_CACHE`, else `$XDG_CACHE_HOME/openapi-forge-peers`, else
//! `~/.cache/openapi-forge-peers`): `cargo-progenitor` from crates.io with `cargo install`,
//! `openapi-generator-cli` (which bundles the generator's jar; Java must be on the machine) from
//! PyPI into a Python virtual environment. Each run is bounded in time and memory, and a failure
//! is a result like any other: it is reported with its error, not hidden.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::measure::{cargo, rust_lines};

/// The versions compared (the ones the performance issue measured).
const PROGENITOR_VERSION: &str = "0.14.0";
const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// A peer run is stopped after this long...
const TIME_LIMIT: Duration = Duration::from_secs(240);
/// ...or when its resident memory passes this (the machine has 24 GB).
const MEMORY_LIMIT_KB: i64 = 12 * 1024 * 1024;

/// One tool's run on one input.
pub struct PeerRun {
    pub tool: String,
    pub input: String,
    pub wall: Duration,
    pub max_rss_kb: i64,
    /// Lines and `.rs` files written, when the tool succeeded.
    pub output: Option<(usize, usize)>,
    /// Why the tool failed: its exit status and the end of its error output, or the limit hit.
    pub error: Option<String>,
    /// `cargo check` of the output: `Ok(())` or the number of errors and the first one.
    pub check: Option<Result<(), String>>,
}

/// The cache directory; refused when it lies inside the repository.
fn cache_dir(root: &Path) -> Result<PathBuf, String> {
    let dir = std::env::var_os("FORGE_PEERS_CACHE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("openapi-forge-peers"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/openapi-forge-peers"))
        })
        .ok_or("no cache directory for the peers: set FORGE_PEERS_CACHE")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let root = root.canonicalize().map_err(|e| e.to_string())?;
    if dir.starts_with(&root) {
        return Err(format!(
            "the peers' cache {} is inside the repository; set FORGE_PEERS_CACHE elsewhere",
            dir.display()
        ));
    }
    Ok(dir)
}

fn run_quietly(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot start {command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 15)
        ))
    }
}

/// `cargo-progenitor`, installed from crates.io when missing.
fn progenitor(cache: &Path) -> Result<PathBuf, String> {
    let root = cache.join(format!("progenitor-{PROGENITOR_VERSION}"));
    let binary = root.join("bin/cargo-progenitor");
    if !binary.exists() {
        eprintln!(
            "installing cargo-progenitor {PROGENITOR_VERSION} into {}",
            root.display()
        );
        run_quietly(
            cargo()
                .args([
                    "install",
                    "cargo-progenitor",
                    "--locked",
                    "--version",
                    PROGENITOR_VERSION,
                    "--root",
                ])
                .arg(&root),
            "cargo install cargo-progenitor",
        )?;
    }
    Ok(binary)
}

/// `openapi-generator-cli`, installed from PyPI into a virtual environment when missing.
fn openapi_generator(cache: &Path) -> Result<PathBuf, String> {
    run_quietly(
        Command::new("java").arg("-version"),
        "java -version (openapi-generator needs Java)",
    )?;
    let venv = cache.join(format!("openapi-generator-{OPENAPI_GENERATOR_VERSION}"));
    let binary = venv.join("bin/openapi-generator-cli");
    if !binary.exists() {
        eprintln!(
            "installing openapi-generator-cli {OPENAPI_GENERATOR_VERSION} into {}",
            venv.display()
        );
        run_quietly(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        run_quietly(
            Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                &format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"),
            ]),
            "pip install openapi-generator-cli",
        )?;
    }
    Ok(binary)
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
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

/// Run `command` in its own process group, bounded by [`TIME_LIMIT`] and [`MEMORY_LIMIT_KB`];
/// its wall time and peak memory (with the children it waited for) come from `wait4`.
fn bounded(command: &mut Command) -> Result<(Duration, i64, Result<(), String>), String> {
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
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    // Drain both pipes on threads so a chatty tool cannot block on a full pipe (some tools
    // report their errors on stdout).
    fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    }
    let stdout = drain(child.stdout.take().ok_or("no stdout pipe")?);
    let stderr = drain(child.stderr.take().ok_or("no stderr pipe")?);
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = None;
    loop {
        // SAFETY: `pid` is our child, not yet reaped; the pointers are valid for the call.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            break;
        }
        if waited < 0 {
            return Err(format!("wait4 failed for {command:?}"));
        }
        let rss = group_rss_kb(pid);
        let reason = if start.elapsed() > TIME_LIMIT {
            Some(format!(
                "stopped after {} s (time limit)",
                TIME_LIMIT.as_secs()
            ))
        } else if rss > MEMORY_LIMIT_KB {
            Some(format!(
                "stopped at {:.1} GB of memory after {:.0} s (memory limit {} GB)",
                rss as f64 / 1024.0 / 1024.0,
                start.elapsed().as_secs_f64(),
                MEMORY_LIMIT_KB / 1024 / 1024
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            // SAFETY: signalling our own process group.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            killed = Some(reason);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let wall = start.elapsed();
    let output = format!(
        "{}\n{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    let result = if let Some(reason) = killed {
        Err(reason)
    } else if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Ok(())
    } else {
        let code = if libc::WIFEXITED(status) {
            format!("exit status {}", libc::WEXITSTATUS(status))
        } else {
            format!("killed by signal {}", libc::WTERMSIG(status))
        };
        Err(format!("{code}: {}", summarize(&output)))
    };
    Ok((wall, usage.ru_maxrss, result))
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

/// `cargo check` of a peer's output crate; the number of errors and the first one.
fn check(dir: &Path, target: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| format!("no Cargo.toml: {e}"))?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    let output = cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["check", "-q", "--message-format", "short"])
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr
        .lines()
        .find(|l| l.contains(": error") || l.starts_with("error"))
        .unwrap_or("(no message)");
    // "error: could not compile `x` (lib) due to 456 previous errors"
    let count = stderr
        .lines()
        .find_map(|l| l.split("due to ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("some");
    Err(format!("{count} error(s); first: {first}"))
}

/// The tools compared.
#[derive(Clone, Copy)]
enum Tool {
    Forge,
    Progenitor,
    OpenapiGenerator,
}

impl Tool {
    fn label(self) -> String {
        match self {
            Tool::Forge => "openapi-forge (this project)".into(),
            Tool::Progenitor => format!("progenitor {PROGENITOR_VERSION}"),
            Tool::OpenapiGenerator => {
                format!("openapi-generator {OPENAPI_GENERATOR_VERSION} (rust)")
            }
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tool::Forge => "openapi-forge",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiGenerator => "openapi-generator",
        }
    }

    fn command(self, binary: &Path, spec: &Path, out: &Path) -> Command {
        let mut command = Command::new(binary);
        match self {
            Tool::Forge => {
                command.arg("--spec").arg(spec).arg("--out").arg(out);
                // Like the peers, generate whatever can be generated.
                command.args(["--quiet", "--lenient", "--name", "peer-client"]);
            }
            Tool::Progenitor => {
                command
                    .arg("progenitor")
                    .arg("-i")
                    .arg(spec)
                    .arg("-o")
                    .arg(out);
                command.args(["-n", "peer-client", "-v", "0.1.0"]);
            }
            Tool::OpenapiGenerator => {
                command.args(["generate", "-g", "rust", "--skip-validate-spec", "-i"]);
                command.arg(spec).arg("-o").arg(out);
                command.args(["--package-name", "peer-client"]);
            }
        }
        command
    }
}

/// Run this project's release CLI (`forge`) and both peers on `inputs` (name, spec file), one
/// after the other in the same harness; `cargo check` the output of each tool that succeeded on
/// the inputs named in `check_inputs`.
pub fn run(
    root: &Path,
    forge: &Path,
    inputs: &[(&str, PathBuf)],
    check_inputs: &[&str],
) -> Result<Vec<PeerRun>, String> {
    let cache = cache_dir(root)?;
    let out = root.join("target/bench/peers");
    let tools = [
        (Tool::Forge, Ok(forge.to_path_buf())),
        (Tool::Progenitor, progenitor(&cache)),
        (Tool::OpenapiGenerator, openapi_generator(&cache)),
    ];
    let mut runs = Vec::new();
    for (input, spec) in inputs {
        for (tool, binary) in &tools {
            let mut run = PeerRun {
                tool: tool.label(),
                input: input.to_string(),
                wall: Duration::ZERO,
                max_rss_kb: 0,
                output: None,
                error: None,
                check: None,
            };
            let binary = match binary {
                Ok(binary) => binary,
                Err(error) => {
                    run.error = Some(format!("not installed: {error}"));
                    runs.push(run);
                    continue;
                }
            };
            let dir = out.join(format!("{}-{input}", tool.slug()));
            let _ = std::fs::remove_dir_all(&dir);
            eprintln!("peers: {} on {input}", tool.label());
            let (wall, max_rss_kb, result) = bounded(&mut tool.command(binary, spec, &dir))?;
            run.wall = wall;
            run.max_rss_kb = max_rss_kb;
            if result.is_ok() {
                run.output = Some(rust_lines(&dir));
                if check_inputs.contains(input) {
                    eprintln!("peers: cargo check of {}'s {input} crate", tool.label());
                    run.check = Some(check(&dir, &cache.join("check-target")));
                }
            }
            run.error = result.err();
            runs.push(run);
        }
    }
    Ok(runs)
}
