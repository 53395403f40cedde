//! openapi-forge: generate a typed async Rust client crate from an OpenAPI 3.0 JSON spec.
//!
//! The pipeline, one module per stage, dependencies pointing one way:
//! [`load`] (find the spec, apply overlays, parse, select operations) ->
//! [`ir`] (a type space and an operation/resource tree, plain data) ->
//! [`emit`] (tokens, formatted files).
//!
//! ```no_run
//! use openapi_forge::{config::Config, Generator};
//! # fn main() -> openapi_forge::error::Result<()> {
//! let config = Config::from_file("spec/cloudflare.toml".as_ref())?;
//! let generated = Generator::new(config).spec_file("openapi.json".as_ref())?.generate()?;
//! generated.write_to("generated".as_ref())?;
//! # Ok(()) }
//! ```

pub mod config;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod surface;

use std::path::{Path, PathBuf};

use config::Config;
use emit::{EmitOptions, Files};
use error::{Error, Result, Warning};
use load::source::{self, SpecSource};
use load::Spec;

/// The phase of [`Generated::timings`] that reads the spec when the path items the config
/// does not select are skimmed ([`load::selected`]).
pub const SKIMMED: &str = "parse JSON (unselected paths skimmed)";

/// The phase of [`Generated::timings`] that reads the whole spec after an overlay could not
/// be applied to the skimmed one.
pub const REREAD: &str = "parse JSON again (an overlay needs every path)";

/// A configured generation run.
#[derive(Debug)]
pub struct Generator {
    config: Config,
    source: Option<SpecSource>,
    name: Option<String>,
    lenient: bool,
    verify_pin: bool,
    final_spec: bool,
}

/// The result of a run: the files of the crate, the model, and what was skipped or simplified.
#[derive(Debug)]
pub struct Generated {
    /// Relative path -> contents.
    pub files: Files,
    /// The intermediate representation the files were made from.
    pub api: ir::Api,
    /// The spec after overlays, as JSON text (for mock servers and tests); empty when
    /// [`Generator::final_spec`] turned it off.
    pub final_spec: String,
    /// Non-fatal problems, each with a JSON pointer.
    pub warnings: Vec<Warning>,
    /// Wall time of each phase of [`Generator::generate`], in order (for `--timings` and
    /// benchmarks).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Generator {
    /// A generator with this config.
    pub fn new(config: Config) -> Self {
        Generator {
            config,
            source: None,
            name: None,
            lenient: false,
            verify_pin: true,
            final_spec: true,
        }
    }

    /// Read the spec from `path`.
    pub fn spec_file(mut self, path: &Path) -> Result<Self> {
        self.source = Some(source::read_file(path)?);
        Ok(self)
    }

    /// Use the pinned spec from the config: local places first (relative to `root`), then
    /// the download cache in `cache_dir`, then the network.
    pub fn pinned_spec(mut self, root: &Path, cache_dir: &Path) -> Result<Self> {
        self.source = Some(source::locate_pinned(&self.config, root, cache_dir)?);
        Ok(self)
    }

    /// Use spec bytes directly (`name` appears in errors).
    pub fn spec_bytes(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.source = Some(SpecSource::new(name.to_string(), bytes));
        self
    }

    /// Override the crate name.
    pub fn crate_name(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }

