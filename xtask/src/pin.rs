//! `cargo xtask spec --update`: move the spec pin in spec/cloudflare.toml to a new upstream
//! spec, after showing what it changes in the API. Uses `regen`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use toml_edit::{DocumentMut, Item, TableLike, Value};

use crate::regen::{api_summary, committed_version, generate_from, read_tree, rustfmt};

/// The config holding the pin, relative to the workspace root.
const CONFIG: &str = "spec/cloudflare.toml";

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
    let config_path = root.join(CONFIG);
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let updated = move_pin(&text, &sha, is_url.then_some(source))
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let cached = cache(root, &sha, &bytes)?;
    // The summary first: a spec that does not generate does not move the pin.
    print_summary(root, &cached)?;
    std::fs::write(&config_path, updated).map_err(|e| format!("{}: {e}", config_path.display()))?;
    println!(
        "moved the pin in {CONFIG} to sha256 {sha}{}; the spec is cached in {}.\n\
         Next: `cargo xtask regen`, review, commit {CONFIG} and generated/.",
        if is_url {
            format!(" ({source})")
        } else {
            String::new()
        },
        cached.strip_prefix(root).unwrap_or(&cached).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Write `bytes` into the download cache as `target/spec-cache/<sha>.json`; its path.
fn cache(root: &Path, sha: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    let cache = root.join("target/spec-cache");
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let cached = cache.join(format!("{sha}.json"));
    std::fs::write(&cached, bytes).map_err(|e| format!("{}: {e}", cached.display()))?;
    Ok(cached)
}

/// Generate from `spec` (unpinned) and print what it changes in the public API against the
/// committed crate; fails when the spec does not generate.
fn print_summary(root: &Path, spec: &Path) -> Result<(), String> {
    let mut generated = generate_from(root, Some(spec))?;
    rustfmt(&mut generated.files)?;
    let on_disk = read_tree(&root.join("generated"))?;
    let summary = api_summary(&on_disk, &generated);
    print!("{}", summary.text(&committed_version(&on_disk)));
    Ok(())
}

/// The config `text` with its pin moved: `sha256` of the `[spec]` table set to `sha`, and its
/// `url` to `url` when given. Everything else (comments, order, spacing, the comment after a
/// value) stays as it was.
fn move_pin(text: &str, sha: &str, url: Option<&str>) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("not valid TOML: {e}"))?;
    let spec = document
        .get_mut("spec")
        .and_then(Item::as_table_like_mut)
        .ok_or("there is no [spec] table to hold the pin")?;
    set_string(spec, "sha256", sha);
    if let Some(url) = url {
        set_string(spec, "url", url);
    }
    Ok(document.to_string())
}

/// Set `key` of `table` to the string `new`, keeping the key where it is and the spaces and
/// comment around the old value; a missing key is added at the end of the table.
fn set_string(table: &mut dyn TableLike, key: &str, new: &str) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = Value::from(new);
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(new));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::move_pin;

    const CONFIG: &str = r#"# The config of a client.

[crate]
name = "client"   # its name
# The version must not move with the pin.
version = "0.1.0"

# The upstream spec, pinned.
[spec]
url = "https://example.com/old/openapi.json"
sha256 = "0000"  # the old pin
# Local places to look first.
search = ["../spec/openapi.json"]

[features]
split = ["zero_trust"]
"#;

    /// The lines of `a` and `b` that differ, as (line of a, line of b).
    fn changed_lines<'a>(a: &'a str, b: &'a str) -> Vec<(&'a str, &'a str)> {
        assert_eq!(a.lines().count(), b.lines().count(), "{b}");
        a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect()
    }

    #[test]
    fn moves_sha256_and_url_and_keeps_everything_else() {
        let moved = move_pin(CONFIG, "abcd", Some("https://example.com/new/openapi.json"));
        let moved = moved.unwrap();
        assert!(moved.ends_with("split = [\"zero_trust\"]\n"), "{moved}");
        assert_eq!(
            changed_lines(CONFIG, &moved),
            [
                (
                    r#"url = "https://example.com/old/openapi.json""#,
                    r#"url = "https://example.com/new/openapi.json""#
                ),
                (
                    r#"sha256 = "0000"  # the old pin"#,
                    r#"sha256 = "abcd"  # the old pin"#
                ),
            ]
        );
    }

    #[test]
    fn a_file_moves_only_sha256() {
        let moved = move_pin(CONFIG, "abcd", None).unwrap();
        assert_eq!(
            changed_lines(CONFIG, &moved),
            [(
                r#"sha256 = "0000"  # the old pin"#,
                r#"sha256 = "abcd"  # the old pin"#
            )]
        );
    }

    #[test]
    fn a_missing_spec_table_is_an_error() {
        let without = CONFIG.replace("[spec]", "[upstream]");
        let error = move_pin(&without, "abcd", None).unwrap_err();
        assert!(error.contains("no [spec] table"), "{error}");
    }

    #[test]
    fn invalid_toml_is_an_error() {
        let error = move_pin("[spec\nsha256 = 1", "abcd", None).unwrap_err();
        assert!(error.contains("not valid TOML"), "{error}");
    }

    #[test]
    fn the_project_config_keeps_its_layout() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/cloudflare.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let moved = move_pin(&text, "abcd", Some("https://example.com/openapi.json")).unwrap();
        let changed = changed_lines(&text, &moved);
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert_eq!(changed[0].1, r#"url = "https://example.com/openapi.json""#);
        assert_eq!(changed[1].1, r#"sha256 = "abcd""#);
    }
}
