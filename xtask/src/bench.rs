//! `cargo xtask bench`: generation time and memory, generated code size, build time of the
//! generated crate, typed decoding against `serde_json::Value`, and request overhead against
//! plain `reqwest`. Prints one table and writes it to `target/bench/bench.md` and
//! `target/bench/bench.json`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

use crate::measure::{cargo, measure, median, rust_lines, Run};
use crate::table::{table, Row};

/// The JSON report, `target/bench/bench.json`, as it is filled.
type Json = serde_json::Map<String, Value>;

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

/// `cargo xtask bench`: every goal in one table; `full_build` adds the whole-spec crate's
/// `cargo check` and `cargo build`, `peers` the comparison with progenitor and
/// openapi-generator, `baseline` the ratios to another revision (`crate::baseline`).
pub fn run(
    root: &Path,
    full_build: bool,
    peers: bool,
    baseline: Option<&str>,
) -> Result<ExitCode, String> {
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let cli = build_generator(root)?;
    let spec = find_spec(root)?;
    let mut rows = Vec::new();
    let mut json = Json::new();
    // Goal 1: generation, median of 5 runs.
    for target in generation_targets(&spec) {
        generation(root, &cli, &target, &out, &mut rows, &mut json)?;
    }
    // Goal 6: an allOf chain 5,000 deep against one 500 deep.
    allof_chain(&cli, &out, &mut rows, &mut json)?;
    // Goal 2: cold build of the generated Access crate alone, dependencies already built.
    access_build(root, &mut rows, &mut json)?;
    let baseline = match baseline {
        Some(rev) => Some(crate::baseline::prepare(root, rev)?),
        None => None,
    };
    if let Some(baseline) = &baseline {
        crate::baseline::generation(root, &cli, &spec, baseline, &mut rows, &mut json)?;
        crate::baseline::access_build(root, baseline, &mut rows, &mut json)?;
    }
    // Goal 7: compiling only some resource groups (Cargo features).
    crate::features::bench(root, &mut rows, &mut json)?;
    // Goal 2: the whole-spec crate (opt-in: minutes and gigabytes), against the baseline's
    // when there is one.
    match (full_build, &baseline) {
        (true, Some(baseline)) => {
            crate::whole::compare(root, &cli, &spec, baseline, &mut rows, &mut json)?
        }
        (true, None) => whole_spec_build(root, &out, &mut rows, &mut json)?,
        (false, _) => {}
    }
    // Goals 3 and 4: the client benchmarks (tests/benches/client.rs).
    client_benches(root, &mut rows, &mut json)?;
    let peer_table = if peers {
        crate::peers::report(root, &cli, &spec, &mut json)?
    } else {
        String::new()
    };
    write_report(&out, &rows, &peer_table, json)?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo build --release` of the generator; the path of its CLI.
fn build_generator(root: &Path) -> Result<PathBuf, String> {
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", "openapi-forge"])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("building the generator failed".into());
    }
    Ok(root.join("target/release/openapi-forge"))
}

/// One input of the generation benchmark and its goals.
struct GenerationTarget {
    name: &'static str,
    /// The CLI's arguments, before `--out`.
    args: Vec<String>,
    /// Wall-time goal, in seconds.
    limit: f64,
    /// Peak-memory goal, in KB, when there is one.
    rss_limit: Option<i64>,
}

/// The Access client (from its config) and the whole `spec`, leniently.
fn generation_targets(spec: &Path) -> [GenerationTarget; 2] {
    [
        GenerationTarget {
            name: "access",
            args: vec!["--config".into(), "spec/cloudflare.toml".into()],
            limit: 0.2,
            rss_limit: None,
        },
        GenerationTarget {
            name: "full",
            args: vec![
                "--spec".into(),
                spec.display().to_string(),
                "--lenient".into(),
            ],
            limit: 1.0,
            rss_limit: Some(300 * 1024),
        },
    ]
}

/// Goal 1 for one target: generate into `out/<name>` 5 times with the release `cli`; rows for
/// the median wall time, the peak memory and the size of what was generated.
fn generation(
    root: &Path,
    cli: &Path,
    target: &GenerationTarget,
    out: &Path,
    rows: &mut Vec<Row>,
    json: &mut Json,
) -> Result<(), String> {
    let name = target.name;
    let dir = out.join(name);
    let mut runs = Vec::new();
    for _ in 0..5 {
        let mut command = Command::new(cli);
        command
            .current_dir(root)
            .args(&target.args)
            .arg("--out")
            .arg(&dir)
            .arg("--quiet")
            .stderr(std::process::Stdio::null());
        runs.push(measure(&mut command)?);
    }
    let run = median(runs);
    let seconds = run.wall.as_secs_f64();
    let mb = run.max_rss_kb as f64 / 1024.0;
    let (lines, files) = rust_lines(&dir);
    let item_count = items(&dir);
    rows.push(Row {
        goal: format!("1. generate {name}: wall (median of 5)"),
        measured: format!("{seconds:.3} s"),
        target: format!("< {} s", target.limit),
        met: Some(seconds < target.limit),
    });
    rows.push(Row {
        goal: format!("1. generate {name}: peak memory"),
        measured: format!("{mb:.0} MB"),
        target: target
            .rss_limit
            .map_or("-".into(), |l| format!("< {} MB", l / 1024)),
        met: target.rss_limit.map(|l| run.max_rss_kb < l),
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
    Ok(())
}

/// A spec whose one operation answers with the last of `depth` schemas, each an allOf of the
/// one before and an object of one more property.
fn chain_spec(depth: usize) -> Value {
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "s0".into(),
        serde_json::json!({"type": "object", "properties": {"p0": {"type": "string"}}}),
    );
    for i in 1..depth {
        schemas.insert(
            format!("s{i}"),
            serde_json::json!({"allOf": [
                {"$ref": format!("#/components/schemas/s{}", i - 1)},
                {"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}
            ]}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "allOf chain", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "get-x", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {
                "$ref": format!("#/components/schemas/s{}", depth - 1)
            }}}
        }}}}},
        "components": {"schemas": schemas}
    })
}

/// Goal 6: generation of an allOf chain 5,000 deep against one 500 deep with the release
/// `cli`, median of 5 each, interleaved; one row with the time ratio and both peak memories.
fn allof_chain(cli: &Path, out: &Path, rows: &mut Vec<Row>, json: &mut Json) -> Result<(), String> {
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    let depths = [500, 5000];
    for depth in depths {
        let spec = out.join(format!("chain-{depth}.json"));
        std::fs::write(&spec, chain_spec(depth).to_string()).map_err(|e| e.to_string())?;
    }
    for _ in 0..5 {
        for (index, depth) in depths.iter().enumerate() {
            let mut command = Command::new(cli);
            command
                .arg("--spec")
                .arg(out.join(format!("chain-{depth}.json")))
                .arg("--out")
                .arg(out.join(format!("chain-{depth}")))
                .arg("--quiet")
                .stderr(std::process::Stdio::null());
            runs[index].push(measure(&mut command)?);
        }
    }
    let [short, long] = runs.map(median);
    let ratio = long.wall.as_secs_f64() / short.wall.as_secs_f64().max(f64::EPSILON);
    rows.push(Row {
        goal: "6. generate an allOf chain 5,000 deep vs 500 deep (median of 5)".into(),
        measured: format!(
            "{:.3} s vs {:.3} s = {ratio:.1}x; {:.0} MB vs {:.0} MB",
            long.wall.as_secs_f64(),
            short.wall.as_secs_f64(),
            long.max_rss_kb as f64 / 1024.0,
            short.max_rss_kb as f64 / 1024.0
        ),
        target: "<= 12x".into(),
        met: Some(ratio <= 12.0),
    });
    json.insert(
        "allof_chain".into(),
        serde_json::json!({
            "seconds_500": short.wall.as_secs_f64(),
            "seconds_5000": long.wall.as_secs_f64(),
            "max_rss_mb_500": short.max_rss_kb as f64 / 1024.0,
            "max_rss_mb_5000": long.max_rss_kb as f64 / 1024.0,
        }),
    );
    Ok(())
}

/// `cargo build` of the generated Access crate alone, after `cargo clean` of it when `clean`.
fn build_access(root: &Path, clean: bool) -> Result<Run, String> {
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
    measure(
        cargo()
            .current_dir(root)
            .args(["build", "--locked", "-q", "-p", "cloudflare-access"]),
    )
}

/// Goal 2: the row of a cold build of the Access crate, its dependencies built first.
fn access_build(root: &Path, rows: &mut Vec<Row>, json: &mut Json) -> Result<(), String> {
    build_access(root, false)?;
    let run = build_access(root, true)?;
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
    Ok(())
}

/// Goal 2 for the whole-spec crate generated into `out/full`: rows for its `cargo check` and
/// `cargo build`, each with its peak memory, in a target directory of their own.
fn whole_spec_build(
    root: &Path,
    out: &Path,
    rows: &mut Vec<Row>,
    json: &mut Json,
) -> Result<(), String> {
    let dir = out.join("full");
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
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
    Ok(())
}

/// Goals 3 and 4: run the client benchmarks (tests/benches/client.rs) and add a row for each
/// JSON line they print.
fn client_benches(root: &Path, rows: &mut Vec<Row>, json: &mut Json) -> Result<(), String> {
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
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match value.get("bench").and_then(Value::as_str) {
            Some("decode") => {
                rows.extend(decode_rows(&value));
                json.insert("decode".into(), value);
            }
            Some("request") => {
                rows.push(request_row(&value));
                json.insert("request".into(), value);
            }
            Some("request_unknown_type") => {
                let mut row = request_row(&value);
                row.goal = "4. the same call answering with an application of an unknown type (kept as JSON)".into();
                row.target = "report".into();
                row.met = None;
                rows.push(row);
                json.insert("request_unknown_type".into(), value);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The number under `key` of a benchmark's JSON line (0 when missing).
fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

/// Goal 3: typed decoding and encoding against `serde_json::Value`, from the `decode` line.
fn decode_rows(value: &Value) -> [Row; 2] {
    let number = |key: &str| number(value, key);
    [
        Row {
            goal: format!(
                "3. typed decode of 1,000 applications ({:.1} MB) vs Value (median of {} paired rounds' ratios)",
                number("bytes") / 1e6,
                number("rounds")
            ),
            measured: format!(
                "{:.0} vs {:.0} MB/s = {:.2}x",
                number("typed_decode_mb_s"),
                number("value_decode_mb_s"),
                number("decode_ratio")
            ),
            target: ">= 1.5x".into(),
            met: Some(number("decode_ratio") >= 1.5),
        },
        Row {
            goal: "3. typed encode vs Value".into(),
            measured: format!(
                "{:.0} vs {:.0} MB/s = {:.2}x",
                number("typed_encode_mb_s"),
                number("value_encode_mb_s"),
                number("encode_ratio")
            ),
            target: ">= 1.0x".into(),
            met: Some(number("encode_ratio") >= 1.0),
        },
    ]
}

/// Goal 4: a generated call against plain `reqwest` + `serde_json`, from the `request` line.
fn request_row(value: &Value) -> Row {
    let number = |key: &str| number(value, key);
    Row {
        goal: "4. generated call vs plain reqwest + serde_json (10,000 requests, an application of a known type; median of paired batch ratios)".into(),
        measured: format!(
            "{:.1} vs {:.1} µs = {:.2}x",
            number("generated_us"),
            number("plain_us"),
            number("ratio")
        ),
        target: "<= 1.10x".into(),
        met: Some(number("ratio") <= 1.10),
    }
}

/// Print the machine, the table of `rows` and the `peer_table`, and write them to
/// `out/bench.md`, with `json` (and the core count) to `out/bench.json`.
fn write_report(out: &Path, rows: &[Row], peer_table: &str, mut json: Json) -> Result<(), String> {
    let table = table(rows);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let header = format!("Machine: {cores} cores, {}.\n\n", machine());
    let table = format!("{table}{peer_table}");
    print!("{header}{table}");
    std::fs::write(out.join("bench.md"), format!("{header}{table}")).map_err(|e| e.to_string())?;
    json.insert("cores".into(), serde_json::json!(cores));
    std::fs::write(
        out.join("bench.json"),
        serde_json::to_string_pretty(&Value::Object(json)).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    eprintln!("wrote target/bench/bench.md and target/bench/bench.json");
    Ok(())
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
