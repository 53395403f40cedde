//! Tests emitted into the generated crate: every spec `example` round-trips through its type.

use super::render::{Render, Root};
use crate::ir::Api;

/// `tests/examples.rs` for the generated crate `crate_ident`.
pub fn examples(api: &Api, crate_ident: &str, header: &str) -> String {
    let mut calls = String::new();
    for (pointer, (ty, example)) in &api.types.examples {
        let ty = Render::with_root(&api.types, Root::Extern(crate_ident))
            .ty(ty)
            .to_string()
            .replace(' ', "");
        calls.push_str(&check_call(&ty, pointer, example));
    }
    let mut samples = String::new();
    let mut unknowns = String::new();
    for (id, sample) in &api.samples {
        let def = api.types.get(*id);
        let ty = format!("{crate_ident}::types::{}", def.name);
        let label = format!("{} (sample of {})", def.name, def.pointer);
        samples.push_str(&check_call(&ty, &label, sample));
        if let Some(unknown) = with_unknowns(&def.kind, sample) {
            let label = format!("{} (sample with unknown fields or values)", def.name);
            unknowns.push_str(&check_call(&ty, &label, &unknown));
        }
    }
    let variants = variant_checks(api, crate_ident);
    format!(
        r#"{header}
//! Every `example` in the selected part of the spec decodes into its generated type and
//! re-encodes to an equal JSON value ({count} examples); so does a schema-valid sample of every
//! generated type ({sample_count}), also when it carries fields, enum values and union variants
//! the spec does not know ({unknown_count}). A sample of every union variant decodes as that
//! variant and is written back with its tag ({variant_count}).
{gate}
use serde::{{de::DeserializeOwned, Serialize}};
use serde_json::Value;

fn check<T: DeserializeOwned + Serialize>(pointer: &str, json: &str, failures: &mut Vec<String>) {{
    let input: Value = match serde_json::from_str(json) {{
        Ok(value) => value,
        Err(error) => return failures.push(format!("{{pointer}}: example is not JSON: {{error}}")),
    }};
    let typed: T = match serde_path_to_error::deserialize(&input) {{
        Ok(typed) => typed,
        Err(error) => return failures.push(format!("{{pointer}}: decode failed at {{}}: {{}}", error.path(), error.inner())),
    }};
    match serde_json::to_value(&typed) {{
        Ok(output) if same(&input, &output) => {{}}
        Ok(output) => failures.push(format!("{{pointer}}: re-encoded differently:\n  in:  {{input}}\n  out: {{output}}")),
        Err(error) => failures.push(format!("{{pointer}}: encode failed: {{error}}")),
    }}
}}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {{
    match (a, b) {{
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {{
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }}
        _ => a == b,
    }}
}}

{}{}{}{}{}"#,
        if variants.is_empty() {
            ""
        } else {
            VARIANT_HELPERS
        },
        round_trip_test("spec_examples_round_trip", &calls),
        round_trip_test("every_type_round_trips", &samples),
        round_trip_test("unknown_fields_values_and_variants_are_kept", &unknowns),
        round_trip_test("every_union_variant_decodes_as_itself", &variants),
        variant_count = variants.lines().count(),
        gate = super::e2e::full_gate(api),
        count = api.types.examples.len(),
        sample_count = samples.lines().count(),
        unknown_count = unknowns.lines().count(),
    )
}

