//! A oneOf/anyOf inside an object or an allOf: its variants' properties become optional fields
//! of the object's struct.
//!
//! The form chosen: the struct is the union of the merged shapes, flattened. Each property any
//! variant declares is a field (required only when the object itself requires it, since only one
//! variant applies to a value), so no declared property lands among the unknown fields and a
//! value is written back exactly as received; which variant a value is follows from the fields
//! it has. A variant that only lists `required` properties (`anyOf: [{required: [a]},
//! {required: [b]}]`) constrains without declaring anything and adds no field; a variant that is
//! not an object (a string beside an object part of an allOf) cannot describe an object's value
//! and adds none either. Where variants give one property different schemas, the field takes
//! what all of them accept: one struct of every object's properties, a string for strings, and
//! otherwise any JSON value, with a notice naming the property.

use super::*;

/// How deep unions nested in unions are followed.
const MAX_DEPTH: usize = 8;

/// The properties the unions of a shape add: their sources, in the order met.
#[derive(Default)]
pub(super) struct UnionFields {
    /// Each property's schemas, one per variant that declares it.
    pub(super) props: IndexMap<String, Vec<String>>,
    /// The variants read, for the notice (a title or the last segment of a `$ref`).
    pub(super) variants: Vec<String>,
}

impl<'s> TypeBuilder<'s> {
    /// The properties the unions in `shape` declare and the shape does not.
    pub(super) fn union_fields(&mut self, shape: &ObjShape) -> UnionFields {
        let mut fields = UnionFields::default();
        for union in &shape.union_parts {
            self.collect_union(union, &mut fields, 0);
        }
        fields
            .props
            .retain(|name, _| !shape.props.contains_key(name));
        fields
    }

    /// The notice for the unions of the struct `name`, and for constraint-only ones nothing.
    pub(super) fn union_fields_notice(
        &mut self,
        shape: &ObjShape,
        name: &str,
        fields: &UnionFields,
    ) {
        let Some(first) = shape.union_parts.first() else {
            return;
        };
        let message = if fields.props.is_empty() {
            format!(
                "the oneOf/anyOf in `{name}` adds no property (its variants only require some of \
                 the object's properties, or are not objects); the client does not check which \
                 are present"
            )
        } else {
            let names: Vec<&str> = fields.props.keys().map(String::as_str).collect();
            format!(
                "the oneOf/anyOf in `{name}` (variants {}) is flattened: its properties ({}) are \
                 optional fields of `{name}`, and a value has those of its variant",
                fields.variants.join(", "),
                names.join(", ")
            )
        };
        self.warnings
            .insert(Warning::notice(first.clone(), message));
    }

    /// The variants of the union at `pointer` (the `oneOf`/`anyOf` array, or a schema holding
    /// one) into `fields`, nested unions and allOfs included.
    fn collect_union(&mut self, pointer: &str, fields: &mut UnionFields, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let variants: Vec<String> = match self.node(pointer) {
            Some(Value::Array(items)) => {
                (0..items.len()).map(|i| format!("{pointer}/{i}")).collect()
            }
            Some(_) => {
                let Some((resolved, node, _)) = self.resolve(pointer) else {
                    return;
                };
                let key = if node.get("oneOf").is_some() {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let count = node.get(key).and_then(Value::as_array).map_or(0, Vec::len);
                (0..count)
                    .map(|i| format!("{resolved}/{key}/{i}"))
                    .collect()
            }
            None => return,
        };
        for variant in variants {
            self.collect_variant(&variant, fields, depth);
        }
    }

    /// One variant: an object's properties, a nested union's variants; nothing for a variant
    /// that only constrains or is not an object.
    fn collect_variant(&mut self, variant: &str, fields: &mut UnionFields, depth: usize) {
        let Some((resolved, node, _)) = self.resolve(variant) else {
            return;
        };
        let declares = node.get("properties").is_some() || node.get("allOf").is_some();
        let nested = node.get("oneOf").is_some() || node.get("anyOf").is_some();
        if !declares && nested {
            self.collect_union(&resolved, fields, depth + 1);
            return;
        }
        if !declares {
            return;
        }
        let label = node
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                resolved
                    .strip_prefix("#/components/schemas/")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| format!("`{resolved}`"));
        if !fields.variants.contains(&label) {
            fields.variants.push(label);
        }
        let shape = self.shape(&resolved);
        for (name, sources) in &shape.props {
            let entry = fields.props.entry(name.clone()).or_default();
            for source in sources {
                if !entry.contains(source) {
                    entry.push(source.clone());
                }
            }
        }
        for union in shape.union_parts.clone() {
            self.collect_union(&union, fields, depth + 1);
        }
    }

    /// The type of a property that variants of a union declare, from their `sources`: what
    /// each of them accepts.
    pub(super) fn union_property_ty(&mut self, sources: &[String], hint: &str) -> (Ty, String) {
        // Sources that only annotate (an `example`, a `description`) accept any value: the
        // typed ones decide.
        let mut typed = Vec::new();
        let mut targets = BTreeSet::new();
        let mut kinds = BTreeSet::new();
        for source in sources {
            if let Some((resolved, node, _)) = self.resolve(source) {
                let kind = json_kind(self.value_node(node)).1;
                if kind != "Value" {
                    typed.push(source.clone());
                    targets.insert(resolved);
                    kinds.insert(kind);
                }
            }
        }
        if typed.is_empty() {
            return self.property_ty(sources, hint);
        }
        if targets.len() == 1 {
            return self.property_ty(&typed, hint);
        }
        let last = typed.last().cloned().unwrap_or_default();
        match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
            ["Object"] => {
                // A value is one variant's: what only some variants require is optional.
                let specific: Vec<String> = typed
                    .iter()
                    .filter(|p| !self.is_placeholder(p))
                    .cloned()
                    .collect();
                let structs = specific.len() > 1
                    && specific.iter().all(|p| {
                        self.resolve(p)
                            .is_some_and(|(_, node, _)| matches!(self.plan("", node), Plan::Struct))
                    });
                if structs {
                    return self.merged_property(&specific, hint, true);
                }
                self.property_ty(&typed, hint)
            }
            ["String"] => (Ty::String, last),
            _ => {
                self.warnings.insert(Warning::notice(
                    last.clone(),
                    format!(
                        "variants of a union give this property different types ({}); it takes any JSON value",
                        typed.join(", ")
                    ),
                ));
                (Ty::Any, last)
            }
        }
    }
}
