//! Project tasks: `cargo xtask regen [--check]`, `test`, `e2e`, `bench [--full-build] [--peers]`,
//! `features [--bench]`, `fuzz`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

mod bench;
mod e2e;
mod features;
mod fuzz;
mod measure;
mod peers;
mod subset;
mod table;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use openapi_forge::config::Config;
use openapi_forge::Generator;

/// Project tasks of openapi-forge: regenerate, test and measure the generated Cloudflare Access
/// client (generated/).
#[derive(Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true,
    after_help = "`cargo xtask <task> --help` tells what a task does and documents its flags."
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate generated/ and print what changed in the public API
    ///
    /// Regenerate generated/ from the pinned spec and spec/cloudflare.toml, and print what
    /// changed in the public API (methods, types, fields, enum values, union variants) with a
    /// semver verdict.
    Regen(RegenArgs),
    /// Move the spec pin to a new upstream spec
    ///
    /// Show what a new upstream spec changes in the API, then move the pin (sha256, and the url
    /// when given one) in spec/cloudflare.toml to it.
    Spec(SpecArgs),
    /// Run every test of the workspace, then `features` and `e2e` (what CI runs)
    Test,
    /// Call every generated method against the Prism mock server
    ///
    /// Serves static examples and then dynamic random responses; needs Node.js and npm (runs
    /// `npm ci --prefix tests/prism` when Prism is not installed).
    E2e,
    /// Performance report (generation, code size, build time, decoding, requests)
    ///
    /// Prints one table and writes it into target/bench/ (bench.md and bench.json).
    Bench(BenchArgs),
    /// Clippy the generated crate with no resource-group feature and with each alone
    ///
    /// Part of `test`; warnings are denied.
    Features(FeaturesArgs),
    /// Run the cargo-fuzz targets (generate, decode) side by side
    ///
    /// Needs the nightly toolchain and `cargo install cargo-fuzz`.
    Fuzz(FuzzArgs),
}

#[derive(Args)]
struct RegenArgs {
    /// Exit non-zero (with a short summary) if generated/ is not what the generator makes now
    #[arg(long)]
    check: bool,
    /// Regenerate from another spec file (a newer upstream download), unpinned
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Also write the API change summary as Markdown (for a pull request)
    #[arg(long, value_name = "FILE")]
    summary_md: Option<PathBuf>,
}

#[derive(Args)]
struct SpecArgs {
    /// The new spec (a URL to download, or a file): show what it changes in the API, then
    /// move the pin to it
    #[arg(long, value_name = "URL_OR_FILE")]
    update: String,
}

#[derive(Args)]
struct BenchArgs {
    /// Also check and build the whole-spec crate (minutes and gigabytes)
    #[arg(long)]
    full_build: bool,
    /// Also run progenitor and openapi-generator on the same inputs (installed on first use
    /// into ~/.cache/openapi-forge-peers, or $FORGE_PEERS_CACHE)
    #[arg(long)]
    peers: bool,
}

#[derive(Args)]
struct FeaturesArgs {
    /// Measure the build time of each feature set against the default instead (also written
    /// to target/bench/features.md)
    #[arg(long)]
    bench: bool,
}

#[derive(Args)]
struct FuzzArgs {
    /// How long each target runs, in seconds
    #[arg(long, value_name = "N", default_value_t = 600)]
    seconds: u64,
    /// The targets to run (all of them when none is named)
    #[arg(value_name = "TARGET", value_parser = PossibleValuesParser::new(fuzz::TARGETS))]
    targets: Vec<String>,
}

fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::Regen(args) => regen(args),
        Task::Spec(args) => spec_update(&args.update),
        Task::Test => test(),
        Task::E2e => e2e::run(&root()),
        Task::Bench(args) => bench::run(&root(), args.full_build, args.peers),
        Task::Features(args) if args.bench => features::bench_report(&root()),
        Task::Features(_) => features::check(&root()),
        Task::Fuzz(args) => fuzz::run(&root(), args.seconds, &args.targets),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the final (overlaid) spec is written for the mock server.
