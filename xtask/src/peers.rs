//! `cargo xtask bench --peers`: the same inputs through progenitor and openapi-generator.
//!
//! Both tools are installed on first use into a cache outside the repository
//! (`$FORGE_PEERS_CACHE`, else `$XDG_CACHE_HOME/openapi-forge-peers`, else
//! `~/.cache/openapi-forge-peers`): `cargo-progenitor` from crates.io with `cargo install`,
//! `openapi-generator-cli` (which bundles the generator's jar; Java must be on the machine) from
//! PyPI into a Python virtual environment. Each run is bounded in time and memory, and a failure
//! is a result like any other: it is reported with its error, not hidden. The Access outputs
//! that check (openapi-generator's after its one known compile error is patched) are then
//! built cold beside this project's Access crate, for goal 1 of the performance issue.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::bounded::{tail, Limits};
use crate::measure::{cargo, rust_lines};

/// The versions compared (the ones the performance issue measured).
const PROGENITOR_VERSION: &str = "0.14.0";
const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// A peer run is stopped after 240 s, or when its resident memory passes 12 GB (the machine
/// has 24 GB).
const LIMITS: Limits = Limits {
    time: Duration::from_secs(240),
    memory_kb: 12 * 1024 * 1024,
};

/// How many times each tool runs on each input.
const RUNS: usize = 3;

/// One tool's run on one input.
struct PeerRun {
    tool: String,
    input: String,
    wall: Duration,
    max_rss_kb: i64,
    /// Lines and `.rs` files written, when the tool succeeded.
    output: Option<(usize, usize)>,
    /// Why the tool failed: its exit status and the end of its error output, or the limit hit.
    error: Option<String>,
    /// `cargo check` of the output: its time (dependencies checked first), or the number of
    /// errors and the first one.
    check: Option<Result<Duration, String>>,
    /// Known compile errors of the tool's output patched before it was checked (see
    /// [`patch_openapi_generator`]).
    patched: usize,
}

impl PeerRun {
    /// A run of `tool` on `input` that has not happened (yet).
    fn new(tool: Tool, input: &str) -> PeerRun {
        PeerRun {
            tool: tool.label(),
            input: input.to_string(),
            wall: Duration::ZERO,
            max_rss_kb: 0,
            output: None,
            error: None,
            check: None,
            patched: 0,
        }
    }
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

/// Run `command` to completion, its output captured; a failure says `what` failed and ends
/// with its error output.
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

/// `cargo check` of a peer's output crate: the time of a check of the crate alone, its
/// dependencies checked first (by a first check, after which the crate is cleaned), or the
/// number of errors and the first one.
fn check(dir: &Path, target: &Path) -> Result<Duration, String> {
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| format!("no Cargo.toml: {e}"))?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    let cargo_in = |args: &[&str]| {
        let mut command = cargo();
        command
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .args(args);
        command
    };
    let output = cargo_in(&["check", "-q", "--message-format", "short"])
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        let cleaned = cargo_in(&["clean", "-q", "-p", "peer-client"])
            .status()
            .map_err(|e| e.to_string())?;
        if !cleaned.success() {
            return Err("cargo clean -p peer-client failed".into());
        }
        let run = crate::measure::measure(&mut cargo_in(&["check", "-q"]))?;
        return Ok(run.wall);
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
    /// The tool and its version, as the report names it.
    fn label(self) -> String {
        match self {
            Tool::Forge => "openapi-forge (this project)".into(),
            Tool::Progenitor => format!("progenitor {PROGENITOR_VERSION}"),
            Tool::OpenapiGenerator => {
                format!("openapi-generator {OPENAPI_GENERATOR_VERSION} (rust)")
            }
        }
    }

    /// The tool's name in the output directories.
    fn slug(self) -> &'static str {
        match self {
            Tool::Forge => "openapi-forge",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiGenerator => "openapi-generator",
        }
    }

    /// The command that makes the tool (its `binary`) generate a crate from `spec` into `out`.
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

