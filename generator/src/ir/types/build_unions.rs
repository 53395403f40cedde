//! Unions as the spec writes them: tagged by a discriminator, by a property holding a
//! distinct constant per variant, externally (one key per variant), or left untagged for
//! [`super::soundness`] to order.

use super::*;

impl<'s> TypeBuilder<'s> {
    pub(super) fn union(&mut self, pointer: &str, node: &'s Value, name: &str) -> UnionDef {
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

    pub(super) fn object_variant(&mut self, pointer: &str) -> Option<Rc<ObjShape>> {
        let (_, node, _) = self.resolve(pointer)?;
        let is_object = node.get("properties").is_some()
            || node.get("allOf").is_some()
            || node.get("type").and_then(Value::as_str) == Some("object");
        if !is_object || node.get("oneOf").is_some() || node.get("anyOf").is_some() {
            return None;
        }
        Some(self.shape(pointer))
    }

    pub(super) fn discriminated(
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

    /// A union tagged by a property that every variant declares with its own constant values.
    pub(super) fn constant_tagged(&mut self, name: &str, variants: &[String]) -> Option<UnionDef> {
        if variants.len() < 2 {
            return None;
        }
        let shapes: Vec<Rc<ObjShape>> = variants
            .iter()
            .map(|p| self.object_variant(p))
            .collect::<Option<_>>()?;
        let properties: Vec<String> = shapes[0].props.keys().cloned().collect();
        let (property, tags) = properties.into_iter().find_map(|property| {
            Some((property.clone(), self.variant_tags(&shapes, &property)?))
        })?;
        let mut out = Vec::new();
        let mut local = NameTable::default();
        local.reserve("Unknown");
        let titled = self.titled_short_names(name, variants);
        for (index, (variant_pointer, tag)) in variants.iter().zip(&tags.values).enumerate() {
            // Inline variants with titles ("Browser SSH Application") name themselves;
            // otherwise the tag value does ("ssh").
            let short = titled
                .as_ref()
                .and_then(|t| t.get(index).cloned())
                .unwrap_or_else(|| names::type_name(&tag[0]));
            let ident = local.claim(&[short.clone(), format!("{short}Variant")]);
            out.push(Variant {
                ty: self.ty(variant_pointer, &format!("{name}{ident}")),
                doc: self.doc_at(variant_pointer),
                ident,
                tags: tag.clone(),
                boxed: false,
                tag_field: None,
            });
        }
        Some(UnionDef {
            tagging: Tagging::Internal {
                property,
                tagless: tags.tagless(),
            },
            variants: out,
            rationale: None,
        })
    }

    /// The constant values `property` has in each variant, when every variant declares it with
    /// values no other variant has.
    fn variant_tags(&mut self, shapes: &[Rc<ObjShape>], property: &str) -> Option<VariantTags> {
        let mut all_values: BTreeSet<String> = BTreeSet::new();
        let mut tags = VariantTags::default();
        for shape in shapes {
            let sources = shape.props.get(property)?;
            let (_, node, _) = self.resolve(sources.last()?)?;
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
                return None;
            }
            // A `default` on the tag says which variant an object without it is.
            for source in sources {
                if let Some((_, node, _)) = self.resolve(source) {
                    if let Some(default) = node.get("default").and_then(Value::as_str) {
                        tags.defaults.insert(default.to_string());
                    }
                }
            }
            tags.values.push(values);
            tags.required.push(shape.required.contains(property));
        }
        Some(tags)
    }

    pub(super) fn externally_tagged(
        &mut self,
        name: &str,
        variants: &[String],
    ) -> Option<UnionDef> {
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

    pub(super) fn untagged(&mut self, name: &str, variants: &[String]) -> UnionDef {
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
}

/// The tag values of each variant of a constant-tagged union.
#[derive(Default)]
struct VariantTags {
    /// Per variant, its values.
    values: Vec<Vec<String>>,
    /// Per variant, whether it requires the tag.
    required: Vec<bool>,
    /// The `default`s the variants give the tag.
    defaults: BTreeSet<String>,
}

impl VariantTags {
    /// What an object without the tag is: the variant a single `default` names, else the
    /// variants that allow it (to be ordered or found overlapping later), else an error.
    fn tagless(&self) -> Tagless {
        let by_default = match &self.defaults.iter().collect::<Vec<_>>()[..] {
            [only] => self.values.iter().position(|tags| tags.contains(only)),
            _ => None,
        };
        let optional: Vec<usize> = (0..self.required.len())
            .filter(|&i| !self.required[i])
            .collect();
        match by_default {
            Some(index) => Tagless::Variants(vec![index]),
            None if optional.is_empty() => Tagless::Refused,
            None => Tagless::Variants(optional),
        }
    }
}
