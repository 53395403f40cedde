//! `cargo xtask bench --baseline REV`: the generator and the Access crate of another revision
//! measured beside this tree's, interleaved in one run, so that the goals are ratios that the
//! machine's noise from day to day does not move.
//!
//! REV is checked out into a git worktree (`target/bench/baseline-<rev>`), its generator built
//! in release mode into a target directory of its own, and then, round by round, each
//! measurement is taken once for the baseline and once for this tree: generation of the Access
//! client and of the whole spec (wall time and peak memory), and a cold `cargo build` of each
//! tree's committed Access crate (its dependencies built first). Uses `measure` and `table`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::measure::{cargo, measure, median, Run};
use crate::table::Row;

/// Rounds of each interleaved measurement.
const ROUNDS: usize = 5;
/// Rounds of the cold crate builds (each takes tens of seconds).
pub const BUILD_ROUNDS: usize = 3;

/// The baseline revision, checked out and its generator built.
pub struct Baseline {
    /// The revision as given.
    pub rev: String,
    /// The worktree.
    dir: PathBuf,
    /// Its release CLI.
    cli: PathBuf,
    /// The target directory of its builds.
    target: PathBuf,
}

impl Baseline {
    /// Its release CLI.
    pub fn cli(&self) -> &Path {
        &self.cli
    }

    /// The worktree.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The target directory of its builds.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

/// Run `git` in `root`; its trimmed standard output.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Check `rev` out into its worktree (kept between runs) and build its generator.
pub fn prepare(root: &Path, rev: &str) -> Result<Baseline, String> {
    let commit = git(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    let short = &commit[..commit.len().min(12)];
    let dir = root.join("target/bench").join(format!("baseline-{short}"));
    if !dir.join("Cargo.toml").exists() {
        // A directory left by an interrupted run is not a worktree git knows: start afresh.
        let _ = git(
            root,
            &["worktree", "remove", "--force", &dir.display().to_string()],
        );
        let _ = std::fs::remove_dir_all(&dir);
        git(
            root,
            &[
                "worktree",
                "add",
                "--detach",
                &dir.display().to_string(),
                &commit,
            ],
        )?;
    }
    let target = root.join("target/bench/baseline-target");
    eprintln!("bench: building the generator at {rev} ({short})");
    let status = cargo()
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "build",
            "--release",
            "--locked",
            "-q",
            "-p",
            "openapi-forge",
        ])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("building the generator at {rev} failed"));
    }
    Ok(Baseline {
        rev: rev.to_string(),
        cli: target.join("release/openapi-forge"),
        dir,
        target,
    })
}

/// One side of a comparison: where a command runs and with what.
struct Side<'a> {
    cli: &'a Path,
    cwd: &'a Path,
    args: Vec<String>,
    out: PathBuf,
}

impl Side<'_> {
    fn generate(&self) -> Result<Run, String> {
        measure(
            Command::new(self.cli)
                .current_dir(self.cwd)
                .args(&self.args)
                .arg("--out")
                .arg(&self.out)
                .arg("--quiet")
                .stderr(std::process::Stdio::null()),
        )
    }
}

/// `now / before`, as the rows print it.
fn ratio(now: f64, before: f64) -> f64 {
    if before > 0.0 {
        now / before
    } else {
        f64::INFINITY
    }
}

/// Goal 5: generation of the Access client and the whole `spec` by both trees, interleaved;
/// a row each for the time and the memory ratio.
pub fn generation(
    root: &Path,
    cli: &Path,
    spec: &Path,
    baseline: &Baseline,
    rows: &mut Vec<Row>,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), String> {
    let out = root.join("target/bench/compare");
    let spec_arg = spec.display().to_string();
    let config = |dir: &Path| dir.join("spec/cloudflare.toml").display().to_string();
    let whole = vec!["--spec".to_string(), spec_arg.clone(), "--lenient".into()];
    let inputs = [
        (
            "access",
            vec!["--config".to_string(), config(root)],
            vec![
                "--config".to_string(),
                config(&baseline.dir),
                "--spec".into(),
                spec_arg,
            ],
        ),
        ("full", whole.clone(), whole),
    ];
    for (name, now_args, before_args) in inputs {
        let now = Side {
            cli,
            cwd: root,
            args: now_args,
            out: out.join(format!("{name}-now")),
        };
        let before = Side {
            cli: &baseline.cli,
            cwd: &baseline.dir,
            args: before_args,
            out: out.join(format!("{name}-baseline")),
        };
        let (mut nows, mut befores) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            befores.push(before.generate()?);
            nows.push(now.generate()?);
        }
        generation_rows(
            name,
            &baseline.rev,
            median(nows),
            median(befores),
            rows,
            json,
        );
    }
    Ok(())
}

