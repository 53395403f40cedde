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

/// The response conventions a generated crate can have: the name of each in a config, and
/// whether the runtime crate's `cloudflare` feature selects it.
const CONVENTIONS: [(&str, bool); 2] = [("none", false), ("cloudflare", true)];

/// A generated crate of the convention `envelope`, from a spec of one operation.
fn generated_with(envelope: &str) -> Generated {
    let config: Config =
        toml::from_str(&format!("[convention]\nenvelope = \"{envelope}\"\n")).expect("config");
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"ok": {"type": "boolean"}}
    }}}}});
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Ping", "version": "1"},
        "paths": {"/ping": {"get": {"operationId": "ping", "responses": ok}}}
    });
    Generator::new(config)
        .spec_bytes("ping.json", serde_json::to_vec(&spec).expect("serializes"))
        .generate()
        .expect("generates")
}

/// A generated crate without an envelope (the default).
fn generated() -> Generated {
    generated_with("none")
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
    for feature in ["blocking", "rustls", "native-tls"] {
        assert_eq!(
            runtime["features"][feature], generated["features"][feature],
            "runtime/Cargo.toml: the `{feature}` feature must be a generated crate's"
        );
    }
    for key in ["edition", "rust-version"] {
        assert_eq!(
            runtime["package"][key], generated["package"][key],
            "runtime/Cargo.toml: `{key}` must be a generated crate's"
        );
    }
}

#[test]
fn every_runtime_module_is_copied_verbatim() {
    let crates: Vec<Generated> = CONVENTIONS
        .iter()
        .map(|(envelope, _)| generated_with(envelope))
        .collect();
    let modules = runtime_modules();
    assert!(modules.len() >= 8, "runtime modules: {modules:?}");
    for name in &modules {
        let text = std::fs::read_to_string(runtime_dir().join(format!("{name}.rs")))
            .expect("a runtime module");
        let copies: Vec<&String> = crates
            .iter()
            .filter_map(|generated| generated.files.get(&format!("src/{name}.rs")))
            .collect();
        assert!(
            !copies.is_empty() && copies.iter().all(|copy| copy.ends_with(&text)),
            "generator/runtime/{name}.rs is not copied into a generated crate: list it in \
             RUNTIME (or a convention's list) in generator/src/emit/krate.rs"
        );
    }
}

/// `lib.rs` as a crate with the `cloudflare` feature on or off sees it: the items whose
/// `#[cfg(feature = "cloudflare")]` or `#[cfg(not(feature = "cloudflare"))]` does not hold
/// left out, and those attributes removed from the others.
fn with_convention(lib_rs: &str, cloudflare: bool) -> String {
    let mut file = syn::parse_file(lib_rs).expect("lib.rs parses");
    let on = "cfg (feature = \"cloudflare\")";
    let off = "cfg (not (feature = \"cloudflare\"))";
    file.items.retain_mut(|item| {
        let attrs = match item {
            syn::Item::Mod(module) => &mut module.attrs,
            syn::Item::Use(item) => &mut item.attrs,
            _ => return true,
        };
        let text = |attr: &syn::Attribute| attr.meta.to_token_stream().to_string();
        let keep = !attrs
            .iter()
            .any(|attr| text(attr) == if cloudflare { off } else { on });
        attrs.retain(|attr| text(attr) != on && text(attr) != off);
        keep
    });
    file.to_token_stream().to_string()
}

/// What a `lib.rs` says about the runtime modules, as token text, sorted: the crate's lint
/// levels, the declarations of the runtime modules with their attributes (but
/// `#[rustfmt::skip]`, which only keeps the originals as written), and the public re-exports
/// from the runtime modules, from `spec` or from dependencies.
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
                // `spec` too: the runtime crate's stand-in for a generated `spec.rs`.
                if runtime.contains(&root) || root == "spec" || !local.contains(&root) {
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
    for (envelope, cloudflare) in CONVENTIONS {
        let lib_rs = with_convention(&workspace_file("generator/runtime/lib.rs"), cloudflare);
        let ours = runtime_declarations(&lib_rs, &runtime);
        let generated = generated_with(envelope);
        let theirs = runtime_declarations(&generated.files["src/lib.rs"], &runtime);
        let copied = runtime
            .iter()
            .filter(|name| generated.files.contains_key(&format!("src/{name}.rs")))
            .count();
        assert_eq!(
            theirs[1].len(),
            copied,
            "a generated lib.rs ({envelope}) declares every runtime module it has"
        );
        assert!(!theirs[0].is_empty() && !theirs[2].is_empty());
        for (what, (ours, theirs)) in ["lint levels", "module declarations", "re-exports"]
            .iter()
            .zip(ours.iter().zip(&theirs))
        {
            assert_eq!(
                ours,
                theirs,
                "generator/runtime/lib.rs: its {what} (`cloudflare` feature {}) must be those \
                 of the lib.rs that generator/src/emit/librs.rs (`fn lib`) emits for the \
                 convention `{envelope}`",
                if cloudflare { "on" } else { "off" }
            );
        }
    }
}
