//! Required read-only properties in what requests carry. OpenAPI 3.0 says that `required`
//! holds for a read-only property in responses only, so in a type that a request reaches such
//! a field is optional (a caller does not make up the server's `id` or `last_updated`); in a
//! type only responses use it stays required.

use serde_json::Value;

use super::ops::{Operation, ParamLocation};
use super::types::{TypeId, TypeKind, TypeSpace};

/// Which types (by index) the JSON bodies and form fields of requests reach, through fields,
/// variants, items and maps.
pub fn reached_from_requests(space: &TypeSpace, operations: &[Operation]) -> Vec<bool> {
    let mut reached = vec![false; space.types.len()];
    let mut stack: Vec<TypeId> = Vec::new();
    for op in operations {
        if let Some(body) = op.json_body() {
            body.ty.named(&mut |id| stack.push(id));
        }
        for param in &op.params {
            if matches!(param.location, ParamLocation::Field(_)) {
                param.ty.named(&mut |id| stack.push(id));
            }
        }
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        space
            .get(id)
            .kind
            .each_ty(&mut |ty| ty.named(&mut |id| stack.push(id)));
    }
    reached
}

/// Makes the required read-only fields of the structs that requests reach optional.
pub fn relax(raw: &Value, space: &mut TypeSpace, operations: &[Operation]) {
    let reached = reached_from_requests(space, operations);
    for (def, reached) in space.types.iter_mut().zip(reached) {
        let TypeKind::Struct(structure) = &mut def.kind else {
            continue;
        };
        if !reached {
            continue;
        }
        for field in structure.fields.iter_mut().filter(|f| f.required) {
            if is_read_only(raw, field.pointer.as_str()) {
                field.required = false;
                field.required_in_responses = true;
            }
        }
    }
}

/// Whether the property schema at `pointer` is read-only: itself, the schema it refers to, or
/// a part of its allOf (`{"allOf": [{"$ref": ...}, {"readOnly": true}]}`).
fn is_read_only(raw: &Value, pointer: &str) -> bool {
    let node = |pointer: &str| crate::ir::pointer::lookup(raw, pointer);
    let flagged = |schema: &Value| schema.get("readOnly").and_then(Value::as_bool) == Some(true);
    let resolved = |schema: &'_ Value| -> bool {
        flagged(schema)
            || schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(node)
                .is_some_and(flagged)
    };
    node(pointer).is_some_and(|schema| {
        resolved(schema)
            || schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(resolved))
    })
}
