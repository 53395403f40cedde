//! Project tasks of openapi-forge, run as `cargo xtask <task>`: `regen [--check] [--spec FILE]
//! [--summary-md FILE]`, `spec --update URL_OR_FILE`, `test`, `e2e`, `bench [--full-build]
//! [--peers] [--baseline REV]`, `features [--bench]`, `fuzz [--seconds N] [TARGET]...`,
//! `third-party [--check-only | --e2e] [NAME]...`. `cargo xtask --help`
//! lists them and `cargo xtask <task> --help` documents a task's flags: they are declared once,
//! with clap, below.
//!
//! The modules, with what each does and the modules of xtask it uses (a sibling module never
//! uses main.rs, and the graph has no cycle; `tests::module_graph` checks both against this
//! list):
//!
//! - `main`: the command line, the workspace root and `test`. Uses: every task module.
//! - `regen`: generate the client, format it, compare it with generated/; `regen`. Uses: none.
//! - `pin`: `spec --update`: move the spec pin in spec/cloudflare.toml. Uses: `regen`.
//! - `e2e`: the generated client against the Prism mock server. Uses: `regen`.
//! - `fuzz`: seed the corpora, run the cargo-fuzz targets. Uses: `regen`, `subset`.
//! - `features`: clippy and build time of each resource-group feature. Uses: `measure`, `table`.
//! - `bench`: the performance report. Uses: `baseline`, `features`, `measure`, `peers`, `table`,
//!   `whole`.
//! - `baseline`: another revision's generator and Access crate measured beside this tree's.
//!   Uses: `measure`, `table`.
//! - `whole`: the whole-spec crate's check and build against the baseline's, and one product
//!   alone. Uses: `baseline`, `measure`, `table`.
//! - `peers`: progenitor and openapi-generator on the same inputs, their table, and the cold
//!   builds of the Access crates. Uses: `baseline`, `bounded`, `measure`, `regen`, `subset`,
//!   `third_party`.
//! - `subset`: a spec reduced to the client's operations, or to a sample of a large spec's.
//!   Uses: none.
//! - `measure`: a `cargo` command, wall time and peak memory of a process, lines of Rust. Uses:
//!   none.
//! - `table`: the benchmarks' rows as a Markdown table. Uses: none.
//! - `bounded`: a child process bounded in time and memory, and why it failed. Uses: none.
//! - `third_party`: the generator, clippy, build, tests and e2e run on pinned specs of other
//!   APIs. Uses: `diagnostics`, `e2e`, `libtest`, `measure`, `subset`.
//! - `libtest`: run the test binaries of a cargo build and say which tests failed. Uses: none.
//! - `diagnostics`: compiler diagnostics and generator warnings grouped by cause. Uses: none.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod baseline;
mod bench;
mod bounded;
mod diagnostics;
mod e2e;
mod features;
mod fuzz;
mod libtest;
mod measure;
mod peers;
mod pin;
mod regen;
mod subset;
mod table;
mod third_party;
mod whole;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

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
    E2e(E2eArgs),
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
    /// Generate, lint, build and test clients of other APIs' public specs, and report what fails
    ///
    /// The specs are pinned in xtask/third-party.toml (package URL and sha256, the spec file in it
    /// and its sha256) and fetched with npm pack into target/third-party-cache/. Each is generated
    /// without a config into `target/third-party/<name>` (with --lenient when the default refuses
    /// it), then `cargo clippy --all-targets` (any warning fails, as with -D warnings) and `cargo
    /// build --all-targets` run on the crate, and the test binaries that built are run. The
    /// report, with the refused problems and the compiler diagnostics grouped by cause and the
    /// failing tests, goes to `target/third-party/<name>-report.txt`. Fails when any step does. Not
    /// part of `test`.
    ThirdParty(ThirdPartyArgs),
}

/// Options of `e2e`.
#[derive(Args)]
struct E2eArgs {
    /// Run only these subjects: `cloudflare-access` or fixture names (`24_service`); all by
    /// default
    only: Vec<String>,
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
    /// Also measure the generator and the Access crate of this git revision beside this
    /// tree's, interleaved, and report the ratios (checked out into target/bench/)
    #[arg(long, value_name = "REV")]
    baseline: Option<String>,
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

#[derive(Args)]
struct ThirdPartyArgs {
    /// Stop after clippy (type checks and lints): skip `cargo build` and the tests
    #[arg(long)]
    check_only: bool,
    /// Then run the crate's e2e test against the Prism mock server serving the spec
    #[arg(long, conflicts_with = "check_only")]
    e2e: bool,
    /// The specs to run, by their name in xtask/third-party.toml (all of them when none is
    /// named)
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

/// Parse the command line (a usage error exits with status 2) and run the task.
fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::Regen(args) => regen::run(
            &root(),
            args.check,
            args.spec.as_deref(),
            args.summary_md.as_deref(),
        ),
        Task::Spec(args) => pin::update(&root(), &args.update),
        Task::Test => test(),
        Task::E2e(args) => e2e::run(&root(), &args.only),
        Task::Bench(args) => bench::run(
            &root(),
            args.full_build,
            args.peers,
            args.baseline.as_deref(),
        ),
        Task::Features(args) if args.bench => features::bench_report(&root()),
        Task::Features(_) => features::check(&root()),
        Task::Fuzz(args) => fuzz::run(&root(), args.seconds, &args.targets),
        Task::ThirdParty(args) => third_party::run(&root(), args.check_only, args.e2e, &args.names),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of xtask/).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `cargo xtask test`: every test of the workspace, then the feature sets of the generated
/// crate, then the end-to-end tests; stops at the first part that fails.
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
    e2e::run(&root, &[])
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// The modules each sibling module uses (`crate::<module>`), read from the sources.
    fn uses_in_sources() -> BTreeMap<String, BTreeSet<String>> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut graph = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if name == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let uses = text
                .split("crate::")
                .skip(1)
                .map(|rest| rest.split(|c: char| !c.is_alphanumeric() && c != '_'))
                .filter_map(|mut words| words.next().map(str::to_string))
                .collect();
            graph.insert(name, uses);
        }
        graph
    }

    /// The modules each module uses by the crate doc's list, `main` left out.
    fn uses_in_doc() -> BTreeMap<String, BTreeSet<String>> {
        let doc: String = include_str!("main.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| format!("{}\n", l.trim()))
            .collect();
        let mut graph = BTreeMap::new();
        for item in doc.split("\n- `").skip(1) {
            let item = item.split("\n\n").next().unwrap().replace('\n', " ");
            let (name, rest) = item.split_once('`').unwrap();
            let (_, uses) = rest.rsplit_once("Uses:").unwrap();
            let uses = uses
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            if name != "main" {
                graph.insert(name.to_string(), uses);
            }
        }
        graph
    }

    /// Whether `graph` has a cycle through `node`, `path` being the modules on the way there.
    fn cycle(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
    ) -> bool {
        if path.iter().any(|p| p == node) {
            return true;
        }
        path.push(node.to_string());
        let found = graph[node].iter().any(|next| cycle(graph, next, path));
        path.pop();
        found
    }

    #[test]
    fn module_graph() {
        let graph = uses_in_sources();
        assert_eq!(
            graph,
            uses_in_doc(),
            "the crate doc's module list is out of date"
        );
        assert!(!graph.values().any(|uses| uses.contains("main")));
        for node in graph.keys() {
            assert!(
                !cycle(&graph, node, &mut Vec::new()),
                "a cycle through {node}"
            );
        }
    }
}
