//! `Cargo.toml` of the generated crate: the package, its dependencies, the resource-group
//! features and the supplied examples.

use super::EmitOptions;
use crate::ir::Api;

/// The dependencies of every generated crate (the runtime's; `runtime/Cargo.toml` has the same,
/// which `generator/tests/runtime_crate.rs` checks).
const DEPENDENCIES: &str = r#"[dependencies]
bytes = "1"
futures-util = "0.3"
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value", "float_roundtrip"] }
thiserror = "2"
time = { version = "0.3", features = ["serde-well-known", "parsing", "formatting"] }
tokio = { version = "1", features = ["time", "fs"] }
tracing = "0.1"

[package.metadata.docs.rs]
# Document the blocking client too, and mark what each Cargo feature gates.
all-features = true
rustdoc-args = ["--cfg", "docsrs"]
"#;

/// The whole `Cargo.toml`.
pub fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    format!(
        "# {provenance}\n{package}\n{DEPENDENCIES}\n{features}\n[dev-dependencies]\n\
         # The tests: a loopback server (tests/wire.rs) and the end-to-end run; the examples\n\
         # test names the JSON path of a sample that does not decode.\n\
         serde_path_to_error = \"0.1\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }}\n{examples}",
        provenance = options.provenance,
        package = package(options),
        features = features(api),
        examples = examples(api, options),
    )
}

/// The `[package]` table.
fn package(options: &EmitOptions) -> String {
    let repository = options
        .repository
        .as_ref()
        .map(|r| format!("repository = \"{}\"\n", r.replace('"', "'")))
        .unwrap_or_default();
    let keywords = options
        .keywords
        .iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\ndescription = \"{description}\"\n\
         edition = \"2021\"\nrust-version = \"1.85\"\nlicense = \"{license}\"\nreadme = \"README.md\"\n\
         {repository}keywords = [{keywords}]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n",
        name = options.name,
        version = options.version,
        description = options.description.replace('"', "'"),
        license = options.license.replace('"', "'"),
    )
}

/// The `[features]` table: `blocking`, and with resource groups `full` and one per group.
fn features(api: &Api) -> String {
    let groups = &api.features.groups;
    let (default, mut group_features) = if groups.is_empty() {
        ("[\"rustls\"]", String::new())
    } else {
        let names: Vec<String> = groups.keys().map(|n| format!("{n:?}")).collect();
        (
            "[\"full\", \"rustls\"]",
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
    format!(
        "[features]\ndefault = {default}\n\
         # `send_blocking()` and `items_blocking()`, for code without an async runtime.\n\
         blocking = [\"tokio/rt-multi-thread\"]\n\
         # TLS: rustls (the default; the system's root certificates) or the platform's native TLS\n\
         # (OpenSSL on Linux). Without either, only plain-http base URLs work.\n\
         rustls = [\"reqwest/rustls\"]\n\
         native-tls = [\"reqwest/native-tls\"]\n\
         # `methods::Method::reencode`: decode a response value into a method's type and encode it\n\
         # again, to check examples or captured traffic against the client. Off by default: it\n\
         # compiles the decoding and encoding of every response type.\n\
         reencode = []\n{group_features}"
    )
}

/// `[[example]]` tables: with resource groups, the supplied examples call resources of
/// several, so they need them all.
fn examples(api: &Api, options: &EmitOptions) -> String {
    if api.features.groups.is_empty() {
        return String::new();
    }
    options
        .supplied
        .keys()
        .filter_map(|path| path.strip_prefix("examples/")?.strip_suffix(".rs"))
        .filter(|name| !name.contains('/'))
        .map(|name| format!("\n[[example]]\nname = {name:?}\nrequired-features = [\"full\"]\n"))
        .collect()
}
