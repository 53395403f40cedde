//! `types.rs` of the generated crate: every type as a plain Rust item (a struct or an enum,
//! with its docs and fields in view), followed by the macro that writes its serde impls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::syntax::{ItemText, Items};
use super::{cfg_attr, enums, structs};
use crate::ir::features::Features;
use crate::ir::types::{Tagging, TypeAlias, TypeId, TypeKind, TypeSpace};

/// The type indices split into ranges of at most `size` types, for formatting in parallel.
pub fn chunks(space: &TypeSpace, size: usize) -> Vec<std::ops::Range<usize>> {
    let size = size.max(1);
    let mut ranges: Vec<_> = (0..space.types.len())
        .step_by(size)
        .map(|start| start..(start + size).min(space.types.len()))
        .collect();
    if ranges.is_empty() {
        // No types still makes a (nearly empty) module.
        ranges.push(0..0);
    }
    ranges
}

/// The items of the types in `range`, with macro placeholders numbered from zero; the part
/// that starts at type 0 also carries the module's attributes and imports. Formatting each
/// part and joining them gives the same text as formatting the whole module. A type only
/// some features need is compiled only with one of them (`#[cfg(...)]`).
pub fn module_part(
    space: &TypeSpace,
    features: &Features,
    range: std::ops::Range<usize>,
) -> (TokenStream, Vec<String>) {
    let mut out = Items::default();
    let first = range.start == 0;
    let mut aliases: std::collections::BTreeMap<usize, Vec<&TypeAlias>> = Default::default();
    for alias in space.aliases.iter().filter(|a| range.contains(&a.target.0)) {
        aliases.entry(alias.target.0).or_default().push(alias);
    }
    let items: Vec<TokenStream> = range
        .map(|index| {
            let mut item = type_def(space, features, TypeId(index), &mut out);
            for alias in aliases.get(&index).into_iter().flatten() {
                item.extend(alias_def(space, features, alias, &mut out));
            }
            item
        })
        .collect();
    if !first {
        return (quote! { #(#items)* }, out.macros);
    }
    let imports = imports(space);
    // Without some features, some of the macros are not used.
    let unused = (!features.groups.is_empty()).then(|| quote!(#![allow(unused_imports)]));
    let tokens = quote! {
        #![allow(clippy::large_enum_variant)]
        #unused
        #(#imports)*
        #(#items)*
    };
    (tokens, out.macros)
}

/// The `use` lines of the module: serde's derives for untagged unions, and the impl macros
/// the types use.
fn imports(space: &TypeSpace) -> Vec<TokenStream> {
    let union_with = |tagging: fn(&Tagging) -> bool| {
        space
            .types
            .iter()
            .any(|t| matches!(&t.kind, TypeKind::Union(u) if tagging(&u.tagging)))
    };
    let mut imports = Vec::new();
    if union_with(|t| *t == Tagging::Untagged) {
        imports.push(quote!(
            use serde::{Deserialize, Serialize};
        ));
    }
    let any_struct = space
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Struct(_)));
    let any_enum = space
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Enum(_)));
    for (name, used) in [
        (
            "external_union_impls",
            union_with(|t| *t == Tagging::External),
        ),
        (
            "internal_union_impls",
            union_with(|t| matches!(t, Tagging::Internal { .. })),
        ),
        ("object_impls", any_struct),
        (
            "raw_union_impls",
            union_with(|t| *t == Tagging::Overlapping),
        ),
        ("string_enum_impls", any_enum),
    ] {
        if used {
            let m = format_ident!("{}", name);
            imports.push(quote!(use crate::macros::#m;));
        }
    }
    imports
}

/// `pub type Name = Target;`: the name an inline schema would have had, when it is identical
/// to one met before and shares that one's type. Written as text when it fits (see
/// [`ItemText`]).
fn alias_def(
    space: &TypeSpace,
    features: &Features,
    alias: &TypeAlias,
    out: &mut Items,
) -> TokenStream {
    let target = space.get(alias.target);
    let predicate = features.type_predicate(alias.target);
    let text = format!(
        "The schema at `{}`, identical to [`{}`]'s: the same type.",
        alias.pointer.as_str().replace('`', "'"),
        target.name
    );
    let mut item = ItemText::new(256);
    item.docs("", &text);
    item.cfg(predicate.as_ref());
    item.line(&format!("pub type {} = {};", alias.name, target.name));
    if let Some(item) = item.finish() {
        return out.placeholder(&TokenStream::new(), item);
    }
    let cfg = cfg_attr(predicate.as_ref());
    let docs = super::doc::lines(&text);
    let name = format_ident!("{}", alias.name);
    let target = format_ident!("{}", target.name);
    quote! {
        #docs
        #cfg
        pub type #name = #target;
    }
}

/// The items of one type, compiled with the features that need it.
fn type_def(space: &TypeSpace, features: &Features, id: TypeId, out: &mut Items) -> TokenStream {
    let def = space.get(id);
    let predicate = features.type_predicate(id);
    let cfg = cfg_attr(predicate.as_ref());
    match &def.kind {
        TypeKind::Pending => TokenStream::new(),
        TypeKind::Struct(s) => structs::definition(space, def, s, (&cfg, predicate.as_ref()), out),
        TypeKind::Enum(e) => enums::string_enum(def, e, (&cfg, predicate.as_ref()), out),
        TypeKind::Union(u) => enums::union(space, def, u, (&cfg, predicate.as_ref()), out),
    }
}
