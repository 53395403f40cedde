//! Reading the spec's JSON: nodes by pointer, `$ref` resolution, docs, and what a schema's
//! JSON kind is.

use super::*;

pub(super) const DOC_KEYS: &[&str] = &[
    "description",
    "example",
    "examples",
    "title",
    "externalDocs",
    "deprecated",
    "default",
];

/// Why a `$ref` cannot be followed.
pub(super) fn bad_ref(reference: &str) -> String {
    if reference.starts_with('#') {
        format!("$ref `{reference}` points to nothing in this spec")
    } else {
        format!(
            "$ref `{reference}` points into another document; only references within the spec \
             (`#/...`) are supported"
        )
    }
}

pub(super) fn infer_type_from_enum(node: &Value) -> Option<&'static str> {
    let values: Vec<&Value> = node
        .get("enum")?
        .as_array()?
        .iter()
        .filter(|v| !v.is_null())
        .collect();
    if values.is_empty() {
        return None;
    }
    if values.iter().all(|v| v.is_string()) {
        Some("string")
    } else if values.iter().all(|v| v.is_i64() || v.is_u64()) {
        Some("integer")
    } else if values.iter().all(|v| v.is_number()) {
        Some("number")
    } else if values.iter().all(|v| v.is_boolean()) {
        Some("boolean")
    } else if values.iter().all(|v| v.is_array()) {
        Some("array")
    } else if values.iter().all(|v| v.is_object()) {
        Some("object")
    } else {
        None
    }
}

/// Decoding rank for untagged variants and a word for naming them.
pub(super) fn json_kind(node: &Value) -> (u8, &'static str) {
    let ty = node
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| infer_type_from_enum(node));
    match ty {
        Some("boolean") => (0, "Bool"),
        Some("integer") => (1, "Integer"),
        Some("number") => (2, "Number"),
        Some("string") if node.get("enum").is_some() => (3, "String"),
        Some("string") => (4, "String"),
        Some("array") => (5, "Array"),
        Some("object") => (6, "Object"),
        _ if node.get("properties").is_some() || node.get("allOf").is_some() => (6, "Object"),
        _ => (7, "Value"),
    }
}

pub(super) fn is_single_key_wrapper(node: &Value) -> bool {
    let props = node.get("properties").and_then(Value::as_object);
    let required = node.get("required").and_then(Value::as_array);
    match (props, required) {
        (Some(props), Some(required)) => {
            props.len() == 1
                && node.get("allOf").is_none()
                && props
                    .keys()
                    .all(|k| required.iter().any(|r| r.as_str() == Some(k)))
        }
        _ => false,
    }
}

/// A schema that only annotates (`{"description": "..."}`, `{"readOnly": true}`: who sends
/// the value, not what it is): it constrains nothing.
pub(super) fn is_annotation(node: &Value) -> bool {
    const ACCESS: [&str; 2] = ["readOnly", "writeOnly"];
    node.as_object().is_some_and(|map| {
        map.keys().all(|k| {
            DOC_KEYS.contains(&k.as_str())
                || ACCESS.contains(&k.as_str())
                || k == "nullable"
                || k.starts_with("x-")
        })
    })
}

impl<'s> TypeBuilder<'s> {
    pub(super) fn node(&self, pointer: &str) -> Option<&'s Value> {
        let raw: &'s Value = self.raw;
        crate::ir::pointer::lookup(raw, pointer)
    }

    pub(super) fn component_node(&self, name: &str) -> Option<&'s Value> {
        self.raw.get("components")?.get("schemas")?.get(name)
    }

    /// Follow `$ref`s: the final pointer, node, and component name if reached through one.
    pub(super) fn resolve(&mut self, pointer: &str) -> Option<(String, &'s Value, Option<String>)> {
        let mut current = pointer.to_string();
        let mut component = None;
        for _ in 0..64 {
            let Some(node) = self.node(&current) else {
                self.warn(pointer, format!("`{current}` does not exist"));
                return None;
            };
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => match reference.strip_prefix("#/components/schemas/") {
                    Some(name) if self.component_node(name).is_some() => {
                        let name = self
                            .canonical
                            .get(name)
                            .cloned()
                            .unwrap_or_else(|| name.to_string());
                        current = format!("#/components/schemas/{}", escape_token(&name));
                        component = Some(name);
                    }
                    _ if reference.starts_with("#/") && self.node(reference).is_some() => {
                        current = reference.to_string();
                        component = None;
                    }
                    _ => {
                        self.warn(&current, bad_ref(reference));
                        return None;
                    }
                },
                None => return Some((current, node, component)),
            }
        }
        self.warn(
            pointer,
            "$ref chain does not end (the references form a cycle)",
        );
        None
    }

    pub(super) fn nullable(&mut self, pointer: &str) -> bool {
        let direct = self
            .node(pointer)
            .and_then(|n| n.get("nullable"))
            .and_then(Value::as_bool)
            == Some(true);
        direct
            || self.resolve(pointer).is_some_and(|(_, node, _)| {
                node.get("nullable").and_then(Value::as_bool) == Some(true)
            })
    }

    pub(super) fn doc_of(node: &Value) -> Option<String> {
        let text = node
            .get("description")
            .and_then(Value::as_str)
            .or_else(|| node.get("title").and_then(Value::as_str))?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// The doc of a property: its own description, else that of what it references. References
    /// are followed as written, not to the shared representative of a shape: two schemas with
    /// one shape still say different things.
    pub(super) fn doc_at(&mut self, pointer: &str) -> Option<String> {
        let mut node = self.node(pointer)?;
        for _ in 0..64 {
            if let Some(doc) = Self::doc_of(node) {
                return Some(doc);
            }
            let reference = node.get("$ref").and_then(Value::as_str)?;
            node = self.node(reference)?;
        }
        None
    }

    /// The node that decides a schema's JSON kind: through single shaping allOf parts and refs.
    pub(super) fn value_node(&self, node: &'s Value) -> &'s Value {
        let mut node = node;
        for _ in 0..16 {
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                match self.node(reference) {
                    Some(target) => node = target,
                    None => return node,
                }
                continue;
            }
            let Some(parts) = node.get("allOf").and_then(Value::as_array) else {
                return node;
            };
            if node.get("properties").is_some() {
                return node;
            }
            let shaping: Vec<&Value> = parts.iter().filter(|p| !is_annotation(p)).collect();
            match shaping[..] {
                [only] => node = only,
                _ => return node,
            }
        }
        node
    }
}
