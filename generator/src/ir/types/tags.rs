//! A union owns its tag: the structs of an internally tagged union's variants lose their tag
//! field where nothing else uses them, so the union alone writes the tag.

use super::{Tagging, Ty, TypeKind, TypeSpace};

/// Where a struct is used, for [`own_tags`].
#[derive(Debug, Clone, PartialEq)]
enum Uses {
    /// Only as a variant of internally tagged unions with this tag property, each time with
    /// one tag value.
    Variant(String),
    /// Anywhere else (a field, a body, a response, a variant with several tag values, ...).
    Other,
}

/// A union owns its tag: the struct of an internally tagged union's variant loses its tag
/// field when it is used nowhere else and the variant has one tag value (the union writes the
/// tag when it serializes). Where the struct keeps the field, the variant records it in
/// [`super::Variant::tag_field`] and the union still decides what is written.
/// `roots` are the types the operations use directly.
pub fn own_tags(space: &mut TypeSpace, roots: &[&Ty]) {
    let uses = uses(space, roots);
    for (index, used) in uses.iter().enumerate() {
        let (Some(Uses::Variant(property)), TypeKind::Struct(s)) =
            (used, &mut space.types[index].kind)
        else {
            continue;
        };
        s.fields.retain(|field| &field.json_name != property);
    }
    record_tag_fields(space);
}

/// Where each type is used (`None`: nowhere yet).
fn uses(space: &TypeSpace, roots: &[&Ty]) -> Vec<Option<Uses>> {
    let mut uses: Vec<Option<Uses>> = vec![None; space.types.len()];
    fn other(uses: &mut [Option<Uses>], ty: &Ty) {
        ty.named(&mut |id| uses[id.0] = Some(Uses::Other));
    }
    for root in roots {
        other(&mut uses, root);
    }
    for def in &space.types {
        let TypeKind::Union(union) = &def.kind else {
            def.kind.each_ty(&mut |ty| other(&mut uses, ty));
            continue;
        };
        let property = match &union.tagging {
            Tagging::Internal { property, .. } => Some(property),
            _ => None,
        };
        for variant in &union.variants {
            match (&variant.ty, property) {
                (Ty::Named(id), Some(property)) if variant.tags.len() == 1 => {
                    let slot = &mut uses[id.0];
                    *slot = match slot.take() {
                        None => Some(Uses::Variant(property.clone())),
                        Some(Uses::Variant(p)) if &p == property => Some(Uses::Variant(p)),
                        Some(_) => Some(Uses::Other),
                    };
                }
                (ty, _) => other(&mut uses, ty),
            }
        }
    }
    uses
}

/// For each variant of an internally tagged union, the field of its struct that still holds
/// the tag, if any.
fn record_tag_fields(space: &mut TypeSpace) {
    let holders: Vec<Option<Vec<(String, String)>>> = space
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(
                s.fields
                    .iter()
                    .map(|f| (f.json_name.clone(), f.ident.clone()))
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    for def in &mut space.types {
        let TypeKind::Union(union) = &mut def.kind else {
            continue;
        };
        let Tagging::Internal { property, .. } = &union.tagging else {
            continue;
        };
        for variant in &mut union.variants {
            variant.tag_field = match &variant.ty {
                Ty::Named(id) => holders[id.0].as_ref().and_then(|fields| {
                    fields
                        .iter()
                        .find(|(json, _)| json == property)
                        .map(|(_, ident)| ident.clone())
                }),
                _ => None,
            };
        }
    }
}

/// An internally tagged union needs a struct in every variant (the union writes the tag
/// beside the struct's fields); one that has something else becomes untagged, to be ordered
/// or found overlapping by [`settle`](super::soundness::settle).
pub fn check_internal(space: &mut TypeSpace) {
    let structs: Vec<bool> = space
        .types
        .iter()
        .map(|def| matches!(def.kind, TypeKind::Struct(_)))
        .collect();
    for def in &mut space.types {
        let TypeKind::Union(union) = &mut def.kind else {
            continue;
        };
        if !matches!(union.tagging, Tagging::Internal { .. }) {
            continue;
        }
        let all_structs = union
            .variants
            .iter()
            .all(|v| matches!(v.ty, Ty::Named(id) if structs[id.0]));
        if !all_structs {
            union.tagging = Tagging::Untagged;
        }
    }
}
