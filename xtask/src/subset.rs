//! Specs reduced to some of their operations and the components those reach: the Access input
//! of the benchmarks and the fuzzer (the final, overlaid spec reduced to the operations of the
//! generated client), and the sample of a large spec that `third-party` runs end to end
//! ([`sampled`]). Uses no other module of xtask.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The final spec reduced to the operations of the generated client and the components they
/// reach, so every tool gets the same Access input.
pub fn access_input(
    final_spec: &str,
    operations: &[openapi_forge::ir::ops::Operation],
) -> Result<Value, String> {
    let spec: Value = serde_json::from_str(final_spec).map_err(|e| e.to_string())?;
    let mut kept = Vec::new();
    for operation in operations {
        let method = operation.method.as_str().to_lowercase();
        for source in &operation.sources {
            kept.push((source.path.clone(), method.clone()));
        }
    }
    reduced(&spec, &kept)
}

/// What [`sampled`] kept.
#[derive(Debug, PartialEq)]
pub struct Sample {
    /// Operations kept because a body or a success response is not JSON.
    pub payloads: usize,
    /// The others kept (every `every`-th of each product).
    pub others: usize,
    /// The products (first path segment after an `/accounts/{..}` or `/zones/{..}` scope).
    pub products: usize,
}

/// `spec` reduced to a sample of its operations: each one whose request body or success
/// response has a media type other than JSON, and every `every`-th other operation of each
/// product (the first, the `every + 1`-th, ... in the spec's order), so each product has one.
pub fn sampled(spec: &Value, every: usize) -> Result<(Value, Sample), String> {
    let every = every.max(1);
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let (mut kept, mut payloads, mut others) = (Vec::new(), 0, 0);
    for (path, item) in paths {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if not_json(operation) {
                payloads += 1;
            } else {
                let count = seen.entry(product(path)).or_insert(0);
                *count += 1;
                if !(*count - 1).is_multiple_of(every) {
                    continue;
                }
                others += 1;
            }
            kept.push((path.clone(), method.clone()));
        }
    }
    let sample = Sample {
        payloads,
        others,
        products: seen.len(),
    };
    Ok((reduced(spec, &kept)?, sample))
}

/// The HTTP methods of a path item (its other keys are `parameters`, `summary`, ...).
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The product of a path: its first segment after an account or zone scope.
fn product(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest = match segments.as_slice() {
        ["accounts" | "zones", scope, rest @ ..] if scope.starts_with('{') => rest,
        all => all,
    };
    rest.first().copied().unwrap_or("").to_string()
}

/// Whether `operation` has a request body or a success response of a media type other than
/// JSON.
fn not_json(operation: &Value) -> bool {
    let json = |media: &String| {
        let essence = media.split(';').next().unwrap_or("").trim();
        essence == "application/json" || essence.ends_with("+json")
    };
    let media_of = |body: Option<&Value>| -> Vec<String> {
        body.and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .map(|content| content.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut media = media_of(operation.get("requestBody"));
    let responses = operation.get("responses").and_then(Value::as_object);
    for (status, response) in responses.into_iter().flatten() {
        if status.starts_with('2') {
            media.extend(media_of(Some(response)));
        }
    }
    media.iter().any(|m| !json(m))
}

/// `spec` with only the operations `kept` (path, lowercase method) and what they reach.
fn reduced(spec: &Value, kept: &[(String, String)]) -> Result<Value, String> {
    let paths = kept_paths(spec, kept)?;
    let references = reachable_references(spec, &paths)?;
    let components = reached_components(spec, &references);
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

/// The `paths` of `spec` that hold the operations `kept` (path, lowercase method), each with
/// only those methods (and the path item's shared `parameters`).
fn kept_paths(spec: &Value, kept: &[(String, String)]) -> Result<Map<String, Value>, String> {
    let mut paths = Map::new();
    for (path, method) in kept {
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
        if let Some(op) = item.get(method) {
            entry.insert(method.clone(), op.clone());
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{sampled, Sample};

    #[test]
    fn a_sample_keeps_every_payload_operation_and_every_nth_other_of_each_product() {
        let json_ok = json!({"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"}}}}});
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/accounts/{id}/workers/a": {"get": {"responses": json_ok}, "put": {
                    "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                    "responses": json_ok}},
                "/accounts/{id}/workers/b": {"get": {"responses": json_ok}},
                "/accounts/{id}/workers/c": {"get": {"responses": json_ok}},
                "/zones/{id}/dns/a": {"get": {"responses": {"200": {"description": "png",
                    "content": {"image/png": {}}}}}},
                "/zones/{id}/dns/b": {"get": {"responses": json_ok}},
                "/radar/a": {"parameters": [], "get": {"responses": {"200": {"description": "e"}}}}
            },
            "components": {"schemas": {"Thing": {"type": "object"}, "Unused": {"type": "string"}}}
        });
        let (reduced, kept) = sampled(&spec, 2).expect("a sample");
        assert_eq!(
            kept,
            Sample {
                payloads: 2,
                others: 4,
                products: 3
            }
        );
        let paths = reduced["paths"].as_object().expect("paths");
        let kept_paths: Vec<&str> = paths.keys().map(String::as_str).collect();
        assert_eq!(
            kept_paths,
            [
                "/accounts/{id}/workers/a",
                "/accounts/{id}/workers/c",
                "/zones/{id}/dns/a",
                "/zones/{id}/dns/b",
                "/radar/a"
            ]
        );
        assert!(paths["/accounts/{id}/workers/a"].get("put").is_some());
        assert!(reduced.pointer("/components/schemas/Thing").is_some());
        assert!(reduced.pointer("/components/schemas/Unused").is_none());
    }
}
