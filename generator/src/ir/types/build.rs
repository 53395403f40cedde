//! The type builder: schemas into Rust types, one schema at a time (memoized), by plan:
//! a struct, a string enum, a union, an alias of another schema, or an inline primitive.

use super::*;

/// Builds a [`TypeSpace`] from a spec's JSON.
pub struct TypeBuilder<'s> {
    pub(super) raw: &'s Value,
    pub(super) space: TypeSpace,
    pub(super) names: NameTable,
    pub(super) component_names: HashMap<String, String>,
    pub(super) canonical: HashMap<String, String>,
    pub(super) memo: HashMap<String, Ty>,
    pub(super) resolving: HashSet<String>,
    pub(super) shapes: HashMap<String, Rc<ObjShape>>,
    pub(super) shaping: HashSet<String>,
    pub(super) inline_memo: HashMap<String, Ty>,
    /// The type of each inline schema outside the components, by its JSON text: operations
    /// that declare the same body inline (an error body, a wrapper) share one type.
    pub(super) inline_shapes: HashMap<String, Ty>,
    pub(super) strip: Vec<String>,
    pub(super) depth: usize,
    pub(super) warnings: BTreeSet<Warning>,
}

pub(super) enum Plan {
    Struct,
    Enum,
    Union,
    Alias(String),
    Inline,
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
            inline_shapes: HashMap::new(),
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

