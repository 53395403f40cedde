//! `cargo xtask third-party`: the generator on public specs of other APIs, to find what a spec
//! not written for this project breaks.
//!
//! Each spec pinned in `xtask/third-party.toml` is fetched from its package registry with the
//! registry's client (`npm pack`: it trusts the machine's certificate authorities and proxies,
//! and checks the registry's integrity hash), cached in `target/third-party-cache/`, refused
//! unless the package and the spec file in it hash to their pins, and generated without a
//! config into `target/third-party/<name>`: by default first, and with `--lenient` when the
//! default refuses it. (`npm pack` rather than the generator's own download, which trusts only
//! the certificate authorities built into it, not the machine's.) The crate is then linted with
//! `cargo clippy --all-targets` (any warning fails) and built with `cargo build --all-targets`
//! (its own workspace and target directory, `target/third-party/target`), and the test binaries
//! the build made are run (what compiled of them; ignored tests left out). The report (timings,
//! refused problems by kind, compiler diagnostics by cause, each with a first example, failing
//! tests with the start of their message) is
//! printed and written to `target/third-party/<name>-report.txt`. A pin with `registry =
//! "file"` names a spec file relative to the workspace root instead of a package (Cloudflare's
//! whole spec, from where `spec/cloudflare.toml` finds it), checked against its sha256 alike.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use openapi_forge::config::Config;
use openapi_forge::error::{Error, Warning};
use openapi_forge::load::source::sha256_hex;
use openapi_forge::{Generated, Generator};

use crate::diagnostics::{self, Groups};
use crate::libtest;
use crate::measure::cargo;

/// The pins, relative to the workspace root.
const PINS: &str = "xtask/third-party.toml";
/// Where the crates, their target directory and the reports go.
const OUT: &str = "target/third-party";
/// Where downloaded packages and extracted specs are kept, by sha256.
const CACHE: &str = "target/third-party-cache";
/// The generator's stack: a deep spec must not overflow a debug build's recursion.
const STACK: usize = 512 << 20;

/// The `registry` of a spec read from a file (relative to the workspace root) instead of a
/// package.
const LOCAL: &str = "file";

/// One pinned spec (see `xtask/third-party.toml`).
#[derive(Debug, PartialEq)]
struct Pin {
    name: String,
    krate: String,
    registry: String,
    package: String,
    version: String,
    url: String,
    sha256: String,
    file: String,
    file_sha256: String,
    /// Run a sample of the spec's operations, not all (see [`crate::subset::sampled`]): every
    /// operation with a body or response that is not JSON, and every this-many-th other one
    /// of each product.
    sample_every: Option<usize>,
}

/// The pins of `text` (the contents of `file`).
fn parse_pins(text: &str, file: &str) -> Result<Vec<Pin>, String> {
    let table: toml::Table = text.parse().map_err(|e| format!("{file}: {e}"))?;
    let specs = table
        .get("spec")
        .and_then(toml::Value::as_array)
        .ok_or_else(|| format!("{file}: no [[spec]]"))?;
    specs
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let field = |key: &str| {
                spec.get(key)
                    .and_then(toml::Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("{file}: spec[{index}]: `{key}` (a string) is missing"))
            };
            let (name, krate) = (field("name")?, field("crate")?);
            let registry = field("registry")?;
            // A spec read from a local file (`registry = "file"`) has no package.
            let package_field = |key: &str| match registry.as_str() {
                LOCAL => Ok(String::new()),
                _ => field(key),
            };
            Ok(Pin {
                name,
                krate,
                package: package_field("package")?,
                version: package_field("version")?,
                url: package_field("url")?,
                sha256: package_field("sha256")?.to_lowercase(),
                registry,
                file: field("file")?,
                file_sha256: field("file_sha256")?.to_lowercase(),
                sample_every: spec
                    .get("sample_every")
                    .and_then(toml::Value::as_integer)
                    .and_then(|n| usize::try_from(n).ok()),
            })
        })
        .collect()
}

/// The pins named in `names` (all of them when none is), in file order.
fn select(pins: Vec<Pin>, names: &[String]) -> Result<Vec<Pin>, String> {
    if let Some(unknown) = names.iter().find(|n| !pins.iter().any(|p| &p.name == *n)) {
        let known: Vec<&str> = pins.iter().map(|p| p.name.as_str()).collect();
        return Err(format!(
            "no third-party spec named `{unknown}` (known: {})",
            known.join(", ")
        ));
    }
    Ok(pins
        .into_iter()
        .filter(|p| names.is_empty() || names.contains(&p.name))
        .collect())
}

