//! The `openapi-forge` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use openapi_forge::config::Config;
use openapi_forge::Generator;

/// Generation builds and drops millions of small token trees and strings; mimalloc spends
/// far less time on them than the system allocator (`cargo xtask bench` measures the CLI).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate a typed async Rust client crate from an OpenAPI 3.0 JSON spec.
///
/// Without --config every operation of the spec is generated, with resource and method names
/// derived from the paths (GET collection -> list, POST -> create, GET item -> get, PUT ->
/// update, PATCH -> edit, DELETE -> delete). Constructs the generator cannot model faithfully
/// (a dangling $ref, an enum of mixed types, ...) are errors naming a JSON pointer, unless the
/// config's [lenient] allow list or --lenient accepts them; accepted ones are printed as
/// warnings. Nothing is written unless generation succeeds.
#[derive(Debug, Parser)]
#[command(name = "openapi-forge", version)]
struct Cli {
    /// The OpenAPI 3.0 spec (JSON). Optional when --config names a pinned spec source.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Directory to write the crate into. Its previous contents are replaced, atomically.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Generation config (TOML): spec pin and overlays, operation selection, scopes, type
    /// renames, resource and method names.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Package name of the generated crate (default: from the config, else from the spec title).
    #[arg(long, value_name = "CRATE_NAME")]
    name: Option<String>,
    /// Generate even when the spec has constructs the generator cannot model faithfully, with
    /// the fallback each warning names. Without it, only the problems listed under the config's
    /// `[lenient] allow` are accepted.
    #[arg(long)]
    lenient: bool,
    /// Do not check the spec against the config's sha256 pin.
    #[arg(long)]
    ignore_pin: bool,
    /// Also write the spec after overlays to this file.
    #[arg(long, value_name = "FILE")]
    write_spec: Option<PathBuf>,
    /// Print no warnings.
    #[arg(long, short)]
    quiet: bool,
    /// Print the wall time of each phase (read, parse, overlays, IR, emit, write).
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            for line in error.to_string().lines() {
                eprintln!("error: {line}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> openapi_forge::error::Result<()> {
    let config = match &cli.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let generator = Generator::new(config)
        .crate_name(cli.name.clone())
        .lenient(cli.lenient)
        .verify_pin(!cli.ignore_pin)
        .final_spec(cli.write_spec.is_some());
    let started = std::time::Instant::now();
    let generator = match &cli.spec {
        Some(path) => generator.spec_file(path)?,
        None => {
            let root =
                std::env::current_dir().map_err(|e| openapi_forge::error::Error::io(".", e))?;
            let cache = root.join("target/spec-cache");
            generator.pinned_spec(&root, &cache)?
        }
    };
    let read = started.elapsed();
    let generated = generator.generate()?;
    if !cli.quiet {
        for warning in &generated.warnings {
            eprintln!("warning: {warning}");
        }
    }
    let writing = std::time::Instant::now();
    generated.write_to(&cli.out)?;
    if let Some(path) = &cli.write_spec {
        std::fs::write(path, &generated.final_spec)
            .map_err(|e| openapi_forge::error::Error::io(path, e))?;
    }
    if cli.timings {
        let phases = std::iter::once(("read spec", read))
            .chain(generated.timings.iter().copied())
            .chain(std::iter::once(("write files", writing.elapsed())));
        for (phase, time) in phases {
            eprintln!("{:>9.1} ms  {phase}", time.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "{:>9.1} ms  total",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    eprintln!(
        "wrote {} files to {} ({} methods, {} types, {} warnings)",
        generated.files.len(),
        cli.out.display(),
        generated.api.operations.len(),
        generated.api.types.types.len(),
        generated.warnings.len()
    );
    Ok(())
}
