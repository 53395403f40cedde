//! The type space: every schema the selected operations reach, as Rust-shaped types.
//!
//! Types are plain data addressed by [`TypeId`]; the emitter asks for names only when it
//! writes code. Schemas are read from the overlaid JSON by pointer, so every warning names one.
//!
//! Two choices keep it linear on specs like Cloudflare's:
//! - `allOf` is flattened once per schema (memoized by pointer), never re-expanded per use;
//! - component schemas with the same shape (ignoring docs) share one type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::Value;

use super::names::{self, NameTable};
use crate::error::Warning;
use crate::load::spec::escape_token;

/// Index of a type in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `String`
    String,
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// RFC 3339 date-time.
    DateTime,
    /// Any JSON value: the spec says nothing about it.
    Any,
    /// A generated type.
    Named(TypeId),
    /// A JSON array.
    Vec(Box<Ty>),
    /// A JSON object used as a string-keyed map.
    Map(Box<Ty>),
    /// A value that may be `null` (inside arrays and maps).
    Nullable(Box<Ty>),
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// What it is.
    pub kind: TypeKind,
}

/// The kinds of generated types.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// Not built yet (only during construction).
    Pending,
    /// An object.
    Struct(StructDef),
    /// A string enum (with a catch-all for values added later).
    Enum(EnumDef),
    /// A oneOf/anyOf.
    Union(UnionDef),
}

/// An object type.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// Declared properties, in spec order.
    pub fields: Vec<Field>,
    /// Type of the values of undeclared properties; `Ty::Any` keeps unknown fields as JSON.
    pub additional: Ty,
}

/// A property of an object type.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (may be raw: `r#type`).
    pub ident: String,
    /// JSON property name.
    pub json_name: String,
    /// Type of a present, non-null value.
    pub ty: Ty,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Stored behind a `Box` to break a recursive type.
    pub boxed: bool,
    /// JSON pointer of the property's schema.
    pub pointer: String,
    /// A secret (`format: password`, or a name such as `client_secret`): `Debug` hides it.
    pub sensitive: bool,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Known values.
    pub values: Vec<EnumValue>,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Rust variant name.
    pub ident: String,
    /// JSON string.
    pub value: String,
}

/// A union of schemas.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// How a JSON value selects its variant.
    pub tagging: Tagging,
    /// The variants, in decoding order.
    pub variants: Vec<Variant>,
    /// How the values of an untagged union are told apart, or which variants overlap (set by
    /// [`super::unions::settle`]).
    pub rationale: Option<String>,
}

/// How a union's variant is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagging {
    /// By the value of a property present in each variant (discriminator or distinct constants).
    Internal {
        /// The tag property.
        property: String,
        /// What an object without the tag is.
        tagless: Tagless,
    },
    /// Each variant is an object with one distinct key: `{"email": {...}}`.
    External,
    /// Told apart by the values each variant accepts: tried in order, and each variant rejects
    /// every value of the variants after it (see [`super::unions`]).
    Untagged,
    /// Variants accept some of the same values: the value is kept as received, with a typed
    /// view as each variant. Never a guess.
    Overlapping,
}

/// What an internally tagged union makes of an object without its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagless {
    /// An error: every variant requires the tag.
    Refused,
    /// The variants whose tag is optional, tried in this order (each rejects every value of
    /// those after it; see [`super::unions::settle`]).
    Variants(Vec<usize>),
    /// Several variants allow the tag to be absent and overlap: the object is kept as an
    /// unknown variant, as received.
    Kept,
}

/// A union variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub ident: String,
    /// Payload type.
    pub ty: Ty,
    /// Tag values (internal) or the key (external).
    pub tags: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Stored behind a `Box` to break a recursive type.
    pub boxed: bool,
    /// For an internally tagged union: the field of the variant's struct that holds the tag,
    /// when the struct keeps it (it has several tag values, or is used outside the union too).
    /// `None`: the union owns the tag and the struct does not have it.
    pub tag_field: Option<String>,
}

/// All generated types.
#[derive(Debug, Default)]
pub struct TypeSpace {
    /// Types by id.
    pub types: Vec<TypeDef>,
    /// Every `example` of a schema the types were built from: pointer -> (type, the example).
    pub examples: BTreeMap<String, (Ty, Value)>,
}

impl TypeSpace {
    /// The type with this id.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Drops the types that none of `roots` reaches (through fields, variants and maps), keeping
    /// the order of the rest, and renumbers every reference, `roots` included. Examples of
    /// dropped types are dropped too.
    pub fn retain_reachable(&mut self, roots: &mut [&mut Ty]) {
        let mut reached = vec![false; self.types.len()];
        let mut stack: Vec<TypeId> = Vec::new();
        for root in roots.iter() {
            root.named(&mut |id| stack.push(id));
        }
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut reached[id.0], true) {
                continue;
            }
            self.types[id.0]
                .kind
                .each_ty(&mut |ty| ty.named(&mut |id| stack.push(id)));
        }
        let mut map = vec![None; self.types.len()];
        let mut next = 0;
        for (old, keep) in reached.iter().enumerate() {
            if *keep {
                map[old] = Some(TypeId(next));
                next += 1;
            }
        }
        let types = std::mem::take(&mut self.types);
        self.types = types
            .into_iter()
            .zip(&reached)
            .filter(|(_, keep)| **keep)
            .map(|(mut def, _)| {
                def.kind.each_ty_mut(&mut |ty| ty.renumber(&map));
                def
            })
            .collect();
        for root in roots.iter_mut() {
            root.renumber(&map);
        }
        self.examples.retain(|_, (ty, _)| {
            let mut kept = true;
            ty.named(&mut |id| kept &= map[id.0].is_some());
            kept
        });
        for (ty, _) in self.examples.values_mut() {
            ty.renumber(&map);
        }
    }
}