    /// Accept every construct the generator cannot model faithfully, with the fallback its
    /// warning names (a free-form JSON value, a skipped parameter, ...). Off by default: then
    /// only the problems the config lists under `[lenient] allow` are accepted, and any other
    /// stops generation with [`Error::Problems`].
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.lenient = lenient;
        self
    }

    /// Check the spec against the config's sha256 pin (on by default).
    pub fn verify_pin(mut self, verify: bool) -> Self {
        self.verify_pin = verify;
        self
    }

    /// Keep the spec after overlays as JSON text in [`Generated::final_spec`] (on by default;
    /// a whole spec's text takes tens of milliseconds to write).
    pub fn final_spec(mut self, keep: bool) -> Self {
        self.final_spec = keep;
        self
    }

    /// Load, build and emit.
    pub fn generate(mut self) -> Result<Generated> {
        let source = self.source.take().ok_or_else(|| {
            Error::Source("no spec given: pass --spec FILE or a config with [spec] sources".into())
        })?;
        let mut timings = Vec::new();
        let mut clock = std::time::Instant::now();
        let mut lap = |phase: &'static str| {
            let now = std::time::Instant::now();
            timings.push((phase, now - clock));
            clock = now;
        };
        if self.verify_pin {
            source::verify_pin(&self.config, &source)?;
        }
        let sha = source.sha256().to_string();
        lap("sha256 and pin");
        let filter = load::spec::PathFilter::new(&self.config)?;
        let skimmed = self.skimmed(&source, &filter);
        let skims = skimmed.is_some();
        let mut raw = match skimmed {
            Some(raw) => raw,
            None => Spec::json(&source.name, &source.bytes)?,
        };
        lap(match skims {
            true => SKIMMED,
            false => "parse JSON",
        });
        let overlaid = self.apply_overlays(&mut raw, skims);
        if skims && overlaid.is_err() {
            // An overlay may need what was skimmed: the whole document gives its result
            // (or its error).
            raw = Spec::json(&source.name, &source.bytes)?;
            lap(REREAD);
            self.apply_overlays(&mut raw, false)?;
        } else {
            overlaid?;
        }
        load::normalize::make_explicit(&mut raw);
        lap("overlays");
        let spec = Spec::parse_selected(&source.name, raw, &|path| filter.selects(path))?;
        lap("parse OpenAPI");
        let crate_name = self.crate_name_for(&spec);
        let api = on_deep_stack(|| ir::build(&spec, &self.config, &crate_name))?;
        lap("build IR");
        accept_problems(&api.warnings, &self.config, self.lenient, &spec.file)?;
        let options = self.emit_options(&spec, &source.name, &sha)?;
        // Emitting needs only the model: the parsed spec goes before it (its JSON text is
        // kept only when the final spec is asked for), which lowers the peak memory.
        let raw = self.final_spec.then_some(spec.raw);
        drop(spec.api);
        let mut files = emit::emit(&api, &options)?;
        files.insert(
            surface::FILE.into(),
            surface::text(&api, &options.provenance),
        );
        lap("emit and format");
        let final_spec = match raw {
            Some(raw) => serde_json::to_string(&raw).map_err(|e| Error::Source(e.to_string()))?,
            None => String::new(),
        };
        lap("final spec");
        let warnings = api.warnings.clone();
        Ok(Generated {
            files,
            api,
            final_spec,
            warnings,
            timings,
        })
    }
}

impl Generator {
    /// The spec with the path items the config does not select skimmed
    /// ([`load::selected`]), when that cannot change the result: the config selects paths,
    /// the final spec (which keeps every path item) is not asked for, and nothing refers
    /// into `#/paths`. `None` otherwise, or when the skimming reader refuses the text.
    fn skimmed(
        &self,
        source: &SpecSource,
        filter: &load::spec::PathFilter,
    ) -> Option<serde_json::Value> {
        if self.final_spec || filter.selects_every_path() {
            return None;
        }
        let text = std::str::from_utf8(&source.bytes).ok()?;
        if load::selected::refers_into_paths(text) {
            return None;
        }
        load::selected::read(text, &|path| filter.selects(path))
    }

    /// The config's overlays applied in order to `raw`, a skimmed document or the whole one.
    fn apply_overlays(&self, raw: &mut serde_json::Value, skimmed: bool) -> Result<()> {
        for overlay in &self.config.spec.overlays {
            let path = self.config.dir.join(overlay);
            match skimmed {
                true => load::overlay::apply_file_to_skimmed(raw, &path)?,
                false => load::overlay::apply_file(raw, &path)?,
            }
        }
        Ok(())
    }

    /// The crate's name: given, else from the config, else from the spec's title.
    fn crate_name_for(&self, spec: &Spec) -> String {
        self.name
            .clone()
            .or(self.config.krate.name.clone())
            .unwrap_or_else(|| default_crate_name(spec))
    }

