//! Schema-valid sample values: what the generated end-to-end tests send. Spec examples come
//! first; otherwise enums, formats and bounds decide. A mock server that validates requests
//! (Prism) accepts them.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

/// Builds sample JSON values for schemas in one spec document.
pub struct Sampler<'s> {
    raw: &'s Value,
    visiting: HashSet<String>,
    all_properties: bool,
    responses: bool,
    /// Sampling a parameter: its value is sent as text, so a union's variant is told from
    /// the others by its text too.
    parameter: bool,
    /// How many oneOf/anyOf variants the sample is inside.
    union_depth: usize,
}

impl<'s> Sampler<'s> {
    /// A sampler over the (overlaid) spec JSON.
    pub fn new(raw: &'s Value) -> Self {
        Sampler {
            raw,
            visiting: HashSet::new(),
            all_properties: false,
            responses: false,
            parameter: false,
            union_depth: 0,
        }
    }

    /// Sample what a server sends: required read-only properties are there too (a request
    /// leaves every read-only property out, as the spec says).
    pub fn responses(mut self) -> Self {
        self.responses = true;
        self
    }

    /// Sample every property, read-only ones too, not only the required ones (recursive
    /// references still stop): response-like values, for benchmarks.
    pub fn all_properties(mut self) -> Self {
        self.all_properties = true;
        self
    }