/// `cargo xtask bench --peers`: this project's CLI (`cli`), progenitor and openapi-generator on
/// the same three inputs (the Access operations with the components they reach, the CWE API
/// and the whole unmodified `spec`), in one harness; each tool's Access and CWE outputs are
/// `cargo check`ed. A Markdown table, also added to `json`.
pub fn report(
    root: &Path,
    cli: &Path,
    spec: &Path,
    json: &mut serde_json::Map<String, Value>,
) -> Result<String, String> {
    let generated = crate::regen::generate(root)?;
    let access = crate::subset::access_input(&generated.final_spec, &generated.api.operations)?;
    let access_file = write_access_input(root, &access)?;
    let cwe = crate::third_party::pinned_spec(root, "cwe")?;
    let inputs = [
        ("access", access_file),
        ("cwe", cwe),
        ("full", spec.to_path_buf()),
    ];
    // The whole spec's crates are not checked here: `--full-build` with `--baseline` builds
    // this project's against the baseline's, and openapi-generator's does not compile.
    let check_inputs: &[&str] = &["access", "cwe"];
    let runs = run(root, cli, &inputs, check_inputs)?;
    let mut table = format!(
        "\n### Peers: the same inputs in the same run\n\n\
         `access` is the final spec (after overlays) reduced to the {} spec operations \
         behind the client's {} methods and the components they reach (`target/bench/peers/access-input.json`); `cwe` is the \
         CWE REST API as the crates.io crate `cwe-api` 0.1.0 ships it (pinned in `xtask/third-party.toml`), which progenitor \
         takes; `full` is the whole unmodified Cloudflare spec. Wall: the median of {RUNS} runs of each tool on each input \
         (one, if it fails), each into an empty directory; peak memory: the largest of them. A run is stopped after \
         240 s or 12 GB. `cargo check` is timed once, on the crate alone, its dependencies checked first.\n\n\
         | Input | Tool | Result | Wall | Peak memory | Output | `cargo check` |\n\
         |---|---|---|---|---|---|---|\n",
        count_operations(&access),
        generated.api.operations.len()
    );
    for run in &runs {
        table.push_str(&table_row(run));
    }
    let list = runs.iter().map(json_entry).collect();
    json.insert("peers".into(), Value::Array(list));
    table.push_str(&access_builds(root, &runs, json)?);
    Ok(table)
}

/// Goal 1 against openapi-generator: a cold `cargo build` (debug, its dependencies built) of
/// this project's Access crate (`generated/`, default features) and of each peer's crate for
/// the Access input that passed its check (openapi-generator's with its known error patched),
/// interleaved, median of `BUILD_ROUNDS`. A paragraph for the report, also added to `json`.
fn access_builds(
    root: &Path,
    runs: &[PeerRun],
    json: &mut serde_json::Map<String, Value>,
) -> Result<String, String> {
    let cache = cache_dir(root)?;
    let target = cache.join("check-target");
    let out = root.join("target/bench/peers");
    let peers: Vec<(&PeerRun, PathBuf)> = runs
        .iter()
        .filter(|run| run.input == "access" && matches!(run.check, Some(Ok(_))))
        .filter_map(|run| {
            let tool = [Tool::Forge, Tool::Progenitor, Tool::OpenapiGenerator]
                .into_iter()
                .find(|tool| tool.label() == run.tool)?;
            Some((run, out.join(format!("{}-access", tool.slug()))))
        })
        .collect();
    let build_peer = |dir: &Path, clean: bool| -> Result<crate::measure::Run, String> {
        let cargo_in = |args: &[&str]| {
            let mut command = cargo();
            command
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", &target)
                .args(args);
            command
        };
        if clean {
            run_quietly(
                &mut cargo_in(&["clean", "-q", "-p", "peer-client"]),
                "cargo clean",
            )?;
        }
        crate::measure::measure(&mut cargo_in(&["build", "-q"]))
    };
    eprintln!("peers: cold builds of the Access crates");
    crate::baseline::build_access(root, None, false)?;
    for (_, dir) in &peers {
        build_peer(dir, false)?;
    }
    let mut ours = Vec::new();
    let mut theirs: Vec<Vec<crate::measure::Run>> = peers.iter().map(|_| Vec::new()).collect();
    for _ in 0..crate::baseline::BUILD_ROUNDS {
        ours.push(crate::baseline::build_access(root, None, true)?);
        for ((_, dir), times) in peers.iter().zip(&mut theirs) {
            times.push(build_peer(dir, true)?);
        }
    }
    let ours = crate::measure::median(ours).wall.as_secs_f64();
    let mut text = format!(
        "\nCold `cargo build` (debug, dependencies built, median of {} interleaved rounds): this project's \
         Access crate (`generated/`, default features) {ours:.1} s",
        crate::baseline::BUILD_ROUNDS
    );
    let mut entries = Vec::new();
    for ((run, _), times) in peers.iter().zip(theirs) {
        let seconds = crate::measure::median(times).wall.as_secs_f64();
        let patched = match run.patched {
            0 => String::new(),
            _ => ", its known compile error patched".into(),
        };
        text.push_str(&format!(
            "; {}'s crate for the Access input{patched} {seconds:.1} s (this project's Access crate takes {:.2}x of its time)",
            run.tool,
            ours / seconds
        ));
        entries.push(
            serde_json::json!({"tool": run.tool, "seconds": seconds, "patched": run.patched}),
        );
    }
    text.push_str(".\n");
    json.insert(
        "peers_access_build".into(),
        serde_json::json!({"forge_seconds": ours, "peers": entries}),
    );
    Ok(text)
}

