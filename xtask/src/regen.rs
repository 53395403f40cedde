//! Generation of the Access client and `cargo xtask regen`: generate from the config and its
//! pinned spec, format with rustfmt, compare with the committed generated/ (files and public
//! API), write. Uses no other module of xtask.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use openapi_forge::config::Config;
use openapi_forge::Generator;

/// Where the final (overlaid) spec is written for the mock server.
pub const FINAL_SPEC: &str = "target/spec/cloudflare-access.json";

/// Generate from `spec/cloudflare.toml` and its pinned spec (or `spec`, unpinned, when given),
/// and write the final (overlaid) spec to [`FINAL_SPEC`].
pub fn generate_from(root: &Path, spec: Option<&Path>) -> Result<openapi_forge::Generated, String> {
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
pub fn generate(root: &Path) -> Result<openapi_forge::Generated, String> {
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
pub fn api_summary(
    on_disk: &BTreeMap<String, String>,
    generated: &openapi_forge::Generated,
) -> openapi_forge::surface::Summary {
    let file = openapi_forge::surface::FILE;
    let old = surface_lines(on_disk.get(file).map_or("", String::as_str));
    let new = surface_lines(generated.files.get(file).map_or("", String::as_str));
    openapi_forge::surface::diff(&old, &new)
}

/// The version of the committed crate (what a bump starts from).
pub fn committed_version(on_disk: &BTreeMap<String, String>) -> String {
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

/// `cargo xtask regen`: regenerate generated/ (from `spec`, unpinned, when given) and print
/// what changed in the public API; with `check`, only compare and fail when it is stale; with
/// `summary_md`, also write the summary there as Markdown.
pub fn run(
    root: &Path,
    check: bool,
    spec: Option<&Path>,
    summary_md: Option<&Path>,
) -> Result<ExitCode, String> {
    let spec_out = root.join(FINAL_SPEC);
    let mut generated = generate_from(root, spec)?;
    rustfmt(&mut generated.files)?;
    let out = root.join("generated");
    let on_disk = read_tree(&out)?;
    let changes = diff(&on_disk, &generated.files);
    let summary = api_summary(&on_disk, &generated);
    let version = committed_version(&on_disk);
    if let Some(path) = summary_md {
        std::fs::write(path, summary.markdown(&version))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if check {
        if changes.is_empty() {
            println!("generated/ is up to date ({} files)", generated.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        report_stale(&changes, &summary.text(&version));
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
        spec_out.strip_prefix(root).unwrap_or(&spec_out).display()
    );
    print!("{}", summary.text(&version));
    Ok(ExitCode::SUCCESS)
}

/// Tell (on stderr) that generated/ is stale: the first 20 `changes`, the API `summary`, and
/// what to do.
fn report_stale(changes: &[String], summary: &str) {
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
    eprint!("{summary}");
    eprintln!("run `cargo xtask regen` and commit generated/");
}

/// Format the generated Rust files with the toolchain's rustfmt, so the generated crate is
/// `cargo fmt` clean. (The generator's own output is prettyplease-formatted and deterministic
/// without rustfmt; this only aligns it with the workspace style.)
pub fn rustfmt(files: &mut BTreeMap<String, String>) -> Result<(), String> {
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

/// The text files under `dir`, by path relative to it (`/`-separated).
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, String>, String> {
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
