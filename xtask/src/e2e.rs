//! `cargo xtask e2e`: the generated client against the Prism mock server.
//!
//! Prism serves the overlaid spec (written by `cargo xtask regen`) on a free loopback port and
//! validates every request against it. The generated `tests/e2e.rs` calls every method and
//! reports `E2E-RESULT` counts; this runs it against static examples and then three times
//! against dynamic (invented) responses, each from a seed of its own, and sums up.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Prism, stopped when dropped (also when a run fails or panics).
struct Prism {
    child: Child,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the e2e test reports (`E2E-RESULT`), or the totals of several runs.
#[derive(Debug, Default)]
struct Counts {
    called: usize,
    total: usize,
    violations: usize,
    decode_failures: usize,
    errors: usize,
    mock_crashes: usize,
    refused: usize,
    mock_limits: usize,
    /// Answers the mock server itself reports as outside the spec (response findings only).
    mock_faults: usize,
    /// Answers with the redirect the spec declares for a method without a success response.
    redirects: usize,
    /// Requests the mock server could not check or answer for a limit of its own (a media type
    /// it cannot write, a response without a schema, a pattern its regex engine rejects).
    unanswered: usize,
}

/// A loopback port free at the time of asking.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Install the pinned Prism (`tests/prism/package-lock.json`) when it is not there yet.
pub fn install_prism(root: &Path) -> Result<(), String> {
    if root.join("tests/prism/node_modules/.bin/prism").exists() {
        return Ok(());
    }
    println!("installing Prism: npm ci --prefix tests/prism");
    let status = Command::new("npm")
        .args(["ci", "--prefix", "tests/prism", "--no-audit", "--no-fund"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("running npm (Node.js and npm are needed for the e2e tests): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci --prefix tests/prism failed ({status})"))
    }
}

/// Start Prism on a free loopback port, serving `spec` (the spec's examples, or with a `seed`
/// random responses, the same for the same request), its output in `log`; wait until it
/// answers (at most 120 s). Prism and its base URL.
fn start_prism(
    root: &Path,
    spec: &Path,
    seed: Option<u32>,
    log: &Path,
) -> Result<(Prism, String), String> {
    let prism = root.join("tests/prism/node_modules/.bin/prism");
    if !prism.exists() {
        return Err("Prism is not installed: run `npm ci --prefix tests/prism`".into());
    }
    let port = free_port()?;
    let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut command = Command::new(prism);
    command.args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if let Some(seed) = seed {
        command.args(["-d", "--seed", &format!("e2e-{seed}")]);
    }
    command.arg(spec);
    let child = command
        .stdout(Stdio::from(
            log_file.try_clone().map_err(|e| e.to_string())?,
        ))
        .stderr(Stdio::from(log_file))
        .spawn()
        .map_err(|e| format!("starting Prism: {e}"))?;
    let mut prism = Prism { child };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(Some(status)) = prism.child.try_wait() {
            return Err(format!(
                "Prism exited ({status}) before answering; see {}",
                log.display()
            ));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((prism, format!("http://127.0.0.1:{port}")));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "Prism did not answer within 120 s; see {}",
        log.display()
    ))
}

/// A generated crate that runs against Prism: where cargo runs for it, its package, the spec
/// Prism serves, and the target directory.
pub struct Subject {
    /// For the report (`cloudflare-access`, `24_service`).
    pub label: String,
    /// The directory cargo runs in (the workspace root, or the crate's own workspace).
    pub dir: PathBuf,
    /// The package name of the generated crate.
    pub package: String,
    /// The spec the crate was generated from, as Prism serves it.
    pub spec: PathBuf,
    /// `CARGO_TARGET_DIR` (the workspace's when `None`).
    pub target_dir: Option<PathBuf>,
    /// The crate's examples that call the API, run against static responses.
    pub examples: &'static [(&'static str, &'static [&'static str])],
}

