//! Tests emitted into the generated crate: every spec `example` round-trips through its type.

use super::types::rust_type;
use crate::ir::ops::Api;

/// `tests/examples.rs` for the generated crate `crate_ident`.
pub fn examples(api: &Api, crate_ident: &str, header: &str) -> String {
    let mut calls = String::new();
    for (pointer, (ty, example)) in &api.types.examples {
        let ty = rust_type(&api.types, ty)
            .to_string()
            .replace("crate ::", &format!("{crate_ident}::"))
            .replace(' ', "");
        let json = serde_json::to_string(example).unwrap_or_default();
        let hashes = "#".repeat(raw_hashes(&json));
        calls.push_str(&format!(
            "    check::<{ty}>({pointer:?}, r{hashes}\"{json}\"{hashes}, &mut failures);\n"
        ));
    }
    format!(
        r#"{header}
//! Every `example` in the selected part of the spec decodes into its generated type and
//! re-encodes to an equal JSON value ({count} examples).

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

#[test]
fn spec_examples_round_trip() {{
    let mut failures: Vec<String> = Vec::new();
{calls}    assert!(failures.is_empty(), "{{}} of {count} examples failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"#,
        count = api.types.examples.len(),
    )
}

fn raw_hashes(text: &str) -> usize {
    (1..)
        .find(|n| !text.contains(&format!("\"{}", "#".repeat(*n))))
        .unwrap_or(1)
}
