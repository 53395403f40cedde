//! Values built from the generated types rather than the schemas: what their decoders accept.
//! Used for the tests that check each union variant decodes as itself.

use serde_json::{json, Map, Value};

use crate::ir::types::{Tagging, Ty, TypeKind, TypeSpace, UnionDef};

/// How deep a sample nests before optional parts are left out.
const DEPTH: usize = 8;

/// A value of `ty`: required fields (every field of the outermost object too when `full`),
/// first enum values and first variants, with tags.
pub fn value(space: &TypeSpace, ty: &Ty, full: bool) -> Value {
    of(space, ty, full, 0)
}

/// A value of variant `index` of `union`, with its tag or key.
pub fn variant(space: &TypeSpace, union: &UnionDef, index: usize, full: bool) -> Value {
    variant_at(space, union, index, full, 0)
}

fn variant_at(
    space: &TypeSpace,
    union: &UnionDef,
    index: usize,
    full: bool,
    depth: usize,
) -> Value {
    let Some(variant) = union.variants.get(index) else {
        return json!({});
    };
    let payload = of(space, &variant.ty, full, depth + 1);
    match (&union.tagging, variant.tags.first()) {
        (Tagging::Internal { property, .. }, Some(tag)) => {
            let mut object = match payload {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            object.insert(property.clone(), Value::String(tag.clone()));
            Value::Object(object)
        }
        (Tagging::External, Some(key)) => json!({ key.as_str(): payload }),
        _ => payload,
    }
}

fn of(space: &TypeSpace, ty: &Ty, full: bool, depth: usize) -> Value {
    match ty {
        Ty::String => json!("example"),
        Ty::DateTime => json!("2024-01-01T00:00:00Z"),
        Ty::Bool => json!(true),
        Ty::I32 | Ty::I64 => json!(1),
        // Not an integer, so that an integer variant tried first rejects it.
        Ty::F64 => json!(1.5),
        Ty::Any => json!("any"),
        Ty::Vec(_) if depth > DEPTH => json!([]),
        Ty::Vec(item) => json!([of(space, item, false, depth + 1)]),
        Ty::Map(_) if depth > DEPTH => json!({}),
        Ty::Map(item) => json!({ "key": of(space, item, false, depth + 1) }),
        Ty::Nullable(inner) => of(space, inner, full, depth),
        Ty::Named(id) => match &space.get(*id).kind {
            TypeKind::Pending => Value::Null,
            TypeKind::Enum(e) => e
                .values
                .first()
                .map(|v| Value::String(v.value.clone()))
                .unwrap_or_else(|| json!("example")),
            TypeKind::Union(union) => variant_at(space, union, 0, false, depth),
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                for field in &s.fields {
                    let wanted = field.required || (full && depth <= 1);
                    if wanted && (field.required || depth <= DEPTH) {
                        object.insert(
                            field.json_name.clone(),
                            of(space, &field.ty, false, depth + 1),
                        );
                    }
                }
                Value::Object(object)
            }
        },
    }
}
