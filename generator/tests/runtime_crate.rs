//! The runtime crate (`forge-runtime`: `runtime/Cargo.toml`, with its `lib.rs` in
//! `generator/runtime/`) compiles and tests the modules that the generator copies into every
//! generated crate. It tests what users get only if it builds them as a generated crate does:
//! with the same dependencies and `blocking` feature, and a `lib.rs` that declares and
//! re-exports them the same way. These tests compare it with what the generator emits.

use std::path::{Path, PathBuf};

use openapi_forge::config::Config;
use openapi_forge::{Generated, Generator};
use quote::ToTokens;
use serde_json::json;

fn workspace_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
}

/// The runtime modules: every `.rs` file of `generator/runtime/` but the crate root.
fn runtime_modules() -> Vec<String> {
    let mut modules: Vec<String> = std::fs::read_dir(runtime_dir())
        .expect("generator/runtime/")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_string))
        .filter(|name| name != "lib")
        .collect();
    modules.sort();
    modules
}

/// A generated crate, from a spec of one operation and no config.
fn generated() -> Generated {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"ok": {"type": "boolean"}}
    }}}}});
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Ping", "version": "1"},
        "paths": {"/ping": {"get": {"operationId": "ping", "responses": ok}}}
    });
    Generator::new(Config::default())
        .spec_bytes("ping.json", serde_json::to_vec(&spec).expect("serializes"))
        .generate()
        .expect("generates")
}

fn manifest(text: &str) -> toml::Table {
    toml::from_str(text).expect("the manifest parses")
}

#[test]
fn runtime_crate_builds_with_the_dependencies_of_a_generated_crate() {
    let generated = manifest(&generated().files["Cargo.toml"]);
    let runtime = manifest(&workspace_file("runtime/Cargo.toml"));
    let emitted = |table: &toml::Value| toml::to_string_pretty(table).unwrap_or_default();
    assert!(
        runtime["dependencies"] == generated["dependencies"],
        "runtime/Cargo.toml: [dependencies] must be those that generator/src/emit/krate.rs \
         writes into a generated Cargo.toml.\nruntime/Cargo.toml:\n{}\ngenerated:\n{}",
        emitted(&runtime["dependencies"]),
        emitted(&generated["dependencies"]),
    );
    assert_eq!(
        runtime["features"]["blocking"], generated["features"]["blocking"],
        "runtime/Cargo.toml: the `blocking` feature must be a generated crate's"
    );
    for key in ["edition", "rust-version"] {
        assert_eq!(
            runtime["package"][key], generated["package"][key],
            "runtime/Cargo.toml: `{key}` must be a generated crate's"
        );
    }
}

#[test]
fn every_runtime_module_is_copied_verbatim() {
    let generated = generated();
    let modules = runtime_modules();
    assert!(modules.len() >= 8, "runtime modules: {modules:?}");
    for name in &modules {
        let text = std::fs::read_to_string(runtime_dir().join(format!("{name}.rs")))
            .expect("a runtime module");
        let copy = generated.files.get(&format!("src/{name}.rs"));
        assert!(
            copy.is_some_and(|copy| copy.ends_with(&text)),
            "generator/runtime/{name}.rs is not copied into a generated crate: list it in \
             RUNTIME in generator/src/emit/krate.rs"
        );
    }
}

/// What a `lib.rs` says about the runtime modules, as token text, sorted: the crate's lint
/// levels, the declarations of the runtime modules with their attributes (but
/// `#[rustfmt::skip]`, which only keeps the originals as written), and the public re-exports
/// from the runtime modules or from dependencies.
fn runtime_declarations(lib_rs: &str, runtime: &[String]) -> [Vec<String>; 3] {
    let file = syn::parse_file(lib_rs).expect("lib.rs parses");
    let is_lint = |attr: &syn::Attribute| {
        ["allow", "warn", "deny", "forbid"]
            .iter()
            .any(|level| attr.path().is_ident(level))
    };
    let mut lints: Vec<String> = file
        .attrs
        .iter()
        .filter(|attr| is_lint(attr))
        .map(|attr| attr.to_token_stream().to_string())
        .collect();
    let local: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(module) => Some(module.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut modules = Vec::new();
    let mut uses = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(module) if runtime.contains(&module.ident.to_string()) => {
                let mut module = module.clone();
                module.attrs.retain(|attr| {
                    let path: Vec<String> = attr
                        .path()
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    path != ["rustfmt", "skip"]
                });
                modules.push(module.to_token_stream().to_string());
            }
            syn::Item::Use(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                let syn::UseTree::Path(path) = &item.tree else {
                    continue;
                };
                let root = path.ident.to_string();
                if runtime.contains(&root) || !local.contains(&root) {
                    uses.push(item.to_token_stream().to_string());
                }
            }
            _ => {}
        }
    }
    lints.sort();
    modules.sort();
    uses.sort();
    [lints, modules, uses]
}

#[test]
fn runtime_lib_declares_and_reexports_the_modules_as_a_generated_lib_does() {
    let runtime = runtime_modules();
    let ours = runtime_declarations(&workspace_file("generator/runtime/lib.rs"), &runtime);
    let theirs = runtime_declarations(&generated().files["src/lib.rs"], &runtime);
    assert_eq!(
        theirs[1].len(),
        runtime.len(),
        "a generated lib.rs declares every runtime module"
    );
    assert!(!theirs[0].is_empty() && !theirs[2].is_empty());
    for (what, (ours, theirs)) in ["lint levels", "module declarations", "re-exports"]
        .iter()
        .zip(ours.iter().zip(&theirs))
    {
        assert_eq!(
            ours, theirs,
            "generator/runtime/lib.rs: its {what} must be those of the lib.rs that \
             generator/src/emit/krate.rs (`fn lib`) emits"
        );
    }
}
