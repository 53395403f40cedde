//! The generated crate's resource-group Cargo features: `cargo xtask features` checks that the
//! crate builds cleanly with each group alone and with none (part of `cargo xtask test`), and
//! [`bench()`] measures what compiling only some groups saves.

use std::path::Path;
use std::process::ExitCode;

use crate::measure::{cargo, measure};
use crate::table::{table, Row};

/// The crate the features belong to.
const PACKAGE: &str = "cloudflare-access";

/// The resource-group features of the generated crate: the members of its `full` feature.
pub fn groups(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(full) = manifest
        .get("features")
        .and_then(|f| f.get("full"))
        .and_then(toml::Value::as_array)
    else {
        return Ok(Vec::new());
    };
    full.iter()
        .map(|v| {
            v.as_str()
                .map(String::from)
                .ok_or_else(|| format!("{}: [features] full: {v} is not a name", path.display()))
        })
        .collect()
}

/// `cargo clippy` of the crate (library, tests, examples) with no resource group and with
/// each group alone; any warning fails. The default build (`full`) is the workspace's own
/// clippy run.
pub fn check(root: &Path) -> Result<ExitCode, String> {
    let groups = groups(root)?;
    if groups.is_empty() {
        eprintln!("features: the generated crate has no resource-group features");
        return Ok(ExitCode::SUCCESS);
    }
    let mut sets = vec![String::new()];
    sets.extend(groups.iter().cloned());
    // The blocking client with a single group.
    sets.push(format!("blocking,{}", groups[0]));
    let mut failed = Vec::new();
    for set in &sets {
        let label = if set.is_empty() { "(none)" } else { set };
        eprintln!("features: clippy with {label}");
        let status = cargo()
            .current_dir(root)
            .args(["clippy", "-q", "--locked", "-p", PACKAGE, "--all-targets"])
            .args(["--no-default-features", "--features", set])
            .args(["--", "-D", "warnings"])
            .status()
            .map_err(|e| format!("running cargo clippy: {e}"))?;
        if !status.success() {
            failed.push(label.to_string());
        }
    }
    if failed.is_empty() {
        eprintln!(
            "features: {} feature sets build without warnings",
            sets.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("features: these feature sets fail: {}", failed.join("; "));
        Ok(ExitCode::FAILURE)
    }
}

/// Debug `cargo build` of the crate alone (dependencies built), with `features` instead of
/// the default ones.
fn build(root: &Path, target: &Path, features: Option<&str>) -> Result<f64, String> {
    let status = cargo()
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args(["clean", "-q", "-p", PACKAGE])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cargo clean failed".into());
    }
    let mut command = cargo();
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--locked", "-q", "--lib", "-p", PACKAGE]);
    if let Some(set) = features {
        command.args(["--no-default-features", "--features", set]);
    }
    Ok(measure(&mut command)?.wall.as_secs_f64())
}

/// The median of `values`.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Build time of the crate with every group (the default), with none, and with each group
/// alone: median of 3 rounds, the configurations interleaved within each round so drift on
/// a shared machine hits them alike. Ratios are against the default build of the same run.
pub fn bench(
    root: &Path,
    rows: &mut Vec<Row>,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), String> {
    let groups = groups(root)?;
    if groups.is_empty() {
        return Ok(());
    }
    let sets = bench_sets(&groups);
    let medians = build_times(root, &sets)?;
    let full = medians[0];
    let mut per_group = serde_json::Map::new();
    for ((label, _), seconds) in sets.iter().zip(&medians).skip(2) {
        let name = label.trim_end_matches("` alone").trim_start_matches('`');
        per_group.insert(name.into(), serde_json::json!(seconds));
    }
    let group_times: Vec<(f64, &str)> = sets
        .iter()
        .zip(&medians)
        .skip(2)
        .map(|((label, _), s)| (*s, label.as_str()))
        .collect();
    let (slowest, slowest_label) = group_times
        .iter()
        .copied()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((full, ""));
    let typical = median(group_times.iter().map(|g| g.0).collect());
    rows.push(Row {
        goal: "7. build of the Access crate, default (`full`, every resource group)".into(),
        measured: format!("{full:.2} s"),
        target: "report".into(),
        met: None,
    });
    for (label, seconds) in [
        ("no resource group (client only)", medians[1]),
        (
            &format!("median single group (of {})", groups.len()),
            typical,
        ),
        (&format!("slowest single group: {slowest_label}"), slowest),
    ] {
        rows.push(ratio_row(label, seconds, full));
    }
    json.insert(
        "features_build".into(),
        serde_json::json!({
            "full_seconds": full,
            "none_seconds": medians[1],
            "median_group_seconds": typical,
            "groups": per_group,
        }),
    );
    Ok(())
}

/// The feature sets measured, with their labels: the default (`None`), no resource group,
/// then each of `groups` alone.
fn bench_sets(groups: &[String]) -> Vec<(String, Option<String>)> {
    let mut sets: Vec<(String, Option<String>)> = vec![
        ("default (`full`)".into(), None),
        ("no resource group".into(), Some(String::new())),
    ];
    sets.extend(
        groups
            .iter()
            .map(|g| (format!("`{g}` alone"), Some(g.clone()))),
    );
    sets
}

/// The median build time of each of `sets`, over 3 interleaved rounds, in a target directory
/// of their own whose dependencies are built first (not measured).
fn build_times(root: &Path, sets: &[(String, Option<String>)]) -> Result<Vec<f64>, String> {
    let target = root.join("target/bench/features-target");
    let mut command = cargo();
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--locked", "-q", "--lib", "-p", PACKAGE]);
    measure(&mut command)?;
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); sets.len()];
    for round in 0..3 {
        eprintln!("features bench: round {} of 3", round + 1);
        for (index, (_, features)) in sets.iter().enumerate() {
            times[index].push(build(root, &target, features.as_deref())?);
        }
    }
    Ok(times.into_iter().map(median).collect())
}

/// The row of a build with `label` that took `seconds`, against the default's `full`.
fn ratio_row(label: &str, seconds: f64, full: f64) -> Row {
    Row {
        goal: format!("7. build with {label}"),
        measured: format!("{seconds:.2} s = {:.2}x of default", seconds / full),
        target: "< 1.0x".into(),
        met: Some(seconds < full),
    }
}

/// `cargo xtask features --bench`: only the build-time rows of `cargo xtask bench`, also
/// written to `target/bench/features.md`.
pub fn bench_report(root: &Path) -> Result<ExitCode, String> {
    let mut rows = Vec::new();
    let mut json = serde_json::Map::new();
    bench(root, &mut rows, &mut json)?;
    let table = table(&rows);
    print!("{table}");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    std::fs::write(out.join("features.md"), table).map_err(|e| e.to_string())?;
    eprintln!("wrote target/bench/features.md");
    Ok(ExitCode::SUCCESS)
}