/// An error unless `bytes` hash to `expected`.
fn verify(what: &str, bytes: &[u8], expected: &str) -> Result<(), String> {
    let actual = sha256_hex(bytes);
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{what}: sha256 {actual} does not match the pin {expected} in {PINS} \
             (move the pin deliberately if the package really changed)"
        ))
    }
}

/// The package of `pin` from its registry, with its client, by way of `scratch` (an empty
/// directory of the cache).
fn pack(pin: &Pin, scratch: &Path) -> Result<Vec<u8>, String> {
    match pin.registry.as_str() {
        "npm" => {}
        "crates" => return fetch_crate(pin, scratch),
        other => {
            return Err(format!(
                "{}: registry `{other}` is not supported (npm and crates)",
                pin.name
            ))
        }
    }
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let spec = format!("{}@{}", pin.package, pin.version);
    let output = Command::new("npm")
        .args(["pack", "--json", "--pack-destination", "."])
        .arg(&spec)
        .current_dir(scratch)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running npm (Node.js and npm are needed): {e}"))?;
    if !output.status.success() {
        return Err(format!("npm pack {spec} failed ({})", output.status));
    }
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("npm pack {spec}: its --json output: {e}"))?;
    let file = listing[0]["filename"]
        .as_str()
        .ok_or_else(|| format!("npm pack {spec}: no filename in its --json output"))?;
    let path = scratch.join(file);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = std::fs::remove_dir_all(scratch);
    Ok(bytes)
}

/// The `.crate` file of `pin` from crates.io, fetched by cargo (which checks it against the
/// index's checksum) for a scratch package that depends on exactly that version.
fn fetch_crate(pin: &Pin, scratch: &Path) -> Result<Vec<u8>, String> {
    let _ = std::fs::remove_dir_all(scratch);
    let manifest = format!(
        "[package]\nname = \"fetch-pin\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{} = \"={}\"\n\n[workspace]\n",
        pin.package, pin.version
    );
    write(&scratch.join("Cargo.toml"), manifest.as_bytes())?;
    write(&scratch.join("src/lib.rs"), b"")?;
    let status = crate::measure::cargo()
        .args(["fetch", "-q"])
        .current_dir(scratch)
        .status()
        .map_err(|e| format!("running cargo fetch: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo fetch of {} {} failed ({status})",
            pin.package, pin.version
        ));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("no CARGO_HOME nor HOME")?;
    let file = format!("{}-{}.crate", pin.package, pin.version);
    let registries = std::fs::read_dir(home.join("registry/cache"))
        .map_err(|e| format!("cargo's registry cache: {e}"))?;
    let _ = std::fs::remove_dir_all(scratch);
    for registry in registries.flatten() {
        if let Ok(bytes) = std::fs::read(registry.path().join(&file)) {
            return Ok(bytes);
        }
    }
    Err(format!(
        "cargo fetch left no {file} in {}",
        home.join("registry/cache").display()
    ))
}

/// The spec of the pin named `name` in `xtask/third-party.toml`, fetched and checked against
/// its pins (see [`fetch`]), written to the cache: its path.
pub fn pinned_spec(root: &Path, name: &str) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(root.join(PINS)).map_err(|e| format!("{PINS}: {e}"))?;
    let pins = select(parse_pins(&text, PINS)?, &[name.to_string()])?;
    let pin = pins.first().ok_or_else(|| format!("no pin `{name}`"))?;
    let (bytes, origin) = fetch(root, pin)?;
    eprintln!("third-party {name}: {} ({origin})", pin.file);
    let path = root.join(CACHE).join(format!("{}.json", pin.file_sha256));
    if !path.exists() {
        write(&path, &bytes)?;
    }
    Ok(path)
}

/// The file at `path` in a gzipped tarball.
fn extract(tarball: &[u8], path: &str) -> Result<Vec<u8>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    let entries = archive
        .entries()
        .map_err(|e| format!("reading the tarball: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("reading the tarball: {e}"))?;
        let name = entry.path().map_err(|e| e.to_string())?;
        if name.to_str() == Some(path) {
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| format!("extracting {path}: {e}"))?;
            return Ok(bytes);
        }
    }
    Err(format!("the tarball has no file {path}"))
}

