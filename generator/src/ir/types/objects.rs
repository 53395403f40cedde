//! Objects: an allOf flattened into one shape of properties (memoized per schema), and the
//! struct made from it.

use super::*;

#[derive(Debug, Default, Clone)]
pub(super) struct ObjShape {
    pub(super) props: IndexMap<String, Vec<String>>,
    pub(super) required: BTreeSet<String>,
    pub(super) additional: Option<String>,
    pub(super) union_parts: Vec<String>,
}

pub(super) fn merge_shape(into: &mut ObjShape, part: &ObjShape) {
    for (key, sources) in &part.props {
        let entry = into.props.entry(key.clone()).or_default();
        for source in sources {
            if !entry.contains(source) {
                entry.push(source.clone());
            }
        }
    }
    into.required.extend(part.required.iter().cloned());
    if part.additional.is_some() {
        into.additional = part.additional.clone();
    }
    into.union_parts.extend(part.union_parts.iter().cloned());
}

impl<'s> TypeBuilder<'s> {
    /// The flattened object shape of the schema at `pointer` (allOf merged), memoized.
    pub(super) fn shape(&mut self, pointer: &str) -> Rc<ObjShape> {
        let Some((resolved, node, _)) = self.resolve(pointer) else {
            return Rc::default();
        };
        if let Some(shape) = self.shapes.get(&resolved) {
            return shape.clone();
        }
        if !self.shaping.insert(resolved.clone()) {
            self.warn(
                &resolved,
                "allOf includes itself; the repeated part is ignored",
            );
            return Rc::default();
        }
        let mut shape = ObjShape::default();
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            for index in 0..parts.len() {
                let part_pointer = format!("{resolved}/allOf/{index}");
                let part = self.shape(&part_pointer);
                merge_shape(&mut shape, &part);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if node.get(key).is_some() && node.get("properties").is_some() {
                shape.union_parts.push(format!("{resolved}/{key}"));
            }
        }
        if node.get("allOf").is_none()
            && (node.get("oneOf").is_some() || node.get("anyOf").is_some())
            && node.get("properties").is_none()
        {
            shape.union_parts.push(resolved.clone());
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for key in props.keys() {
                let prop_pointer = format!("{resolved}/properties/{}", escape_token(key));
                shape
                    .props
                    .entry(key.clone())
                    .or_default()
                    .push(prop_pointer);
            }
        }
        if let Some(required) = node.get("required").and_then(Value::as_array) {
            shape.required.extend(
                required
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
        }
        if let Some(Value::Object(_)) = node.get("additionalProperties") {
            shape.additional = Some(format!("{resolved}/additionalProperties"));
        }
        self.shaping.remove(&resolved);
        let shape = Rc::new(shape);
        self.shapes.insert(resolved, shape.clone());
        shape
    }

    pub(super) fn structure(&mut self, pointer: &str, name: &str) -> StructDef {
        let shape = self.shape(pointer);
        for union in &shape.union_parts {
            self.warn(union, "a oneOf/anyOf inside an object or allOf is not modelled as fields yet; its properties are kept as unknown fields");
        }
        let mut local = NameTable::default();
        let mut fields = Vec::with_capacity(shape.props.len());
        for (json_name, sources) in &shape.props {
            let ident = local.claim(&[
                names::field_name(json_name),
                format!("{}_field", names::field_name(json_name)),
            ]);
            let fallback = format!("{name}{}", names::type_name(json_name));
            let hint = match sources.last() {
                Some(source) if sources.len() == 1 => self.hint_for(source, &fallback),
                _ => fallback,
            };
            let (ty, source) = self.property_ty(sources, &hint);
            let nullable = self.nullable(&source);
            let doc = sources.iter().rev().find_map(|p| self.doc_at(p));
            fields.push(Field {
                ident,
                json_name: json_name.clone(),
                ty,
                required: shape.required.contains(json_name),
                nullable,
                doc,
                boxed: false,
                sensitive: self.is_sensitive(json_name, &source),
                pointer: Pointer::new(source),
            });
        }
        if local.is_taken("additional_properties") {
            self.warn(
                pointer,
                "a property named `additional_properties` shadows the unknown-fields map",
            );
        }
        let additional = match &shape.additional {
            Some(pointer) if !self.is_placeholder(pointer) => {
                let value = self.ty(pointer, &format!("{name}Value"));
                if self.nullable(pointer) {
                    Ty::Nullable(Box::new(value))
                } else {
                    value
                }
            }
            _ => Ty::Any,
        };
        StructDef { fields, additional }
    }

    /// One property declared by several allOf parts: placeholders give way to specific
    /// schemas; several object schemas merge into one struct; otherwise the last wins.
    pub(super) fn property_ty(&mut self, sources: &[String], hint: &str) -> (Ty, String) {
        let specific: Vec<&String> = sources.iter().filter(|p| !self.is_placeholder(p)).collect();
        let chosen: Vec<&String> = if specific.is_empty() {
            sources.iter().collect()
        } else {
            specific
        };
        let last = chosen.last().map(|p| p.to_string()).unwrap_or_default();
        if chosen.len() <= 1 {
            return (self.ty(&last, hint), last);
        }
        let mut targets = BTreeSet::new();
        for pointer in &chosen {
            if let Some((resolved, _, _)) = self.resolve(pointer) {
                targets.insert(resolved);
            }
        }
        if targets.len() == 1 {
            return (self.ty(&last, hint), last);
        }
        let all_objects = chosen.iter().all(|p| {
            self.resolve(p)
                .is_some_and(|(_, node, _)| matches!(self.plan("", node), Plan::Struct))
        });
        if all_objects {
            let mut merged = ObjShape::default();
            for pointer in &chosen {
                let part = self.shape(pointer);
                merge_shape(&mut merged, &part);
            }
            let first = chosen[0].to_string();
            let node = self.node(&first).unwrap_or(&Value::Null);
            let id = self.alloc_inline(hint, &first, node);
            let key = format!("{first}#merged");
            self.shapes.insert(key.clone(), Rc::new(merged));
            let def = self.structure_from_shape(&key, hint);
            self.space.types[id.0].kind = TypeKind::Struct(def);
            return (Ty::Named(id), first);
        }
        let nodes: Vec<&'s Value> = chosen
            .iter()
            .filter_map(|p| self.resolve(p))
            .map(|(_, node, _)| node)
            .collect();
        let kinds: BTreeSet<&'static str> = nodes
            .iter()
            .map(|node| json_kind(self.value_node(node)).1)
            .filter_map(|kind| match kind {
                "Bool" => Some("boolean"),
                // An integer part refines a number part.
                "Integer" | "Number" => Some("number"),
                "String" => Some("string"),
                "Array" => Some("array"),
                "Object" => Some("object"),
                _ => None,
            })
            .collect();
        if kinds.len() > 1 {
            let parts: Vec<String> = chosen.iter().map(|p| p.to_string()).collect();
            self.warn(
                &last,
                format!(
                    "allOf parts give this property conflicting types ({} at {}); the last one is used",
                    kinds.into_iter().collect::<Vec<_>>().join(", "),
                    parts.join(", ")
                ),
            );
        }
        (self.ty(&last, hint), last)
    }

    pub(super) fn structure_from_shape(&mut self, key: &str, name: &str) -> StructDef {
        // `structure` looks the shape up by its resolved pointer; merged shapes are stored
        // under a synthetic key that `resolve` cannot follow, so read it directly.
        let shape = self.shapes.get(key).cloned().unwrap_or_default();
        let mut local = NameTable::default();
        let mut fields = Vec::new();
        for (json_name, sources) in &shape.props {
            let ident = local.claim(&[
                names::field_name(json_name),
                format!("{}_field", names::field_name(json_name)),
            ]);
            let hint = format!("{name}{}", names::type_name(json_name));
            let (ty, source) = self.property_ty(sources, &hint);
            let nullable = self.nullable(&source);
            let doc = sources.iter().rev().find_map(|p| self.doc_at(p));
            fields.push(Field {
                ident,
                json_name: json_name.clone(),
                ty,
                required: shape.required.contains(json_name),
                nullable,
                doc,
                boxed: false,
                sensitive: self.is_sensitive(json_name, &source),
                pointer: Pointer::new(source),
            });
        }
        StructDef {
            fields,
            additional: Ty::Any,
        }
    }

    /// A schema that says nothing specific: `{}`, a bare `type: object`, an array of
    /// anything, or a union of such. Envelopes use them as "filled in later".
    pub(super) fn is_placeholder(&mut self, pointer: &str) -> bool {
        let Some((resolved, node, _)) = self.resolve(pointer) else {
            return true;
        };
        let Some(map) = node.as_object() else {
            return true;
        };
        if map.contains_key("properties") || map.contains_key("allOf") || map.contains_key("enum") {
            return false;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(items) = map.get(key).and_then(Value::as_array) {
                return (0..items.len()).all(|i| {
                    let p = format!("{resolved}/{key}/{i}");
                    self.is_placeholder(&p)
                        || self.node(&p).is_some_and(|n| {
                            n.get("type")
                                .and_then(Value::as_str)
                                .is_some_and(|t| t != "array" && t != "object")
                                && n.get("enum").is_none()
                        })
                });
            }
        }
        match map.get("type").and_then(Value::as_str) {
            None => {
                !map.contains_key("items")
                    && !matches!(map.get("additionalProperties"), Some(Value::Object(_)))
            }
            Some("object") => {
                !matches!(map.get("additionalProperties"), Some(Value::Object(o)) if !o.is_empty())
            }
            Some("array") => match map.get("items") {
                None => true,
                Some(_) => self.is_placeholder(&format!("{resolved}/items")),
            },
            Some(_) => false,
        }
    }

    /// Whether a property holds a secret: its schema says `format: password`, or its name is
    /// one that APIs use for secrets.
    pub(super) fn is_sensitive(&mut self, json_name: &str, pointer: &str) -> bool {
        const SECRET_NAMES: &[&str] = &[
            "password",
            "secret",
            "client_secret",
            "private_key",
            "token",
            "access_token",
            "refresh_token",
            "api_key",
            "auth_credentials",
        ];
        SECRET_NAMES.contains(&json_name)
            || self.resolve(pointer).is_some_and(|(_, node, _)| {
                node.get("format").and_then(Value::as_str) == Some("password")
            })
    }
}
