//! `cargo xtask spec --update`: move the spec pin in spec/cloudflare.toml to a new upstream
//! spec, after showing what it changes in the API. Uses `regen`.

use std::path::Path;
use std::process::ExitCode;

use crate::regen::{api_summary, committed_version, generate_from, read_tree, rustfmt};

/// `cargo xtask spec --update URL_OR_FILE`: fetch the new spec, show what it changes in the
/// public API against the committed crate, then move the pin to it and keep a copy in the
/// download cache (`target/spec-cache/<sha256>.json`) so `cargo xtask regen` finds it.
pub fn update(root: &Path, source: &str) -> Result<ExitCode, String> {
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
    let mut generated = generate_from(root, Some(&cached))?;
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
        cached.strip_prefix(root).unwrap_or(&cached).display()
    );
    Ok(ExitCode::SUCCESS)
}