/// `bytes` written to `path` (its directory made).
fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The pinned spec: from the cache when it is there and matches, else the package from the
/// cache or its registry, then the file extracted from it; both checked against their pins.
/// Also says where it came from.
fn fetch(root: &Path, pin: &Pin) -> Result<(Vec<u8>, &'static str), String> {
    if pin.registry == LOCAL {
        let path = root.join(&pin.file);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        verify(&pin.file, &bytes, &pin.file_sha256)?;
        return Ok((bytes, "local file"));
    }
    let cache = root.join(CACHE);
    let spec_path = cache.join(format!("{}.json", pin.file_sha256));
    if let Ok(bytes) = std::fs::read(&spec_path) {
        if verify(&pin.file, &bytes, &pin.file_sha256).is_ok() {
            return Ok((bytes, "cached spec"));
        }
    }
    let package_path = cache.join(format!("{}.tgz", pin.sha256));
    let (tarball, origin) = match std::fs::read(&package_path) {
        Ok(bytes) if verify(&pin.url, &bytes, &pin.sha256).is_ok() => (bytes, "cached package"),
        _ => {
            let bytes = pack(pin, &cache.join("pack"))?;
            verify(&pin.url, &bytes, &pin.sha256)?;
            write(&package_path, &bytes)?;
            let origin = match pin.registry.as_str() {
                "crates" => "fetched with cargo fetch",
                _ => "fetched with npm pack",
            };
            (bytes, origin)
        }
    };
    let spec = extract(&tarball, &pin.file)?;
    verify(&pin.file, &spec, &pin.file_sha256)?;
    write(&spec_path, &spec)?;
    Ok((spec, origin))
}

/// What a spec says of itself: its `openapi` version and its number of operations.
fn facts(spec: &[u8]) -> (String, usize) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(spec) else {
        return ("(not JSON)".into(), 0);
    };
    let version = value["openapi"].as_str().unwrap_or("(none)").to_string();
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations = value["paths"].as_object().map_or(0, |paths| {
        paths
            .values()
            .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
            .sum()
    });
    (version, operations)
}

/// How a generation run ended.
enum Outcome {
    Generated(Box<Generated>),
    /// Refused: the problems it cannot model faithfully.
    Refused(Vec<Warning>),
    /// Any other error.
    Failed(String),
    /// The generator panicked (its message).
    Panicked(String),
}

/// Generate the crate of `pin` from `spec` without a config, on a thread of its own so that a
/// panic is reported, not fatal.
fn generate(pin: &Pin, spec: &[u8], lenient: bool) -> Result<(Outcome, Duration), String> {
    let name = Path::new(&pin.file)
        .file_name()
        .map_or(pin.file.clone(), |n| n.to_string_lossy().to_string());
    let generator = Generator::new(Config::default())
        .crate_name(Some(pin.krate.clone()))
        .lenient(lenient)
        .spec_bytes(&name, spec.to_vec());
    let started = Instant::now();
    let joined = std::thread::Builder::new()
        .name("generator".into())
        .stack_size(STACK)
        .spawn(move || generator.generate())
        .map_err(|e| format!("starting the generator's thread: {e}"))?
        .join();
    let outcome = match joined {
        Ok(Ok(generated)) => Outcome::Generated(Box::new(generated)),
        Ok(Err(Error::Problems { problems, .. })) => Outcome::Refused(problems),
        Ok(Err(error)) => Outcome::Failed(error.to_string()),
        Err(payload) => Outcome::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into()),
        ),
    };
    Ok((outcome, started.elapsed()))
}

/// The report: printed as it is made, kept to be written to a file.
struct Report(String);

impl Report {
    fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        println!("{text}");
        self.0.push_str(text);
        self.0.push('\n');
    }

    fn block(&mut self, text: &str) {
        print!("{text}");
        self.0.push_str(text);
    }
}

/// The warnings of `list` of one kind (problem or notice), grouped by message kind.
fn warning_groups(list: &[Warning], problems: bool) -> Groups {
    diagnostics::warnings(
        list.iter()
            .filter(|w| w.is_problem() == problems)
            .map(|w| (w.pointer.as_str(), w.message.as_str())),
    )
}