impl Ty {
    /// Calls `f` with every generated type this expression names.
    pub fn named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            Ty::Named(id) => f(*id),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => inner.named(f),
            _ => {}
        }
    }

    /// Replaces every named type by its new id (`map[old]`; a dropped type cannot be named).
    fn renumber(&mut self, map: &[Option<TypeId>]) {
        match self {
            Ty::Named(id) => {
                if let Some(new) = map[id.0] {
                    *id = new;
                }
            }
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => inner.renumber(map),
            _ => {}
        }
    }
}

impl TypeKind {
    /// Calls `f` with the type of every field, additional-properties map and variant.
    pub fn each_ty(&self, f: &mut impl FnMut(&Ty)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| f(&field.ty));
                f(&s.additional);
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| f(&v.ty)),
            TypeKind::Enum(_) | TypeKind::Pending => {}
        }
    }

    fn each_ty_mut(&mut self, f: &mut impl FnMut(&mut Ty)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|field| f(&mut field.ty));
                f(&mut s.additional);
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| f(&mut v.ty)),
            TypeKind::Enum(_) | TypeKind::Pending => {}
        }
    }
}

#[derive(Debug, Default, Clone)]
struct ObjShape {
    props: IndexMap<String, Vec<String>>,
    required: BTreeSet<String>,
    additional: Option<String>,
    union_parts: Vec<String>,
}

enum Plan {
    Struct,
    Enum,
    Union,
    Alias(String),
    Inline,
}

/// Builds a [`TypeSpace`] from a spec's JSON.
pub struct TypeBuilder<'s> {
    raw: &'s Value,
    space: TypeSpace,
    names: NameTable,
    component_names: HashMap<String, String>,
    canonical: HashMap<String, String>,
    memo: HashMap<String, Ty>,
    resolving: HashSet<String>,
    shapes: HashMap<String, Rc<ObjShape>>,
    shaping: HashSet<String>,
    inline_memo: HashMap<String, Ty>,
    strip: Vec<String>,
    depth: usize,
    warnings: BTreeSet<Warning>,
}

const DOC_KEYS: &[&str] = &[
    "description",
    "example",
    "examples",
    "title",
    "externalDocs",
    "deprecated",
    "default",
];

impl<'s> TypeBuilder<'s> {
    /// A builder over `raw`, naming the component schemas reachable from `roots` (pointers).
    pub fn new(
        raw: &'s Value,
        roots: &[String],
        strip_prefixes: &[String],
        renames: &BTreeMap<String, String>,
        reserved: &[&str],
    ) -> Self {
        let mut builder = TypeBuilder {
            raw,
            space: TypeSpace::default(),
            names: NameTable::default(),
            component_names: HashMap::new(),
            canonical: HashMap::new(),
            memo: HashMap::new(),
            resolving: HashSet::new(),
            shapes: HashMap::new(),
            shaping: HashSet::new(),
            inline_memo: HashMap::new(),
            strip: strip_prefixes.to_vec(),
            depth: 0,
            warnings: BTreeSet::new(),
        };
        for name in reserved {
            builder.names.reserve(name);
        }
        let reachable = builder.reachable(roots);
        builder.dedup(&reachable, renames);
        builder.name_components(&reachable, strip_prefixes, renames);
        builder
    }

    /// The finished type space and the warnings collected while building it.
    pub fn finish(mut self) -> (TypeSpace, Vec<Warning>) {
        self.box_recursion();
        (self.space, self.warnings.into_iter().collect())
    }

    /// Read-only access to the types built so far.
    pub fn space(&self) -> &TypeSpace {
        &self.space
    }