impl Subject {
    /// `cargo <args> -p <package>` for this subject.
    fn cargo(&self, args: &[&str]) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(args)
            .args(["--quiet", "-p", &self.package])
            .current_dir(&self.dir);
        match &self.target_dir {
            Some(target) => {
                command.env("CARGO_TARGET_DIR", target);
            }
            // A member of this workspace: its lockfile is the committed one.
            None => {
                command.arg("--locked");
            }
        }
        command
    }

    /// `cargo test` of the crate's e2e test, to which callers add their flags.
    fn e2e_test_command(&self) -> Command {
        let mut command = self.cargo(&["test"]);
        command.args(["--test", "e2e"]);
        command
    }
}

/// Run the generated e2e test against `base_url` (with every credential mode when
/// `all_modes`); its counts.
fn run_tests(subject: &Subject, base_url: &str, all_modes: bool) -> Result<Counts, String> {
    let mut command = subject.e2e_test_command();
    command
        .args(["--", "--ignored", "--nocapture"])
        .env("E2E_BASE_URL", base_url)
        .stderr(Stdio::inherit());
    if all_modes {
        command.env("E2E_ALL_MODES", "1");
    }
    let output = command
        .output()
        .map_err(|e| format!("running the e2e test: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| l.starts_with("  ")) {
        println!("{line}");
    }
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("E2E-RESULT "))
        .ok_or_else(|| format!("the e2e test printed no result:\n{stdout}"))?;
    let mut counts = Counts::default();
    for pair in summary.split_whitespace() {
        let (key, value) = pair.split_once('=').unwrap_or((pair, "0"));
        let value: usize = value.parse().unwrap_or(0);
        match key {
            "called" => counts.called = value,
            "total" => counts.total = value,
            "violations" => counts.violations = value,
            "decode_failures" => counts.decode_failures = value,
            "errors" => counts.errors = value,
            "mock_crashes" => counts.mock_crashes = value,
            "refused" => counts.refused = value,
            "mock_limits" => counts.mock_limits = value,
            "mock_faults" => counts.mock_faults = value,
            "redirects" => counts.redirects = value,
            "unanswered" => counts.unanswered = value,
            _ => {}
        }
    }
    Ok(counts)
}

/// The runs against Prism: its static answers (the spec's examples), then three rounds of
/// answers it invents, each from a seed of its own (so a request sent again gets the same
/// answer, which the test reads raw to see what was wrong with one the client refused).
const MODES: [(&str, Option<u32>); 4] = [
    ("static", None),
    ("dynamic-1", Some(1)),
    ("dynamic-2", Some(2)),
    ("dynamic-3", Some(3)),
];

/// The Access crate's examples that talk to the API, with their arguments: run against the
/// mock server, each must succeed (a request Prism finds invalid gets a 422, which fails it).
const ACCESS_EXAMPLES: &[(&str, &[&str])] = &[
    ("list_applications", &[]),
    ("create_policy", &[]),
    ("rotate_service_token", &[]),
    (
        "update_application",
        &["f174e90a-fafe-4643-bbbc-4a0ed4fc8415"],
    ),
];

/// The fixture specs (in tests/fixtures/) whose crates also run against Prism: specs that are
/// not Cloudflare's, with their own servers, security schemes and error bodies.
const FIXTURES: &[&str] = &[
    "24_service",
    "26_payloads",
    "27_unions_inside_objects",
    "35_validating_server",
];

