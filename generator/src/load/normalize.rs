//! What the generator reads into a spec, made explicit in it, so that the final spec (the one a
//! mock server is given) says what the generated types read:
//! - a schema that has `properties` but no `type` describes an object (JSON Schema lets any
//!   other value through it; the generated types, like every client, read it as an object), so
//!   that the mock does not invent a string where the client expects an object;
//! - a `nullable` enum that also lists `null` lists it once, by `nullable` (the types read both
//!   as an optional enum; a validator that adds `null` for `nullable`, as Prism does, finds the
//!   enum's items duplicated, cannot compile the schema and checks nothing against it).

use serde_json::{Map, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Adds `"type": "object"` to every schema of `raw` that has `properties`, no `type` and is
/// no `$ref`, and drops `null` from the `enum` of a `nullable` schema that lists other values
/// too; how many schemas it changed.
pub fn make_explicit(raw: &mut Value) -> usize {
    let mut changed = 0;
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            for entry in entries
                .as_object_mut()
                .into_iter()
                .flat_map(|e| e.values_mut())
            {
                match kind.as_str() {
                    "schemas" => schema(entry, &mut changed),
                    "parameters" | "headers" => holder(entry, &mut changed),
                    "requestBodies" => content(entry, &mut changed),
                    "responses" => response(entry, &mut changed),
                    _ => {}
                }
            }
        }
    }
    let items = raw.get_mut("paths").and_then(Value::as_object_mut);
    for item in items.into_iter().flat_map(|paths| paths.values_mut()) {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        parameters(item, &mut changed);
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            parameters(operation, &mut changed);
            if let Some(body) = operation.get_mut("requestBody") {
                content(body, &mut changed);
            }
            let responses = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut);
            for each in responses.into_iter().flat_map(|r| r.values_mut()) {
                response(each, &mut changed);
            }
        }
    }
    changed
}

/// The schemas of a `parameters` list.
fn parameters(owner: &mut Map<String, Value>, changed: &mut usize) {
    let list = owner.get_mut("parameters").and_then(Value::as_array_mut);
    for parameter in list.into_iter().flatten() {
        holder(parameter, changed);
    }
}

/// A parameter or header: its `schema`, or the schemas of its `content`.
fn holder(value: &mut Value, changed: &mut usize) {
    if let Some(inner) = value.get_mut("schema") {
        schema(inner, changed);
    }
    content(value, changed);
}

/// A response: its content and its headers.
fn response(value: &mut Value, changed: &mut usize) {
    content(value, changed);
    let headers = value.get_mut("headers").and_then(Value::as_object_mut);
    for header in headers.into_iter().flat_map(|h| h.values_mut()) {
        holder(header, changed);
    }
}

/// The schema of each media type of `value`'s `content`.
fn content(value: &mut Value, changed: &mut usize) {
    let media = value.get_mut("content").and_then(Value::as_object_mut);
    for each in media.into_iter().flat_map(|m| m.values_mut()) {
        if let Some(inner) = each.get_mut("schema") {
            schema(inner, changed);
        }
    }
}

/// One schema and every schema inside it.
fn schema(value: &mut Value, changed: &mut usize) {
    let Some(node) = value.as_object_mut() else {
        return;
    };
    if node.contains_key("properties") && !node.contains_key("type") && !node.contains_key("$ref") {
        node.insert("type".into(), Value::String("object".into()));
        *changed += 1;
    }
    if node.get("nullable") == Some(&Value::Bool(true)) {
        let values = node.get_mut("enum").and_then(Value::as_array_mut);
        if let Some(values) = values.filter(|v| v.iter().any(Value::is_null)) {
            if values.iter().any(|v| !v.is_null()) {
                values.retain(|v| !v.is_null());
                *changed += 1;
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = node.get_mut(key) {
            schema(inner, changed);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        let parts = node.get_mut(key).and_then(Value::as_array_mut);
        for part in parts.into_iter().flatten() {
            schema(part, changed);
        }
    }
    let properties = node.get_mut("properties").and_then(Value::as_object_mut);
    for property in properties.into_iter().flat_map(|p| p.values_mut()) {
        schema(property, changed);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::make_explicit;

    #[test]
    fn schemas_with_properties_and_no_type_become_objects_and_nothing_else_changes() {
        let mut raw = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"allOf": [
                    {"$ref": "#/components/schemas/Common"},
                    {"properties": {"result": {"properties": {"id": {"type": "string"}}}}}
                ]}
            }}}}}}},
            "components": {"schemas": {
                "Common": {"type": "object", "properties": {"properties": {"type": "string"}}},
                "Ref": {"$ref": "#/components/schemas/Common", "properties": {}},
                "Any": {"description": "no properties"}
            }}
        });
        assert_eq!(make_explicit(&mut raw), 2);
        let part = "/paths/~1a/get/responses/200/content/application~1json/schema/allOf/1";
        assert_eq!(raw.pointer(&format!("{part}/type")), Some(&json!("object")));
        let result = format!("{part}/properties/result/type");
        assert_eq!(raw.pointer(&result), Some(&json!("object")));
        // A property named `properties` is no schema keyword.
        let named = "/components/schemas/Common/properties/properties";
        assert_eq!(raw.pointer(named), Some(&json!({"type": "string"})));
        assert!(raw.pointer("/components/schemas/Ref/type").is_none());
        assert!(raw.pointer("/components/schemas/Any/type").is_none());
    }

    #[test]
    fn a_nullable_enum_lists_null_once_by_nullable() {
        let mut raw = json!({"components": {"schemas": {
            "Status": {"type": "string", "nullable": true, "enum": [null, "connected", "failed"]},
            "Plain": {"type": "string", "enum": [null, "on"]},
            "OnlyNull": {"nullable": true, "enum": [null]}
        }}});
        assert_eq!(make_explicit(&mut raw), 1);
        let status = raw.pointer("/components/schemas/Status/enum");
        assert_eq!(status, Some(&json!(["connected", "failed"])));
        assert_eq!(
            raw.pointer("/components/schemas/Plain/enum"),
            Some(&json!([null, "on"]))
        );
        assert_eq!(
            raw.pointer("/components/schemas/OnlyNull/enum"),
            Some(&json!([null]))
        );
    }
}