    /// Record a warning.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.insert(Warning::problem(pointer, message));
    }

    // ----- reachability, structural dedup and naming of components -----

    fn reachable(&self, roots: &[String]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Value> = roots.iter().filter_map(|p| self.node(p)).collect();
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(reference)) = map.get("$ref") {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                            if seen.insert(name.to_string()) {
                                if let Some(target) = self.component_node(name) {
                                    stack.push(target);
                                }
                            }
                        } else if let Some(target) = self.node(reference) {
                            stack.push(target);
                        }
                    }
                    stack.extend(
                        map.iter()
                            .filter(|(k, _)| !DOC_KEYS.contains(&k.as_str()))
                            .map(|(_, v)| v),
                    );
                }
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        seen
    }

    /// Partition refinement: two components share a class when their JSON (docs removed,
    /// `$ref`s replaced by the class of their target) is equal, to a fixed point.
    fn dedup(&mut self, reachable: &BTreeSet<String>, renames: &BTreeMap<String, String>) {
        let names: Vec<&String> = reachable
            .iter()
            .filter(|n| self.component_node(n).is_some())
            .collect();
        let mut class: HashMap<&str, usize> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let mut count = 1;
        for _ in 0..64 {
            let mut keys: HashMap<String, usize> = HashMap::new();
            let mut next: HashMap<&str, usize> = HashMap::new();
            for name in &names {
                let Some(node) = self.component_node(name) else {
                    continue;
                };
                let mut key = String::new();
                canonical_key(node, &class, &mut key);
                let fresh = keys.len();
                let id = *keys.entry(key).or_insert(fresh);
                next.insert(name.as_str(), id);
            }
            let changed = keys.len() != count;
            count = keys.len();
            class = next;
            if !changed {
                break;
            }
        }
        let mut members: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for name in &names {
            members.entry(class[name.as_str()]).or_default().push(name);
        }
        for group in members.values() {
            let representative = group
                .iter()
                .copied()
                .min_by_key(|n| {
                    (
                        !renames.contains_key(*n),
                        n.contains("schemas-"),
                        n.len(),
                        *n,
                    )
                })
                .unwrap_or(group[0]);
            for member in group {
                self.canonical
                    .insert(member.to_string(), representative.to_string());
            }
        }
    }

    fn name_components(
        &mut self,
        reachable: &BTreeSet<String>,
        strip: &[String],
        renames: &BTreeMap<String, String>,
    ) {
        let mut representatives: Vec<&str> = reachable
            .iter()
            .filter(|n| self.canonical.get(*n).map(String::as_str) == Some(n.as_str()))
            .map(String::as_str)
            .filter(|n| {
                let pointer = format!("#/components/schemas/{}", escape_token(n));
                self.component_node(n).is_some_and(|node| {
                    !matches!(self.plan(&pointer, node), Plan::Inline | Plan::Alias(_))
                        && !is_single_key_wrapper(node)
                })
            })
            .collect();
        // Renamed first, then plain stems before qualified ones, so the simplest schema gets
        // the simplest name whatever order the spec lists them in.
        representatives.sort_by_key(|n| {
            (
                !renames.contains_key(*n),
                n.contains("schemas-"),
                n.len(),
                *n,
            )
        });
        for name in representatives {
            let stem = names::component_stem(name, strip);
            let mut candidates = Vec::new();
            if let Some(rename) = renames.get(name) {
                candidates.push(rename.clone());
            }
            candidates.push(names::type_name(&stem));
            let stripped = strip
                .iter()
                .find_map(|p| name.strip_prefix(p.as_str()))
                .unwrap_or(name);
            candidates.push(names::type_name(stripped));
            candidates.push(names::type_name(name));
            let rust = self.names.claim(&candidates);
            self.component_names.insert(name.to_string(), rust);
        }
    }

    // ----- JSON access -----

    fn node(&self, pointer: &str) -> Option<&'s Value> {
        let raw: &'s Value = self.raw;
        raw.pointer(pointer.strip_prefix('#').unwrap_or(pointer))
    }

    fn component_node(&self, name: &str) -> Option<&'s Value> {
        self.raw.get("components")?.get("schemas")?.get(name)
    }

    /// Follow `$ref`s: the final pointer, node, and component name if reached through one.
    fn resolve(&mut self, pointer: &str) -> Option<(String, &'s Value, Option<String>)> {
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

    fn nullable(&mut self, pointer: &str) -> bool {
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

    fn doc_of(node: &Value) -> Option<String> {
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
    fn doc_at(&mut self, pointer: &str) -> Option<String> {
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

    // ----- conversion -----

    fn plan(&self, pointer: &str, node: &Value) -> Plan {
        if node.get("$ref").is_some() {
            return Plan::Alias(pointer.to_string());
        }
        let variants = node
            .get("oneOf")
            .or_else(|| node.get("anyOf"))
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let has_props = node
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if variants > 1 && !has_props {
            if let Some(simplest) = self.same_primitive_variants(pointer, node) {
                return Plan::Alias(simplest);
            }
            return Plan::Union;
        }
        if variants == 1 && !has_props {
            let key = if node.get("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            return Plan::Alias(format!("{pointer}/{key}/0"));
        }
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            // Parts that only annotate (`{"description": ...}`) do not shape the value.
            let shaping: Vec<usize> = (0..parts.len())
                .filter(|i| !is_annotation(&parts[*i]))
                .collect();
            if shaping.len() == 1 && !has_props {
                return Plan::Alias(format!("{pointer}/allOf/{}", shaping[0]));
            }
            if !parts.is_empty() {
                let all_primitive = parts.iter().all(|p| {
                    p.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t != "object" && t != "array")
                        && p.get("properties").is_none()
                });
                return if all_primitive && !has_props {
                    Plan::Inline
                } else {
                    Plan::Struct
                };
            }
        }
        if has_props {
            return Plan::Struct;
        }
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            let ty = node.get("type").and_then(Value::as_str);
            let strings = values.iter().filter(|v| !v.is_null()).all(Value::is_string);
            if strings && values.iter().any(Value::is_string) && matches!(ty, None | Some("string"))
            {
                return Plan::Enum;
            }
        }
        Plan::Inline
    }

    /// A union of plain values of one JSON type (`anyOf: [uuid string, string]`) is just that
    /// type: the pointer of its least specific variant. A string enum beside plain strings
    /// ("one of these, or any string") is the enum, whose unknown-value variant keeps the rest.
    fn same_primitive_variants(&self, pointer: &str, node: &Value) -> Option<String> {
        let key = if node.get("oneOf").is_some() {
            "oneOf"
        } else {
            "anyOf"
        };
        let variants = node.get(key)?.as_array()?;
        let mut json_type = None;
        let mut simplest: Option<(bool, String)> = None;
        // Known strings beside any string: the string enum, which keeps any other value.
        let mut string_enums = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let resolved = match variant.get("$ref").and_then(Value::as_str) {
                Some(reference) => self.node(reference)?,
                None => variant,
            };
            let ty = resolved.get("type").and_then(Value::as_str)?;
            if !matches!(ty, "string" | "integer" | "number" | "boolean") {
                return None;
            }
            if json_type.replace(ty).is_some_and(|previous| previous != ty) {
                return None;
            }
            let variant_pointer = format!("{pointer}/{key}/{index}");
            if resolved.get("enum").is_some() && ty == "string" {
                string_enums.push(variant_pointer);
                continue;
            }
            // A number enum is a number: the values it lists are values of the others.
            let formatted = resolved.get("format").is_some();
            if simplest.as_ref().is_none_or(|(f, _)| *f && !formatted) {
                simplest = Some((formatted, variant_pointer));
            }
        }
        match string_enums.len() {
            0 => simplest.map(|(_, p)| p),
            1 => string_enums.pop(),
            _ => None,
        }
    }

    /// The Rust type of the schema at `pointer`; `hint` names it if it needs a new type.
    pub fn ty(&mut self, pointer: &str, hint: &str) -> Ty {
        let ty = self.ty_inner(pointer, hint);
        if let Some(example) = self.node(pointer).and_then(|n| n.get("example")) {
            if !self.space.examples.contains_key(pointer) {
                let ty = if self.nullable(pointer) {
                    Ty::Nullable(Box::new(ty.clone()))
                } else {
                    ty.clone()
                };
                self.space
                    .examples
                    .insert(pointer.to_string(), (ty, example.clone()));
            }
        }
        ty
    }

    fn ty_inner(&mut self, pointer: &str, hint: &str) -> Ty {
        let Some(node) = self.node(pointer) else {
            self.warn(pointer, "schema does not exist; using serde_json::Value");
            return Ty::Any;
        };
        if self.depth > 256 {
            self.warn(
                pointer,
                "schema nesting too deep (a cycle of references?); using serde_json::Value",
            );
            return Ty::Any;
        }
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            return match reference.strip_prefix("#/components/schemas/") {
                Some(name) if self.component_node(name).is_some() => self.component(name),
                _ if reference.starts_with("#/") && self.node(reference).is_some() => {
                    self.depth += 1;
                    let hint = self.hint_for(reference, hint);
                    let ty = self.ty(reference, &hint);
                    self.depth -= 1;
                    ty
                }
                _ => {
                    self.warn(
                        pointer,
                        format!("{}; using serde_json::Value", bad_ref(reference)),
                    );
                    Ty::Any
                }
            };
        }
        self.inline(pointer, node, hint)
    }

    fn component(&mut self, name: &str) -> Ty {
        let name = self
            .canonical
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string());
        if let Some(ty) = self.memo.get(&name) {
            return ty.clone();
        }
        let pointer = format!("#/components/schemas/{}", escape_token(&name));
        let Some(node) = self.component_node(&name) else {
            return Ty::Any;
        };
        let ty = self.component_ty(&name, &pointer, node);
        if let Some(example) = node.get("example") {
            let ty = if node.get("nullable").and_then(Value::as_bool) == Some(true) {
                Ty::Nullable(Box::new(ty.clone()))
            } else {
                ty.clone()
            };
            self.space
                .examples
                .entry(pointer)
                .or_insert((ty, example.clone()));
        }
        ty
    }

    fn component_ty(&mut self, name: &str, pointer: &str, node: &'s Value) -> Ty {
        let name = name.to_string();
        let pointer = pointer.to_string();
        let hint = self
            .component_names
            .get(&name)
            .cloned()
            .unwrap_or_else(|| names::type_name(&names::component_stem(&name, &self.strip)));
        match self.plan(&pointer, node) {
            Plan::Struct | Plan::Enum | Plan::Union => {
                let hint = if self.component_names.contains_key(&name) {
                    hint
                } else {
                    let full = names::type_name(&name);
                    self.names.claim(&[hint, full])
                };
                let id = self.alloc_named(hint, &pointer, node);
                self.memo.insert(name, Ty::Named(id));
                self.fill(id, &pointer, node);
                Ty::Named(id)
            }
            Plan::Alias(_) | Plan::Inline => {
                if !self.resolving.insert(name.clone()) {
                    self.warn(&pointer, "schema refers to itself with no object in between; using serde_json::Value");
                    return Ty::Any;
                }
                let ty = self.inline(&pointer, node, &hint);
                self.resolving.remove(&name);
                self.memo.insert(name, ty.clone());
                ty
            }
        }
    }

    fn alloc_named(&mut self, name: String, pointer: &str, node: &Value) -> TypeId {
        let id = TypeId(self.space.types.len());
        self.space.types.push(TypeDef {
            name,
            doc: Self::doc_of(node),
            pointer: pointer.to_string(),
            kind: TypeKind::Pending,
        });
        id
    }

    fn alloc_inline(&mut self, hint: &str, pointer: &str, node: &Value) -> TypeId {
        let name = self.names.claim(&[hint.to_string()]);
        self.alloc_named(name, pointer, node)
    }

    fn inline(&mut self, pointer: &str, node: &'s Value, hint: &str) -> Ty {
        match self.plan(pointer, node) {
            Plan::Alias(target) => {
                self.depth += 1;
                let ty = self.ty(&target, hint);
                self.depth -= 1;
                ty
            }
            Plan::Struct | Plan::Enum | Plan::Union => {
                if let Some(ty) = self.inline_memo.get(pointer) {
                    return ty.clone();
                }
                let hint = self.hint_for(pointer, hint);
                let id = self.alloc_inline(&hint, pointer, node);
                self.inline_memo.insert(pointer.to_string(), Ty::Named(id));
                self.depth += 1;
                self.fill(id, pointer, node);
                self.depth -= 1;
                Ty::Named(id)
            }
            Plan::Inline => self.primitive(pointer, node, hint),
        }
    }

    fn primitive(&mut self, pointer: &str, node: &'s Value, hint: &str) -> Ty {
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            // allOf of primitives: the last shaping part is the most specific.
            let last = (0..parts.len())
                .rev()
                .find(|i| !is_annotation(&parts[*i]))
                .unwrap_or(0);
            return self.ty(&format!("{pointer}/allOf/{last}"), hint);
        }
        let format = node.get("format").and_then(Value::as_str);
        let ty = node.get("type").and_then(Value::as_str);
        let ty = ty.or_else(|| infer_type_from_enum(node));
        match ty {
            Some("string") => match format {
                Some("date-time") => Ty::DateTime,
                _ => Ty::String,
            },
            Some("integer") => match format {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => match format {
                Some("float") => Ty::F32,
                _ => Ty::F64,
            },
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let item_pointer = format!("{pointer}/items");
                if node.get("items").is_none() {
                    return Ty::Vec(Box::new(Ty::Any));
                }
                let item = self.ty(&item_pointer, &format!("{hint}Item"));
                let item = if self.nullable(&item_pointer) {
                    Ty::Nullable(Box::new(item))
                } else {
                    item
                };
                Ty::Vec(Box::new(item))
            }
            Some("object") | None => match node.get("additionalProperties") {
                Some(Value::Object(_)) => {
                    let value_pointer = format!("{pointer}/additionalProperties");
                    let value = self.ty(&value_pointer, &format!("{hint}Value"));
                    let value = if self.nullable(&value_pointer) {
                        Ty::Nullable(Box::new(value))
                    } else {
                        value
                    };
                    Ty::Map(Box::new(value))
                }
                _ if ty == Some("object") => Ty::Map(Box::new(Ty::Any)),
                _ if node.get("items").is_some() => {
                    let item = self.ty(&format!("{pointer}/items"), &format!("{hint}Item"));
                    Ty::Vec(Box::new(item))
                }
                _ => {
                    if node.get("enum").is_some() {
                        self.warn(
                            pointer,
                            "enum values of mixed types; using serde_json::Value",
                        );
                    }
                    Ty::Any
                }
            },
            Some(other) => {
                self.warn(
                    pointer,
                    format!("unknown type `{other}`; using serde_json::Value"),
                );
                Ty::Any
            }
        }
    }

    fn fill(&mut self, id: TypeId, pointer: &str, node: &'s Value) {
        let name = self.space.types[id.0].name.clone();
        let kind = match self.plan(pointer, node) {
            Plan::Enum => TypeKind::Enum(self.string_enum(node)),
            Plan::Union => TypeKind::Union(self.union(pointer, node, &name)),
            _ => TypeKind::Struct(self.structure(pointer, &name)),
        };
        self.space.types[id.0].kind = kind;
    }

    fn string_enum(&mut self, node: &Value) -> EnumDef {
        let mut local = NameTable::default();
        local.reserve("Unknown");
        let values = node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<BTreeSet<_>>() // drop duplicate values
            .into_iter()
            .map(|value| {
                let base = names::type_name(value);
                let ident = local.claim(&[base.clone(), format!("{base}Value")]);
                EnumValue {
                    ident,
                    value: value.to_string(),
                }
            })
            .collect();
        EnumDef { values }
    }

    // ----- objects -----

    /// The flattened object shape of the schema at `pointer` (allOf merged), memoized.
    fn shape(&mut self, pointer: &str) -> Rc<ObjShape> {
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

    fn structure(&mut self, pointer: &str, name: &str) -> StructDef {
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
                pointer: source,
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
    fn property_ty(&mut self, sources: &[String], hint: &str) -> (Ty, String) {
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

    fn structure_from_shape(&mut self, key: &str, name: &str) -> StructDef {
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
                pointer: source,
            });
        }
        StructDef {
            fields,
            additional: Ty::Any,
        }
    }

    /// A schema that says nothing specific: `{}`, a bare `type: object`, an array of
    /// anything, or a union of such. Envelopes use them as "filled in later".
    fn is_placeholder(&mut self, pointer: &str) -> bool {
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

    // ----- unions -----

    fn union(&mut self, pointer: &str, node: &'s Value, name: &str) -> UnionDef {
        let key = if node.get("oneOf").is_some() {
            "oneOf"
        } else {
            "anyOf"
        };
        let count = node
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let variant_pointers: Vec<String> =
            (0..count).map(|i| format!("{pointer}/{key}/{i}")).collect();
        if let Some(def) = self.discriminated(pointer, node, name, &variant_pointers) {
            return def;
        }
        if let Some(def) = self.constant_tagged(name, &variant_pointers) {
            return def;
        }
        if let Some(def) = self.externally_tagged(name, &variant_pointers) {
            return def;
        }
        self.untagged(name, &variant_pointers)
    }

    fn object_variant(&mut self, pointer: &str) -> Option<Rc<ObjShape>> {
        let (_, node, _) = self.resolve(pointer)?;
        let is_object = node.get("properties").is_some()
            || node.get("allOf").is_some()
            || node.get("type").and_then(Value::as_str) == Some("object");
        if !is_object || node.get("oneOf").is_some() || node.get("anyOf").is_some() {
            return None;
        }
        Some(self.shape(pointer))
    }

    /// The name a variant's schema gives itself: its `title`, else the name of the component
    /// it references. References are followed as written, not to the shared representative of
    /// a shape (two providers with one shape are still two providers).
    fn variant_base_name(&mut self, pointer: &str) -> Option<String> {
        let mut node = self.node(pointer)?;
        let mut component: Option<String> = None;
        for _ in 0..64 {
            if let Some(title) = node.get("title").and_then(Value::as_str) {
                return Some(names::type_name(title));
            }
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                break;
            };
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                component.get_or_insert_with(|| name.to_string());
            }
            node = self.node(reference)?;
        }
        let component = component?;
        Some(
            self.component_names
                .get(&component)
                .cloned()
                .unwrap_or_else(|| {
                    names::type_name(&names::component_stem(&component, &self.strip))
                }),
        )
    }

    fn discriminated(
        &mut self,
        pointer: &str,
        node: &Value,
        name: &str,
        variants: &[String],
    ) -> Option<UnionDef> {
        let disc = node.get("discriminator")?;
        let property = disc
            .get("propertyName")
            .and_then(Value::as_str)?
            .to_string();
        let mapping: Vec<(String, String)> = disc
            .get("mapping")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut local = NameTable::default();
        local.reserve("Unknown");
        for variant_pointer in variants {
            let reference = self
                .node(variant_pointer)
                .and_then(|n| n.get("$ref"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let mut tags: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| Some(target) == reference.as_ref())
                .map(|(k, _)| k.clone())
                .collect();
            if tags.is_empty() {
                if let Some(reference) = &reference {
                    tags.push(
                        reference
                            .rsplit('/')
                            .next()
                            .unwrap_or(reference)
                            .to_string(),
                    );
                } else {
                    self.warn(
                        variant_pointer,
                        "discriminated variant without $ref or mapping; falling back to untagged",
                    );
                    return None;
                }
            }
            let ident = local.claim(&[
                names::type_name(&tags[0]),
                format!("{}Variant", names::type_name(&tags[0])),
            ]);
            let ty = self.ty(variant_pointer, &format!("{name}{ident}"));
            let doc = self.doc_at(variant_pointer);
            out.push(Variant {
                ident,
                ty,
                tags,
                doc,
                boxed: false,
                tag_field: None,
            });
        }
        let _ = pointer;
        Some(UnionDef {
            tagging: Tagging::Internal {
                property,
                tagless: Tagless::Refused,
            },
            variants: out,
            rationale: None,
        })
    }

    fn constant_tagged(&mut self, name: &str, variants: &[String]) -> Option<UnionDef> {
        if variants.len() < 2 {
            return None;
        }
        let shapes: Vec<Rc<ObjShape>> = variants
            .iter()
            .map(|p| self.object_variant(p))
            .collect::<Option<_>>()?;
        'property: for property in shapes[0].props.keys() {
            let mut all_values: BTreeSet<String> = BTreeSet::new();
            let mut per_variant = Vec::new();
            // A `default` on the tag says which variant an object without it is.
            let mut defaults: BTreeSet<String> = BTreeSet::new();
            for shape in &shapes {
                let sources = shape.props.get(property)?;
                let Some(source) = sources.last() else {
                    continue 'property;
                };
                let Some((_, node, _)) = self.resolve(source) else {
                    continue 'property;
                };
                let values: Vec<String> = node
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|v| {
                        v.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if values.is_empty() || values.iter().any(|v| !all_values.insert(v.clone())) {
                    continue 'property;
                }
                for source in sources {
                    if let Some((_, node, _)) = self.resolve(source) {
                        if let Some(default) = node.get("default").and_then(Value::as_str) {
                            defaults.insert(default.to_string());
                        }
                    }
                }
                per_variant.push((values, shape.required.contains(property)));
            }
            let mut out = Vec::new();
            let mut local = NameTable::default();
            local.reserve("Unknown");
            let mut tagless = Vec::new();
            let by_default = match &defaults.iter().collect::<Vec<_>>()[..] {
                [only] => per_variant.iter().position(|(tags, _)| tags.contains(only)),
                _ => None,
            };
            let titled = self.titled_short_names(name, variants);
            for (index, (variant_pointer, (tags, required))) in
                variants.iter().zip(per_variant).enumerate()
            {
                if !required {
                    tagless.push(index);
                }
                // Inline variants with titles ("Browser SSH Application") name themselves;
                // otherwise the tag value does ("ssh").
                let short = titled
                    .as_ref()
                    .and_then(|t| t.get(index).cloned())
                    .unwrap_or_else(|| names::type_name(&tags[0]));
                let ident = local.claim(&[short.clone(), format!("{short}Variant")]);
                let ty = self.ty(variant_pointer, &format!("{name}{ident}"));
                let doc = self.doc_at(variant_pointer);
                out.push(Variant {
                    ident,
                    ty,
                    tags,
                    doc,
                    boxed: false,
                    tag_field: None,
                });
            }
            return Some(UnionDef {
                tagging: Tagging::Internal {
                    property: property.clone(),
                    tagless: match by_default {
                        Some(index) => Tagless::Variants(vec![index]),
                        None if tagless.is_empty() => Tagless::Refused,
                        None => Tagless::Variants(tagless),
                    },
                },
                variants: out,
                rationale: None,
            });
        }
        None
    }

    /// Short names for union variants that are all inline schemas with a `title`: the title
    /// without the union's name as prefix and without the words every title ends with
    /// ("Self Hosted Application", "SaaS Application" -> "SelfHosted", "SaaS"). `None` when a
    /// variant is a component or has no title.
    fn titled_short_names(&mut self, name: &str, variants: &[String]) -> Option<Vec<String>> {
        let mut bases = Vec::new();
        for pointer in variants {
            let (_, node, component) = self.resolve(pointer)?;
            if component.is_some() {
                return None;
            }
            let title = names::type_name(node.get("title").and_then(Value::as_str)?);
            let short = title
                .strip_prefix(name)
                .filter(|s| !s.is_empty())
                .unwrap_or(&title)
                .to_string();
            bases.push(short);
        }
        let suffix = common_word_suffix(bases.iter().map(String::as_str));
        Some(
            bases
                .iter()
                .map(|b| {
                    b.strip_suffix(suffix.as_str())
                        .filter(|s| !s.is_empty() && bases_len_ok(s))
                        .unwrap_or(b)
                        .to_string()
                })
                .collect(),
        )
    }

    fn externally_tagged(&mut self, name: &str, variants: &[String]) -> Option<UnionDef> {
        let shapes: Vec<Rc<ObjShape>> = variants
            .iter()
            .map(|p| self.object_variant(p))
            .collect::<Option<_>>()?;
        let mut keys = BTreeSet::new();
        for shape in &shapes {
            let (key, _) = shape.props.first()?;
            if shape.props.len() != 1 || !shape.required.contains(key) || !keys.insert(key.clone())
            {
                return None;
            }
        }
        let mut local = NameTable::default();
        local.reserve("Unknown");
        let mut out = Vec::new();
        for (variant_pointer, shape) in variants.iter().zip(&shapes) {
            let Some((key, sources)) = shape.props.first() else {
                continue;
            };
            let ident = local.claim(&[
                names::type_name(key),
                format!("{}Variant", names::type_name(key)),
            ]);
            let base = self
                .variant_base_name(variant_pointer)
                .unwrap_or_else(|| format!("{name}{ident}"));
            let (ty, _) = self.property_ty(sources, &base);
            let doc = self.doc_at(variant_pointer);
            out.push(Variant {
                ident,
                ty,
                tags: vec![key.clone()],
                doc,
                boxed: false,
                tag_field: None,
            });
        }
        Some(UnionDef {
            tagging: Tagging::External,
            variants: out,
            rationale: None,
        })
    }

    fn untagged(&mut self, name: &str, variants: &[String]) -> UnionDef {
        let mut local = NameTable::default();
        let mut out: Vec<(u8, usize, usize, Variant)> = Vec::new();
        let mut bases = Vec::new();
        for variant_pointer in variants {
            let Some((_, node, _)) = self.resolve(variant_pointer) else {
                continue;
            };
            let (_, kind) = json_kind(self.value_node(node));
            let base = self
                .variant_base_name(variant_pointer)
                .unwrap_or_else(|| kind.to_string());
            let short = base
                .strip_prefix(name)
                .filter(|s| !s.is_empty())
                .unwrap_or(&base)
                .to_string();
            bases.push((variant_pointer, short));
        }
        // "SelfHostedApplication", "SaaSApplication", ... -> "SelfHosted", "SaaS", ...
        let suffix = common_word_suffix(bases.iter().map(|(_, b)| b.as_str()));
        for (variant_pointer, short) in bases {
            let Some((_, node, _)) = self.resolve(variant_pointer) else {
                continue;
            };
            let (rank, kind) = json_kind(self.value_node(node));
            let (required, props) = match self.object_variant(variant_pointer) {
                Some(shape) => (shape.required.len(), shape.props.len()),
                None => (0, 0),
            };
            let short = short
                .strip_suffix(suffix.as_str())
                .filter(|s| !s.is_empty() && bases_len_ok(s))
                .unwrap_or(&short)
                .to_string();
            let ident = local.claim(&[short.clone(), format!("{short}{kind}")]);
            let ty = self.ty(variant_pointer, &format!("{name}{ident}"));
            let doc = self.doc_at(variant_pointer);
            out.push((
                rank,
                usize::MAX - required,
                usize::MAX - props,
                Variant {
                    ident,
                    ty,
                    tags: Vec::new(),
                    doc,
                    boxed: false,
                    tag_field: None,
                },
            ));
        }
        // Most specific first: serde tries untagged variants in order.
        out.sort_by_key(|(rank, required, props, _)| (*rank, *required, *props));
        UnionDef {
            tagging: Tagging::Untagged,
            variants: out.into_iter().map(|(_, _, _, v)| v).collect(),
            rationale: None,
        }
    }

    /// A name for an inline schema from where it sits: `#/components/schemas/access_app/properties/cors`
    /// -> `AppCors`, whichever struct includes it. Elsewhere, `fallback` (its context).
    fn hint_for(&self, pointer: &str, fallback: &str) -> String {
        let Some(rest) = pointer.strip_prefix("#/components/schemas/") else {
            return fallback.to_string();
        };
        let mut tokens = rest
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"));
        let Some(component) = tokens.next() else {
            return fallback.to_string();
        };
        let component = self.canonical.get(&component).cloned().unwrap_or(component);
        let mut name = self
            .component_names
            .get(&component)
            .cloned()
            .unwrap_or_else(|| names::type_name(&names::component_stem(&component, &self.strip)));
        let tokens: Vec<String> = tokens.collect();
        // The `result` of an envelope is an operation's response: the caller's context names it.
        if tokens.first().map(String::as_str) == Some("properties")
            && tokens.get(1).map(String::as_str) == Some("result")
        {
            return fallback.to_string();
        }
        // The value under a single-key wrapper (`{"email": {...}}`) takes the wrapper's name.
        if tokens.len() == 2
            && tokens[0] == "properties"
            && self
                .component_node(&component)
                .is_some_and(is_single_key_wrapper)
        {
            return name;
        }
        let mut i = 0;
        while i < tokens.len() {
            match tokens[i].as_str() {
                "properties" if i + 1 < tokens.len() => {
                    name.push_str(&names::type_name(&tokens[i + 1]));
                    i += 2;
                    continue;
                }
                "items" => name.push_str("Item"),
                "additionalProperties" => name.push_str("Value"),
                // Inside a union or allOf the position says less than the caller's context.
                _ => return fallback.to_string(),
            }
            i += 1;
        }
        name
    }

    /// The node that decides a schema's JSON kind: through single shaping allOf parts and refs.
    fn value_node(&self, node: &'s Value) -> &'s Value {
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

    // ----- recursion -----

    /// Box struct fields and union variants that close a cycle of by-value containment.
    fn box_recursion(&mut self) {
        let count = self.space.types.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (index, def) in self.space.types.iter().enumerate() {
            let targets: Vec<&Ty> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
                _ => Vec::new(),
            };
            for ty in targets {
                if let Some(target) = direct_target(ty) {
                    edges[index].push(target.0);
                }
            }
        }
        let reaches = |from: usize, to: usize| -> bool {
            let mut seen = vec![false; count];
            let mut stack = vec![from];
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if !std::mem::replace(&mut seen[n], true) {
                    stack.extend(edges[n].iter().copied());
                }
            }
            false
        };
        let mut to_box: Vec<(usize, usize)> = Vec::new();
        for (index, def) in self.space.types.iter().enumerate() {
            let targets: Vec<Option<TypeId>> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| direct_target(&f.ty)).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| direct_target(&v.ty)).collect(),
                _ => Vec::new(),
            };
            for (position, target) in targets.into_iter().enumerate() {
                if let Some(target) = target {
                    if reaches(target.0, index) {
                        to_box.push((index, position));
                    }
                }
            }
        }
        for (index, position) in to_box {
            match &mut self.space.types[index].kind {
                TypeKind::Struct(s) => s.fields[position].boxed = true,
                TypeKind::Union(u) => u.variants[position].boxed = true,
                _ => {}
            }
        }
    }
}

