//! Tests over the real target: the Access subset of Cloudflare's pinned spec, generated with
//! `spec/cloudflare.toml` (the spec is found as `cargo xtask regen` finds it).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openapi_forge::config::Config;
use openapi_forge::ir::types::{Ty, TypeKind};
use openapi_forge::{Generated, Generator};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn access() -> &'static Generated {
    static GENERATED: OnceLock<Generated> = OnceLock::new();
    GENERATED.get_or_init(|| {
        let root = root();
        let config = Config::from_file(&root.join("spec/cloudflare.toml")).expect("config");
        Generator::new(config)
            .pinned_spec(&root, &root.join("target/spec-cache"))
            .and_then(Generator::generate)
            .expect("generate the Access client")
    })
}

/// Follow `$ref`s from `pointer` in `spec`.
fn resolve<'a>(spec: &'a Value, pointer: &str) -> &'a Value {
    let mut node = spec
        .pointer(pointer.trim_start_matches('#'))
        .unwrap_or(&Value::Null);
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                node = spec
                    .pointer(r.trim_start_matches('#'))
                    .unwrap_or(&Value::Null)
            }
            None => break,
        }
    }
    node
}

/// A schema that says nothing about its value, or only that it is an object.
fn free_form(spec: &Value, schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return true;
    };
    if map.contains_key("properties")
        || map.contains_key("enum")
        || map.contains_key("oneOf")
        || map.contains_key("anyOf")
    {
        return false;
    }
    if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
        return parts
            .iter()
            .all(|p| free_form(spec, resolve_value(spec, p)));
    }
    match map.get("type").and_then(Value::as_str) {
        None | Some("object") => {
            !matches!(map.get("additionalProperties"), Some(Value::Object(o)) if !o.is_empty())
        }
        Some("array") => map
            .get("items")
            .is_none_or(|items| free_form(spec, resolve_value(spec, items))),
        Some(_) => false,
    }
}

fn resolve_value<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(spec, r),
        None => node,
    }
}

fn contains_any(ty: &Ty) -> bool {
    match ty {
        Ty::Any => true,
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => contains_any(inner),
        _ => false,
    }
}

#[test]
fn value_fields_only_where_the_spec_is_free_form() {
    let generated = access();
    let spec: Value = serde_json::from_str(&generated.final_spec).expect("final spec is JSON");
    let mut free = Vec::new();
    let mut wrong = Vec::new();
    for def in &generated.api.types.types {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for field in s.fields.iter().filter(|f| contains_any(&f.ty)) {
            let schema = resolve(&spec, field.pointer.as_str());
            let line = format!("{}.{} ({})", def.name, field.json_name, field.pointer);
            if free_form(&spec, schema) {
                free.push(line);
            } else {
                wrong.push(line);
            }
        }
    }
    println!(
        "{} serde_json::Value fields, all free-form in the spec:\n  {}",
        free.len(),
        free.join("\n  ")
    );
    assert!(
        wrong.is_empty(),
        "serde_json::Value fields whose schema has structure:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn methods_have_the_sdk_names() {
    let generated = access();
    let table = std::fs::read_to_string(root().join("spec/cloudflare-methods.tsv"))
        .expect("spec/cloudflare-methods.tsv");
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("operationId"))
    {
        let columns: Vec<&str> = line.split('\t').collect();
        let [operation_id, _method, _path, dotted] = columns[..] else {
            panic!("bad row: {line}")
        };
        let op = generated
            .api
            .operations
            .iter()
            .find(|op| op.sources.iter().any(|s| s.operation_id == operation_id));
        match op {
            Some(op) if op.dotted() == dotted => checked += 1,
            Some(op) => mismatches.push(format!(
                "{operation_id}: expected {dotted}, generated {}",
                op.dotted()
            )),
            None => mismatches.push(format!("{operation_id}: not generated")),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} naming mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert_eq!(
        checked, 150,
        "every in-scope spec operation is in the table"
    );
    assert_eq!(
        generated.api.operations.len(),
        106,
        "150 operations merge into 106 methods"
    );
}

#[test]
fn api_md_lists_every_method_once() {
    let generated = access();
    let api_md = &generated.files["API.md"];
    for op in &generated.api.operations {
        let needle = format!("| `{}`", op.dotted());
        assert_eq!(
            api_md.matches(&needle).count(),
            1,
            "{} in API.md",
            op.dotted()
        );
    }
}

#[test]
fn committed_crate_is_current() {
    // `cargo xtask regen --check` also formats with rustfmt; here only the file set is compared,
    // so this test needs no rustfmt and still catches a forgotten regen that adds or drops files.
    let generated = access();
    for path in generated.files.keys() {
        assert!(
            root().join("generated").join(path).is_file(),
            "generated/{path} is missing: run `cargo xtask regen`"
        );
    }
}

#[test]
fn secrets_stay_out_of_debug_output() {
    use cloudflare_access::types::{McpServerUpdateRequest, ServiceTokenCreateResponse};
    let token: ServiceTokenCreateResponse = serde_json::from_value(serde_json::json!({
        "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
        "client_secret": "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5",
        "name": "CI/CD token"
    }))
    .expect("a service token");
    let shown = format!("{token:?}");
    assert!(
        shown.contains("CI/CD token") && shown.contains("<redacted>"),
        "{shown}"
    );
    assert!(
        !shown.contains("bdd31cbc"),
        "the client secret leaks: {shown}"
    );
    // Secrets are still sent and kept: only `Debug` hides them.
    assert!(serde_json::to_string(&token)
        .expect("encode")
        .contains("bdd31cbc"));

    let update = McpServerUpdateRequest {
        auth_credentials: Some("sk-live-very-secret".into()),
        ..Default::default()
    };
    assert!(!format!("{update:?}").contains("sk-live"));
}
