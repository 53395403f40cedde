//! The whole generated crate: its files, made on all cores (`Cargo.toml`, the runtime copied
//! verbatim, `lib.rs`, `scope.rs`, `types.rs`, `impls.rs`, `methods.rs`, a file per resource,
//! the tests, `API.md`, `README.md` and the supplied files).

use quote::quote;

use super::resources::{self, Node};
use super::{cargo, format_file, librs, markdown, syntax, EmitOptions, Files};
use crate::config::EnvelopeConvention;
use crate::error::Result;
use crate::ir::names;
use crate::ir::Api;

/// A runtime module of the generator, by file name.
macro_rules! runtime_file {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/", $name)),
        )
    };
}

/// Hand-written runtime modules copied verbatim into `src/`, every crate.
const RUNTIME: &[(&str, &str)] = &[
    runtime_file!("auth.rs"),
    runtime_file!("call.rs"),
    runtime_file!("client.rs"),
    runtime_file!("codec.rs"),
    runtime_file!("error.rs"),
    runtime_file!("fields.rs"),
    runtime_file!("macros.rs"),
    runtime_file!("response.rs"),
    runtime_file!("upload.rs"),
    runtime_file!("values.rs"),
    runtime_file!("blocking.rs"),
];

/// The runtime modules of the Cloudflare convention (its envelope, pages).
const CLOUDFLARE: &[(&str, &str)] = &[runtime_file!("envelope.rs"), runtime_file!("paginate.rs")];

/// The runtime module of the plain convention (bodies as values, typed error bodies).
const PLAIN: &[(&str, &str)] = &[runtime_file!("plain.rs")];

/// The runtime modules a crate of `api` gets.
fn runtime(api: &Api) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    let convention = match api.service.envelope {
        EnvelopeConvention::Cloudflare => CLOUDFLARE,
        EnvelopeConvention::None => PLAIN,
    };
    RUNTIME.iter().chain(convention)
}

/// One file to produce: its path and how to make its contents.
type Job<'a> = Box<dyn Fn() -> Result<String> + Send + Sync + 'a>;

/// All files of the generated crate. The files are independent, so they are produced (token
/// emission and formatting, most of the generator's time) on all available cores; the result
/// does not depend on the number of threads or their order.
pub fn files(api: &Api, options: &EmitOptions) -> Result<Files> {
    let header = format!("// {}\n", options.provenance);
    let tree = resources::tree(api);
    let mut files = Files::new();
    files.insert("Cargo.toml".into(), cargo::cargo_toml(api, options));
    for (name, text) in runtime(api) {
        files.insert(
            format!("src/{name}"),
            format!("{header}// (runtime module, copied verbatim from the generator)\n\n{text}"),
        );
    }
    let mut jobs = source_jobs(api, options, &tree, &header);
    jobs.extend(test_jobs(api, options, &header));
    let mut types_rs = String::new();
    for (file, text) in run_jobs(jobs)? {
        if file.starts_with("src/types.rs#") {
            types_rs.push_str(&text);
        } else if !text.is_empty() {
            files.insert(file, text);
        }
    }
    files.insert("src/types.rs".into(), types_rs);
    files.insert("API.md".into(), markdown::api_md(api, options));
    files.insert("README.md".into(), markdown::readme(api, options));
    for (path, text) in &options.supplied {
        files.insert(path.clone(), markdown::with_features_table(api, path, text));
    }
    Ok(files)
}