/// Why a `$ref` cannot be followed.
fn bad_ref(reference: &str) -> String {
    if reference.starts_with('#') {
        format!("$ref `{reference}` points to nothing in this spec")
    } else {
        format!(
            "$ref `{reference}` points into another document; only references within the spec \
             (`#/...`) are supported"
        )
    }
}

fn direct_target(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

fn merge_shape(into: &mut ObjShape, part: &ObjShape) {
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

fn infer_type_from_enum(node: &Value) -> Option<&'static str> {
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
    } else {
        None
    }
}

/// Decoding rank for untagged variants and a word for naming them.
fn json_kind(node: &Value) -> (u8, &'static str) {
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

/// Canonical text of a schema for structural comparison: docs dropped, keys sorted, `$ref`
/// replaced by the class of its target.
fn canonical_key(value: &Value, class: &HashMap<&str, usize>, out: &mut String) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let target = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(reference);
                match class.get(target) {
                    Some(c) => out.push_str(&format!("@{c}")),
                    None => out.push_str(&format!("@{reference}")),
                }
                return;
            }
            let mut keys: Vec<&String> = map
                .keys()
                .filter(|k| !DOC_KEYS.contains(&k.as_str()))
                .collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&format!("{key:?}:"));
                canonical_key(&map[key], class, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical_key(item, class, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The parts of a response body in the `{success, errors, messages, result, result_info}`
/// envelope style.
#[derive(Debug, Clone)]
pub struct EnvelopeParts {
    /// Pointers of the schemas declaring `result` (several when allOf parts refine it).
    pub result: Vec<String>,
    /// The envelope declares `result_info` (pagination metadata).
    pub result_info: bool,
}

impl TypeBuilder<'_> {
    /// If the schema at `pointer` is an envelope (an object with `result` beside `success`,
    /// `errors` or `messages`), its parts.
    pub fn envelope(&mut self, pointer: &str) -> Option<EnvelopeParts> {
        let shape = self.shape(pointer);
        let result = shape.props.get("result")?;
        let marker = ["success", "errors", "messages"]
            .iter()
            .any(|k| shape.props.contains_key(*k));
        marker.then(|| EnvelopeParts {
            result: result.clone(),
            result_info: shape.props.contains_key("result_info"),
        })
    }

    /// The type of a property declared by `sources` (see [`TypeBuilder::envelope`]).
    pub fn property(&mut self, sources: &[String], hint: &str) -> Ty {
        self.property_ty(sources, hint).0
    }

    /// Like [`TypeBuilder::property`], but a nullable source gives a nullable type
    /// (an envelope `result` that may be `null`).
    pub fn nullable_property(&mut self, sources: &[String], hint: &str) -> Ty {
        let (ty, source) = self.property_ty(sources, hint);
        if !source.is_empty() && self.nullable(&source) && !matches!(ty, Ty::Nullable(_)) {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Whether a property holds a secret: its schema says `format: password`, or its name is
    /// one that APIs use for secrets.
    fn is_sensitive(&mut self, json_name: &str, pointer: &str) -> bool {
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

    /// Whether the schema at `pointer` is nullable.
    pub fn is_nullable(&mut self, pointer: &str) -> bool {
        self.nullable(pointer)
    }

    /// The documentation of the schema at `pointer` (following `$ref`s).
    pub fn doc(&mut self, pointer: &str) -> Option<String> {
        self.doc_at(pointer)
    }
}

fn is_single_key_wrapper(node: &Value) -> bool {
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

/// The longest UpperCamelCase word suffix shared by all names (if there are two or more).
fn common_word_suffix<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.len() < 2 {
        return String::new();
    }
    let words = |s: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in s.chars() {
            if c.is_uppercase() || out.is_empty() {
                out.push(String::new());
            }
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        }
        out
    };
    let first = words(names[0]);
    let mut suffix: Vec<String> = Vec::new();
    for word in first.iter().rev() {
        let mut candidate = vec![word.clone()];
        candidate.extend(suffix.iter().cloned());
        let joined = candidate.concat();
        if names
            .iter()
            .all(|n| n.ends_with(&joined) && n.len() > joined.len())
        {
            suffix = candidate;
        } else {
            break;
        }
    }
    suffix.concat()
}

fn bases_len_ok(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// A schema that only annotates (`{"description": "..."}`): it constrains nothing.
fn is_annotation(node: &Value) -> bool {
    node.as_object().is_some_and(|map| {
        map.keys()
            .all(|k| DOC_KEYS.contains(&k.as_str()) || k == "nullable" || k.starts_with("x-"))
    })
}
