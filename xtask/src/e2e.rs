//! `cargo xtask e2e`: the generated client against the Prism mock server.
//!
//! Prism serves the overlaid spec (written by `cargo xtask regen`) on a free loopback port and
//! validates every request against it. The generated `tests/e2e.rs` calls every method and
//! reports `E2E-RESULT` counts; this runs it once against static examples and once against
//! dynamic (random, schema-valid) responses, several rounds, and sums up.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
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
fn install_prism(root: &Path) -> Result<(), String> {
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

/// Start Prism on a free loopback port, serving `spec` (random responses when `dynamic`), its
/// output in `log`; wait until it answers (at most 120 s). Prism and its base URL.
fn start_prism(
    root: &Path,
    spec: &Path,
    dynamic: bool,
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
    if dynamic {
        command.arg("-d");
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

/// `cargo test` of the generated crate's e2e test, to which callers add their flags.
fn e2e_test_command() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args([
        "test",
        "--quiet",
        "--locked",
        "-p",
        "cloudflare-access",
        "--test",
        "e2e",
    ]);
    command
}

/// Run the generated e2e test against `base_url` for `rounds` rounds; its counts.
fn run_tests(root: &Path, base_url: &str, rounds: usize) -> Result<Counts, String> {
    let output = e2e_test_command()
        .args(["--", "--ignored", "--nocapture"])
        .current_dir(root)
        .env("E2E_BASE_URL", base_url)
        .env("E2E_ROUNDS", rounds.to_string())
        .stderr(Stdio::inherit())
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
            _ => {}
        }
    }
    Ok(counts)
}

/// The crate's examples that talk to the API, with their arguments: run against the mock
/// server, each must succeed (a request Prism finds invalid gets a 422, which fails it).
const EXAMPLES: &[(&str, &[&str])] = &[
    ("list_applications", &[]),
    ("create_policy", &[]),
    ("rotate_service_token", &[]),
    (
        "update_application",
        &["f174e90a-fafe-4643-bbbc-4a0ed4fc8415"],
    ),
];

/// Build and run [`EXAMPLES`] against the mock server at `base_url`; the number that failed.
fn run_examples(root: &Path, base_url: &str) -> Result<usize, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failed = 0;
    for (name, args) in EXAMPLES {
        let output = Command::new(&cargo)
            .args([
                "run",
                "--quiet",
                "--locked",
                "-p",
                "cloudflare-access",
                "--example",
                name,
                "--",
            ])
            .args(*args)
            .current_dir(root)
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

/// Run both modes and print the one-line verdict.
pub fn run(root: &Path) -> Result<ExitCode, String> {
    // The spec Prism serves is the one the client is generated from: pinned source + overlays.
    crate::regen::generate(root)?;
    let spec = root.join(crate::regen::FINAL_SPEC);
    install_prism(root)?;
    // Build before starting the server, so Prism's lifetime is only the calls.
    if !build(root)? {
        return Ok(ExitCode::FAILURE);
    }
    let logs = root.join("target/e2e");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let mut total = Counts::default();
    for (mode, dynamic, rounds) in [("static", false, 1), ("dynamic", true, 3)] {
        let log = logs.join(format!("prism-{mode}.log"));
        let (counts, failed_examples) = run_mode(root, &spec, &log, mode, dynamic, rounds)?;
        total.errors += failed_examples;
        total.add(mode, &counts);
    }
    // Prism's own count, over everything sent (the examples too).
    let logged: usize = ["static", "dynamic"]
        .iter()
        .map(|mode| logged_violations(&logs.join(format!("prism-{mode}.log"))))
        .sum();
    total.violations = total.violations.max(logged);
    println!(
        "e2e: {}/{} methods called, {} request violations, {} decode failures, {} examples run",
        total.called,
        total.total,
        total.violations,
        total.decode_failures,
        EXAMPLES.len()
    );
    let clean = total.called == total.total
        && total.violations == 0
        && total.decode_failures == 0
        && total.errors == 0;
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Build the e2e test and the examples; whether both built.
fn build(root: &Path) -> Result<bool, String> {
    let built = e2e_test_command()
        .arg("--no-run")
        .current_dir(root)
        .status()
        .map_err(|e| format!("building the e2e test: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let examples_built = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--locked",
            "-p",
            "cloudflare-access",
            "--examples",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("building the examples: {e}"))?;
    Ok(built.success() && examples_built.success())
}

/// One mode: Prism serving `spec` (dynamic responses or static examples, logging to `log`),
/// the e2e test for `rounds` rounds and, against static responses, the examples; prints the
/// mode's line. The test's counts and the number of examples that failed.
fn run_mode(
    root: &Path,
    spec: &Path,
    log: &Path,
    mode: &str,
    dynamic: bool,
    rounds: usize,
) -> Result<(Counts, usize), String> {
    println!("e2e ({mode} responses, {rounds} round(s)):");
    let (prism, url) = start_prism(root, spec, dynamic, log)?;
    let counts = run_tests(root, &url, rounds);
    // The examples run once, against static responses (their output is the examples').
    let examples = if dynamic {
        Ok(0)
    } else {
        run_examples(root, &url)
    };
    drop(prism);
    let counts = counts?;
    let failed_examples = examples?;
    println!(
        "  {mode}: {}/{} methods called, {} request violations, {} decode failures, {} other errors \
         ({} mock-server crashes while inventing a response, repeated)",
        counts.called, counts.total, counts.violations, counts.decode_failures, counts.errors, counts.mock_crashes
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
    }
}