/// Write the Access input to `target/bench/peers/access-input.json`; its path.
fn write_access_input(root: &Path, access: &Value) -> Result<PathBuf, String> {
    let dir = root.join("target/bench/peers");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let access_file = dir.join("access-input.json");
    std::fs::write(
        &access_file,
        serde_json::to_string(access).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    Ok(access_file)
}

/// The number of operations (path item methods) of `spec`.
fn count_operations(spec: &Value) -> usize {
    spec["paths"].as_object().map_or(0, |paths| {
        paths
            .values()
            .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.keys()))
            .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
            .count()
    })
}

/// The Markdown table row of one run.
fn table_row(run: &PeerRun) -> String {
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
    let output = match run.patched {
        0 => output,
        n => format!("{output} ({n} empty enum `Default` impl(s) removed)"),
    };
    let check = match &run.check {
        None => "-".to_string(),
        Some(Ok(time)) => format!("passes, {:.1} s", time.as_secs_f64()),
        Some(Err(e)) => format!("**fails**: {}", e.replace('|', "\\|")),
    };
    format!(
        "| {} | {} | {result} | {:.2} s | {:.0} MB | {output} | {check} |\n",
        run.input,
        run.tool,
        run.wall.as_secs_f64(),
        run.max_rss_kb as f64 / 1024.0
    )
}

/// The entry of one run in the JSON report.
fn json_entry(run: &PeerRun) -> Value {
    serde_json::json!({
        "input": run.input,
        "tool": run.tool,
        "seconds": run.wall.as_secs_f64(),
        "max_rss_mb": run.max_rss_kb as f64 / 1024.0,
        "lines": run.output.map(|o| o.0),
        "files": run.output.map(|o| o.1),
        "error": run.error,
        "check": run.check.as_ref().map(|c| c.as_ref().err().cloned().unwrap_or_else(|| "passes".into())),
        "check_seconds": run.check.as_ref().and_then(|c| c.as_ref().ok()).map(Duration::as_secs_f64),
        "patched": run.patched,
    })
}

/// Run this project's release CLI (`forge`) and both peers on `inputs` (name, spec file), one
/// after the other in the same harness; `cargo check` the output of each tool that succeeded on
/// the inputs named in `check_inputs`.
fn run(
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
            let run = match binary {
                Ok(binary) => {
                    let dir = out.join(format!("{}-{input}", tool.slug()));
                    let check_target = check_inputs
                        .contains(input)
                        .then(|| cache.join("check-target"));
                    run_tool(*tool, binary, input, spec, &dir, check_target.as_deref())?
                }
                Err(error) => PeerRun {
                    error: Some(format!("not installed: {error}")),
                    ..PeerRun::new(*tool, input)
                },
            };
            runs.push(run);
        }
    }
    Ok(runs)
}