/// The jobs that make `src/`: `scope.rs`, `types.rs` in chunks (its largest file: formatted
/// in parts, then joined), `impls.rs`, `methods.rs`, `lib.rs` and a file per resource.
fn source_jobs<'a>(
    api: &'a Api,
    options: &'a EmitOptions,
    tree: &'a Node,
    header: &'a str,
) -> Vec<(String, Job<'a>)> {
    let has_scope = !api.scopes.is_empty();
    let mut jobs: Vec<(String, Job)> = Vec::new();
    if has_scope {
        jobs.push((
            "src/scope.rs".into(),
            Box::new(move || format_file(librs::scope(api), header, "scope.rs")),
        ));
    }
    for (index, range) in super::types::chunks(&api.types, TYPE_CHUNK)
        .into_iter()
        .enumerate()
    {
        jobs.push((
            format!("src/types.rs#{index:05}"),
            Box::new(move || {
                let (tokens, macros) =
                    super::types::module_part(&api.types, &api.features, range.clone());
                let text = super::format_with_macros(tokens, &macros, "", "types.rs")?;
                // The formatter puts a line break where the header goes; only part 0 keeps it.
                Ok(if index == 0 {
                    format!("{header}{text}")
                } else {
                    text[1..].to_string()
                })
            }),
        ));
    }
    jobs.push((
        "src/spec.rs".into(),
        Box::new(move || format_file(super::spec::module(api), header, "spec.rs")),
    ));
    jobs.push((
        "src/impls.rs".into(),
        Box::new(move || {
            let (tokens, macros) = super::impls::module(api)?;
            super::format_with_macros(tokens, &macros, header, "impls.rs")
        }),
    ));
    jobs.push((
        "src/methods.rs".into(),
        Box::new(move || format_file(super::methods::module(api), header, "methods.rs")),
    ));
    jobs.push((
        "src/lib.rs".into(),
        Box::new(move || format_file(librs::lib(api, options, tree, has_scope), header, "lib.rs")),
    ));
    let mut resource_files = Vec::new();
    resource_jobs(tree, &mut Vec::new(), &mut resource_files);
    for (file, path) in resource_files {
        let name = file.clone();
        jobs.push((
            file,
            Box::new(move || {
                let mut node = tree;
                for segment in &path {
                    node = &node.children[segment];
                }
                resource_file(api, &path, node, header, &name)
            }),
        ));
    }
    jobs
}

/// The jobs that make `tests/`: the end-to-end test, the wire test, the typed errors and the
/// round trips.
fn test_jobs<'a>(api: &'a Api, options: &EmitOptions, header: &'a str) -> Vec<(String, Job<'a>)> {
    let crate_ident = options.name.replace('-', "_");
    let mut jobs: Vec<(String, Job)> = Vec::new();
    let krate = crate_ident.clone();
    jobs.push((
        "tests/e2e.rs".into(),
        Box::new(move || Ok(super::e2e::e2e(api, &krate, header).unwrap_or_default())),
    ));
    let krate = crate_ident.clone();
    jobs.push((
        "tests/wire.rs".into(),
        Box::new(move || Ok(super::wire::wire(api, &krate, header).unwrap_or_default())),
    ));
    let krate = crate_ident.clone();
    jobs.push((
        "tests/errors.rs".into(),
        Box::new(move || Ok(super::errors::errors(api, &krate, header).unwrap_or_default())),
    ));
    if !api.types.examples.is_empty() || !api.samples.is_empty() {
        jobs.push((
            "tests/examples.rs".into(),
            Box::new(move || Ok(super::tests::examples(api, &crate_ident, header))),
        ));
    }
    jobs
}

/// Types per formatting job of `types.rs`.
const TYPE_CHUNK: usize = 256;

/// Run the jobs on all available cores; results sorted by file name.
fn run_jobs(jobs: Vec<(String, Job)>) -> Result<Vec<(String, String)>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let jobs = &jobs;
    let next = &next;
    let results: Vec<Result<Vec<(String, String)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((file, job)) = jobs.get(index) else {
                            return Ok(done);
                        };
                        done.push((file.clone(), job()?));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(crate::error::Error::Source(
                        "internal error: a code emission thread panicked".into(),
                    ))
                })
            })
            .collect()
    });
    let mut all = Vec::new();
    for result in results {
        all.extend(result?);
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

/// The file of every resource module and its path of segments, depth first.
fn resource_jobs(node: &Node, path: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
    for (segment, child) in &node.children {
        path.push(segment.clone());
        let dir: Vec<String> = path
            .iter()
            .map(|s| names::bare(&syntax::accessor(s)).to_string())
            .collect();
        let file = if child.children.is_empty() {
            format!("src/resources/{}.rs", dir.join("/"))
        } else {
            format!("src/resources/{}/mod.rs", dir.join("/"))
        };
        out.push((file, path.clone()));
        resource_jobs(child, path, out);
        path.pop();
    }
}

fn resource_file(
    api: &Api,
    path: &[String],
    node: &Node,
    header: &str,
    file: &str,
) -> Result<String> {
    let body = resources::module(api, path, node);
    let import = node
        .methods
        .iter()
        .any(|&m| resources::uses_query_all(&api.operations[m]))
        .then(|| {
            quote!(
                use crate::values::QueryAll;
            )
        });
    let tokens = quote! {
        #import
        #body
    };
    format_file(tokens, header, file)
}