/// Build and run the subject's examples against the mock server at `base_url`; the number
/// that failed. They read the Access client's environment variables.
fn run_examples(subject: &Subject, base_url: &str) -> Result<usize, String> {
    let mut failed = 0;
    for (name, args) in subject.examples {
        let output = subject
            .cargo(&["run"])
            .args(["--example", name, "--"])
            .args(*args)
            .env("CLOUDFLARE_BASE_URL", base_url)
            .env("CLOUDFLARE_API_TOKEN", "e2e-test-token")
            .env("CLOUDFLARE_ACCOUNT_ID", "023e105f4ecef8ad9ca31a8372d0c353")
            .env("SERVICE_TOKEN_ID", "f174e90a-fafe-4643-bbbc-4a0ed4fc8415")
            .env_remove("CLOUDFLARE_EMAIL")
            .env_remove("CLOUDFLARE_API_KEY")
            .env_remove("CLOUDFLARE_API_USER_SERVICE_KEY")
            .output()
            .map_err(|e| format!("running the example {name}: {e}"))?;
        if output.status.success() {
            println!("  example {name}: ok");
        } else {
            failed += 1;
            println!(
                "  example {name}: FAILED ({})\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    Ok(failed)
}

/// How many requests the Prism log at `log` says did not pass its validation.
fn logged_violations(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|text| {
            text.matches("Request did not pass the validation rules")
                .count()
        })
        .unwrap_or(0)
}

/// `cargo xtask e2e`: the Access client, then each fixture crate (those in `only` when it
/// names some); fails when any is not clean.
pub fn run(root: &Path, only: &[String]) -> Result<ExitCode, String> {
    let chosen = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if let Some(unknown) = only
        .iter()
        .find(|o| o.as_str() != "cloudflare-access" && !FIXTURES.contains(&o.as_str()))
    {
        return Err(format!(
            "e2e: no subject `{unknown}` (cloudflare-access, {})",
            FIXTURES.join(", ")
        ));
    }
    // The spec Prism serves is the one the client is generated from: pinned source + overlays.
    crate::regen::generate(root)?;
    install_prism(root)?;
    let access = Subject {
        label: "cloudflare-access".into(),
        dir: root.to_path_buf(),
        package: "cloudflare-access".into(),
        spec: root.join(crate::regen::FINAL_SPEC),
        target_dir: None,
        examples: ACCESS_EXAMPLES,
    };
    let mut clean = !chosen(&access.label) || run_subject(root, &access)?.0;
    for name in FIXTURES.iter().filter(|name| chosen(name)) {
        let subject = fixture_subject(root, name)?;
        clean &= run_subject(root, &subject)?.0;
    }
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Generate the crate of the fixture `name` (its spec and config in tests/fixtures/) into
/// target/e2e-fixtures/, as a workspace of its own with the repository's lockfile.
fn fixture_subject(root: &Path, name: &str) -> Result<Subject, String> {
    let fixtures = root.join("tests/fixtures");
    let spec = fixtures.join(format!("{name}.json"));
    let config_file = fixtures.join(format!("{name}.toml"));
    let config =
        openapi_forge::config::Config::from_file(&config_file).map_err(|e| e.to_string())?;
    let package = format!("fixture-{}", name.replace('_', "-"));
    let generated = openapi_forge::Generator::new(config)
        .crate_name(Some(package.clone()))
        .spec_file(&spec)
        .and_then(openapi_forge::Generator::generate)
        .map_err(|e| format!("{name}: {e}"))?;
    let dir = root.join("target/e2e-fixtures").join(name);
    generated.write_to(&dir).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    text.push_str("\n# A workspace of its own (it lies inside the repository's).\n[workspace]\n");
    std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    // Prism serves the spec as the generator read it (see `openapi_forge::load::normalize`).
    let final_spec = dir.join("final-spec.json");
    std::fs::write(&final_spec, &generated.final_spec).map_err(|e| e.to_string())?;
    Ok(Subject {
        label: name.to_string(),
        dir,
        package,
        spec: final_spec,
        // The workspace's: the dependencies are built once.
        target_dir: Some(root.join("target")),
        examples: &[],
    })
}

/// Static responses with every credential mode (and the examples), then the three rounds of
/// dynamic responses ([`MODES`]); prints the verdict line. Whether all was clean, and the verdict.
pub fn run_subject(root: &Path, subject: &Subject) -> Result<(bool, String), String> {
    // Build before starting the server, so Prism's lifetime is only the calls.
    if !build(subject)? {
        return Ok((false, "the e2e test does not build".into()));
    }
    let logs = root.join("target/e2e").join(&subject.label);
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let mut total = Counts::default();
    for (mode, seed) in MODES {
        let log = logs.join(format!("prism-{mode}.log"));
        let (counts, failed_examples) = run_mode(root, subject, &log, mode, seed)?;
        total.errors += failed_examples;
        total.add(mode, &counts);
    }
    // Prism's own count, over everything sent (the examples too).
    let logged: usize = MODES
        .iter()
        .map(|(mode, _)| mode)
        .map(|mode| logged_violations(&logs.join(format!("prism-{mode}.log"))))
        .sum();
    // Prism logs the requests it cannot read (JSON multipart parts) as invalid too.
    total.violations = total
        .violations
        .max(logged.saturating_sub(total.mock_limits));
    let verdict = format!(
        "{}/{} methods called, {} request violations, {} decode failures, {} other errors, {} \
         calls refused for want of credentials (as expected), {} requests the mock server \
         cannot read (JSON multipart parts), {} answers the mock server reports outside the \
         spec (not counted as failures), {} redirects the spec declares, {} requests the mock \
         server could not check or answer (its own limits), {} examples run",
        total.called,
        total.total,
        total.violations,
        total.decode_failures,
        total.errors,
        total.refused,
        total.mock_limits,
        total.mock_faults,
        total.redirects,
        total.unanswered,
        subject.examples.len()
    );
    println!("e2e {}: {verdict}", subject.label);
    let clean = total.called == total.total
        && total.violations == 0
        && total.decode_failures == 0
        && total.errors == 0;
    Ok((clean, verdict))
}

/// Build the e2e test and the examples; whether both built.
fn build(subject: &Subject) -> Result<bool, String> {
    let built = subject
        .e2e_test_command()
        .arg("--no-run")
        .status()
        .map_err(|e| format!("building the e2e test: {e}"))?;
    if subject.examples.is_empty() {
        return Ok(built.success());
    }
    let examples_built = subject
        .cargo(&["build", "--examples"])
        .status()
        .map_err(|e| format!("building the examples: {e}"))?;
    Ok(built.success() && examples_built.success())
}

/// One mode: Prism serving the subject's spec (static examples, or dynamic responses from
/// `seed`, logging to `log`), the e2e test (every credential mode against static responses)
/// and, against static responses, the examples; prints the mode's line. The
/// test's counts and the number of examples that failed.
fn run_mode(
    root: &Path,
    subject: &Subject,
    log: &Path,
    mode: &str,
    seed: Option<u32>,
) -> Result<(Counts, usize), String> {
    println!("e2e {} ({mode} responses):", subject.label);
    let dynamic = seed.is_some();
    let (prism, url) = start_prism(root, &subject.spec, seed, log)?;
    let counts = run_tests(subject, &url, !dynamic);
    // The examples run once, against static responses (their output is the examples').
    let examples = if dynamic {
        Ok(0)
    } else {
        run_examples(subject, &url)
    };
    drop(prism);
    let counts = counts?;
    let failed_examples = examples?;
    println!(
        "  {mode}: {}/{} methods called, {} request violations, {} decode failures, {} other errors, \
         {} refused ({} mock-server crashes while inventing a response, counted as not \
         answered)",
        counts.called, counts.total, counts.violations, counts.decode_failures, counts.errors,
        counts.refused, counts.mock_crashes
    );
    Ok((counts, failed_examples))
}

impl Counts {
    /// Add the counts of `mode` to these totals: the methods called are those of the static
    /// run, less any the dynamic one could not call; the failures add up.
    fn add(&mut self, mode: &str, counts: &Counts) {
        self.total = counts.total;
        self.called = if mode == "static" {
            counts.called
        } else {
            self.called.min(counts.called)
        };
        self.violations += counts.violations;
        self.decode_failures += counts.decode_failures;
        self.errors += counts.errors;
        self.refused += counts.refused;
        self.mock_limits += counts.mock_limits;
        self.mock_faults += counts.mock_faults;
        self.redirects += counts.redirects;
        self.unanswered += counts.unanswered;
    }
}