    fn node(&self, pointer: &str) -> Option<&'s Value> {
        let raw: &'s Value = self.raw;
        crate::ir::pointer::lookup(raw, pointer)
    }

    /// A value for the schema at `pointer`.
    pub fn sample(&mut self, pointer: &str) -> Value {
        let Some(node) = self.node(pointer) else {
            return Value::Null;
        };
        self.value(node, pointer, 0)
    }

    /// A value that fits each schema at `pointers` (the merged samples of object schemas).
    pub fn sample_merged<'p>(&mut self, pointers: impl IntoIterator<Item = &'p str>) -> Value {
        pointers.into_iter().fold(Value::Null, |merged, pointer| {
            merge(merged, self.sample(pointer))
        })
    }

    /// A value for the schema of a parameter at `pointer` (sent as text).
    pub fn sample_parameter(&mut self, pointer: &str) -> Value {
        self.parameter = true;
        let value = self.sample(pointer);
        self.parameter = false;
        value
    }

    fn value(&mut self, node: &'s Value, pointer: &str, depth: usize) -> Value {
        if depth > 24 {
            return Value::Null;
        }
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            if !self.visiting.insert(reference.to_string()) {
                return Value::Null;
            }
            let value = match self.node(reference) {
                Some(target) => self.value(target, reference, depth + 1),
                None => Value::Null,
            };
            self.visiting.remove(reference);
            return value;
        }
        if let Some(example) = node.get("example") {
            if !example.is_null() && self.example_fits(node, example) {
                return example.clone();
            }
        }
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            // An enum of `null` alone (a failure envelope's `result`) is `null`.
            return values
                .iter()
                .find(|v| !v.is_null())
                .cloned()
                .unwrap_or(Value::Null);
        }
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            return self.all_of(node, parts, pointer, depth);
        }
        if let Some(value) = self.union(node, pointer, depth) {
            return value;
        }
        // `items` without a `type` describe an array (as the generated types read them).
        let declared = match node.get("type").and_then(Value::as_str) {
            None if node.get("items").is_some() => Some("array"),
            declared => declared,
        };
        match declared {
            Some("string") => string(node),
            Some("integer") => json!(integer(node)),
            Some("number") => json!(integer(node)),
            Some("boolean") => json!(true),
            Some("array") => {
                let min = node
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                let item = match node.get("items") {
                    Some(items) => self.value(items, &format!("{pointer}/items"), depth + 1),
                    None => json!("item"),
                };
                if item.is_null() {
                    return json!([]);
                }
                let unique = node.get("uniqueItems").and_then(Value::as_bool) == Some(true);
                let count = if unique { 1 } else { min };
                Value::Array((0..count).map(|_| item.clone()).collect())
            }
            _ => self
                .object(node, pointer, depth, true)
                .unwrap_or_else(|| json!({})),
        }
    }

    /// The sample of an allOf: its parts' merged (parts that only annotate, a `description`,
    /// left out), then each property a part declares again, refined by that part's schema
    /// (an envelope's open `result` made the list a later part says it is).
    fn all_of(
        &mut self,
        node: &'s Value,
        parts: &'s [Value],
        pointer: &str,
        depth: usize,
    ) -> Value {
        let mut merged = Value::Null;
        for (i, part) in parts.iter().enumerate() {
            if is_annotation(part) {
                continue;
            }
            let part_pointer = format!("{pointer}/allOf/{i}");
            // The names an inline part requires are looked up in every part (below), not
            // taken as undeclared.
            let value = match self.object_part(part) {
                true => self.object(part, &part_pointer, depth + 1, false),
                false => None,
            };
            let value = value.unwrap_or_else(|| self.value(part, &part_pointer, depth + 1));
            // An object with a part that is not one (a spec that contradicts itself) stays
            // the object its type is.
            if merged.is_object() && !value.is_object() {
                continue;
            }
            merged = merge(merged, value);
        }
        if let Some(object) = self.object(node, pointer, depth, false) {
            merged = merge(merged, object);
        }
        let names: Vec<String> = merged
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let mut declared = Vec::new();
            self.declarations(node, pointer, &name, 0, &mut declared);
            for (at, schema) in declared {
                // Only a part that types the property refines it (an open placeholder part
                // leaves it as it is): another type replaces the value, the same one adds to it
                // (an object's required properties).
                if self.declared_type(schema).is_none() || is_placeholder(schema) {
                    continue;
                }
                let refined = self.value(schema, &at, depth + 1);
                if let Some(slot) = merged.get_mut(&name) {
                    let existing = std::mem::take(slot);
                    *slot = merge(existing, refined);
                }
            }
        }
        self.add_required_of_parts(node, pointer, &mut merged, depth);
        merged
    }

    /// The properties an allOf node requires itself (`required` beside `allOf`, or in an inline
    /// part that only lists names: `{"required": ["expected_codes"]}`) that its parts declare,
    /// sampled into `value` when it lacks them (read-only ones only where the sampler takes
    /// them).
    fn add_required_of_parts(
        &mut self,
        node: &'s Value,
        pointer: &str,
        value: &mut Value,
        depth: usize,
    ) {
        let parts = node.get("allOf").and_then(Value::as_array);
        let inline = parts
            .into_iter()
            .flatten()
            .filter(|part| part.get("$ref").is_none());
        let required = std::iter::once(node)
            .chain(inline)
            .filter_map(|schema| schema.get("required").and_then(Value::as_array))
            .flatten();
        for name in required.filter_map(Value::as_str) {
            if value.get(name).is_some() {
                continue;
            }
            // A name no part declares takes any value (as in `object`).
            let sample = match self.find_property(node, name, 0) {
                Some(schema) => {
                    let read_only = schema.get("readOnly").and_then(Value::as_bool) == Some(true);
                    if read_only && !self.takes_read_only(true) {
                        continue;
                    }
                    self.value(schema, &format!("{pointer}/properties/{name}"), depth + 1)
                }
                None => json!("example"),
            };
            if let Value::Object(object) = value {
                object.insert(name.to_string(), sample);
            }
        }
    }

    /// The schema of the property `name` that `node`, one of its allOf parts or one of its
    /// oneOf/anyOf variants declares (through `$ref`s).
    fn find_property(&self, node: &'s Value, name: &str, depth: usize) -> Option<&'s Value> {
        if depth > 32 {
            return None;
        }
        let node = match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.node(reference)?,
            None => node,
        };
        if let Some(schema) = node.get("properties").and_then(|p| p.get(name)) {
            return Some(schema);
        }
        ["allOf", "oneOf", "anyOf"]
            .into_iter()
            .filter_map(|key| node.get(key).and_then(Value::as_array))
            .flatten()
            .find_map(|part| self.find_property(part, name, depth + 1))
    }

    /// Each schema (with its pointer) that `node` at `pointer` or its allOf parts, through
    /// `$ref`s, declare for the property `name`, in the order of the parts.
    fn declarations(
        &self,
        node: &'s Value,
        pointer: &str,
        name: &str,
        depth: usize,
        out: &mut Vec<(String, &'s Value)>,
    ) {
        if depth > 32 {
            return;
        }
        let (node, pointer) = match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => match self.node(reference) {
                Some(target) => (target, reference.to_string()),
                None => return,
            },
            None => (node, pointer.to_string()),
        };
        let parts = node.get("allOf").and_then(Value::as_array);
        for (i, part) in parts.into_iter().flatten().enumerate() {
            self.declarations(part, &format!("{pointer}/allOf/{i}"), name, depth + 1, out);
        }
        if let Some(schema) = node.get("properties").and_then(|p| p.get(name)) {
            let escaped = name.replace('~', "~0").replace('/', "~1");
            out.push((format!("{pointer}/properties/{escaped}"), schema));
        }
    }

    /// The `type` a schema declares, through `$ref`s and allOf parts (the first that
    /// declares one), or its `properties`, `items` or `enum` values imply.
    fn declared_type(&self, schema: &'s Value) -> Option<&'s str> {
        self.declared_type_within(schema, 0)
    }

    fn declared_type_within(&self, schema: &'s Value, depth: usize) -> Option<&'s str> {
        if depth > 32 {
            return None;
        }
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.node(reference)?,
            None => schema,
        };
        // `properties` without a `type` describe an object, `items` an array (as the
        // generated types read them).
        let enum_type = |values: &Vec<Value>| match values.iter().find(|v| !v.is_null())? {
            Value::String(_) => Some("string"),
            Value::Number(_) => Some("number"),
            Value::Bool(_) => Some("boolean"),
            Value::Array(_) => Some("array"),
            Value::Object(_) => Some("object"),
            Value::Null => None,
        };
        match schema.get("type").and_then(Value::as_str) {
            None if schema.get("properties").is_some() => Some("object"),
            None if schema.get("items").is_some() => Some("array"),
            // An enum without a `type` (a union's constant tag) types by its values.
            None if schema.get("enum").is_some() => schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(enum_type),
            None => schema
                .get("allOf")
                .and_then(Value::as_array)?
                .iter()
                .find_map(|part| self.declared_type_within(part, depth + 1)),
            declared => declared,
        }
    }

    /// The sample of a oneOf/anyOf: its first variant's (with the discriminator's tag for it),
    /// merged into the object's own properties when it has some. A oneOf without a
    /// discriminator takes the first variant whose sample no other variant accepts (a server
    /// that validates refuses a value that fits two).
    fn union(&mut self, node: &'s Value, pointer: &str, depth: usize) -> Option<Value> {
        let (key, variants) = ["oneOf", "anyOf"].into_iter().find_map(|key| {
            let variants = node.get(key)?.as_array()?;
            (!variants.is_empty()).then_some((key, variants))
        })?;
        let distinct = key == "oneOf" && node.get("discriminator").is_none();
        self.union_depth += 1;
        let (chosen, mut variant) = if distinct {
            self.distinct_variant(variants, pointer, depth)
        } else {
            let first = self.value(&variants[0], &format!("{pointer}/{key}/0"), depth + 1);
            (0, first)
        };
        self.union_depth -= 1;
        let chosen = &variants[chosen];
        if let (Some((property, tag)), Value::Object(object)) =
            (discriminator_tag(node, chosen), &mut variant)
        {
            object.insert(property, Value::String(tag));
        }
        // Properties beside the union belong to every value: the object's, with the chosen
        // variant's; a variant that only lists `required` names requires those of the
        // object's properties.
        let Some(object) = self.object(node, pointer, depth, true) else {
            return Some(variant);
        };
        // An object whose variants are not objects (a spec that contradicts itself) is the
        // object its type is.
        if !variant.is_object() {
            return Some(object);
        }
        let mut merged = merge(object, variant);
        self.add_required_of(chosen, node, pointer, &mut merged, depth);
        Some(merged)
    }

    /// The index and sample of the first of `variants` (a oneOf at `pointer`) whose sample no
    /// other variant accepts (as text too, for a parameter); failing that, of the first whose
    /// sample with one of its optional properties added no other accepts; the first variant's
    /// sample when every one is accepted by another.
    fn distinct_variant(
        &mut self,
        variants: &'s [Value],
        pointer: &str,
        depth: usize,
    ) -> (usize, Value) {
        let mut samples = Vec::with_capacity(variants.len());
        for (index, variant) in variants.iter().enumerate() {
            let at = format!("{pointer}/oneOf/{index}");
            let sample = self.value(variant, &at, depth + 1);
            if self.only_fits(variants, index, &sample) {
                return (index, sample);
            }
            samples.push((at, sample));
        }
        for (index, (at, sample)) in samples.iter().enumerate() {
            let Value::Object(object) = sample else {
                continue;
            };
            let Some(variant) = self.resolved(&variants[index]) else {
                continue;
            };
            let optional = variant.get("properties").and_then(Value::as_object);
            for (name, schema) in optional.into_iter().flatten() {
                let read_only = schema.get("readOnly").and_then(Value::as_bool) == Some(true);
                if object.contains_key(name) || (read_only && !self.responses) {
                    continue;
                }
                let value = self.value(schema, &format!("{at}/properties/{name}"), depth + 1);
                let mut fuller = object.clone();
                fuller.insert(name.clone(), value);
                let fuller = Value::Object(fuller);
                if self.only_fits(variants, index, &fuller) {
                    return (index, fuller);
                }
            }
        }
        let first = samples.into_iter().next().map(|(_, sample)| sample);
        (0, first.unwrap_or(Value::Null))
    }

    /// Whether no variant of `variants` but the one at `index` accepts `sample` (read as
    /// text too, for a parameter).
    fn only_fits(&self, variants: &'s [Value], index: usize, sample: &Value) -> bool {
        let forms = if self.parameter {
            as_text(sample)
        } else {
            vec![sample.clone()]
        };
        !variants.iter().enumerate().any(|(other, schema)| {
            other != index
                && forms
                    .iter()
                    .any(|form| super::validate::fits_strictly(self.raw, schema, form).is_ok())
        })
    }

    /// `schema` itself, or the schema its `$ref` names (one step).
    fn resolved(&self, schema: &'s Value) -> Option<&'s Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.node(reference),
            None => Some(schema),
        }
    }

    /// Whether an allOf part is an inline object schema of its own (no `$ref`, composition,
    /// example or enum): sampled as an object whose undeclared required names another part
    /// declares.
    fn object_part(&self, part: &Value) -> bool {
        const OTHER: [&str; 6] = ["$ref", "allOf", "oneOf", "anyOf", "example", "enum"];
        let object = part.as_object();
        object.is_some_and(|o| !OTHER.iter().any(|key| o.contains_key(*key)))
            && matches!(self.declared_type(part), None | Some("object"))
            && (part.get("properties").is_some() || part.get("required").is_some())
    }

    /// Whether a read-only property (`required` or not) is sampled: in what a server sends,
    /// and where every property is; in a request, a required one inside a oneOf/anyOf
    /// variant. OpenAPI holds `required` for read-only properties in responses only, and a
    /// request leaves them out; a validating mock server (Prism) knows that at the top of a
    /// body but still requires them inside a union (Cloudflare's ruleset rules: `version`,
    /// `last_updated`), where a request that carries them is valid all the same.
    fn takes_read_only(&self, required: bool) -> bool {
        self.all_properties || self.responses || (required && self.union_depth > 0)
    }

    /// Required properties and constants, if the schema has properties; with `invent`, the
    /// required names it does not declare too.
    fn object(
        &mut self,
        node: &'s Value,
        pointer: &str,
        depth: usize,
        invent: bool,
    ) -> Option<Value> {
        // A schema of `required` names alone (`{"required": ["id"]}`) is an object too.
        let props = node.get("properties").and_then(Value::as_object);
        if props.is_none() && node.get("required").is_none() {
            return None;
        }
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut object = Map::new();
        for (name, schema) in props.into_iter().flatten() {
            let read_only = schema.get("readOnly").and_then(Value::as_bool) == Some(true);
            if read_only && !self.takes_read_only(required.contains(&name.as_str())) {
                continue;
            }
            // Constants (a one-value enum: a union's tag) are sampled too, required or not,
            // so that a variant of an `allOf` says which variant it is.
            let constant = schema
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.len() == 1);
            if self.all_properties || required.contains(&name.as_str()) || constant {
                let value = self.value(schema, &format!("{pointer}/properties/{name}"), depth + 1);
                object.insert(name.clone(), value);
            }
        }
        // A required name the object does not declare (nor a part or variant of it) takes
        // any value its `additionalProperties` allow: a server checks that it is there.
        let composed = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| node.get(*k).is_some());
        let extra = node.get("additionalProperties");
        if invent && !composed && extra != Some(&Value::Bool(false)) {
            let declared = |name: &str| props.is_some_and(|p| p.contains_key(name));
            for name in required.iter().filter(|name| !declared(name)) {
                let value = match extra {
                    Some(schema @ Value::Object(_)) => self.value(
                        schema,
                        &format!("{pointer}/additionalProperties"),
                        depth + 1,
                    ),
                    _ => json!("example"),
                };
                object.insert(name.to_string(), value);
            }
        }
        Some(Value::Object(object))
    }

    /// The properties of `node` (at `pointer`) that `variant` lists as `required`, sampled into
    /// `value` when it lacks them.
    fn add_required_of(
        &mut self,
        variant: &'s Value,
        node: &'s Value,
        pointer: &str,
        value: &mut Value,
        depth: usize,
    ) {
        let (Some(required), Some(props)) = (
            variant.get("required").and_then(Value::as_array),
            node.get("properties").and_then(Value::as_object),
        ) else {
            return;
        };
        let declares = variant.get("properties").and_then(Value::as_object);
        for name in required.iter().filter_map(Value::as_str) {
            let Some(schema) = props.get(name) else {
                continue;
            };
            // The object's schema of the property, not a stand-in the variant sampled for a
            // name it requires without declaring it.
            let declared = declares.is_some_and(|d| d.contains_key(name));
            if value.get(name).is_none() || !declared {
                let sample = self.value(schema, &format!("{pointer}/properties/{name}"), depth + 1);
                if let Value::Object(object) = value {
                    object.insert(name.to_string(), sample);
                }
            }
        }
    }

    /// Examples in specs are mostly right, but not always: one is a sample only when it fits
    /// its schema.
    fn example_fits(&self, node: &'s Value, example: &Value) -> bool {
        super::validate::fits_strictly(self.raw, node, example).is_ok()
    }
}