/// The default run, then the lenient one when the default refuses; the crate when either
/// generates, and whether the default one did.
fn generation(
    pin: &Pin,
    spec: &[u8],
    report: &mut Report,
) -> Result<(Option<Generated>, bool), String> {
    let mut strict = true;
    for lenient in [false, true] {
        let mode = if lenient {
            "generate --lenient"
        } else {
            "generate"
        };
        let (outcome, wall) = generate(pin, spec, lenient)?;
        let took = format!("{:.1} s", wall.as_secs_f64());
        match outcome {
            Outcome::Generated(generated) => {
                let problems = generated.warnings.iter().filter(|w| w.is_problem()).count();
                report.line(format!(
                    "{mode}: {took}: {} files, {} methods, {} types; {problems} problem(s) \
                     accepted, {} notice(s)",
                    generated.files.len(),
                    generated.api.operations.len(),
                    generated.api.types.types.len(),
                    generated.warnings.len() - problems,
                ));
                report.block(&diagnostics::render(
                    &warning_groups(&generated.warnings, false),
                    "  ",
                ));
                return Ok((Some(*generated), strict));
            }
            Outcome::Refused(problems) => {
                let groups = warning_groups(&problems, true);
                report.line(format!(
                    "{mode}: {took}: REFUSED, {} problem(s) of {} kind(s):",
                    problems.len(),
                    groups.len()
                ));
                report.block(&diagnostics::render(&groups, "  "));
                strict = false;
            }
            Outcome::Failed(error) => {
                report.line(format!("{mode}: {took}: FAILED: {error}"));
                return Ok((None, false));
            }
            Outcome::Panicked(message) => {
                report.line(format!("{mode}: {took}: PANICKED: {message}"));
                return Ok((None, false));
            }
        }
    }
    Ok((None, false))
}

/// Write the crate to `dir` as a workspace of its own (it lies inside this repository's).
fn write_crate(generated: &Generated, dir: &Path) -> Result<(), String> {
    generated.write_to(dir).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let mut text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.push_str(
        "\n# Added by `cargo xtask third-party`: a workspace of its own, not a member of the\n\
         # repository's.\n[workspace]\n",
    );
    write(&manifest, text.as_bytes())
}

/// Lines of the crate's files, and of the spec, that name the Cloudflare product: what the
/// generator or its runtime carries over from its first client into any other.
fn cloudflare_mentions(generated: &Generated, spec: &[u8]) -> (usize, usize, usize) {
    let named = |line: &str| line.to_lowercase().contains("cloudflare");
    let mut lines = 0;
    let mut files = 0;
    for text in generated.files.values() {
        let count = text.lines().filter(|l| named(l)).count();
        lines += count;
        files += usize::from(count > 0);
    }
    let in_spec = String::from_utf8_lossy(spec)
        .lines()
        .filter(|l| named(l))
        .count();
    (lines, files, in_spec)
}

/// A cargo run on the generated crate: whether it passed, how long it took, and its JSON
/// messages (also kept in `log`).
fn cargo_step(
    root: &Path,
    dir: &Path,
    args: &[&str],
    log: &Path,
) -> Result<(bool, Duration, String), String> {
    let started = Instant::now();
    let output = cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join(OUT).join("target"))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo {}: {e}", args[0]))?;
    let wall = started.elapsed();
    write(log, &output.stdout)?;
    let messages = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok((output.status.success(), wall, messages))
}

/// Run the test binaries the build made (ignored tests left out); whether all passed.
fn test(dir: &Path, build_messages: &str, report: &mut Report) -> Result<bool, String> {
    let binaries = libtest::binaries(build_messages);
    let started = Instant::now();
    let mut runs = Vec::new();
    for binary in &binaries {
        runs.push((binary, libtest::run(binary, dir, 4)?));
    }
    let passed = runs.iter().all(|(_, run)| run.passed);
    report.line(format!(
        "tests (the {} test binaries built; ignored tests left out): {:.0} s: {}",
        binaries.len(),
        started.elapsed().as_secs_f64(),
        if passed { "passed" } else { "FAILED" }
    ));
    for (binary, run) in runs {
        report.line(format!("  {}: {}", binary.label, run.result));
        for (name, message) in run.failures {
            report.line(format!("    {name}:"));
            for line in message {
                report.line(format!("      {line}"));
            }
        }
    }
    Ok(passed)
}