    /// The options of the emitted crate: names and metadata from the config, else from the
    /// spec; the provenance line that heads every file; the supplied files.
    fn emit_options(&self, spec: &Spec, source_name: &str, sha: &str) -> Result<EmitOptions> {
        let krate = &self.config.krate;
        let file_name = Path::new(source_name)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| source_name.to_string());
        let config_name = Path::new(&self.config.file)
            .file_name()
            .map(|n| format!(" with {}", n.to_string_lossy()))
            .unwrap_or_default();
        Ok(EmitOptions {
            description: krate
                .description
                .clone()
                .unwrap_or_else(|| default_description(&spec.api.info.title)),
            version: krate.version.clone().unwrap_or_else(|| "0.1.0".into()),
            provenance: format!(
                "Generated by openapi-forge from {file_name} (sha256 {}){config_name}. Do not edit: regenerate instead (`cargo xtask regen`).",
                &sha[..16]
            ),
            name: self.crate_name_for(spec),
            license: krate
                .license
                .clone()
                .unwrap_or_else(|| "MIT OR Apache-2.0".into()),
            repository: krate.repository.clone(),
            keywords: krate
                .keywords
                .clone()
                .unwrap_or_else(|| ["api", "client", "openapi"].map(String::from).to_vec()),
            docs: krate.docs.clone(),
            supplied: match &krate.files {
                Some(dir) => read_supplied(&self.config.dir.join(dir))?,
                None => Files::new(),
            },
        })
    }
}

/// Every file under `dir`, by path relative to it (`/`-separated), in a stable order.
fn read_supplied(dir: &Path) -> Result<Files> {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| Error::io(&current, e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&current, e))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(relative, text);
        }
    }
    Ok(files)
}

/// Refuse the problems that neither `lenient` nor the config's allow list accepts; refuse allow
/// entries that match no problem.
fn accept_problems(problems: &[Warning], config: &Config, lenient: bool, file: &str) -> Result<()> {
    let allows = |entry: &str, pointer: &str| {
        pointer == entry
            || pointer
                .strip_prefix(entry)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    if !lenient {
        let refused: Vec<Warning> = problems
            .iter()
            .filter(|p| p.is_problem())
            .filter(|p| !config.lenient.allow.iter().any(|a| allows(a, &p.pointer)))
            .cloned()
            .collect();
        if !refused.is_empty() {
            return Err(Error::Problems {
                file: file.to_string(),
                problems: refused,
            });
        }
    }
    for entry in &config.lenient.allow {
        if !problems
            .iter()
            .any(|p| p.is_problem() && allows(entry, &p.pointer))
        {
            return Err(config.error(format!(
                "[lenient] allow: `{entry}` matches no problem of the spec; remove it"
            )));
        }
    }
    Ok(())
}

/// `github-v3-rest-api-client` for "GitHub v3 REST API": the title's words as written
/// (not split at case changes), lowercase, joined by `-`.
fn default_crate_name(spec: &Spec) -> String {
    let words: Vec<String> = spec
        .api
        .info
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    match words.as_slice() {
        [] => "api-client".into(),
        words if words.last().is_some_and(|w| w == "client") => words.join("-"),
        words => format!("{}-client", words.join("-")),
    }
}

/// "Typed async client for the GitHub v3 REST API" (no "API API").
fn default_description(title: &str) -> String {
    let title = title.trim();
    let ends_with_api = title
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .is_some_and(|w| w.eq_ignore_ascii_case("api"));
    if ends_with_api {
        format!("Typed async client for the {title}")
    } else {
        format!("Typed async client for the {title} API")
    }
}

impl Generated {
    /// Write the crate into `out`, replacing what is there, atomically: the files are written
    /// to a sibling directory first, which then takes the place of `out`. A failed run leaves
    /// the previous `out` intact.
    pub fn write_to(&self, out: &Path) -> Result<()> {
        write_atomically(&self.files, out)
    }
}

/// Write every file under `root`: directories first, then the files on all available cores.
fn write_all(root: &Path, files: &Files) -> Result<()> {
    let dirs: std::collections::BTreeSet<PathBuf> = files
        .keys()
        .filter_map(|relative| root.join(relative).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let entries: Vec<(&String, &String)> = files.iter().collect();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let per_thread = entries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = entries
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    for (relative, contents) in part {
                        let path = root.join(relative);
                        std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap_or_else(|_| {
                Err(Error::Source(
                    "internal error: a writer thread panicked".into(),
                ))
            })?;
        }
        Ok(())
    })
}

