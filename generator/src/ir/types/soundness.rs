//! Union soundness: how the values of an untagged union are told apart, decided on the types
//! the generated decoders have (not on the schemas' intent), so that no value can decode into
//! the wrong variant.
//!
//! A union without a tag is decoded by trying its variants in order. That is only sound when
//! every variant rejects every value of the variants after it; [`settle`] looks for such an
//! order and, where there is none (an all-optional object that accepts every object, two
//! variants of one shape, a string enum that keeps unknown values beside a plain string), makes
//! the union [`Tagging::Overlapping`]: the value is kept as received and each candidate variant
//! is offered as a typed view. It never guesses.

use std::collections::HashSet;

use super::{StructDef, Tagging, Tagless, Ty, TypeId, TypeKind, TypeSpace, UnionDef};
use crate::error::Warning;

/// JSON kinds, as a bit set.
type Kinds = u8;
const NULL: Kinds = 1;
const BOOL: Kinds = 2;
const INTEGER: Kinds = 4;
/// Numbers that are not integers.
const FRACTION: Kinds = 8;
const STRING: Kinds = 16;
const ARRAY: Kinds = 32;
const OBJECT: Kinds = 64;
const ANY: Kinds = 127;

/// What [`settle`] decided for one union, for warnings and the closing report.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The union's type.
    pub id: TypeId,
    /// Why the order is sound, or which variants overlap.
    pub reason: String,
}

/// Orders every untagged union so that each variant rejects every value of the variants after
/// it, or makes it [`Tagging::Overlapping`] when no such order exists. Internally tagged unions
/// get the same check for their tagless values (the variants whose tag is optional). Returns a
/// warning for each union that overlaps: a problem when `overlap_is_problem`, else a notice.
pub fn settle(space: &mut TypeSpace, overlap_is_problem: bool) -> (Vec<Verdict>, Vec<Warning>) {
    mark_overlapping(space);
    let mut verdicts = Vec::new();
    let mut warnings = Vec::new();
    for index in 0..space.types.len() {
        let id = TypeId(index);
        let TypeKind::Union(union) = &space.types[index].kind else {
            continue;
        };
        let reason = match &union.tagging {
            Tagging::Untagged => match order(space, union) {
                Some((order, reason)) => {
                    let variants: Vec<_> =
                        order.iter().map(|&i| union.variants[i].clone()).collect();
                    if let TypeKind::Union(union) = &mut space.types[index].kind {
                        union.variants = variants;
                    }
                    reason
                }
                None => format!("overlapping: {}", overlaps(space, union)),
            },
            Tagging::Overlapping => {
                let overlaps = overlaps(space, union);
                warnings.push(overlap_warning(
                    &space.types[index],
                    &overlaps,
                    overlap_is_problem,
                ));
                format!("overlapping: {overlaps}")
            }
            Tagging::Internal { .. } => {
                settle_tagless(space, id, &mut warnings);
                continue;
            }
            Tagging::External => continue,
        };
        if let TypeKind::Union(union) = &mut space.types[index].kind {
            union.rationale = Some(reason.clone());
        }
        verdicts.push(Verdict { id, reason });
    }
    (verdicts, warnings)
}

