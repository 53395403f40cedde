//! The Access input of the benchmarks and the fuzzer: the final (overlaid) spec reduced to the
//! operations of the generated client and the components they reach. Uses no other module of
//! xtask.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The final spec reduced to the operations of the generated client and the components they
/// reach, so every tool gets the same Access input.
pub fn access_input(
    final_spec: &str,
    operations: &[openapi_forge::ir::ops::Operation],
) -> Result<Value, String> {
    let spec: Value = serde_json::from_str(final_spec).map_err(|e| e.to_string())?;
    let paths = kept_paths(&spec, operations)?;
    let references = reachable_references(&spec, &paths)?;
    let components = reached_components(&spec, &references);
    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = spec.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(components));
    Ok(Value::Object(out))
}

/// The `paths` of `spec` that `operations` come from, each with only those operations' methods
/// (and the path item's shared `parameters`).
fn kept_paths(
    spec: &Value,
    operations: &[openapi_forge::ir::ops::Operation],
) -> Result<Map<String, Value>, String> {
    let mut paths = Map::new();
    for operation in operations {
        let method = operation.method.as_str().to_lowercase();
        for path in operation.sources.iter().map(|s| &s.path) {
            let item = spec
                .pointer(&format!(
                    "/paths/{}",
                    path.replace('~', "~0").replace('/', "~1")
                ))
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{path}: not in the final spec"))?;
            let entry = paths
                .entry(path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let entry = entry.as_object_mut().expect("inserted as an object");
            if let Some(parameters) = item.get("parameters") {
                entry.insert("parameters".into(), parameters.clone());
            }
            if let Some(op) = item.get(&method) {
                entry.insert(method.clone(), op.clone());
            }
        }
    }
    Ok(paths)
}

/// Every `$ref` reached from `paths`, followed through `spec` to a fixed point.
fn reachable_references(
    spec: &Value,
    paths: &Map<String, Value>,
) -> Result<BTreeSet<String>, String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&Value> = paths.values().collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    if seen.insert(reference.clone()) {
                        let target = reference
                            .strip_prefix('#')
                            .and_then(|p| spec.pointer(p))
                            .ok_or_else(|| format!("{reference}: dangling"))?;
                        pending.push(target);
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    Ok(seen)
}

/// The `components` of `spec` named by `references` (`#/components/<kind>/<name>`), with the
/// spec's security schemes.
fn reached_components(spec: &Value, references: &BTreeSet<String>) -> Map<String, Value> {
    let mut components = Map::new();
    for reference in references {
        let parts: Vec<&str> = reference
            .trim_start_matches("#/components/")
            .split('/')
            .collect();
        if let [kind, name] = parts[..] {
            let name = name.replace("~1", "/").replace("~0", "~");
            let value = spec
                .pointer(reference.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null);
            components
                .entry(kind)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("inserted as an object")
                .insert(name, value);
        }
    }
    if let Some(schemes) = spec.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".into(), schemes.clone());
    }
    components
}