/// Write `files` into `out`, replacing what is there: the files go to a sibling staging
/// directory first, which then takes the place of `out` by renames. A failed or interrupted
/// write leaves the previous `out` in place (see [`Generated::write_to`]).
pub fn write_atomically(files: &Files, out: &Path) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{base}.new-{}", std::process::id()));
    let backup = parent.join(format!(".{base}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        write_all(&staging, files)?;
        if out.exists() {
            std::fs::rename(out, &backup).map_err(|e| Error::io(out, e))?;
        }
        if let Err(e) = std::fs::rename(&staging, out) {
            let _ = std::fs::rename(&backup, out);
            return Err(Error::io(out, e));
        }
        remove_tree(&backup);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Removes the tree at `dir` (best effort), its files unlinked on all cores: a generated
/// crate is hundreds of files, and unlinking them on one thread took longer than writing them.
fn remove_tree(dir: &Path) {
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            // A symbolic link is removed, not followed.
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(entry.path()),
                _ => files.push(entry.path()),
            }
        }
        dirs.push(current);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for part in files.chunks(per_thread) {
            scope.spawn(move || {
                for file in part {
                    let _ = std::fs::remove_file(file);
                }
            });
        }
    });
    // Children were listed after their parents.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
    // Whatever is left (a file that appeared meanwhile).
    if dir.exists() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The stack of the thread that builds the IR. The lowering recurses along the spec's
/// references and allOf chains (a chain thousands of schemas long is valid OpenAPI): a thread
/// of its own with this much stack (reserved, not committed) keeps any such spec from
/// overflowing the caller's.
const DEEP_STACK: usize = 512 << 20;

/// `work` on a thread with [`DEEP_STACK`] of stack, or on this one if no such thread can be
/// made; a panic in it is resumed here.
fn on_deep_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(work));
    let take = || slot.lock().ok().and_then(|mut work| work.take());
    let spawned = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("openapi-forge-ir".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || take().map(|work| work()))
            .ok()?;
        Some(
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    });
    match spawned.flatten() {
        Some(value) => value,
        // No thread could be made: the work is still in its slot.
        None => (take().expect("the work runs once"))(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_previous_output_and_no_staging() {
        let root = std::env::temp_dir().join(format!("forge-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let out = root.join("generated");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("lib.rs"), "previous").unwrap();
        // `src` is both a file and a directory: the write fails half way.
        let mut files = Files::new();
        files.insert("src".into(), "a file".into());
        files.insert("src/lib.rs".into(), "new".into());
        assert!(write_atomically(&files, &out).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("lib.rs")).unwrap(),
            "previous"
        );
        let left: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("generated")]);
        // A good write replaces the whole directory, nested directories and all; a link in
        // it to a directory outside is removed, not followed.
        std::fs::create_dir_all(out.join("a/b")).unwrap();
        std::fs::write(out.join("a/b/c.rs"), "old").unwrap();
        let keep = root.join("keep");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("kept.txt"), "kept").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&keep, out.join("a/link")).unwrap();
        let mut files = Files::new();
        files.insert("src/lib.rs".into(), "new".into());
        write_atomically(&files, &out).unwrap();
        assert!(!out.join("lib.rs").exists());
        assert!(!out.join("a").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(keep.join("kept.txt")).unwrap(),
            "kept"
        );
        let mut left: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["generated", "keep"].map(std::ffi::OsString::from));
        let _ = std::fs::remove_dir_all(&root);
    }
}
