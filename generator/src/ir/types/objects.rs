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
        let Some((resolved, _, _)) = self.resolve(pointer) else {
            return Rc::default();
        };
        if let Some(shape) = self.shapes.get(&resolved) {
            return shape.clone();
        }
        let shape = Rc::new(self.shape_owned(&resolved));
        self.shapes.insert(resolved, shape.clone());
        shape
    }

    /// The shape of the schema at `pointer`, computed without memoizing its allOf parts: the
    /// first part's shape is taken over, not copied, so that a chain of allOfs (each schema
    /// the one before plus a property) costs time and memory linear in its length.
    fn shape_owned(&mut self, pointer: &str) -> ObjShape {
        let Some((resolved, node, _)) = self.resolve(pointer) else {
            return ObjShape::default();
        };
        if let Some(shape) = self.shapes.get(&resolved) {
            return ObjShape::clone(shape);
        }
        if !self.shaping.insert(resolved.clone()) {
            self.warn(
                &resolved,
                "allOf includes itself; the repeated part is ignored",
            );
            return ObjShape::default();
        }
        let mut shape = ObjShape::default();
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            for index in 0..parts.len() {
                let part = self.shape_owned(&format!("{resolved}/allOf/{index}"));
                if index == 0 {
                    shape = part;
                } else {
                    merge_shape(&mut shape, &part);
                }
            }
        }
        self.own_shape(&resolved, node, &mut shape);
        self.shaping.remove(&resolved);
        shape
    }

    /// What the schema `node` at `resolved` declares itself into `shape`: its properties,
    /// required names, additional properties and union parts.
    fn own_shape(&mut self, resolved: &str, node: &Value, shape: &mut ObjShape) {
        for key in ["oneOf", "anyOf"] {
            if node.get(key).is_some() && node.get("properties").is_some() {
                shape.union_parts.push(format!("{resolved}/{key}"));
            }
        }
        if node.get("allOf").is_none()
            && (node.get("oneOf").is_some() || node.get("anyOf").is_some())
            && node.get("properties").is_none()
        {
            shape.union_parts.push(resolved.to_string());
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for key in props.keys() {
                let prop_pointer = format!("{resolved}/properties/{}", escape_token(key));
                let sources = shape.props.entry(key.clone()).or_default();
                if !sources.contains(&prop_pointer) {
                    sources.push(prop_pointer);
                }
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
    }

    pub(super) fn structure(&mut self, pointer: &str, name: &str) -> StructDef {
        let shape = self.shape(pointer);
        let unions = self.union_fields(&shape);
        self.union_fields_notice(&shape, name, &unions);
        let mut local = NameTable::default();
        let mut fields = Vec::with_capacity(shape.props.len() + unions.props.len());
        let props = shape.props.iter().map(|p| (p, false));
        for ((json_name, sources), from_union) in
            props.chain(unions.props.iter().map(|p| (p, true)))
        {
            let fallback = format!("{name}{}", names::type_name(json_name));
            let hint = match sources.last() {
                Some(source) if sources.len() == 1 => self.hint_for(source, &fallback),
                _ => fallback,
            };
            let typed = if from_union {
                self.union_property_ty(sources, &hint)
            } else {
                self.property_ty(sources, &hint)
            };
            let required = shape.required.contains(json_name);
            fields.push(self.field(&mut local, json_name, sources, typed, required));
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
        // A part that says the property is always `null` (`enum: [null]`: a failure envelope
        // over a success one) makes the others' type nullable instead of conflicting with it.
        let null_only: Vec<String> = sources
            .iter()
            .filter(|p| self.is_null_only(p))
            .cloned()
            .collect();
        if let Some(typed) = self.without(sources, &null_only, true, hint) {
            return typed;
        }
        let specific: Vec<String> = sources
            .iter()
            .filter(|p| !self.is_placeholder(p))
            .cloned()
            .collect();
        let chosen = if specific.is_empty() {
            sources.to_vec()
        } else {
            specific
        };
        let last = chosen.last().cloned().unwrap_or_default();
        if chosen.len() <= 1 {
            return (self.ty(&last, hint), last);
        }
        // Among placeholders (a generic envelope's "object, array or string" `result`, a
        // failure envelope's "null or any object"), the more specific ones decide: a part that
        // accepts every kind gives way, and a nullable one makes the rest nullable.
        let (mut open, mut nullable) = (Vec::new(), Vec::new());
        for p in &chosen {
            if self.is_placeholder(p) {
                if self
                    .resolve(p)
                    .is_some_and(|(_, n, _)| n.get("anyOf").is_some() || n.get("oneOf").is_some())
                {
                    open.push(p.clone());
                } else if self.nullable(p) {
                    nullable.push(p.clone());
                }
            }
        }
        for (drop, wrap) in [(open, false), (nullable, true)] {
            if let Some(typed) = self.without(&chosen, &drop, wrap, hint) {
                return typed;
            }
        }
        self.specific_property_ty(&chosen, hint)
    }

    /// The type of the property declared at `sources` less `drop` (made nullable when
    /// `wrap`), when `drop` leaves some out and some in; else `None`.
    fn without(
        &mut self,
        sources: &[String],
        drop: &[String],
        wrap: bool,
        hint: &str,
    ) -> Option<(Ty, String)> {
        if drop.is_empty() || drop.len() >= sources.len() {
            return None;
        }
        let rest: Vec<String> = sources
            .iter()
            .filter(|p| !drop.contains(p))
            .cloned()
            .collect();
        let (ty, source) = self.property_ty(&rest, hint);
        Some(match (wrap, ty) {
            (true, ty @ Ty::Nullable(_)) | (false, ty) => (ty, source),
            (true, ty) => (Ty::Nullable(Box::new(ty)), source),
        })
    }

    /// The type of a property that several specific schemas (`chosen`, at least two) declare:
    /// one when they are one, a merged struct when all are objects, else the last (with a
    /// problem when their JSON kinds conflict).
    fn specific_property_ty(&mut self, chosen: &[String], hint: &str) -> (Ty, String) {
        let last = chosen.last().cloned().unwrap_or_default();
        let mut targets = BTreeSet::new();
        for pointer in chosen {
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
            return self.merged_property(chosen, hint, false);
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
            self.warn(
                &last,
                format!(
                    "allOf parts give this property conflicting types ({} at {}); the last one is used",
                    kinds.into_iter().collect::<Vec<_>>().join(", "),
                    chosen.join(", ")
                ),
            );
        }
        (self.ty(&last, hint), last)
    }

    /// One struct of the properties of every object schema in `chosen`: a value fits all of
    /// them (allOf parts: what any requires is required), or, `of_variants`, one of them
    /// (union variants: what all require is required).
    pub(super) fn merged_property(
        &mut self,
        chosen: &[String],
        hint: &str,
        of_variants: bool,
    ) -> (Ty, String) {
        let mut merged = ObjShape::default();
        let mut required_by_all: Option<BTreeSet<String>> = None;
        for pointer in chosen {
            let part = self.shape(pointer);
            merge_shape(&mut merged, &part);
            let required = part.required.clone();
            required_by_all = Some(match required_by_all {
                Some(all) => all.intersection(&required).cloned().collect(),
                None => required,
            });
        }
        if of_variants {
            let all = required_by_all.unwrap_or_default();
            merged.required.retain(|name| all.contains(name));
        }
        let first = chosen[0].clone();
        let node = self.node(&first).unwrap_or(&Value::Null);
        let id = self.alloc_inline(hint, &first, node);
        self.space.types[id.0].merges = chosen[1..].iter().map(Pointer::new).collect();
        let key = format!("{first}#merged");
        self.shapes.insert(key.clone(), Rc::new(merged));
        let def = self.structure_from_shape(&key, hint);
        self.space.types[id.0].kind = TypeKind::Struct(def);
        (Ty::Named(id), first)
    }

    pub(super) fn structure_from_shape(&mut self, key: &str, name: &str) -> StructDef {
        // `structure` looks the shape up by its resolved pointer; merged shapes are stored
        // under a synthetic key that `resolve` cannot follow, so read it directly.
        let shape = self.shapes.get(key).cloned().unwrap_or_default();
        let mut local = NameTable::default();
        let mut fields = Vec::new();
        for (json_name, sources) in &shape.props {
            let hint = format!("{name}{}", names::type_name(json_name));
            let typed = self.property_ty(sources, &hint);
            let required = shape.required.contains(json_name);
            fields.push(self.field(&mut local, json_name, sources, typed, required));
        }
        StructDef {
            fields,
            additional: Ty::Any,
        }
    }

    /// The field for the property `json_name` declared at `sources`, of the type and source
    /// `typed` (from [`Self::property_ty`] or [`Self::union_property_ty`]), named distinctly
    /// in `local`.
    fn field(
        &mut self,
        local: &mut NameTable,
        json_name: &str,
        sources: &[String],
        typed: (Ty, String),
        required: bool,
    ) -> Field {
        let ident = local.claim(&[
            names::field_name(json_name),
            format!("{}_field", names::field_name(json_name)),
        ]);
        let (ty, source) = typed;
        let (ty, nullable) = match ty {
            Ty::Nullable(inner) => (*inner, true),
            ty => (ty, self.nullable(&source)),
        };
        let doc = sources.iter().rev().find_map(|p| self.doc_at(p));
        Field {
            ident,
            json_name: json_name.to_string(),
            ty,
            required,
            required_in_responses: false,
            nullable,
            doc,
            boxed: false,
            sensitive: self.is_sensitive(json_name, &source),
            pointer: Pointer::new(source),
        }
    }

    /// A schema that says nothing specific: `{}`, a bare `type: object`, an array of
    /// anything, or a union of such. Envelopes use them as "filled in later".
    /// Whether the schema at `pointer` allows only `null` (`enum: [null]`).
    fn is_null_only(&mut self, pointer: &str) -> bool {
        self.resolve(pointer).is_some_and(|(_, node, _)| {
            node.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.len() == 1 && values[0].is_null())
        })
    }

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

/// A property of a form body's object schema.
#[derive(Debug, Clone)]
pub struct FormProperty {
    /// Its name (the form field's).
    pub name: String,
    /// Listed in `required`.
    pub required: bool,
    /// Its type (`String` for a file).
    pub ty: Ty,
    /// A file (`format: binary`), a list of files, or neither.
    pub binary: Binary,
    /// An object or an array of objects: sent as JSON text.
    pub structured: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// JSON pointer of its schema.
    pub pointer: String,
}

/// Whether a form property holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// Not a file.
    No,
    /// One file.
    One,
    /// A list of files.
    Many,
}

impl<'s> TypeBuilder<'s> {
    /// The properties of the object schema at `pointer` (allOf merged), as the fields of a
    /// form body; `hint` names their inline types.
    pub fn form_properties(&mut self, pointer: &str, hint: &str) -> Vec<FormProperty> {
        let shape = self.shape(pointer);
        let mut out = Vec::with_capacity(shape.props.len());
        for (name, sources) in &shape.props {
            let source = sources.last().cloned().unwrap_or_default();
            let binary = self.binary_kind(&source);
            let ty = match binary {
                Binary::No => {
                    let hint = format!("{hint}{}", names::type_name(name));
                    self.property_ty(sources, &hint).0
                }
                Binary::One | Binary::Many => Ty::String,
            };
            let structured = match &ty {
                Ty::Vec(item) => !self.is_text(item),
                ty => !self.is_text(ty),
            };
            out.push(FormProperty {
                name: name.clone(),
                required: shape.required.contains(name),
                ty,
                binary,
                structured,
                doc: sources.iter().rev().find_map(|p| self.doc_at(p)),
                pointer: source,
            });
        }
        out
    }

    /// Whether a value of `ty` is sent as plain text in a form (a scalar or a string enum).
    fn is_text(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::DateTime => true,
            Ty::Named(id) => matches!(self.space.get(*id).kind, TypeKind::Enum(_)),
            Ty::Nullable(inner) => self.is_text(inner),
            Ty::Any | Ty::Vec(_) | Ty::Map(_) => false,
        }
    }

    /// Whether the schema at `pointer` is a file (`type: string, format: binary`), a list of
    /// files, or neither.
    fn binary_kind(&mut self, pointer: &str) -> Binary {
        let is_file = |node: &Value| node.get("format").and_then(Value::as_str) == Some("binary");
        let Some((resolved, node, _)) = self.resolve(pointer) else {
            return Binary::No;
        };
        if is_file(node) {
            return Binary::One;
        }
        if node.get("type").and_then(Value::as_str) == Some("array") {
            let items = format!("{resolved}/items");
            if let Some((_, item, _)) = self.resolve(&items) {
                if is_file(item) {
                    return Binary::Many;
                }
            }
        }
        Binary::No
    }
}