/// Lint, build and test the crate in `dir` (only lint when `check_only`): whether all passed,
/// and whether the crate and its tests built.
fn compile(
    root: &Path,
    pin: &Pin,
    dir: &Path,
    check_only: bool,
    report: &mut Report,
) -> Result<(bool, bool), String> {
    // Clippy's warnings are not denied on the command line, so that a library that fails does
    // not hide the lints of its tests: any warning fails the step all the same.
    let steps: [(&str, &[&str]); 2] = [
        (
            "cargo clippy --all-targets --keep-going (any warning fails, as with -D warnings)",
            &[
                "clippy",
                "--all-targets",
                "--keep-going",
                "--message-format=json",
            ],
        ),
        (
            "cargo build --all-targets --keep-going",
            &[
                "build",
                "--all-targets",
                "--keep-going",
                "--message-format=json",
            ],
        ),
    ];
    let (mut passed, mut built) = (true, false);
    for (label, args) in steps.iter().take(if check_only { 1 } else { 2 }) {
        eprintln!(
            "third-party {}: {label} (the first run also builds the dependencies)",
            pin.name
        );
        let log = root
            .join(OUT)
            .join(format!("{}-{}.jsonl", pin.name, args[0]));
        let (status_ok, wall, messages) = cargo_step(root, dir, args, &log)?;
        let groups = diagnostics::compiler(&messages);
        let ok = status_ok && (args[0] != "clippy" || groups.is_empty());
        let verdict = if ok { "passed" } else { "FAILED" };
        report.line(format!(
            "{label}: {:.0} s: {verdict}, {} diagnostic(s) of {} kind(s) (messages: {})",
            wall.as_secs_f64(),
            diagnostics::total(&groups),
            groups.len(),
            log.strip_prefix(root).unwrap_or(&log).display()
        ));
        report.block(&diagnostics::render(&groups, "  "));
        passed &= ok;
        if args[0] == "build" {
            built = status_ok;
            passed &= test(dir, &messages, report)?;
        }
    }
    Ok((passed, built))
}

