//! The crate around the code: `Cargo.toml`, `lib.rs`, `scope.rs`, the runtime, `API.md`, `README.md`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::resources::{self, Node};
use super::{doc, format_file, EmitOptions, Files};
use crate::error::Result;
use crate::ir::names;
use crate::ir::ops::{JsonShape, Operation, Pagination, ParamLocation, ResponseBody};
use crate::ir::types::Ty;
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

/// Hand-written runtime modules copied verbatim into `src/`.
const RUNTIME: &[(&str, &str)] = &[
    runtime_file!("call.rs"),
    runtime_file!("client.rs"),
    runtime_file!("codec.rs"),
    runtime_file!("envelope.rs"),
    runtime_file!("error.rs"),
    runtime_file!("macros.rs"),
    runtime_file!("paginate.rs"),
    runtime_file!("values.rs"),
    runtime_file!("blocking.rs"),
];

/// One file to produce: its path and how to make its contents.
type Job<'a> = Box<dyn Fn() -> Result<String> + Send + Sync + 'a>;

/// All files of the generated crate. The files are independent, so they are produced (token
/// emission and formatting, most of the generator's time) on all available cores; the result
/// does not depend on the number of threads or their order.
pub fn files(api: &Api, options: &EmitOptions) -> Result<Files> {
    let header = format!("// {}\n", options.provenance);
    let header = header.as_str();
    let mut files = Files::new();
    files.insert("Cargo.toml".into(), cargo_toml(api, options));
    for (name, text) in RUNTIME {
        files.insert(
            format!("src/{name}"),
            format!("{header}// (runtime module, copied verbatim from the generator)\n\n{text}"),
        );
    }
    let has_scope = !api.scopes.is_empty();
    let tree = resources::tree(api);
    let tree = &tree;
    let crate_ident = options.name.replace('-', "_");
    let crate_ident = crate_ident.as_str();
    let mut jobs: Vec<(String, Job)> = Vec::new();
    if has_scope {
        jobs.push((
            "src/scope.rs".into(),
            Box::new(move || format_file(scope(api), header, "scope.rs")),
        ));
    }
    // types.rs is the largest file: its items are formatted in chunks, then joined.
    let chunks = super::types::chunks(&api.types, TYPE_CHUNK);
    for (index, range) in chunks.into_iter().enumerate() {
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
        "src/impls.rs".into(),
        Box::new(move || format_file(super::impls::module(api)?, header, "impls.rs")),
    ));
    jobs.push((
        "src/methods.rs".into(),
        Box::new(move || format_file(super::methods::module(api), header, "methods.rs")),
    ));
    jobs.push((
        "src/lib.rs".into(),
        Box::new(move || format_file(lib(api, options, tree, has_scope), header, "lib.rs")),
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
    jobs.push((
        "tests/e2e.rs".into(),
        Box::new(move || Ok(super::e2e::e2e(api, crate_ident, header).unwrap_or_default())),
    ));
    jobs.push((
        "tests/wire.rs".into(),
        Box::new(move || Ok(super::wire::wire(api, crate_ident, header).unwrap_or_default())),
    ));
    if !api.types.examples.is_empty() || !api.samples.is_empty() {
        jobs.push((
            "tests/examples.rs".into(),
            Box::new(move || Ok(super::tests::examples(api, crate_ident, header))),
        ));
    }
    let mut types_rs = String::new();
    for (file, text) in run_jobs(jobs)? {
        if file.starts_with("src/types.rs#") {
            types_rs.push_str(&text);
        } else if !text.is_empty() {
            files.insert(file, text);
        }
    }
    files.insert("src/types.rs".into(), types_rs);
    files.insert("API.md".into(), api_md(api, options));
    files.insert(
        crate::surface::FILE.into(),
        crate::surface::text(api, &options.provenance),
    );
    files.insert("README.md".into(), readme(api, options));
    for (path, text) in &options.supplied {
        let text = match text.find(FEATURES_MARKER) {
            Some(at) if path.ends_with(".md") => format!(
                "{}{}{}",
                &text[..at],
                features_table(api),
                &text[at + FEATURES_MARKER.len()..]
            ),
            _ => text.clone(),
        };
        files.insert(path.clone(), text);
    }
    Ok(files)
}

/// A line of a supplied Markdown file that is replaced by the table of the crate's Cargo
/// features ([`features_table`]).
pub const FEATURES_MARKER: &str = "<!-- openapi-forge: features -->";

/// The crate's resource-group features as a Markdown table (empty when it has none).
pub fn features_table(api: &Api) -> String {
    let features = &api.features;
    if features.groups.is_empty() {
        return String::new();
    }
    let mut out = String::from("| Feature | Resource | Methods |\n|---|---|---|\n");
    for (name, path) in &features.groups {
        let count = features.method_count(name);
        out.push_str(&format!("| `{name}` | `{path}` and below | {count} |\n"));
    }
    let ungated = features.operations.iter().filter(|f| f.is_none()).count();
    if ungated > 0 {
        out.push_str(&format!("| (always) | everything else | {ungated} |\n"));
    }
    out
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
            .map(|s| names::bare(&resources::accessor(s)).to_string())
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

fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    let groups = &api.features.groups;
    let (default, mut group_features) = if groups.is_empty() {
        ("[]", String::new())
    } else {
        let names: Vec<String> = groups.keys().map(|n| format!("{n:?}")).collect();
        (
            "[\"full\"]",
            format!(
                "# Every resource group.\nfull = [{}]\n\
                 # Resource groups: each compiles one resource, the resources below it and the types they use.\n",
                names.join(", ")
            ),
        )
    };
    for (name, path) in groups {
        let count = api.features.method_count(name);
        let s = if count == 1 { "" } else { "s" };
        group_features.push_str(&format!("# `{path}` ({count} method{s})\n{name} = []\n"));
    }
    // Examples call resources of several groups: they need them all.
    let examples: String = if groups.is_empty() {
        String::new()
    } else {
        options
            .supplied
            .keys()
            .filter_map(|path| path.strip_prefix("examples/")?.strip_suffix(".rs"))
            .filter(|name| !name.contains('/'))
            .map(|name| format!("\n[[example]]\nname = {name:?}\nrequired-features = [\"full\"]\n"))
            .collect()
    };
    format!(
        r#"# {provenance}
[package]
name = "{name}"
version = "{version}"
description = "{description}"
edition = "2021"
rust-version = "1.85"
license = "{license}"
readme = "README.md"
{repository}keywords = [{keywords}]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
bytes = "1"
futures-util = "0.3"
httpdate = "1"
percent-encoding = "2"
reqwest = {{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["raw_value", "float_roundtrip"] }}
serde_path_to_error = "0.1"
thiserror = "2"
time = {{ version = "0.3", features = ["serde-well-known", "parsing", "formatting"] }}
tokio = {{ version = "1", features = ["time"] }}
tracing = "0.1"

[package.metadata.docs.rs]
# Document the blocking client too.
all-features = true

[features]
default = {default}
# `send_blocking()` and `items_blocking()`, for code without an async runtime.
blocking = ["tokio/rt-multi-thread"]
{group_features}
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
{examples}"#,
        provenance = options.provenance,
        name = options.name,
        version = options.version,
        description = options.description.replace('"', "'"),
        license = options.license.replace('"', "'"),
        repository = options
            .repository
            .as_ref()
            .map(|r| format!("repository = \"{}\"\n", r.replace('"', "'")))
            .unwrap_or_default(),
        keywords = options
            .keywords
            .iter()
            .map(|k| format!("{:?}", k))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn scope(api: &Api) -> TokenStream {
    let variants = api.scopes.iter().map(|(name, prefix)| {
        let v = format_ident!("{}", names::type_name(name));
        let doc = format!(" Paths under `{prefix}`; holds the identifier.");
        quote! { #[doc = #doc] #v(String), }
    });
    let constructors = api.scopes.iter().map(|(name, _)| {
        let v = format_ident!("{}", names::type_name(name));
        let f = format_ident!("{}", names::bare(&names::field_name(name)));
        let doc = format!(" The {name} with this identifier.");
        quote! { #[doc = #doc] pub fn #f(id: impl Into<String>) -> Self { Scope::#v(id.into()) } }
    });
    let arms = api.scopes.iter().map(|(name, prefix)| {
        let v = format_ident!("{}", names::type_name(name));
        // `/accounts/{account_id}` -> "/accounts/{}"
        let mut template = String::new();
        for segment in prefix.split('/').filter(|s| !s.is_empty()) {
            template.push('/');
            if segment.starts_with('{') {
                template.push_str("{}");
            } else {
                template.push_str(segment);
            }
        }
        quote! { Scope::#v(id) => format!(#template, crate::codec::path_segment(id)), }
    });
    let id_arms = api.scopes.iter().map(|(name, _)| {
        let v = format_ident!("{}", names::type_name(name));
        quote! { Scope::#v(id) => id, }
    });
    // Unused when no enabled resource group has methods that take a scope.
    let unused = (!api.features.groups.is_empty()).then(|| quote!(#[allow(dead_code)]));
    quote! {
        //! Where an operation applies, for operations that exist under several path prefixes.

        /// Where an operation applies: each variant is one path prefix of the API.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Scope {
            #(#variants)*
        }

        impl Scope {
            #(#constructors)*

            /// The identifier.
            pub fn id(&self) -> &str {
                match self { #(#id_arms)* }
            }

            /// The percent-encoded path prefix.
            #unused
            pub(crate) fn path_prefix(&self) -> String {
                match self { #(#arms)* }
            }
        }
    }
}

fn lib(api: &Api, options: &EmitOptions, tree: &Node, has_scope: bool) -> TokenStream {
    let crate_doc = match (
        options.supplied.contains_key("README.md"),
        api.features.full_predicate(),
    ) {
        (true, None) => quote! { #![doc = include_str!("../README.md")] },
        (false, None) => doc::inner_lines(&crate_docs(api, options)),
        // The crate docs' examples call every resource: they are the docs of the full build.
        (supplied, Some(_)) => {
            let full = if supplied {
                quote!(include_str!("../README.md"))
            } else {
                let text = crate_docs(api, options);
                quote!(#text)
            };
            let partial = format!(
                "{}\n\nBuilt without the `full` feature: only the resource groups whose Cargo \
                 features are on are compiled (see README.md).",
                options.description
            );
            quote! {
                #![cfg_attr(feature = "full", doc = #full)]
                #![cfg_attr(not(feature = "full"), doc = #partial)]
            }
        }
    };
    let scope = has_scope.then(|| quote! { mod scope; pub use scope::Scope; });
    let mods = tree.children.keys().map(|segment| {
        let m = super::types::ident(&resources::accessor(segment));
        let doc = format!(" The `{segment}` resources.");
        quote! { #[doc = #doc] pub mod #m; }
    });
    let accessors = tree.children.keys().map(|segment| {
        let m = super::types::ident(&resources::accessor(segment));
        let s = format_ident!("{}", resources::struct_name(segment));
        let doc = format!(" The `{segment}` resources.");
        quote! {
            #[doc = #doc]
            pub fn #m(&self) -> resources::#m::#s<'_> {
                resources::#m::#s { client: self }
            }
        }
    });
    quote! {
        #crate_doc
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]

        // The runtime carries helpers for every kind of operation; which ones a given API
        // uses depends on its spec.
        #[allow(dead_code)]
        mod call;
        #[allow(dead_code)]
        mod client;
        #[allow(dead_code)]
        mod codec;
        #[allow(dead_code)]
        mod envelope;
        mod error;
        #[allow(dead_code, unused_imports, unused_macros)]
        mod macros;
        #[allow(dead_code)]
        mod paginate;
        #[allow(dead_code)]
        mod values;
        #[cfg(feature = "blocking")]
        mod blocking;
        #scope

        pub use call::{Call, Response, MAX_ERROR_BODY, MAX_RETRY_AFTER};
        pub use client::{Client, ClientBuilder, Credentials, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
        pub use futures_util::Stream;
        pub use codec::{DateTime, Nullable};
        pub use envelope::{Envelope, Page, ResponseMessage, ResultInfo};
        pub use error::{ApiError, Error, Result};

        /// Request and response types, named after the spec's schemas.
        pub mod types;
        // Conversions, accessors and setters of the types.
        mod impls;

        pub mod methods;

        /// The API's resources, as a tree of handles: `client.zero_trust().access()...`.
        pub mod resources {
            #(#mods)*
        }

        impl Client {
            #(#accessors)*
        }
    }
}

fn crate_docs(api: &Api, options: &EmitOptions) -> String {
    let mut text = format!("{}\n\n", options.description);
    text.push_str(&format!(
        "Generated from the OpenAPI spec \"{}\" by openapi-forge: {} methods, {} types. \
         Every method is listed in `API.md` with its HTTP method and path.\n\n",
        api.title,
        api.operations.len(),
        api.types.types.len()
    ));
    if let Some(example) = usage_example(api, options) {
        text.push_str("```no_run\n");
        text.push_str(&example);
        text.push_str("```\n\n");
    }
    text.push_str(
        "Methods return a [`Call`]: await it, or set per-request options first \
         (`.timeout(...)`, `.header(...)`). Lists return a [`Page`] with the items and \
         `result_info`. Failures are one [`Error`] type; API errors carry Cloudflare's error \
         codes and the `cf-ray` id.\n",
    );
    text
}

/// A first call for the crate docs: the first method whose arguments are all strings or a
/// scope (so the example compiles for any spec), preferring a list.
fn usage_example(api: &Api, options: &EmitOptions) -> Option<String> {
    let simple = |op: &&Operation| {
        op.json_body().is_none()
            && op
                .arguments()
                .all(|p| p.location == ParamLocation::Path && p.ty == Ty::String)
    };
    let op = api
        .operations
        .iter()
        .filter(simple)
        .find(|op| op.pagination != Pagination::None)
        .or_else(|| api.operations.iter().find(simple))?;
    let krate = options.name.replace('-', "_");
    let mut args = Vec::new();
    let mut setup = String::new();
    if op.scoped {
        let (name, _) = api.scopes.first()?;
        setup.push_str(&format!(
            "let scope = {krate}::Scope::{}(\"023e105f4ecef8ad9ca31a8372d0c353\");\n",
            names::bare(&names::field_name(name))
        ));
        args.push("&scope".to_string());
    }
    for p in op.arguments() {
        args.push(format!("\"{}\"", p.name));
    }
    let mut call = String::from("client");
    for segment in &op.resource {
        call.push_str(&format!(
            ".{}()",
            names::bare(&resources::accessor(segment))
        ));
    }
    call.push_str(&format!(".{}({})", op.name, args.join(", ")));
    Some(format!(
        "# async fn run() -> Result<(), {krate}::Error> {{\n\
         let client = {krate}::Client::from_env()?;\n\
         {setup}\
         let response = {call}.await?;\n\
         println!(\"{{response:?}}\");\n\
         # Ok(())\n\
         # }}\n"
    ))
}

fn response_note(response: &ResponseBody) -> &'static str {
    match response {
        ResponseBody::Json { shape, .. } => match shape {
            JsonShape::Page => "page",
            JsonShape::Result => "result",
            JsonShape::Plain => "body",
        },
        ResponseBody::Empty => "none",
    }
}

fn api_md(api: &Api, options: &EmitOptions) -> String {
    let mut out = format!(
        "<!-- {} -->\n# {} API\n\nEvery method of the client: its SDK-style dotted path, the HTTP method and path, \
         and the Rust call. `scope` is a `Scope` (`Scope::account(id)` or `Scope::zone(id)`) for \
         operations that exist at both levels; `{{accounts_or_zones}}/{{account_or_zone_id}}` marks them.\n\n\
         | Method | HTTP | Path | Rust | Returns |\n|---|---|---|---|---|\n",
        options.provenance, options.name
    );
    let mut rows: Vec<(String, String)> = api
        .operations
        .iter()
        .map(|op| {
            let path = if op.scoped {
                format!("/{{accounts_or_zones}}/{{account_or_zone_id}}{}", op.path)
            } else {
                op.path.to_string()
            };
            let mut dotted = op.dotted();
            if op.name.starts_with("r#") {
                dotted.push_str(" (Rust: raw identifier)");
            }
            let row = format!(
                "| `{}` | {} | `{}` | `{}` | {} |\n",
                dotted,
                op.method,
                path,
                resources::call_example(op),
                response_note(&op.response)
            );
            (op.dotted(), row)
        })
        .collect();
    rows.sort();
    if !api.features.groups.is_empty() {
        let mut features = String::from(
            "With `default-features = false`, a resource is compiled only with its Cargo feature:\n\n",
        );
        features.push_str(&features_table(api));
        features.push('\n');
        let at = out.find("| Method |").unwrap_or(out.len());
        out.insert_str(at, &features);
    }
    for (_, row) in rows {
        out.push_str(&row);
    }
    out
}

fn readme(api: &Api, options: &EmitOptions) -> String {
    let mut out = format!(
        "<!-- {provenance} -->\n# {name}\n\n{description}\n\n\
         {count} methods, {types} types; every method is listed in [API.md](API.md).\n\n\
         ```toml\n[dependencies]\n{name} = {{ path = \"../generated\" }}\n```\n\n",
        provenance = options.provenance,
        name = options.name,
        description = options.description,
        count = api.operations.len(),
        types = api.types.types.len(),
    );
    if let Some(example) = usage_example(api, options) {
        let visible: String = example
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        out.push_str("A first call (credentials from `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`, or `CLOUDFLARE_API_USER_SERVICE_KEY`):\n\n```rust\n");
        out.push_str(&visible);
        out.push_str("```\n");
    }
    if !api.features.groups.is_empty() {
        out.push_str(
            "\n## Cargo features\n\nThe default feature `full` compiles every resource. To compile only \
             the resources you call, turn it off and name their groups: \
             `default-features = false, features = [\"...\"]`.\n\n",
        );
        out.push_str(&features_table(api));
    }
    out
}
