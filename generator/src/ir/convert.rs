//! Conversions from a fetched resource to the request that updates it (`Application` ->
//! `ApplicationRequest`), so that read-modify-write is: get, change one field, update.
//!
//! A conversion exists where the shapes allow it: every field of the request is taken from
//! the field of the same JSON name in the response when their types convert (the same type,
//! or another conversion, through lists, maps and `Option`); request fields the response does
//! not have (write-only ones) stay absent; request fields the response types differently are
//! listed as not carried. Unknown fields of the response are carried, so nothing the API sent
//! is lost. It is fallible (`TryFrom`) when a required request field is optional in the
//! response; otherwise infallible (`From`).

use std::collections::BTreeMap;

use super::ops::{HttpMethod, JsonShape, Operation, ResponseBody};
use super::types::{Field, StructDef, Tagging, Ty, TypeId, TypeKind, TypeSpace};

/// How one value becomes another.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueConv {
    /// The same type: moved.
    Move,
    /// Another generated type, through its conversion.
    Named(TypeId),
    /// Each item of a list.
    Vec(Box<ValueConv>),
    /// Each value of a map.
    Map(Box<ValueConv>),
    /// The value of a nullable item.
    Nullable(Box<ValueConv>),
}

/// Where a field of the target comes from.
#[derive(Debug, Clone)]
pub enum FieldSource {
    /// The field of the source with the same JSON name, converted.
    From {
        /// Index of the source field.
        field: usize,
        /// How its value converts.
        value: ValueConv,
    },
    /// Nothing: it stays absent (the source does not have it, or types it differently).
    Absent,
}

/// What a conversion does.
#[derive(Debug, Clone)]
pub enum ConversionKind {
    /// Field by field, one source per field of the target.
    Struct(Vec<FieldSource>),
    /// Variant by variant (by tag, key or name): `(source variant, target variant, value)`;
    /// an unknown variant stays unknown.
    Union(Vec<(usize, usize, ValueConv)>),
    /// A string enum into another, by value.
    Enum,
    /// A struct into one variant of a union.
    IntoVariant(usize, ValueConv),
}

/// One conversion between generated types.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The source type (a response).
    pub from: TypeId,
    /// The target type (a request).
    pub to: TypeId,
    /// It can fail (a required field of the target is optional in the source).
    pub fallible: bool,
    /// How.
    pub kind: ConversionKind,
    /// Fields of the target the source has but types differently, so they are not carried:
    /// (JSON name, why).
    pub not_carried: Vec<(String, String)>,
    /// A root conversion: the update of a fetched resource (not one needed by another).
    pub root: bool,
}

/// Every conversion the operations need: for each resource whose item is fetched by one
/// operation and replaced or edited (PUT, PATCH) by another on the same path, from the
/// fetched type to the body type, and what those need in turn.
pub fn conversions(space: &TypeSpace, operations: &[Operation]) -> Vec<Conversion> {
    let mut builder = Builder {
        space,
        done: BTreeMap::new(),
        active: Vec::new(),
    };
    let mut roots = Vec::new();
    for update in operations {
        if !matches!(update.method, HttpMethod::Put | HttpMethod::Patch) {
            continue;
        }
        let Some(Ty::Named(to)) = update.json_body().map(|b| &b.ty) else {
            continue;
        };
        let fetched = operations.iter().find_map(|get| match &get.response {
            ResponseBody::Json {
                ty: Ty::Named(from),
                shape: JsonShape::Result | JsonShape::Plain,
            } if get.method == HttpMethod::Get
                && get.path == update.path
                && get.scoped == update.scoped =>
            {
                Some(*from)
            }
            _ => None,
        });
        if let Some(from) = fetched {
            if from != *to && builder.named(from, *to).is_some() && !roots.contains(&(from, *to)) {
                roots.push((from, *to));
            }
        }
    }
    let mut out: Vec<Conversion> = builder.done.into_values().flatten().collect();
    for conversion in &mut out {
        conversion.root = roots.contains(&(conversion.from, conversion.to));
    }
    out.sort_by_key(|c| (c.to, c.from));
    out
}

struct Builder<'a> {
    space: &'a TypeSpace,
    /// Finished (or impossible: `None`) conversions by (from, to).
    done: BTreeMap<(TypeId, TypeId), Option<Conversion>>,
    /// Conversions being built further up: assumed to exist and to be fallible.
    active: Vec<(TypeId, TypeId)>,
}

