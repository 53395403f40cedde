//! The type space: every schema the selected operations reach, as Rust-shaped types.
//!
//! Types are plain data addressed by [`TypeId`]; the emitter asks for names only when it
//! writes code. Schemas are read from the overlaid JSON by pointer, so every warning names one.
//!
//! Two choices keep it linear on large specs with deep allOf/anyOf nesting:
//! - `allOf` is flattened once per schema (memoized by pointer), never re-expanded per use;
//! - component schemas with the same shape (ignoring docs) share one type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::Value;

use super::names::{self, NameTable};
use super::pointer::Pointer;
use crate::error::Warning;
use crate::load::spec::escape_token;

mod build;
mod build_unions;
mod naming;
mod objects;
pub use objects::{Binary, FormProperty};
mod recursion;
mod schema;
pub mod soundness;
pub mod tags;
mod union_fields;

use build::Plan;
pub use build::{EnvelopeParts, TypeBuilder};
use naming::*;
use objects::*;
use schema::*;

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
    pub pointer: Pointer,
    /// The further schemas it merges with that one (a property that several allOf parts
    /// declare, all of them objects): its values fit every one.
    pub merges: Vec<Pointer>,
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
    /// Listed in `required` (and present in every value of the type).
    pub required: bool,
    /// Listed in `required`, but read-only, in a type that requests reach: optional here, as
    /// OpenAPI holds `required` for read-only properties in responses only.
    pub required_in_responses: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Stored behind a `Box` to break a recursive type.
    pub boxed: bool,
    /// JSON pointer of the property's schema.
    pub pointer: Pointer,
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
    /// [`soundness::settle`]).
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
    /// every value of the variants after it (see [`soundness`]).
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
    /// those after it; see [`soundness::settle`]).
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
    /// Second names: an inline schema identical to one met before (the same error body or
    /// request body declared by several operations) is that schema's type, and keeps the name
    /// it would have had as an alias of it, so code written against that name still compiles.
    pub aliases: Vec<TypeAlias>,
}

/// A second name of a generated type (`pub type Name = Target;`).
#[derive(Debug, Clone)]
pub struct TypeAlias {
    /// Rust name.
    pub name: String,
    /// The type it names.
    pub target: TypeId,
    /// JSON pointer of the schema it comes from (identical to the target's).
    pub pointer: Pointer,
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
        self.aliases.retain_mut(|alias| match map[alias.target.0] {
            Some(id) => {
                alias.target = id;
                true
            }
            None => false,
        });
    }
}

impl TypeSpace {
    /// The fields that every variant's struct has, with one type (and presence allowing a shared
    /// accessor); those of the first variant's struct, in its order.
    pub fn shared_fields(&self, union: &UnionDef) -> Vec<&Field> {
        if union.tagging == Tagging::Overlapping {
            return Vec::new();
        }
        let structs: Vec<&[Field]> = union
            .variants
            .iter()
            .filter_map(|v| match (&v.ty, v.boxed) {
                (Ty::Named(payload), false) => match &self.get(*payload).kind {
                    TypeKind::Struct(s) => Some(s.fields.as_slice()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if structs.len() != union.variants.len() || structs.is_empty() {
            return Vec::new();
        }
        // `tag` is the tag accessor of an internally tagged union.
        let reserved = ["tag"];
        structs[0]
            .iter()
            .filter(|field| !field.boxed && !reserved.contains(&names::bare(&field.ident)))
            .filter(|field| {
                structs.iter().all(|fields| {
                    fields.iter().any(|f| {
                        f.json_name == field.json_name
                            && f.ty == field.ty
                            && f.nullable == field.nullable
                            && !f.boxed
                    })
                })
            })
            .collect()
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