/// Everything for one pin; whether all of it passed.
fn run_one(root: &Path, pin: &Pin, check_only: bool, e2e: bool) -> Result<bool, String> {
    let mut report = Report(String::new());
    report.line(match pin.registry.as_str() {
        LOCAL => format!("third-party {}: local file {}", pin.name, pin.file),
        _ => format!(
            "third-party {}: {} package {} {} ({}, sha256 {})",
            pin.name, pin.registry, pin.package, pin.version, pin.url, pin.sha256
        ),
    });
    let started = Instant::now();
    let (spec, origin) = fetch(root, pin)?;
    let spec = match pin.sample_every {
        Some(every) => sample(&spec, every, &mut report)?,
        None => spec,
    };
    let (version, operations) = facts(&spec);
    report.line(format!(
        "spec: {} ({origin}, {:.1} s): OpenAPI {version}, {operations} operations, {} bytes, \
         sha256 {}",
        pin.file,
        started.elapsed().as_secs_f64(),
        spec.len(),
        pin.file_sha256
    ));
    let (generated, strict) = generation(pin, &spec, &mut report)?;
    let mut passed = strict;
    if let Some(mut generated) = generated {
        let (lines, files, in_spec) = cloudflare_mentions(&generated, &spec);
        report.line(format!(
            "generic: {lines} line(s) in {files} file(s) of the crate name Cloudflare \
             ({in_spec} in the spec)"
        ));
        let dir = root.join(OUT).join(&pin.name);
        write_crate(&generated, &dir)?;
        report.line(format!(
            "crate: {}",
            dir.strip_prefix(root).unwrap_or(&dir).display()
        ));
        // Prism serves the spec as the generator read it (`openapi_forge::load::normalize`).
        let final_spec = std::mem::take(&mut generated.final_spec);
        drop(generated);
        // The e2e test runs whenever the crate built: its verdict does not depend on the
        // other tests'.
        let (compiled, built) = compile(root, pin, &dir, check_only, &mut report)?;
        passed &= compiled;
        if e2e && built {
            passed &= end_to_end(root, pin, &dir, final_spec.as_bytes(), &mut report)?;
        }
    }
    report.line(format!(
        "third-party {}: {} in {:.0} s",
        pin.name,
        if passed { "passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    ));
    let path: PathBuf = root.join(OUT).join(format!("{}-report.txt", pin.name));
    write(&path, report.0.as_bytes())?;
    eprintln!(
        "wrote {}",
        path.strip_prefix(root).unwrap_or(&path).display()
    );
    Ok(passed)
}

/// The sample of `spec` (see [`crate::subset::sampled`]), as JSON, with a report line.
fn sample(spec: &[u8], every: usize, report: &mut Report) -> Result<Vec<u8>, String> {
    let whole: serde_json::Value =
        serde_json::from_slice(spec).map_err(|e| format!("the spec is not JSON: {e}"))?;
    let (reduced, kept) = crate::subset::sampled(&whole, every)?;
    report.line(format!(
        "sample: {} operations with a body or response that is not JSON, and {} others (every \
         {every}th of each of {} products)",
        kept.payloads, kept.others, kept.products
    ));
    serde_json::to_vec(&reduced).map_err(|e| e.to_string())
}

/// The crate's e2e test against Prism serving the spec as the generator read it (static examples with every way to
/// authenticate, then dynamic responses); whether it was clean.
fn end_to_end(
    root: &Path,
    pin: &Pin,
    dir: &Path,
    spec: &[u8],
    report: &mut Report,
) -> Result<bool, String> {
    crate::e2e::install_prism(root)?;
    let spec_file = root.join(OUT).join(format!("{}-spec.json", pin.name));
    write(&spec_file, spec)?;
    let subject = crate::e2e::Subject {
        label: pin.name.clone(),
        dir: dir.to_path_buf(),
        package: pin.krate.clone(),
        spec: spec_file,
        target_dir: Some(root.join(OUT).join("target")),
        examples: &[],
    };
    let started = Instant::now();
    let (clean, verdict) = crate::e2e::run_subject(root, &subject)?;
    report.line(format!(
        "e2e against Prism: {:.0} s: {}: {verdict}",
        started.elapsed().as_secs_f64(),
        if clean { "passed" } else { "FAILED" }
    ));
    Ok(clean)
}

/// `cargo xtask third-party`: every pinned spec (or those in `names`); fails when any step of
/// any of them does (the default generation refusing the spec included).
pub fn run(root: &Path, check_only: bool, e2e: bool, names: &[String]) -> Result<ExitCode, String> {
    let path = root.join(PINS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut failed = Vec::new();
    for pin in select(parse_pins(&text, PINS)?, names)? {
        if !run_one(root, &pin, check_only, e2e)? {
            failed.push(pin.name);
        }
    }
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("third-party: these specs fail: {}", failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pins_parse_and_name_distinct_specs() {
        let text = include_str!("../third-party.toml");
        let pins = parse_pins(text, PINS).unwrap();
        assert!(!pins.is_empty());
        for pin in &pins {
            // A local file has no package to pin.
            if pin.registry != LOCAL {
                assert_eq!(pin.sha256.len(), 64, "{}", pin.name);
            }
            assert_eq!(pin.file_sha256.len(), 64, "{}", pin.name);
        }
        assert!(pins
            .iter()
            .any(|p| p.registry == LOCAL && p.package.is_empty()));
        let mut names: Vec<&str> = pins.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), pins.len());
    }

    #[test]
    fn a_missing_field_is_named() {
        let error = parse_pins("[[spec]]\nname = \"x\"\n", "pins.toml").unwrap_err();
        assert_eq!(error, "pins.toml: spec[0]: `crate` (a string) is missing");
    }

    #[test]
    fn an_unknown_name_is_refused() {
        let pins = parse_pins(include_str!("../third-party.toml"), PINS).unwrap();
        let error = select(pins, &["nope".into()]).unwrap_err();
        assert!(error.starts_with("no third-party spec named `nope` (known: github"));
    }

    #[test]
    fn a_file_is_extracted_from_a_gzipped_tarball() {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, text) in [("package/a.json", "{}"), ("package/b.json", "[1]")] {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_cksum();
            builder
                .append_data(&mut header, path, text.as_bytes())
                .unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        let tgz = gz.finish().unwrap();
        assert_eq!(extract(&tgz, "package/b.json").unwrap(), b"[1]");
        assert_eq!(
            extract(&tgz, "package/c.json").unwrap_err(),
            "the tarball has no file package/c.json"
        );
    }

    #[test]
    fn a_wrong_hash_is_refused() {
        let error = verify("x.json", b"{}", &"0".repeat(64)).unwrap_err();
        assert!(error.contains("does not match the pin"), "{error}");
        verify("x.json", b"{}", &sha256_hex(b"{}")).unwrap();
    }

    #[test]
    fn facts_count_operations() {
        let spec = br#"{"openapi":"3.0.3",
            "paths":{"/a":{"get":{},"post":{},"parameters":[]},"/b":{"delete":{}}}}"#;
        assert_eq!(facts(spec), ("3.0.3".to_string(), 3));
    }
}