impl Builder<'_> {
    /// The conversion from `from` to `to` (built if needed): `Some(fallible)` when it exists.
    fn named(&mut self, from: TypeId, to: TypeId) -> Option<bool> {
        if let Some(done) = self.done.get(&(from, to)) {
            return done.as_ref().map(|c| c.fallible);
        }
        if self.active.contains(&(from, to)) {
            return Some(true);
        }
        self.active.push((from, to));
        let conversion = self.build(from, to);
        self.active.pop();
        let fallible = conversion.as_ref().map(|c| c.fallible);
        self.done.insert((from, to), conversion);
        fallible
    }

    fn build(&mut self, from: TypeId, to: TypeId) -> Option<Conversion> {
        let (source, target) = (&self.space.get(from).kind, &self.space.get(to).kind);
        let conversion = |kind, fallible, not_carried| Conversion {
            from,
            to,
            fallible,
            kind,
            not_carried,
            root: false,
        };
        match (source, target) {
            (TypeKind::Enum(_), TypeKind::Enum(_)) => {
                Some(conversion(ConversionKind::Enum, false, Vec::new()))
            }
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                let (fields, fallible, not_carried) = self.fields(a, b)?;
                Some(conversion(
                    ConversionKind::Struct(fields),
                    fallible,
                    not_carried,
                ))
            }
            (TypeKind::Union(a), TypeKind::Union(b))
                if a.tagging == b.tagging && a.tagging != Tagging::Overlapping =>
            {
                let mut pairs = Vec::new();
                let mut fallible = false;
                for (i, variant) in a.variants.iter().enumerate() {
                    // Tagged variants match by tag (or key), untagged ones by name.
                    let j = b.variants.iter().position(|other| match a.tagging {
                        Tagging::Untagged | Tagging::Overlapping => other.ident == variant.ident,
                        _ => other.tags.first() == variant.tags.first(),
                    })?;
                    let target = &b.variants[j];
                    let (value, can_fail) = self.value(&variant.ty, &target.ty)?;
                    if (variant.boxed || target.boxed) && value != ValueConv::Move {
                        return None;
                    }
                    fallible |= can_fail;
                    pairs.push((i, j, value));
                }
                Some(conversion(
                    ConversionKind::Union(pairs),
                    fallible,
                    Vec::new(),
                ))
            }
            (TypeKind::Struct(_), TypeKind::Union(b)) if b.tagging != Tagging::Overlapping => {
                // The first variant (in decoding order) the struct converts to without failing.
                b.variants.iter().enumerate().find_map(|(j, variant)| {
                    let (value, fallible) = self.value(&Ty::Named(from), &variant.ty)?;
                    (!fallible).then(|| {
                        conversion(ConversionKind::IntoVariant(j, value), false, Vec::new())
                    })
                })
            }
            _ => None,
        }
    }

    /// Field by field: a source for each target field, whether it can fail, and what is not
    /// carried. `None` when a required target field has no convertible source.
    #[allow(clippy::type_complexity)]
    fn fields(
        &mut self,
        a: &StructDef,
        b: &StructDef,
    ) -> Option<(Vec<FieldSource>, bool, Vec<(String, String)>)> {
        let mut sources = Vec::new();
        let mut fallible = false;
        let mut not_carried = Vec::new();
        for target in &b.fields {
            let found = a
                .fields
                .iter()
                .position(|f| f.json_name == target.json_name);
            let converted = found.and_then(|index| {
                let source = &a.fields[index];
                let (value, can_fail) = self.value(&source.ty, &target.ty)?;
                let shape_fails = shape_fallible(source, target)?;
                // A boxed (recursive) field moves only as it is.
                if (source.boxed || target.boxed)
                    && (value != ValueConv::Move || source.boxed != target.boxed || shape_fails)
                {
                    return None;
                }
                Some((index, value, can_fail || shape_fails))
            });
            match (converted, found) {
                (Some((field, value, can_fail)), _) => {
                    fallible |= can_fail;
                    sources.push(FieldSource::From { field, value });
                }
                (None, _) if target.required && !target.nullable => return None,
                (None, Some(_)) => {
                    not_carried.push((
                        target.json_name.clone(),
                        "the fetched value types it differently".into(),
                    ));
                    sources.push(FieldSource::Absent);
                }
                (None, None) => sources.push(FieldSource::Absent),
            }
        }
        // Unknown fields are carried only between maps of the same kind.
        if a.additional != b.additional {
            return None;
        }
        Some((sources, fallible, not_carried))
    }

    /// How a value of `from` becomes a value of `to`, and whether that can fail.
    fn value(&mut self, from: &Ty, to: &Ty) -> Option<(ValueConv, bool)> {
        if from == to {
            return Some((ValueConv::Move, false));
        }
        match (from, to) {
            (Ty::Named(a), Ty::Named(b)) => {
                let fallible = self.named(*a, *b)?;
                Some((ValueConv::Named(*b), fallible))
            }
            (Ty::Vec(a), Ty::Vec(b)) => {
                let (inner, fallible) = self.value(a, b)?;
                Some((ValueConv::Vec(Box::new(inner)), fallible))
            }
            (Ty::Map(a), Ty::Map(b)) => {
                let (inner, fallible) = self.value(a, b)?;
                Some((ValueConv::Map(Box::new(inner)), fallible))
            }
            (Ty::Nullable(a), Ty::Nullable(b)) => {
                let (inner, fallible) = self.value(a, b)?;
                Some((ValueConv::Nullable(Box::new(inner)), fallible))
            }
            _ => None,
        }
    }
}

/// Whether moving a field from `source`'s presence to `target`'s can fail (`Some(true)`: the
/// source may be absent where the target requires it), or is impossible (`None`: a `null` the
/// target cannot hold).
fn shape_fallible(source: &Field, target: &Field) -> Option<bool> {
    match (
        (source.required, source.nullable),
        (target.required, target.nullable),
    ) {
        (s, t) if s == t => Some(false),
        // A value into an optional field; a required value into a required nullable one.
        ((true, false), (false, false)) | ((true, false), (true, true)) => Some(false),
        // An optional value where one is required.
        ((false, false), (true, false)) => Some(true),
        _ => None,
    }
}

/// Whether converting with `value` can fail, given the finished conversions.
pub fn fallible(value: &ValueConv, conversions: &[Conversion], from: &Ty) -> bool {
    match (value, from) {
        (ValueConv::Move, _) => false,
        (ValueConv::Named(to), Ty::Named(source)) => conversions
            .iter()
            .find(|c| c.from == *source && c.to == *to)
            .is_none_or(|c| c.fallible),
        (ValueConv::Vec(inner), Ty::Vec(item))
        | (ValueConv::Map(inner), Ty::Map(item))
        | (ValueConv::Nullable(inner), Ty::Nullable(item)) => fallible(inner, conversions, item),
        _ => true,
    }
}
