//! Spec sources: a local file, or the pinned upstream spec found in listed places or downloaded.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{Error, Result};

/// Bytes of a spec and where they came from.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// Human-readable origin (a path or URL) used in error messages.
    pub name: String,
    /// The raw file contents.
    pub bytes: Vec<u8>,
    /// The lowercase hex sha256 of `bytes`, once computed.
    sha256: std::sync::OnceLock<String>,
}

impl SpecSource {
    /// The spec `bytes`, named `name` in errors.
    pub fn new(name: String, bytes: Vec<u8>) -> SpecSource {
        SpecSource {
            name,
            bytes,
            sha256: std::sync::OnceLock::new(),
        }
    }

    /// The lowercase hex sha256 of the bytes, computed once (the pin is checked when the
    /// spec is located and again before generating, and the sha heads every file): bytes
    /// changed after the first call are not hashed again.
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| sha256_hex(&self.bytes))
    }
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Read a spec from an explicit file.
pub fn read_file(path: &Path) -> Result<SpecSource> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(SpecSource::new(path.display().to_string(), bytes))
}

/// Check `source` against the pin in `config`, if any.
pub fn verify_pin(config: &Config, source: &SpecSource) -> Result<()> {
    let Some(expected) = config.spec.sha256.as_deref() else {
        return Ok(());
    };
    let actual = source.sha256();
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(Error::Source(format!(
            "{}: sha256 {actual} does not match the pin {expected} in {} \
             (update the pin deliberately if the spec really changed)",
            source.name, config.file
        )))
    }
}

/// Locate the pinned spec: the listed local places first (relative to `root`), then a
/// download cache under `cache_dir`, then the network. The result is always checked
/// against the pinned sha256.
pub fn locate_pinned(config: &Config, root: &Path, cache_dir: &Path) -> Result<SpecSource> {
    let mut tried: Vec<String> = Vec::new();
    // A local copy of another version (the pin has moved on) is passed over for the cache;
    // if nothing else matches either, its mismatch is the error.
    let mut mismatch = None;
    for candidate in &config.spec.search {
        let path = root.join(candidate);
        if path.is_file() {
            let source = read_file(&path)?;
            match verify_pin(config, &source) {
                Ok(()) => return Ok(source),
                Err(error) => {
                    mismatch.get_or_insert(error);
                }
            }
        }
        tried.push(path.display().to_string());
    }
    let cached = cache_path(config, cache_dir);
    if let Some(path) = &cached {
        if path.is_file() {
            let source = read_file(path)?;
            if verify_pin(config, &source).is_ok() {
                return Ok(source);
            }
        }
    }
    if let Some(error) = mismatch {
        return Err(error);
    }
    let Some(url) = config.spec.url.as_deref() else {
        return Err(Error::Source(format!(
            "{}: spec not found (looked in: {}) and no [spec] url to download it from",
            config.file,
            tried.join(", ")
        )));
    };
    let bytes = download(url).map_err(|message| {
        Error::Source(format!(
            "{}: spec not found locally (looked in: {}) and downloading {url} failed: {message}",
            config.file,
            tried.join(", ")
        ))
    })?;
    let source = SpecSource::new(url.to_string(), bytes);
    verify_pin(config, &source)?;
    if let Some(path) = cached {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, &source.bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(source)
}

fn cache_path(config: &Config, cache_dir: &Path) -> Option<PathBuf> {
    let sha = config.spec.sha256.as_deref()?;
    Some(cache_dir.join(format!("{sha}.json")))
}

/// Download `url` (60 s timeout).
pub fn download(url: &str) -> std::result::Result<Vec<u8>, String> {
    let response = ureq::get(url)
        .timeout(std::time::Duration::from_secs(60))
        .call()
        .map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}