/// The discriminator property of `node` and the value that names `variant` (its mapping key,
/// else the last segment of its `$ref`), when `node` has a discriminator.
fn discriminator_tag(node: &Value, variant: &Value) -> Option<(String, String)> {
    let discriminator = node.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?.to_string();
    let reference = variant.get("$ref")?.as_str()?;
    let mapped = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.iter()
                .find(|(_, target)| target.as_str() == Some(reference))
        })
        .map(|(key, _)| key.clone());
    let tag = mapped.unwrap_or_else(|| {
        reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string()
    });
    Some((property, tag))
}

/// Whether an allOf part only annotates (a `description`, an `example`): it constrains no
/// value.
fn is_annotation(part: &Value) -> bool {
    const SHAPING: [&str; 10] = [
        "type",
        "properties",
        "items",
        "enum",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
        "additionalProperties",
        "required",
    ];
    part.as_object()
        .is_some_and(|o| !SHAPING.iter().any(|key| o.contains_key(*key)))
}

/// The values a server may read a parameter's `value` as: itself, its text, and that text
/// read as a number or a boolean.
fn as_text(value: &Value) -> Vec<Value> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => return vec![value.clone()],
    };
    let mut forms = vec![value.clone(), Value::String(text.clone())];
    if let Ok(number) = text.parse::<i64>() {
        forms.push(json!(number));
    } else if let Some(number) = text
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        forms.push(Value::Number(number));
    }
    if let Ok(flag) = text.parse::<bool>() {
        forms.push(json!(flag));
    }
    forms
}