const FINAL_SPEC: &str = "target/spec/cloudflare-access.json";

/// Generate from `spec/cloudflare.toml` and its pinned spec (or `spec`, unpinned, when given),
/// and write the final (overlaid) spec to [`FINAL_SPEC`].
fn generate_from(root: &Path, spec: Option<&Path>) -> Result<openapi_forge::Generated, String> {
    let config =
        Config::from_file(&root.join("spec/cloudflare.toml")).map_err(|e| e.to_string())?;
    let generator = Generator::new(config);
    let generator = match spec {
        Some(path) => generator.verify_pin(false).spec_file(path),
        None => generator.pinned_spec(root, &root.join("target/spec-cache")),
    };
    let generated = generator
        .and_then(Generator::generate)
        .map_err(|e| e.to_string())?;
    let spec_out = root.join(FINAL_SPEC);
    if let Some(dir) = spec_out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&spec_out, &generated.final_spec)
        .map_err(|e| format!("{}: {e}", spec_out.display()))?;
    Ok(generated)
}

/// [`generate_from`] the pinned spec.
fn generate(root: &Path) -> Result<openapi_forge::Generated, String> {
    generate_from(root, None)
}

/// The public-surface lines of a surface file's text (comments dropped).
fn surface_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// What changed in the public API between the committed crate and `generated`.
fn api_summary(
    on_disk: &BTreeMap<String, String>,
    generated: &openapi_forge::Generated,
) -> openapi_forge::surface::Summary {
    let file = openapi_forge::surface::FILE;
    let old = surface_lines(on_disk.get(file).map_or("", String::as_str));
    let new = surface_lines(generated.files.get(file).map_or("", String::as_str));
    openapi_forge::surface::diff(&old, &new)
}