/// The rows (time and memory ratio) and the JSON entry of the generation of `name`.
fn generation_rows(
    name: &str,
    rev: &str,
    now: Run,
    before: Run,
    rows: &mut Vec<Row>,
    json: &mut serde_json::Map<String, serde_json::Value>,
) {
    let time = ratio(now.wall.as_secs_f64(), before.wall.as_secs_f64());
    let memory = ratio(now.max_rss_kb as f64, before.max_rss_kb as f64);
    rows.push(Row {
        goal: format!("5. generate {name}: time vs {rev} (median of {ROUNDS}, interleaved)"),
        measured: format!(
            "{:.3} s vs {:.3} s = {time:.2}x",
            now.wall.as_secs_f64(),
            before.wall.as_secs_f64()
        ),
        target: "<= 0.5x".into(),
        met: Some(time <= 0.5),
    });
    rows.push(Row {
        goal: format!("5. generate {name}: peak memory vs {rev}"),
        measured: format!(
            "{:.0} MB vs {:.0} MB = {memory:.2}x",
            now.max_rss_kb as f64 / 1024.0,
            before.max_rss_kb as f64 / 1024.0
        ),
        target: "<= 1.0x".into(),
        met: Some(memory <= 1.0),
    });
    json.insert(
        format!("baseline_generate_{name}"),
        serde_json::json!({
            "rev": rev,
            "seconds": now.wall.as_secs_f64(),
            "baseline_seconds": before.wall.as_secs_f64(),
            "max_rss_mb": now.max_rss_kb as f64 / 1024.0,
            "baseline_max_rss_mb": before.max_rss_kb as f64 / 1024.0,
        }),
    );
}

/// `cargo build` of the Access crate (`cloudflare-access`) of the workspace at `dir`, after
/// `cargo clean` of that package when `clean`.
pub fn build_access(dir: &Path, target: Option<&Path>, clean: bool) -> Result<Run, String> {
    let command = |args: &[&str]| {
        let mut command = cargo();
        command.current_dir(dir).args(args);
        if let Some(target) = target {
            command.env("CARGO_TARGET_DIR", target);
        }
        command
    };
    if clean {
        let status = command(&["clean", "-q", "-p", "cloudflare-access"])
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cargo clean in {} failed", dir.display()));
        }
    }
    measure(&mut command(&[
        "build",
        "--locked",
        "-q",
        "-p",
        "cloudflare-access",
    ]))
}

/// Goal 1: a cold build of each tree's committed Access crate (default features, debug, its
/// dependencies built first), interleaved; one row with the ratio.
pub fn access_build(
    root: &Path,
    baseline: &Baseline,
    rows: &mut Vec<Row>,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), String> {
    let before_target = Some(baseline.target.as_path());
    build_access(root, None, false)?;
    build_access(&baseline.dir, before_target, false)?;
    let (mut nows, mut befores) = (Vec::new(), Vec::new());
    for _ in 0..BUILD_ROUNDS {
        befores.push(build_access(&baseline.dir, before_target, true)?);
        nows.push(build_access(root, None, true)?);
    }
    let (now, before) = (median(nows), median(befores));
    let time = ratio(now.wall.as_secs_f64(), before.wall.as_secs_f64());
    rows.push(Row {
        goal: format!(
            "1. cold `cargo build` of the Access crate vs {} (median of {BUILD_ROUNDS}, interleaved)",
            baseline.rev
        ),
        measured: format!(
            "{:.1} s vs {:.1} s = {time:.2}x",
            now.wall.as_secs_f64(),
            before.wall.as_secs_f64()
        ),
        target: "<= 0.33x".into(),
        met: Some(time <= 0.33),
    });
    json.insert(
        "baseline_access_build".into(),
        serde_json::json!({
            "rev": baseline.rev,
            "seconds": now.wall.as_secs_f64(),
            "baseline_seconds": before.wall.as_secs_f64(),
        }),
    );
    Ok(())
}