/// One `tool` (its `binary`) on one `input` (the file `spec`), writing into `dir`; its output
/// `cargo check`ed in `check_target` when given and the tool succeeded.
fn run_tool(
    tool: Tool,
    binary: &Path,
    input: &str,
    spec: &Path,
    dir: &Path,
    check_target: Option<&Path>,
) -> Result<PeerRun, String> {
    let mut run = PeerRun::new(tool, input);
    eprintln!("peers: {} on {input}", tool.label());
    // Each tool runs RUNS times, each into an empty directory; the median wall time is
    // reported (the first run of a process also pays for loading it from disk), with the
    // largest peak memory. A failure is not repeated.
    let mut walls = Vec::new();
    let mut outcome;
    loop {
        let _ = std::fs::remove_dir_all(dir);
        outcome = crate::bounded::run(&mut tool.command(binary, spec, dir), &LIMITS)?;
        walls.push(outcome.wall);
        run.max_rss_kb = run.max_rss_kb.max(outcome.max_rss_kb);
        if outcome.result.is_err() || walls.len() == RUNS {
            break;
        }
    }
    walls.sort();
    run.wall = walls[walls.len() / 2];
    if outcome.result.is_ok() {
        run.output = Some(rust_lines(dir));
        if let Some(target) = check_target {
            if let Tool::OpenapiGenerator = tool {
                run.patched = patch_openapi_generator(dir)?;
            }
            eprintln!("peers: cargo check of {}'s {input} crate", tool.label());
            run.check = Some(check(dir, target));
        }
    }
    run.error = outcome.result.err();
    Ok(run)
}

/// openapi-generator 7.26.0 writes, for an enum schema without values (in the Access input,
/// the `result` of the failure envelope), an `impl Default` whose body is `Self::` without a
/// variant: its one compile error on that input. Goal 1 of the performance issue compares
/// builds with that error patched, so each such impl is removed (the enum has no value to be
/// a default, and nothing uses one). The number of impls removed.
fn patch_openapi_generator(dir: &Path) -> Result<usize, String> {
    const BODY: &str = " {\n        Self::\n    }\n}\n";
    let models = dir.join("src/models");
    let Ok(entries) = std::fs::read_dir(&models) else {
        return Ok(0);
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut patched = text.clone();
        while let Some(end) = patched.find(BODY) {
            let start = patched[..end]
                .rfind("impl Default for ")
                .filter(|&start| !patched[start..end].contains('}'))
                .ok_or_else(|| format!("{}: `Self::` outside an `impl Default`", path.display()))?;
            patched.replace_range(start..end + BODY.len(), "");
            removed += 1;
        }
        if patched != text {
            std::fs::write(&path, patched).map_err(|e| e.to_string())?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::patch_openapi_generator;

    /// The shape openapi-generator 7.26.0 writes for an enum schema without values.
    const EMPTY_ENUM: &str = "#[derive(Clone, Copy, Debug)]\npub enum Result {\n}\n\n\
        impl Default for Result {\n    fn default() -> Result {\n        Self::\n    }\n}\n\n";
    const STRUCT: &str =
        "#[derive(Default)]\npub struct Failure {\n    pub result: Option<Result>,\n}\n\n\
        impl Default for Other {\n    fn default() -> Other {\n        Self::First\n    }\n}\n";

    #[test]
    fn only_the_empty_enum_default_impls_are_removed() {
        let dir = std::env::temp_dir().join(format!("peers-patch-{}", std::process::id()));
        let models = dir.join("src/models");
        std::fs::create_dir_all(&models).unwrap();
        let file = models.join("failure.rs");
        std::fs::write(&file, format!("{STRUCT}{EMPTY_ENUM}{STRUCT}")).unwrap();
        assert_eq!(patch_openapi_generator(&dir), Ok(1));
        let patched = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            patched,
            format!("{STRUCT}#[derive(Clone, Copy, Debug)]\npub enum Result {{\n}}\n\n\n{STRUCT}")
        );
        // A second pass finds nothing left to patch.
        assert_eq!(patch_openapi_generator(&dir), Ok(0));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
