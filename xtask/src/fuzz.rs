//! `cargo xtask fuzz [--seconds N] [generate|decode ...]`: seed the corpora, then run the
//! `cargo fuzz` targets of `fuzz/` (nightly toolchain, libFuzzer) side by side, each for N
//! seconds (default 600), and report the executions and any crash.
//!
//! Seeds are made, not committed: the fixture specs and the Access spec (the final spec reduced
//! to the client's operations) for `generate`; every object example in that Access spec for
//! `decode`. Corpora live in `target/fuzz/corpus/<target>`; crashes are written by libFuzzer to
//! `fuzz/artifacts/<target>/` and belong, minimized, in `tests/fuzz-regressions/<target>/`
//! (replayed, with hand-written hostile inputs, by `tests/tests/fuzz_regressions.rs`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

use serde_json::Value;

/// The fuzz targets of `fuzz/`.
pub const TARGETS: [&str; 2] = ["generate", "decode"];

/// Write the seed `name` into the corpus `dir`.
fn write_seed(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(dir.join(name), bytes).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Every JSON object found under an `example` or `examples.*.value` key.
fn object_examples<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "example" && child.is_object() {
                    out.push(child);
                }
                if key == "example" {
                    if let Some(result) = child.get("result") {
                        if result.is_object() {
                            out.push(result);
                        } else if let Some(items) = result.as_array() {
                            out.extend(items.iter().filter(|i| i.is_object()));
                        }
                    }
                }
                object_examples(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| object_examples(i, out)),
        _ => {}
    }
}

/// Seed the corpora in `target/fuzz/corpus/`: the specs for `generate`, the response bodies
/// for `decode`. The corpus directory and the number of each.
fn seed(root: &Path) -> Result<(PathBuf, usize, usize), String> {
    let generated = crate::regen::generate(root)?;
    let access = crate::subset::access_input(&generated.final_spec, &generated.api.operations)?;
    let corpus = root.join("target/fuzz/corpus");
    let specs = corpus.join("generate");
    let bodies = corpus.join("decode");
    for dir in [&specs, &bodies] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut spec_seeds = 0;
    let fixtures = root.join("tests/fixtures");
    for entry in std::fs::read_dir(&fixtures)
        .map_err(|e| format!("{}: {e}", fixtures.display()))?
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let spec = std::fs::read(&path).map_err(|e| e.to_string())?;
            // The first byte picks the mode: each fixture strict (0) and lenient (1), so the
            // emitter is reached even for fixtures whose problems stop a strict run.
            for mode in [0u8, 1] {
                let mut bytes = vec![mode];
                bytes.extend(&spec);
                let name = entry.file_name().to_string_lossy().replace(".json", "");
                write_seed(&specs, &format!("{name}-{mode}.json"), &bytes)?;
                spec_seeds += 1;
            }
        }
    }
    let mut bytes = vec![0u8];
    bytes.extend(serde_json::to_vec(&access).map_err(|e| e.to_string())?);
    write_seed(&specs, "access.json", &bytes)?;
    spec_seeds += 1;

    let mut examples = Vec::new();
    object_examples(&access, &mut examples);
    examples.sort_by_key(|v| v.to_string());
    examples.dedup();
    for (index, example) in examples.iter().enumerate() {
        let text = serde_json::to_vec(example).map_err(|e| e.to_string())?;
        write_seed(&bodies, &format!("example-{index:04}.json"), &text)?;
    }
    Ok((corpus, spec_seeds, examples.len()))
}

/// libFuzzer's closing line: "Done 123456 runs in 600 second(s)".
fn runs(log: &str) -> Option<String> {
    log.lines()
        .rev()
        .find(|l| l.starts_with("Done ") && l.contains(" runs in "))
        .map(str::to_string)
}

/// Seed the corpora, run `targets` (all when empty) side by side for `seconds` each, and
/// report the executions and any crash.
pub fn run(root: &Path, seconds: u64, targets: &[String]) -> Result<ExitCode, String> {
    let targets: Vec<String> = if targets.is_empty() {
        TARGETS.iter().map(|t| t.to_string()).collect()
    } else {
        targets.to_vec()
    };
    let (corpus, spec_seeds, body_seeds) = seed(root)?;
    eprintln!("fuzz: seeded {spec_seeds} specs and {body_seeds} response bodies");
    let logs = root.join("target/fuzz");
    build(root)?;
    let mut children = Vec::new();
    for target in &targets {
        let log = logs.join(format!("{target}.log"));
        let child = start(root, target, &corpus.join(target), seconds, &log)?;
        children.push((target.clone(), log, child));
    }
    let mut report = String::from("| Target | Result | Executions |\n|---|---|---|\n");
    let mut failed = false;
    for (target, log, mut child) in children {
        let status = child.wait().map_err(|e| e.to_string())?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        failed |= !status.success();
        report.push_str(&report_row(&target, status.success(), &text));
    }
    print!("{report}");
    std::fs::write(logs.join("report.md"), &report).map_err(|e| e.to_string())?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Build every target once (sanitizers, release), so the runs start together.
fn build(root: &Path) -> Result<(), String> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["+nightly", "fuzz", "build", "--fuzz-dir", "fuzz"])
        .status()
        .map_err(|e| format!("cannot start cargo +nightly fuzz (cargo install cargo-fuzz): {e}"))?;
    if !status.success() {
        return Err("building the fuzz targets failed".into());
    }
    Ok(())
}

/// Start fuzzing `target` on `corpus` for `seconds`, libFuzzer's output going to `log`.
fn start(
    root: &Path,
    target: &str,
    corpus: &Path,
    seconds: u64,
    log: &Path,
) -> Result<Child, String> {
    let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    eprintln!(
        "fuzz: {target} for {seconds} s (log: {})",
        log.strip_prefix(root).unwrap_or(log).display()
    );
    Command::new("cargo")
        .current_dir(root)
        .args(["+nightly", "fuzz", "run", "--fuzz-dir", "fuzz", target])
        .arg(corpus)
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-timeout=30",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ])
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .map_err(|e| format!("cannot start cargo +nightly fuzz (cargo install cargo-fuzz): {e}"))
}

/// The report row of `target`, from whether its run `succeeded` and its `log`: clean or why
/// it failed, and its executions.
fn report_row(target: &str, succeeded: bool, log: &str) -> String {
    let done = runs(log).unwrap_or_else(|| "(no final line)".into());
    let result = if succeeded {
        "clean".to_string()
    } else {
        let reason = log
            .lines()
            .find(|l| l.contains("ERROR:") || l.contains("panicked"))
            .unwrap_or("see the log");
        format!("**failed** ({reason}); crash input in fuzz/artifacts/{target}/")
    };
    format!("| {target} | {result} | {done} |\n")
}

#[cfg(test)]
mod tests {
    use super::report_row;

    #[test]
    fn a_clean_run_reports_its_executions() {
        let log = "INFO: seed\n#2 pulse\nDone 123456 runs in 600 second(s)\n";
        assert_eq!(
            report_row("decode", true, log),
            "| decode | clean | Done 123456 runs in 600 second(s) |\n"
        );
    }

    #[test]
    fn a_crash_reports_why_and_where_its_input_is() {
        let log = "INFO: seed\n==1== ERROR: libFuzzer: deadly signal\n";
        assert_eq!(
            report_row("generate", false, log),
            "| generate | **failed** (==1== ERROR: libFuzzer: deadly signal); \
             crash input in fuzz/artifacts/generate/ | (no final line) |\n"
        );
    }
}
