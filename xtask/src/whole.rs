//! `cargo xtask bench --full-build --baseline REV`: the whole-spec crate's `cargo check` and
//! `cargo build` against the baseline's (time and peak memory), and the build of one product
//! alone as a ratio to the whole. Uses `baseline`, `measure` and `table`.
//!
//! This tree generates the whole spec split at the root (`[features] split = [""]`: one Cargo
//! feature per top-level resource, all on by default), the baseline as it can (no config).
//! Each crate is a workspace of its own with the lockfile of its tree, built in that tree's
//! bench target directory, whose dependencies are built first (by building the tree's Access
//! crate there, which has the same dependencies); each measured build starts with `cargo
//! clean` of the crate alone. One run per build: each takes minutes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::baseline::Baseline;
use crate::measure::{cargo, measure, Run};
use crate::table::Row;

/// The JSON report as it is filled.
type Json = serde_json::Map<String, serde_json::Value>;

/// One tree's whole-spec crate.
struct Crate {
    /// The crate's directory.
    dir: PathBuf,
    /// Its package name.
    name: String,
    /// The target directory its builds use.
    target: PathBuf,
}

impl Crate {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut command = cargo();
        command
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .args(args);
        command
    }

    /// `cargo clean` of the crate alone, then `cargo <args>`, measured.
    fn cold(&self, args: &[&str]) -> Result<Run, String> {
        run(&mut self.cargo(&["clean", "-q", "-p", &self.name]))?;
        measure(&mut self.cargo(args))
    }
}

/// Run `command`; an error when it fails.
fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

/// Generate with `cli` (in `cwd`, with `args`) into `out`, make it a workspace of its own with
/// the lockfile `lock`, and build `tree`'s Access crate into `target` so that the
/// dependencies are built.
fn prepare(
    cli: &Path,
    cwd: &Path,
    args: &[String],
    out: PathBuf,
    lock: &Path,
    tree: &Path,
    target: PathBuf,
) -> Result<Crate, String> {
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(cli)
        .current_dir(cwd)
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet"))?;
    let manifest = out.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .ok_or_else(|| format!("{}: no package name", manifest.display()))?
        .to_string();
    text.push_str("\n[workspace]\n");
    std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    std::fs::copy(lock, out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    for what in ["check", "build"] {
        run(cargo()
            .current_dir(tree)
            .env("CARGO_TARGET_DIR", &target)
            .args([what, "--locked", "-q", "-p", "cloudflare-access"]))?;
    }
    Ok(Crate {
        dir: out,
        name,
        target,
    })
}

/// The product features of a generated `Cargo.toml` with their method counts (from the
/// comment above each: ``# `dns` (12 methods)``).
fn products(manifest: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = manifest.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let count = pair[0].strip_prefix("# `")?.split("` (").nth(1)?;
            let count = count
                .strip_suffix(" methods)")
                .or_else(|| count.strip_suffix(" method)"))?;
            let count: usize = count.parse().ok()?;
            let name = pair[1].strip_suffix(" = []")?;
            Some((name.to_string(), count))
        })
        .collect()
}

/// Goal 2: the rows of the whole-spec builds, this tree's against `baseline`'s.
pub fn compare(
    root: &Path,
    cli: &Path,
    spec: &Path,
    baseline: &Baseline,
    rows: &mut Vec<Row>,
    json: &mut Json,
) -> Result<(), String> {
    let out = root.join("target/bench/whole");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let config = out.join("split.toml");
    std::fs::write(&config, "[features]\nsplit = [\"\"]\n").map_err(|e| e.to_string())?;
    let spec = spec.display().to_string();
    let args = |split: bool| {
        let mut args = vec!["--spec".to_string(), spec.clone(), "--lenient".into()];
        if split {
            args.extend(["--config".to_string(), config.display().to_string()]);
        }
        args
    };
    eprintln!("bench: whole-spec crates (generating, building dependencies)");
    let now = prepare(
        cli,
        root,
        &args(true),
        out.join("now"),
        &root.join("Cargo.lock"),
        root,
        root.join("target/bench/whole-target"),
    )?;
    let before = prepare(
        baseline.cli(),
        baseline.dir(),
        &args(false),
        out.join("baseline"),
        &baseline.dir().join("Cargo.lock"),
        baseline.dir(),
        baseline.target().to_path_buf(),
    )?;
    for what in ["check", "build"] {
        eprintln!("bench: `cargo {what}` of the whole-spec crates");
        let before_run = before.cold(&[what, "--offline", "-q"])?;
        let now_run = now.cold(&[what, "--offline", "-q"])?;
        build_row(what, &baseline.rev, &now_run, &before_run, rows, json);
        if what == "build" {
            product_row(&now, &now_run, rows, json)?;
        }
    }
    Ok(())
}