/// A test that runs `calls` (none: no test).
fn round_trip_test(name: &str, calls: &str) -> String {
    if calls.is_empty() {
        return String::new();
    }
    let count = calls.lines().count();
    format!(
        r#"
#[test]
fn {name}() {{
    let mut failures: Vec<String> = Vec::new();
{calls}    assert!(failures.is_empty(), "{{}} of {count} failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"#
    )
}

fn check_call(ty: &str, label: &str, json: &serde_json::Value) -> String {
    let json = serde_json::to_string(json).unwrap_or_default();
    let hashes = "#".repeat(raw_hashes(&json));
    format!("    check::<{ty}>({label:?}, r{hashes}\"{json}\"{hashes}, &mut failures);\n")
}

/// `sample` with what tomorrow's API may send: an undeclared field on an object that keeps
/// unknown fields, an unknown enum value, an unknown union variant. `None` when the type keeps
/// nothing unknown (a closed object, an untagged union).
fn with_unknowns(
    kind: &crate::ir::types::TypeKind,
    sample: &serde_json::Value,
) -> Option<serde_json::Value> {
    use crate::ir::types::{Tagging, Ty, TypeKind};
    use serde_json::{json, Value};
    match kind {
        TypeKind::Struct(def) if def.additional == Ty::Any => {
            let mut object = sample.as_object()?.clone();
            object.insert(
                "x_forge_unknown_field".into(),
                json!({"kept": [1, "two", null, {"three": true}]}),
            );
            Some(Value::Object(object))
        }
        TypeKind::Enum(_) => Some(json!("x_forge_unknown_value")),
        TypeKind::Union(union) => match &union.tagging {
            Tagging::Internal { property, .. } => Some(json!({
                property.as_str(): "x_forge_unknown_variant",
                "x_forge_unknown_field": [1, {"a": null}],
            })),
            Tagging::External => Some(json!({"x_forge_unknown_key": {"a": [1, 2]}})),
            Tagging::Untagged | Tagging::Overlapping => None,
        },
        _ => None,
    }
}

fn raw_hashes(text: &str) -> usize {
    (1..)
        .find(|n| !text.contains(&format!("\"{}", "#".repeat(*n))))
        .unwrap_or(1)
}

/// One `check_variant` call per variant of every union (a minimal sample and one with every
/// field of the variant's object), or for an overlapping union a check that its typed view
/// as each variant works.
fn variant_checks(api: &Api, krate: &str) -> String {
    use crate::ir::sample::typed;
    use crate::ir::types::{Tagging, TypeKind};
    let mut out = String::new();
    for def in &api.types.types {
        let TypeKind::Union(union) = &def.kind else {
            continue;
        };
        let ty = format!("{krate}::types::{}", def.name);
        for (index, variant) in union.variants.iter().enumerate() {
            let tag = match (&union.tagging, variant.tags.first()) {
                (Tagging::Internal { property, .. }, Some(value)) => {
                    format!("Tag::Property({property:?}, {value:?})")
                }
                (Tagging::External, Some(key)) => format!("Tag::Key({key:?})"),
                _ => "Tag::None".into(),
            };
            let mut samples = vec![typed::variant(&api.types, union, index, false)];
            let full = typed::variant(&api.types, union, index, true);
            if full != samples[0] {
                samples.push(full);
            }
            for sample in samples {
                let json = serde_json::to_string(&sample).unwrap_or_default();
                let hashes = "#".repeat(raw_hashes(&json));
                let label = format!("{}::{}", def.name, variant.ident);
                let check = if union.tagging == Tagging::Overlapping {
                    let view =
                        crate::ir::names::bare(&crate::ir::names::field_name(&variant.ident))
                            .to_string();
                    format!(
                        "    check_variant::<{ty}>({label:?}, r{hashes}\"{json}\"{hashes}, |v| v.as_{view}().is_ok(), Tag::None, &mut failures);\n"
                    )
                } else {
                    format!(
                        "    check_variant::<{ty}>({label:?}, r{hashes}\"{json}\"{hashes}, |v| matches!(v, {ty}::{}(_)), {tag}, &mut failures);\n",
                        variant.ident
                    )
                };
                out.push_str(&check);
            }
        }
    }
    out
}

/// The helpers of `every_union_variant_decodes_as_itself` (only where there are unions).
const VARIANT_HELPERS: &str = r##"/// What a union writes to say which variant a value is.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // not every crate has every kind of union
enum Tag {
    /// This property with this value.
    Property(&'static str, &'static str),
    /// This single key.
    Key(&'static str),
    /// Nothing: the variants are told apart by their values.
    None,
}

/// Decodes `json` as `T`, which must give the variant `is_variant` accepts, and encodes it
/// again: the same JSON, with the variant's tag.
fn check_variant<T: DeserializeOwned + Serialize>(
    label: &str,
    json: &str,
    is_variant: fn(&T) -> bool,
    tag: Tag,
    failures: &mut Vec<String>,
) {
    let input: Value = match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => return failures.push(format!("{label}: sample is not JSON: {error}")),
    };
    let typed: T = match serde_path_to_error::deserialize(&input) {
        Ok(typed) => typed,
        Err(error) => return failures.push(format!("{label}: decode failed at {}: {}", error.path(), error.inner())),
    };
    if !is_variant(&typed) {
        return failures.push(format!("{label}: {input} decoded as another variant"));
    }
    let output = match serde_json::to_value(&typed) {
        Ok(output) => output,
        Err(error) => return failures.push(format!("{label}: encode failed: {error}")),
    };
    let tagged = match tag {
        Tag::Property(property, value) => output.get(property).and_then(Value::as_str) == Some(value),
        Tag::Key(key) => output.as_object().is_some_and(|o| o.len() == 1 && o.contains_key(key)),
        Tag::None => true,
    };
    if !tagged {
        failures.push(format!("{label}: encoded without its tag {tag:?}: {output}"));
    } else if !same(&input, &output) {
        failures.push(format!("{label}: re-encoded differently:\n  in:  {input}\n  out: {output}"));
    }
}

"##;