    /// Record a warning.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.insert(Warning::problem(pointer, message));
    }

    pub(super) fn plan(&self, pointer: &str, node: &Value) -> Plan {
        if node.get("$ref").is_some() {
            return Plan::Alias(pointer.to_string());
        }
        let variants = node
            .get("oneOf")
            .or_else(|| node.get("anyOf"))
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        // `properties` only apply to objects: beside another `type` (an array that also lists
        // `properties`, a spec's slip) they describe nothing the value can have.
        let other_type = node
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "object");
        let has_props = !other_type
            && node
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
                // Parts that are `$ref`s count by what they refer to (a string identifier
                // refined by `readOnly: true, type: string` is a string), and an allOf part by
                // its own parts (a uuid that is an allOf of two string schemas).
                let all_primitive = parts.iter().all(|p| self.is_primitive(p, 0));
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
    pub(super) fn same_primitive_variants(&self, pointer: &str, node: &Value) -> Option<String> {
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

    /// The type of a whole value at `pointer` (a response body): [`Ty::Nullable`] when the
    /// schema (or the one it refers to) says `nullable`, so that a `null` body decodes.
    pub fn nullable_ty(&mut self, pointer: &str, hint: &str) -> Ty {
        let ty = self.ty(pointer, hint);
        if !matches!(ty, Ty::Nullable(_) | Ty::Any) && self.nullable(pointer) {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Whether `schema` (through `$ref`s and allOf parts; annotations count for nothing)
    /// describes a value that is neither an object nor an array.
    fn is_primitive(&self, schema: &Value, depth: usize) -> bool {
        let schema: &Value = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match self.node(reference) {
                Some(target) => target,
                None => return false,
            },
            None => schema,
        };
        if depth > 16 || schema.get("properties").is_some() {
            return false;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some(kind) => kind != "object" && kind != "array",
            None => schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| {
                    parts.iter().any(|part| !is_annotation(part))
                        && parts
                            .iter()
                            .all(|part| is_annotation(part) || self.is_primitive(part, depth + 1))
                }),
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

    pub(super) fn ty_inner(&mut self, pointer: &str, hint: &str) -> Ty {
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

    pub(super) fn component(&mut self, name: &str) -> Ty {
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

    pub(super) fn component_ty(&mut self, name: &str, pointer: &str, node: &'s Value) -> Ty {
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
                if let Some(ty) = self.array_of_named(&name, &pointer, node, &hint) {
                    return ty;
                }
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

    /// A component that is an array of an inline object or union (or an array of arrays of
    /// one): its item type is made and the array memoized before the item's fields are, so
    /// that an item that holds the array again (`trace: [{..., trace: <trace>}]`) refers to it
    /// instead of looping.
    fn array_of_named(
        &mut self,
        name: &str,
        pointer: &str,
        node: &'s Value,
        hint: &str,
    ) -> Option<Ty> {
        if node.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        // The arrays between the component and its items, outermost first.
        let mut inner_arrays = Vec::new();
        let (mut array_pointer, mut array) = (pointer.to_string(), node);
        let mut item_hint = format!("{hint}Item");
        let (item_pointer, items) = loop {
            let items = array.get("items")?;
            let item_pointer = format!("{array_pointer}/items");
            if items.get("type").and_then(Value::as_str) != Some("array") {
                break (item_pointer, items);
            }
            inner_arrays.push(item_pointer.clone());
            (array_pointer, array) = (item_pointer, items);
            item_hint.push_str("Item");
        };
        if !matches!(self.plan(&item_pointer, items), Plan::Struct | Plan::Union) {
            return None;
        }
        let item_hint = self.hint_for(&item_pointer, &item_hint);
        let id = self.alloc_inline(&item_hint, &item_pointer, items);
        self.inline_memo.insert(item_pointer.clone(), Ty::Named(id));
        let mut ty = Ty::Vec(Box::new(self.maybe_nullable(&item_pointer, Ty::Named(id))));
        for inner in inner_arrays.iter().rev() {
            ty = Ty::Vec(Box::new(self.maybe_nullable(inner, ty)));
        }
        self.memo.insert(name.to_string(), ty.clone());
        self.depth += 1;
        self.fill(id, &item_pointer, items);
        self.depth -= 1;
        Some(ty)
    }

    /// `ty`, nullable when the schema at `pointer` is.
    fn maybe_nullable(&mut self, pointer: &str, ty: Ty) -> Ty {
        if self.nullable(pointer) {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    pub(super) fn alloc_named(&mut self, name: String, pointer: &str, node: &Value) -> TypeId {
        let id = TypeId(self.space.types.len());
        self.space.types.push(TypeDef {
            name,
            doc: Self::doc_of(node),
            pointer: Pointer::new(pointer),
            merges: Vec::new(),
            kind: TypeKind::Pending,
        });
        id
    }

    pub(super) fn alloc_inline(&mut self, hint: &str, pointer: &str, node: &Value) -> TypeId {
        let name = self.names.claim(&[hint.to_string()]);
        self.alloc_named(name, pointer, node)
    }

    pub(super) fn inline(&mut self, pointer: &str, node: &'s Value, hint: &str) -> Ty {
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
                let shape = shape_key(pointer, node);
                if let Some(ty) = shape.as_ref().and_then(|key| self.inline_shapes.get(key)) {
                    let ty = ty.clone();
                    self.inline_memo.insert(pointer.to_string(), ty.clone());
                    if let Ty::Named(target) = ty {
                        let name = self.names.claim(&[self.hint_for(pointer, hint)]);
                        self.space.aliases.push(TypeAlias {
                            name,
                            target,
                            pointer: Pointer::new(pointer),
                        });
                    }
                    return ty;
                }
                let hint = self.hint_for(pointer, hint);
                let id = self.alloc_inline(&hint, pointer, node);
                self.inline_memo.insert(pointer.to_string(), Ty::Named(id));
                if let Some(key) = shape {
                    self.inline_shapes.insert(key, Ty::Named(id));
                }
                self.depth += 1;
                self.fill(id, pointer, node);
                self.depth -= 1;
                Ty::Named(id)
            }
            Plan::Inline => self.primitive(pointer, node, hint),
        }
    }

    pub(super) fn primitive(&mut self, pointer: &str, node: &'s Value, hint: &str) -> Ty {
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
            // Every format of a number, `float` too, is an f64: a JSON number is a double, and
            // an f32 would refuse one beyond its range and round the rest.
            Some("number") => Ty::F64,
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

    pub(super) fn fill(&mut self, id: TypeId, pointer: &str, node: &'s Value) {
        let name = self.space.types[id.0].name.clone();
        let kind = match self.plan(pointer, node) {
            Plan::Enum => TypeKind::Enum(self.string_enum(node)),
            Plan::Union => TypeKind::Union(self.union(pointer, node, &name)),
            _ => TypeKind::Struct(self.structure(pointer, &name)),
        };
        self.space.types[id.0].kind = kind;
    }

    pub(super) fn string_enum(&mut self, node: &Value) -> EnumDef {
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

    /// The type of the property `hint` found in `sources`; a nullable source gives a nullable
    /// type (an envelope `result` that may be `null`).
    pub fn nullable_property(&mut self, sources: &[String], hint: &str) -> Ty {
        let (ty, source) = self.property_ty(sources, hint);
        if !source.is_empty() && self.nullable(&source) && !matches!(ty, Ty::Nullable(_)) {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }
}

/// The key under which an inline schema shares its type with the same schema elsewhere: its
/// JSON text, docs and examples included (the shared type is exactly what each would have
/// been), for schemas outside `#/components/schemas` (a component's inline parts are built
/// once with it, and named after it).
fn shape_key(pointer: &str, node: &Value) -> Option<String> {
    if pointer.starts_with("#/components/schemas/") {
        return None;
    }
    serde_json::to_string(node).ok()
}