/// Marks the untagged unions that no order makes sound as overlapping. A union that overlaps
/// accepts any JSON, which may make a union holding it overlap too: repeated until nothing
/// changes.
fn mark_overlapping(space: &mut TypeSpace) {
    loop {
        let mut changed = false;
        for index in 0..space.types.len() {
            let TypeKind::Union(union) = &space.types[index].kind else {
                continue;
            };
            if union.tagging != Tagging::Untagged || order(space, union).is_some() {
                continue;
            }
            if let TypeKind::Union(union) = &mut space.types[index].kind {
                union.tagging = Tagging::Overlapping;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The warning for an overlapping union: a problem under `[unions] overlapping = "error"`,
/// else a notice.
fn overlap_warning(def: &super::TypeDef, overlaps: &str, problem: bool) -> Warning {
    let overlap = format!(
        "the variants of this union overlap ({overlaps}), so a value could decode as the wrong one"
    );
    if problem {
        Warning::problem(
            def.pointer.as_str(),
            format!(
                "{overlap} ([unions] overlapping = \"error\"); give the variants a tag with an \
                 overlay, or accept `{}` kept as received with a typed view as each variant",
                def.name
            ),
        )
    } else {
        Warning::notice(
            def.pointer.as_str(),
            format!(
                "{overlap}; `{}` keeps the value as received and offers a typed view as each \
                 variant (an overlay that gives the variants a tag makes it an enum)",
                def.name
            ),
        )
    }
}

/// For an internally tagged union where several variants may go without their tag: the order
/// in which an object without it tries them, or, when they overlap, `Tagless::Kept` and a
/// notice.
fn settle_tagless(space: &mut TypeSpace, id: TypeId, warnings: &mut Vec<Warning>) {
    let TypeKind::Union(union) = &space.get(id).kind else {
        return;
    };
    let Tagging::Internal {
        property,
        tagless: Tagless::Variants(candidates),
    } = &union.tagging
    else {
        return;
    };
    if candidates.len() < 2 {
        return;
    }
    let (property, candidates) = (property.clone(), candidates.clone());
    let sub = UnionDef {
        tagging: Tagging::Untagged,
        variants: candidates
            .iter()
            .map(|&i| union.variants[i].clone())
            .collect(),
        rationale: None,
    };
    let tagless = match order(space, &sub) {
        Some((order, _)) => Tagless::Variants(order.iter().map(|&i| candidates[i]).collect()),
        None => {
            let def = space.get(id);
            warnings.push(Warning::notice(
                def.pointer.as_str(),
                format!(
                    "several variants may go without the tag `{property}` and they overlap \
                     ({}): an object without it is kept as an unknown variant of `{}`, as \
                     received",
                    overlaps(space, &sub),
                    def.name
                ),
            ));
            Tagless::Kept
        }
    };
    if let TypeKind::Union(union) = &mut space.types[id.0].kind {
        union.tagging = Tagging::Internal { property, tagless };
    }
}

/// The pairs of variants of an overlapping union that accept some of the same values.
fn overlaps(space: &TypeSpace, union: &UnionDef) -> String {
    let mut analysis = Analysis::new(space);
    let mut pairs = Vec::new();
    for (i, a) in union.variants.iter().enumerate() {
        for b in &union.variants[i + 1..] {
            let told_apart = analysis.rejects(&a.ty, &b.ty).is_some()
                || analysis.rejects(&b.ty, &a.ty).is_some();
            if !told_apart {
                pairs.push(format!("`{}` and `{}`", a.ident, b.ident));
            }
        }
    }
    let count = union.variants.len();
    if pairs.is_empty() {
        let names: Vec<String> = union
            .variants
            .iter()
            .map(|v| format!("`{}`", v.ident))
            .collect();
        return format!(
            "no order of {} lets each reject the values of those after it",
            names.join(", ")
        );
    }
    if count > 2 && pairs.len() == count * (count - 1) / 2 {
        return format!("each of its {count} variants accepts values of every other");
    }
    if pairs.len() > 6 {
        let shown = pairs[..6].join(", ");
        return format!("{shown} and {} more pairs", pairs.len() - 6);
    }
    pairs.join(", ")
}

/// A decoding order in which each variant rejects every value of the variants after it, with
/// the reasons; `None` when there is none.
fn order(space: &TypeSpace, union: &UnionDef) -> Option<(Vec<usize>, String)> {
    let count = union.variants.len();
    let mut remaining: Vec<usize> = (0..count).collect();
    let mut order = Vec::with_capacity(count);
    let mut reasons = Vec::new();
    let mut analysis = Analysis::new(space);
    while !remaining.is_empty() {
        // The first (most specific, as the builder ordered them) variant that rejects every
        // value of every other remaining variant can go next; any such choice works, since an
        // order that is sound stays sound without one of its variants.
        let next = remaining.iter().position(|&candidate| {
            remaining.iter().all(|&other| {
                other == candidate
                    || analysis
                        .rejects(&union.variants[candidate].ty, &union.variants[other].ty)
                        .is_some()
            })
        });
        let position = next?;
        let chosen = remaining.remove(position);
        let later: Vec<String> = remaining
            .iter()
            .filter_map(|&other| {
                analysis.rejects(&union.variants[chosen].ty, &union.variants[other].ty)
            })
            .collect();
        if !later.is_empty() {
            let mut distinct: Vec<String> = Vec::new();
            for reason in later {
                if !distinct.contains(&reason) {
                    distinct.push(reason);
                }
            }
            reasons.push(format!(
                "`{}` {}",
                union.variants[chosen].ident,
                distinct.join(", ")
            ));
        }
        order.push(chosen);
    }
    Some((order, reasons.join("; ")))
}

/// Which values the generated decoders accept.
struct Analysis<'a> {
    space: &'a TypeSpace,
    /// Pairs being compared further up (a recursive type): assumed not to reject.
    active: HashSet<(Ty, Ty)>,
}

impl<'a> Analysis<'a> {
    fn new(space: &'a TypeSpace) -> Self {
        Analysis {
            space,
            active: HashSet::new(),
        }
    }

    fn named(&self, ty: &Ty) -> Option<&'a TypeKind> {
        match ty {
            Ty::Named(id) => Some(&self.space.get(*id).kind),
            _ => None,
        }
    }

    /// The JSON kinds the decoder of `ty` can accept.
    fn kinds(&self, ty: &Ty, depth: usize) -> Kinds {
        if depth > 64 {
            return ANY;
        }
        match ty {
            Ty::String | Ty::DateTime => STRING,
            Ty::Bool => BOOL,
            Ty::I32 | Ty::I64 => INTEGER,
            Ty::F64 => INTEGER | FRACTION,
            Ty::Any => ANY,
            Ty::Vec(_) => ARRAY,
            Ty::Map(_) => OBJECT,
            Ty::Nullable(inner) => NULL | self.kinds(inner, depth + 1),
            Ty::Named(id) => match &self.space.get(*id).kind {
                TypeKind::Pending => ANY,
                TypeKind::Struct(_) => OBJECT,
                TypeKind::Enum(_) => STRING,
                TypeKind::Union(union) => match union.tagging {
                    Tagging::Internal { .. } | Tagging::External => OBJECT,
                    // Kept as received, but only values of its variants' kinds.
                    Tagging::Overlapping => union
                        .variants
                        .iter()
                        .fold(0, |kinds, v| kinds | self.kinds(&v.ty, depth + 1)),
                    Tagging::Untagged => union
                        .variants
                        .iter()
                        .fold(0, |kinds, v| kinds | self.kinds(&v.ty, depth + 1)),
                },
            },
        }
    }

    /// `Some(reason)` when the decoder of `a` rejects every value of `b`; `None` when it may
    /// accept one (or the analysis cannot tell).
    fn rejects(&mut self, a: &Ty, b: &Ty) -> Option<String> {
        let key = (a.clone(), b.clone());
        if self.active.contains(&key) || self.active.len() > 256 {
            return None;
        }
        self.active.insert(key.clone());
        let reason = self.rejects_inner(a, b);
        self.active.remove(&key);
        reason
    }

    fn rejects_inner(&mut self, a: &Ty, b: &Ty) -> Option<String> {
        let (ka, kb) = (self.kinds(a, 0), self.kinds(b, 0));
        let shared = ka & kb;
        if shared == 0 {
            return Some(format!("is a {}", kind_words(ka)));
        }
        // An integer variant before a number variant: an integral number is the same value
        // either way (and under `oneOf` it cannot be a valid value of both).
        if shared == INTEGER && kb & FRACTION != 0 && ka & FRACTION == 0 {
            return Some("is an integer (tried before other numbers)".into());
        }
        // A union rejects a value when each of its variants does; a value of a union is a
        // value of one of its variants.
        if let Some(TypeKind::Union(union)) = self.named(b) {
            if union.tagging == Tagging::Untagged {
                let mut reasons = Vec::new();
                for variant in &union.variants {
                    reasons.push(self.rejects(a, &variant.ty)?);
                }
                return reasons.into_iter().next();
            }
        }
        if let Some(TypeKind::Union(union)) = self.named(a) {
            if union.tagging == Tagging::Untagged {
                let mut reasons = Vec::new();
                for variant in &union.variants {
                    reasons.push(self.rejects(&variant.ty, b)?);
                }
                return reasons.into_iter().next();
            }
        }
        // What is left to tell apart: two objects (a value that may also be `null` is only
        // rejected when `a` does not take `null`).
        if shared & !NULL != OBJECT || shared & NULL != 0 {
            return None;
        }
        let (a, b) = (non_null(a), non_null(b));
        match (self.named(a), self.named(b)) {
            (Some(TypeKind::Struct(sa)), Some(TypeKind::Struct(sb))) => self.struct_rejects(sa, sb),
            (Some(TypeKind::Struct(sa)), Some(TypeKind::Union(ub)))
                if matches!(ub.tagging, Tagging::Internal { .. } | Tagging::External) =>
            {
                // Every value of a tagged union is a value of one of its variants (or of a
                // variant it does not know, which nothing can rule out).
                let _ = sa;
                None
            }
            (Some(TypeKind::Union(ua)), Some(TypeKind::Struct(sb))) => match &ua.tagging {
                Tagging::Internal {
                    property,
                    tagless: Tagless::Refused,
                } if sb.fields.iter().all(|f| &f.json_name != property) => Some(format!(
                    "requires the tag `{property}`, which the other variant does not declare"
                )),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether every value of struct `b` (its declared properties) fails to decode as `a`.
    fn struct_rejects(&mut self, a: &StructDef, b: &StructDef) -> Option<String> {
        for field in &a.fields {
            let needed = field.required && !field.nullable;
            match b.fields.iter().find(|f| f.json_name == field.json_name) {
                None if needed => {
                    return Some(format!("requires `{}`", field.json_name));
                }
                None => {}
                Some(other) => {
                    let always = other.required && !other.nullable;
                    if (needed || always) && self.field_rejects(field, other).is_some() {
                        return Some(format!("has a `{}` of another type", field.json_name));
                    }
                }
            }
        }
        if a.additional != Ty::Any {
            for other in b.fields.iter().filter(|f| f.required && !f.nullable) {
                if a.fields.iter().all(|f| f.json_name != other.json_name)
                    && self.rejects(&a.additional, &other.ty).is_some()
                {
                    return Some(format!("cannot hold `{}`", other.json_name));
                }
            }
        }
        None
    }

    /// Whether field `a`'s decoder rejects every value field `b` may hold.
    fn field_rejects(&mut self, a: &super::Field, b: &super::Field) -> Option<String> {
        let wrap = |field: &super::Field| {
            if field.nullable {
                Ty::Nullable(Box::new(field.ty.clone()))
            } else {
                field.ty.clone()
            }
        };
        self.rejects(&wrap(a), &wrap(b))
    }
}

/// The type inside `Nullable`.
fn non_null(ty: &Ty) -> &Ty {
    match ty {
        Ty::Nullable(inner) => non_null(inner),
        other => other,
    }
}

/// The JSON kinds (`"null"`, `"boolean"`, `"integer"`, `"number"`, `"string"`, `"array"`,
/// `"object"`) a value of one of `union`'s variants can have: what an overlapping union's
/// decoder checks before it keeps a value. Empty when any value can be one.
pub fn variant_kinds(space: &TypeSpace, union: &UnionDef) -> Vec<&'static str> {
    let analysis = Analysis::new(space);
    let kinds = union
        .variants
        .iter()
        .fold(0, |kinds, v| kinds | analysis.kinds(&v.ty, 0));
    if kinds == ANY {
        return Vec::new();
    }
    kind_names(kinds)
}

/// The JSON kinds in `kinds`, by name; a number takes integers too, so `integer` is left out
/// beside `number`.
fn kind_names(kinds: Kinds) -> Vec<&'static str> {
    let mut words = Vec::new();
    for (bit, word) in [
        (NULL, "null"),
        (BOOL, "boolean"),
        (INTEGER, "integer"),
        (FRACTION, "number"),
        (STRING, "string"),
        (ARRAY, "array"),
        (OBJECT, "object"),
    ] {
        if kinds & bit != 0 {
            words.push(word);
        }
    }
    if kinds & FRACTION != 0 {
        words.retain(|w| *w != "integer");
    }
    words
}

fn kind_words(kinds: Kinds) -> String {
    kind_names(kinds).join(" or ")
}
