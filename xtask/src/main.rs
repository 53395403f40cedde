//! Project tasks: `cargo xtask regen [--check]`, `test`, `e2e`, `bench [--full-build] [--peers]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

mod bench;
mod e2e;
mod peers;

use openapi_forge::config::Config;
use openapi_forge::Generator;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  regen            regenerate generated/ from the pinned spec and spec/cloudflare.toml
  regen --check    exit non-zero (with a short summary) if generated/ is not what the generator makes now
  test             run every test of the workspace, then `e2e` (what CI runs)
  e2e              call every generated method against the Prism mock server, serving static
                   examples and then dynamic random responses; needs `npm ci --prefix tests/prism`
  bench            performance report (generation, code size, build time, decoding, requests)
                   into target/bench/; `--full-build` also checks and builds the whole-spec crate;
                   `--peers` also runs progenitor and openapi-generator on the same inputs
                   (installed on first use into ~/.cache/openapi-forge-peers, or $FORGE_PEERS_CACHE)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(args.iter().any(|a| a == "--check")),
        Some("test") => test(),
        Some("e2e") => e2e::run(&root()),
        Some("bench") => bench::run(
            &root(),
            args.iter().any(|a| a == "--full-build"),
            args.iter().any(|a| a == "--peers"),
        ),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
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

/// Generate from the pinned spec and `spec/cloudflare.toml`, and write the final (overlaid)
/// spec to [`FINAL_SPEC`].
fn generate(root: &Path) -> Result<openapi_forge::Generated, String> {
    let config =
        Config::from_file(&root.join("spec/cloudflare.toml")).map_err(|e| e.to_string())?;
    let generated = Generator::new(config)
        .pinned_spec(root, &root.join("target/spec-cache"))
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

fn regen(check: bool) -> Result<ExitCode, String> {
    let root = root();
    let spec_out = root.join(FINAL_SPEC);
    let mut generated = generate(&root)?;
    rustfmt(&mut generated.files)?;
    let out = root.join("generated");
    let on_disk = read_tree(&out)?;
    let changes = diff(&on_disk, &generated.files);
    if check {
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