/// The version of the committed crate (what a bump starts from).
fn committed_version(on_disk: &BTreeMap<String, String>) -> String {
    on_disk
        .get("Cargo.toml")
        .and_then(|manifest| {
            manifest
                .lines()
                .find_map(|l| l.strip_prefix("version = \""))
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "0.1.0".into())
}

fn regen(args: RegenArgs) -> Result<ExitCode, String> {
    let root = root();
    let spec_out = root.join(FINAL_SPEC);
    let mut generated = generate_from(&root, args.spec.as_deref())?;
    rustfmt(&mut generated.files)?;
    let out = root.join("generated");
    let on_disk = read_tree(&out)?;
    let changes = diff(&on_disk, &generated.files);
    let summary = api_summary(&on_disk, &generated);
    let version = committed_version(&on_disk);
    if let Some(path) = &args.summary_md {
        std::fs::write(path, summary.markdown(&version))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.check {
        if changes.is_empty() {
            println!("generated/ is up to date ({} files)", generated.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "generated/ is stale: {} file(s) differ from what the generator makes now:",
            changes.len()
        );
        for change in changes.iter().take(20) {
            eprintln!("  {change}");
        }
        if changes.len() > 20 {
            eprintln!("  ... and {} more", changes.len() - 20);
        }
        eprint!("{}", summary.text(&version));
        eprintln!("run `cargo xtask regen` and commit generated/");
        return Ok(ExitCode::FAILURE);
    }
    generated.write_to(&out).map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        println!("warning: {warning}");
    }
    println!(
        "regenerated generated/: {} methods, {} types, {} files ({} changed), {} warnings; final spec in {}",
        generated.api.operations.len(),
        generated.api.types.types.len(),
        generated.files.len(),
        changes.len(),
        generated.warnings.len(),
        spec_out.strip_prefix(&root).unwrap_or(&spec_out).display()
    );
    print!("{}", summary.text(&version));
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask spec --update URL_OR_FILE`: fetch the new spec, show what it changes in the
/// public API against the committed crate, then move the pin to it and keep a copy in the
/// download cache (`target/spec-cache/<sha256>.json`) so `cargo xtask regen` finds it.
fn spec_update(source: &str) -> Result<ExitCode, String> {
    let root = root();
    let is_url = source.starts_with("https://") || source.starts_with("http://");
    let bytes = if is_url {
        openapi_forge::load::source::download(source).map_err(|e| format!("{source}: {e}"))?
    } else {
        std::fs::read(source).map_err(|e| format!("{source}: {e}"))?
    };
    let sha = openapi_forge::load::source::sha256_hex(&bytes);
    let cache = root.join("target/spec-cache");
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let cached = cache.join(format!("{sha}.json"));
    std::fs::write(&cached, &bytes).map_err(|e| format!("{}: {e}", cached.display()))?;
    // The summary first: a spec that does not generate does not move the pin.
    let mut generated = generate_from(&root, Some(&cached))?;
    rustfmt(&mut generated.files)?;
    let on_disk = read_tree(&root.join("generated"))?;
    let summary = api_summary(&on_disk, &generated);
    print!("{}", summary.text(&committed_version(&on_disk)));
    let config_path = root.join("spec/cloudflare.toml");
    let text = std::fs::read_to_string(&config_path).map_err(|e| e.to_string())?;
    let mut updated = String::new();
    for line in text.lines() {
        if line.starts_with("sha256 = ") {
            updated.push_str(&format!("sha256 = \"{sha}\""));
        } else if is_url && line.starts_with("url = ") {
            updated.push_str(&format!("url = \"{source}\""));
        } else {
            updated.push_str(line);
        }
        updated.push('\n');
    }
    std::fs::write(&config_path, updated).map_err(|e| e.to_string())?;
    println!(
        "moved the pin in spec/cloudflare.toml to sha256 {sha}{}; the spec is cached in {}.\n\
         Next: `cargo xtask regen`, review, commit spec/cloudflare.toml and generated/.",
        if is_url {
            format!(" ({source})")
        } else {
            String::new()
        },
        cached.strip_prefix(&root).unwrap_or(&cached).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Format the generated Rust files with the toolchain's rustfmt, so the generated crate is
/// `cargo fmt` clean. (The generator's own output is prettyplease-formatted and deterministic
/// without rustfmt; this only aligns it with the workspace style.)
fn rustfmt(files: &mut BTreeMap<String, String>) -> Result<(), String> {
    use std::io::Write;
    for (path, contents) in files.iter_mut().filter(|(p, _)| p.ends_with(".rs")) {
        let mut child = Command::new("rustfmt")
            .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!("running rustfmt (install it with `rustup component add rustfmt`): {e}")
            })?;
        let mut stdin = child.stdin.take().ok_or("rustfmt stdin")?;
        let input = contents.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        writer
            .join()
            .map_err(|_| "rustfmt writer panicked")?
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!(
                "rustfmt failed on {path}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        *contents = String::from_utf8(output.stdout).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn test() -> Result<ExitCode, String> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--workspace", "--locked"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    if features::check(&root)? != ExitCode::SUCCESS {
        return Ok(ExitCode::FAILURE);
    }
    e2e::run(&root)
}

fn read_tree(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries =
            std::fs::read_dir(&current).map_err(|e| format!("{}: {e}", current.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.insert(relative, text);
            }
        }
    }
    Ok(out)
}

/// One line per differing file: added, removed, or changed at a line.
fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<String> {
    let mut changes = Vec::new();
    for (path, text) in new {
        match old.get(path) {
            None => changes.push(format!("added    {path}")),
            Some(previous) if previous != text => {
                let line = previous
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| previous.lines().count().min(text.lines().count()))
                    + 1;
                let (a, b) = (previous.lines().count(), text.lines().count());
                changes.push(format!(
                    "changed  {path} (first difference at line {line}; {a} -> {b} lines)"
                ));
            }
            Some(_) => {}
        }
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        changes.push(format!("removed  {path}"));
    }
    changes
}
