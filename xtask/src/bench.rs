//! `cargo xtask bench`: generation time and memory, generated code size, build time of the
//! generated crate, typed decoding against `serde_json::Value`, and request overhead against
//! plain `reqwest`. Prints one table and writes it to `target/bench/bench.md` and
//! `target/bench/bench.json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::measure::{cargo, measure, median, rust_lines, Run};
use crate::table::{table, Row};

/// Public items: structs, enums, union macros and methods (`pub fn`) in the crate's sources.
fn items(dir: &Path) -> usize {
    let mut count = 0;
    let mut stack = vec![dir.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                count += text
                    .lines()
                    .map(str::trim_start)
                    .filter(|l| {
                        l.starts_with("pub struct ")
                            || l.starts_with("pub enum ")
                            || l.starts_with("pub fn ")
                            || l.starts_with("pub async fn ")
                            // Type macros; `object!` is counted by its `pub struct` line.
                            || l.ends_with("! {")
                                && !l.starts_with("macro_rules")
                                && !l.starts_with("object!")
                    })
                    .count();
            }
        }
    }
    count
}

pub fn run(root: &Path, full_build: bool, peers: bool) -> Result<std::process::ExitCode, String> {
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", "openapi-forge"])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("building the generator failed".into());
    }
    let cli = root.join("target/release/openapi-forge");
    let spec = find_spec(root)?;
    let mut rows = Vec::new();
    let mut json = serde_json::Map::new();

    // Goal 1: generation, median of 5 runs.
    // Name, CLI arguments, output directory, wall-time goal (s), memory goal (KB).
    type Target<'a> = (&'a str, Vec<String>, PathBuf, f64, Option<i64>);
    let targets: [Target; 2] = [
        (
            "access",
            vec!["--config".into(), "spec/cloudflare.toml".into()],
            out.join("access"),
            0.2,
            None,
        ),
        (
            "full",
            vec![
                "--spec".into(),
                spec.display().to_string(),
                "--lenient".into(),
            ],
            out.join("full"),
            1.0,
            Some(300 * 1024),
        ),
    ];
    for (name, args, dir, limit, rss_limit) in &targets {
        let mut runs = Vec::new();
        for _ in 0..5 {
            let mut command = Command::new(&cli);
            command
                .current_dir(root)
                .args(args)
                .arg("--out")
                .arg(dir)
                .arg("--quiet")
                .stderr(std::process::Stdio::null());
            runs.push(measure(&mut command)?);
        }
        let run = median(runs);
        let seconds = run.wall.as_secs_f64();
        let mb = run.max_rss_kb as f64 / 1024.0;
        let (lines, files) = rust_lines(dir);
        let item_count = items(dir);
        rows.push(Row {
            goal: format!("1. generate {name}: wall (median of 5)"),
            measured: format!("{seconds:.3} s"),
            target: format!("< {limit} s"),
            met: Some(seconds < *limit),
        });
        rows.push(Row {
            goal: format!("1. generate {name}: peak memory"),
            measured: format!("{mb:.0} MB"),
            target: rss_limit.map_or("-".into(), |l| format!("< {} MB", l / 1024)),
            met: rss_limit.map(|l| run.max_rss_kb < l),
        });
        rows.push(Row {
            goal: format!("2. {name} crate size"),
            measured: format!("{lines} lines, {files} .rs files, {item_count} public items"),
            target: "report".into(),
            met: None,
        });
        json.insert(
            format!("generate_{name}"),
            serde_json::json!({"seconds": seconds, "max_rss_mb": mb, "lines": lines, "files": files, "items": item_count}),
        );
    }

    // Goal 2: cold build of the generated Access crate alone, dependencies already built.
    let build = |clean: bool| -> Result<Run, String> {
        if clean {
            let status = cargo()
                .current_dir(root)
                .args(["clean", "-p", "cloudflare-access"])
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("cargo clean failed".into());
            }
        }
        measure(cargo().current_dir(root).args([
            "build",
            "--locked",
            "-q",
            "-p",
            "cloudflare-access",
        ]))
    };
    build(false)?;
    let run = build(true)?;
    let seconds = run.wall.as_secs_f64();
    rows.push(Row {
        goal: "2. cold `cargo build` of the Access crate (deps built)".into(),
        measured: format!("{seconds:.1} s"),
        target: "< 6 s".into(),
        met: Some(seconds < 6.0),
    });
    json.insert(
        "access_cold_build".into(),
        serde_json::json!({"seconds": seconds}),
    );

    // Goal 7: compiling only some resource groups (Cargo features).
    crate::features::bench(root, &mut rows, &mut json)?;

    // Goal 2: the whole-spec crate, `cargo check` (opt-in: minutes and gigabytes).
    if full_build {
        let dir = out.join("full");
        let manifest = dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        if !text.contains("[workspace]") {
            text.push_str("\n[workspace]\n");
            std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
        }
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
        let target = out.join("full-target");
        for (what, limit) in [("check", 108.0), ("build", 108.0)] {
            let run = measure(
                cargo()
                    .current_dir(&dir)
                    .env("CARGO_TARGET_DIR", &target)
                    .args([what, "--offline", "-q"]),
            )?;
            let seconds = run.wall.as_secs_f64();
            let gb = run.max_rss_kb as f64 / 1024.0 / 1024.0;
            rows.push(Row {
                goal: format!("2. `cargo {what}` of the whole-spec crate"),
                measured: format!("{seconds:.0} s, {gb:.1} GB"),
                target: format!("< {limit:.0} s, < 3.3 GB"),
                met: Some(seconds < limit && gb < 3.3),
            });
            json.insert(
                format!("full_{what}"),
                serde_json::json!({"seconds": seconds, "max_rss_gb": gb}),
            );
        }
    }

    // Goals 3 and 4: the client benchmarks (tests/benches/client.rs).
    let output = cargo()
        .current_dir(root)
        .args([
            "bench",
            "--locked",
            "-q",
            "-p",
            "forge-tests",
            "--bench",
            "client",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the client benchmarks failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let number = |key: &str| {
            value
                .get(key)
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        match value.get("bench").and_then(serde_json::Value::as_str) {
            Some("decode") => {
                rows.push(Row {
                    goal: format!(
                        "3. typed decode of 1,000 applications ({:.1} MB) vs Value",
                        number("bytes") / 1e6
                    ),
                    measured: format!(
                        "{:.0} vs {:.0} MB/s = {:.2}x",
                        number("typed_decode_mb_s"),
                        number("value_decode_mb_s"),
                        number("decode_ratio")
                    ),
                    target: ">= 1.5x".into(),
                    met: Some(number("decode_ratio") >= 1.5),
                });
                rows.push(Row {
                    goal: "3. typed encode vs Value".into(),
                    measured: format!(
                        "{:.0} vs {:.0} MB/s = {:.2}x",
                        number("typed_encode_mb_s"),
                        number("value_encode_mb_s"),
                        number("encode_ratio")
                    ),
                    target: ">= 1.0x".into(),
                    met: Some(number("encode_ratio") >= 1.0),
                });
                json.insert("decode".into(), value.clone());
            }
            Some("request") => {
                rows.push(Row {
                    goal: "4. generated call vs plain reqwest + serde_json (10,000 requests)"
                        .into(),
                    measured: format!(
                        "{:.1} vs {:.1} µs = {:.2}x",
                        number("generated_us"),
                        number("plain_us"),
                        number("ratio")
                    ),
                    target: "<= 1.10x".into(),
                    met: Some(number("ratio") <= 1.10),
                });
                json.insert("request".into(), value.clone());
            }
            _ => {}
        }
    }

    let peer_table = if peers {
        peer_table(root, &cli, &spec, full_build, &mut json)?
    } else {
        String::new()
    };

    let table = table(&rows);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let header = format!("Machine: {cores} cores, {}.\n\n", machine());
    let table = format!("{table}{peer_table}");
    print!("{header}{table}");
    std::fs::write(out.join("bench.md"), format!("{header}{table}")).map_err(|e| e.to_string())?;
    json.insert("cores".into(), serde_json::json!(cores));
    std::fs::write(
        out.join("bench.json"),
        serde_json::to_string_pretty(&serde_json::Value::Object(json))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    eprintln!("wrote target/bench/bench.md and target/bench/bench.json");
    Ok(std::process::ExitCode::SUCCESS)
}

/// `--peers`: this project's CLI, progenitor and openapi-generator on the same two inputs (the
/// Access operations with the components they reach, and the whole unmodified spec), in one
/// harness; each tool's Access output is `cargo check`ed (with `full_build`, the whole-spec
/// output too). A Markdown table, also added to `json`.
fn peer_table(
    root: &Path,
    cli: &Path,
    spec: &Path,
    full_build: bool,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<String, String> {
    let generated = crate::regen::generate(root)?;
    let access = crate::subset::access_input(&generated.final_spec, &generated.api.operations)?;
    let dir = root.join("target/bench/peers");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let access_file = dir.join("access-input.json");
    std::fs::write(
        &access_file,
        serde_json::to_string(&access).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let operations = |v: &serde_json::Value| {
        v["paths"].as_object().map_or(0, |paths| {
            paths
                .values()
                .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.keys()))
                .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                .count()
        })
    };
    let access_ops = operations(&access);
    let methods = generated.api.operations.len();
    let inputs = [("access", access_file), ("full", spec.to_path_buf())];
    let check_inputs: &[&str] = if full_build {
        &["access", "full"]
    } else {
        &["access"]
    };
    let runs = super::peers::run(root, cli, &inputs, check_inputs)?;
    let mut table = format!(
        "\n### Peers: the same inputs in the same run\n\n\
         `access` is the final spec (after overlays) reduced to the {access_ops} spec operations \
         behind the client's {methods} methods and the components they reach (`target/bench/peers/access-input.json`); `full` is the whole \
         unmodified Cloudflare spec. One run each; a run is stopped after 240 s or 12 GB.\n\n\
         | Input | Tool | Result | Wall | Peak memory | Output | `cargo check` |\n\
         |---|---|---|---|---|---|---|\n"
    );
    let mut list = Vec::new();
    for run in &runs {
        let result = match &run.error {
            None => "ok".to_string(),
            Some(error) => format!(
                "**failed**: {}",
                error.replace('\n', " ").replace('|', "\\|")
            ),
        };
        let output = run.output.map_or("-".into(), |(lines, files)| {
            format!("{lines} lines, {files} files")
        });
        let check = match &run.check {
            None => "-".to_string(),
            Some(Ok(())) => "passes".into(),
            Some(Err(e)) => format!("**fails**: {}", e.replace('|', "\\|")),
        };
        table.push_str(&format!(
            "| {} | {} | {result} | {:.2} s | {:.0} MB | {output} | {check} |\n",
            run.input,
            run.tool,
            run.wall.as_secs_f64(),
            run.max_rss_kb as f64 / 1024.0
        ));
        list.push(serde_json::json!({
            "input": run.input,
            "tool": run.tool,
            "seconds": run.wall.as_secs_f64(),
            "max_rss_mb": run.max_rss_kb as f64 / 1024.0,
            "lines": run.output.map(|o| o.0),
            "files": run.output.map(|o| o.1),
            "error": run.error,
            "check": run.check.as_ref().map(|c| c.as_ref().err().cloned().unwrap_or_else(|| "passes".into())),
        }));
    }
    json.insert("peers".into(), serde_json::Value::Array(list));
    Ok(table)
}

/// The CPU model, from /proc/cpuinfo when there is one.
fn machine() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// The whole Cloudflare spec: the first of the config's local search paths that exists.
fn find_spec(root: &Path) -> Result<PathBuf, String> {
    let config = openapi_forge::config::Config::from_file(&root.join("spec/cloudflare.toml"))
        .map_err(|e| e.to_string())?;
    config
        .spec
        .search
        .iter()
        .map(|p| config.dir.join("..").join(p))
        .chain(std::iter::once(
            root.join("../shared/spec/cloudflare/openapi.json"),
        ))
        .find(|p| p.exists())
        .ok_or_else(|| {
            "the Cloudflare spec is not found (see spec/cloudflare.toml [spec] search)".into()
        })
}