/// The row of `cargo what` of both whole-spec crates.
fn build_row(what: &str, rev: &str, now: &Run, before: &Run, rows: &mut Vec<Row>, json: &mut Json) {
    let gb = |run: &Run| run.max_rss_kb as f64 / 1024.0 / 1024.0;
    let time = now.wall.as_secs_f64() / before.wall.as_secs_f64();
    let memory = gb(now) / gb(before);
    rows.push(Row {
        goal: format!("2. `cargo {what}` of the whole-spec crate vs {rev} (one run each)"),
        measured: format!(
            "{:.0} s vs {:.0} s = {time:.2}x; {:.1} GB vs {:.1} GB = {memory:.2}x",
            now.wall.as_secs_f64(),
            before.wall.as_secs_f64(),
            gb(now),
            gb(before)
        ),
        target: "<= 0.75x, both".into(),
        met: Some(time <= 0.75 && memory <= 0.75),
    });
    json.insert(
        format!("baseline_full_{what}"),
        serde_json::json!({
            "rev": rev,
            "seconds": now.wall.as_secs_f64(),
            "baseline_seconds": before.wall.as_secs_f64(),
            "max_rss_gb": gb(now),
            "baseline_max_rss_gb": gb(before),
        }),
    );
}

/// The row of the build of the product with the median number of methods, alone, against the
/// build of the whole crate (`whole`).
fn product_row(
    now: &Crate,
    whole: &Run,
    rows: &mut Vec<Row>,
    json: &mut Json,
) -> Result<(), String> {
    let manifest =
        std::fs::read_to_string(now.dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let mut products = products(&manifest);
    if products.is_empty() {
        return Err("the whole-spec crate has no product features".into());
    }
    products.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let (name, methods) = products[products.len() / 2].clone();
    eprintln!("bench: `cargo build` of the product `{name}` alone");
    let features = format!("rustls,{name}");
    let args = [
        "build",
        "--offline",
        "-q",
        "--no-default-features",
        "--features",
        &features,
    ];
    let run = match now.cold(&args) {
        Ok(run) => run,
        Err(error) => {
            rows.push(Row {
                goal: format!("2. `cargo build` of one product of the whole-spec crate: `{name}`"),
                measured: format!("**fails**: {error}"),
                target: "builds".into(),
                met: Some(false),
            });
            return Ok(());
        }
    };
    let share = run.wall.as_secs_f64() / whole.wall.as_secs_f64();
    rows.push(Row {
        goal: format!(
            "2. `cargo build` of one product of the whole-spec crate: `{name}` ({methods} methods, the median of {} products)",
            products.len()
        ),
        measured: format!(
            "{:.1} s = {share:.2}x of the whole; {:.1} GB",
            run.wall.as_secs_f64(),
            run.max_rss_kb as f64 / 1024.0 / 1024.0
        ),
        target: "report".into(),
        met: None,
    });
    json.insert(
        "full_product_build".into(),
        serde_json::json!({"product": name, "methods": methods, "seconds": run.wall.as_secs_f64(), "share": share}),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::products;

    #[test]
    fn products_are_read_with_their_method_counts() {
        let manifest = "[features]\nfull = [\"dns\", \"zones\"]\n# `dns` (12 methods)\ndns = []\n\
                        # `zones` (1 method)\nzones = []\nrustls = [\"reqwest/rustls\"]\n";
        assert_eq!(
            products(manifest),
            [("dns".to_string(), 12), ("zones".to_string(), 1)]
        );
    }
}