/// Whether a property schema says nothing specific (`{type: object}` alone, an array of
/// anything), as an envelope's `result` that another part types: it leaves a sample as it is.
fn is_placeholder(schema: &Value) -> bool {
    const SHAPING: [&str; 8] = [
        "$ref",
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
        "additionalProperties",
        "required",
    ];
    let Some(map) = schema.as_object() else {
        return false;
    };
    let open_array = map.get("type") == Some(&json!("array"))
        && map
            .get("items")
            .is_none_or(|items| items.as_object().is_some_and(|o| o.is_empty()));
    let open_object = map.get("type") == Some(&json!("object"));
    !SHAPING.iter().any(|key| map.contains_key(*key)) && (open_object || open_array)
}

/// `b` over `a`: objects merged key by key, `b`'s value otherwise; `null` does not replace a
/// value.
fn merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                let merged = match a.remove(&k) {
                    Some(existing) => merge(existing, v),
                    None => v,
                };
                a.insert(k, merged);
            }
            Value::Object(a)
        }
        (Value::Null, b) => b,
        (a, Value::Null) => a,
        (_, b) => b,
    }
}

fn integer(node: &Value) -> i64 {
    let min = node.get("minimum").and_then(Value::as_f64);
    let max = node.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(min), _) => min.ceil() as i64,
        (None, Some(max)) if max < 1.0 => max.floor() as i64,
        _ => 1,
    }
}

fn string(node: &Value) -> Value {
    let text = match node.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z".to_string(),
        Some("date") => "2024-01-01".into(),
        Some("uuid") => "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into(),
        Some("email") => "user@example.com".into(),
        Some("uri") | Some("url") => "https://example.com".into(),
        Some("hostname") => "example.com".into(),
        Some("ipv4") => "192.0.2.1".into(),
        Some("ipv6") => "2001:db8::1".into(),
        _ => "example".into(),
    };
    let min = node.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = node
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut text = text;
    while text.len() < min {
        text.push('x');
    }
    if let Some(max) = max {
        text.truncate(max);
    }
    if let Some(pattern) = node.get("pattern").and_then(Value::as_str) {
        if super::pattern::matches(pattern, &text) == Some(false) {
            if let Some(matching) = super::pattern::sample(pattern, min, max) {
                text = matching;
            }
        }
    }
    Value::String(text)
}

pub mod typed;

#[cfg(test)]
mod tests;
