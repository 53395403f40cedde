//! `impls.rs` of the generated crate: what makes the types pleasant to build and read.
//! `From` each variant's struct into its union, accessors on unions for the fields every
//! variant has, `with_...` setters on the types a request body holds, and the conversions
//! from a fetched resource to the request that updates it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::cfg_attr;
use super::render::{Render, RustType};
use super::syntax::{ident, ItemText, Items};
use crate::error::Result;
use crate::ir::convert::{self, Conversion, ConversionKind, FieldSource, ValueConv};
use crate::ir::names;
use crate::ir::types::{Field, Tagging, Ty, TypeId, TypeKind, TypeSpace, UnionDef};
use crate::ir::Api;

/// The whole module, and the texts of its placeholders (see [`ItemText`]).
pub fn module(api: &Api) -> Result<(TokenStream, Vec<String>)> {
    let space = &api.types;
    let mut out = Items::default();
    let mut items = Vec::new();
    for (index, def) in space.types.iter().enumerate() {
        let id = TypeId(index);
        let TypeKind::Union(union) = &def.kind else {
            continue;
        };
        if union.tagging == Tagging::Overlapping {
            continue;
        }
        let cfg = cfg(api, &[id])?;
        items.extend(variant_froms(api, id, union, &mut out)?);
        items.push(shared_accessors(space, id, union, &cfg, &mut out));
    }
    for id in api.request_types() {
        items.push(match &space.get(id).kind {
            TypeKind::Union(union) => union_setters(api, id, union)?,
            _ => setters(api, id, &mut out)?,
        });
    }
    for conversion in &api.conversions {
        items.push(conversion_impl(api, conversion)?);
    }
    let tokens = quote! {
        #![allow(clippy::needless_update, clippy::redundant_closure)]
        #(#items)*
    };
    Ok((tokens, out.macros))
}

/// `#[cfg(...)]` for an item that needs all of `types` (each compiled with some features).
fn cfg(api: &Api, types: &[TypeId]) -> Result<TokenStream> {
    Ok(cfg_attr(api.features.all_types_predicate(types).as_ref()))
}

fn named(space: &TypeSpace, id: TypeId) -> TokenStream {
    let ty = Render::new(space).ty(&Ty::Named(id));
    quote!(#ty)
}

/// `impl From<VariantStruct> for Union` for each variant whose type only it has.
fn variant_froms(
    api: &Api,
    id: TypeId,
    union: &UnionDef,
    out: &mut Items,
) -> Result<Vec<TokenStream>> {
    let space = &api.types;
    let render = Render::new(space);
    let union_ty = named(space, id);
    let mut items = Vec::new();
    for variant in &union.variants {
        let Ty::Named(payload) = &variant.ty else {
            continue;
        };
        let shared = union.variants.iter().filter(|v| v.ty == variant.ty).count() > 1;
        if shared || *payload == id {
            continue;
        }
        let doc = format!(
            "The `{}` variant{}.",
            variant.ident,
            tag_words(union, &variant.tags)
        );
        let predicate = api.features.all_types_predicate(&[id, *payload]);
        let text = from_text(
            predicate.as_ref(),
            (
                &render.ty(&Ty::Named(*payload)).to_string(),
                &render.ty(&Ty::Named(id)).to_string(),
            ),
            &doc,
            &variant.ident,
            variant.boxed,
        );
        if let Some(text) = text {
            items.push(out.placeholder(&TokenStream::new(), text));
            continue;
        }
        let doc = format!(" {doc}");
        let payload_ty = named(space, *payload);
        let name = format_ident!("{}", variant.ident);
        let value = if variant.boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        let cfg = cfg_attr(predicate.as_ref());
        items.push(quote! {
            #cfg
            impl From<#payload_ty> for #union_ty {
                #[doc = #doc]
                fn from(value: #payload_ty) -> Self {
                    Self::#name(#value)
                }
            }
        });
    }
    Ok(items)
}

/// `impl From<payload> for union` as text, when it fits (see [`ItemText`]).
fn from_text(
    predicate: Option<&crate::ir::features::Predicate>,
    (payload, union): (&str, &str),
    doc: &str,
    variant: &str,
    boxed: bool,
) -> Option<String> {
    let mut text = ItemText::new(256);
    text.cfg(predicate);
    text.line(&format!("impl From<{payload}> for {union} {{"));
    text.docs("    ", doc);
    text.line(&format!("    fn from(value: {payload}) -> Self {{"));
    match boxed {
        true => text.line(&format!("        Self::{variant}(Box::new(value))")),
        false => text.line(&format!("        Self::{variant}(value)")),
    }
    text.line("    }");
    text.line("}");
    text.finish()
}

fn tag_words(union: &UnionDef, tags: &[String]) -> String {
    match (&union.tagging, tags.first()) {
        (Tagging::Internal { property, .. }, Some(tag)) => format!(" (`{property}` {tag:?})"),
        (Tagging::External, Some(key)) => format!(" (key {key:?})"),
        _ => String::new(),
    }
}

/// Accessors for the [`TypeSpace::shared_fields`]: `Option<&T>`, `None` for an unknown variant or where
/// the field is absent.
fn shared_accessors(
    space: &TypeSpace,
    id: TypeId,
    union: &UnionDef,
    cfg: &TokenStream,
    out: &mut Items,
) -> TokenStream {
    let render = Render::new(space);
    let unknown = matches!(union.tagging, Tagging::Internal { .. } | Tagging::External);
    let mut accessors = Vec::new();
    for field in space.shared_fields(union) {
        // Each variant's arm: its name and how it reaches the field, as text.
        let arms: Vec<(&str, String)> = union
            .variants
            .iter()
            .map(|v| {
                let own = match &v.ty {
                    Ty::Named(payload) => match &space.get(*payload).kind {
                        TypeKind::Struct(s) => {
                            s.fields.iter().find(|f| f.json_name == field.json_name)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let access = match own {
                    Some(f) if f.required && !f.nullable => format!("Some(&value.{})", f.ident),
                    Some(f) => format!("value.{}.as_ref()", f.ident),
                    None => "None".to_string(),
                };
                (v.ident.as_str(), access)
            })
            .collect();
        let doc = format!(
            "`{}`, which every variant has: `None` for a variant this client does not know, or where it is absent.",
            field.json_name
        );
        let ty = render.ty(&field.ty);
        if let Some(text) = accessor_text(&doc, &field.ident, &ty, &arms, unknown) {
            accessors.push(out.placeholder(&TokenStream::new(), text));
            continue;
        }
        let method = ident(&field.ident);
        let arms = arms.iter().map(|(variant, access)| {
            let name = format_ident!("{}", variant);
            let access = internal_tokens(access);
            quote!(Self::#name(value) => #access,)
        });
        let unknown = unknown.then(|| quote!(Self::Unknown(_) => None,));
        let doc = format!(" {doc}");
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> Option<&#ty> {
                match self {
                    #(#arms)*
                    #unknown
                }
            }
        });
    }
    if accessors.is_empty() {
        return TokenStream::new();
    }
    let union_ty = named(space, id);
    quote! {
        #cfg
        impl #union_ty {
            #(#accessors)*
        }
    }
}

/// A shared accessor method as text, when it fits (see [`ItemText`]).
fn accessor_text(
    doc: &str,
    method: &str,
    ty: &RustType,
    arms: &[(&str, String)],
    unknown: bool,
) -> Option<String> {
    let mut text = ItemText::new(128 + 64 * arms.len());
    text.docs("    ", doc);
    text.line(&format!("    pub fn {method}(&self) -> Option<&{ty}> {{"));
    text.line("        match self {");
    for (variant, access) in arms {
        text.line(&format!("            Self::{variant}(value) => {access},"));
    }
    if unknown {
        text.line("            Self::Unknown(_) => None,");
    }
    text.line("        }");
    text.line("    }");
    text.finish()
}

/// `with_<field>(value)` on a union for each of its [`TypeSpace::shared_fields`]: set in whichever variant
/// it holds (through the variant's own setter; in an unknown variant's object, as JSON).
fn union_setters(api: &Api, id: TypeId, union: &UnionDef) -> Result<TokenStream> {
    let space = &api.types;
    let methods = space.shared_fields(union).into_iter().map(|field| {
        let method = format_ident!("with_{}", names::bare(&field.ident));
        let ty = Render::new(space).ty(&field.ty);
        let key = &field.json_name;
        let arms = union.variants.iter().map(|v| {
            let name = format_ident!("{}", v.ident);
            quote!(Self::#name(inner) => Self::#name(inner.#method(value)),)
        });
        let unknown = match union.tagging {
            Tagging::Internal { .. } | Tagging::External => quote! {
                Self::Unknown(mut raw) => {
                    if let (Some(object), Ok(json)) = (raw.as_object_mut(), serde_json::to_value(value)) {
                        object.insert(#key.to_string(), json);
                    }
                    Self::Unknown(raw)
                }
            },
            _ => TokenStream::new(),
        };
        let doc = format!(" This value with `{key}` set, whichever variant it is.");
        quote! {
            #[doc = #doc]
            pub fn #method(self, value: impl Into<#ty>) -> Self {
                let value: #ty = value.into();
                match self {
                    #(#arms)*
                    #unknown
                }
            }
        }
    });
    let union_ty = named(space, id);
    let cfg = cfg(api, &[id])?;
    Ok(quote! {
        #cfg
        impl #union_ty {
            #(#methods)*
        }
    })
}

/// `with_<field>(value)` for each field: the value set (in `Some` where the field is optional).
fn setters(api: &Api, id: TypeId, out: &mut Items) -> Result<TokenStream> {
    let space = &api.types;
    let TypeKind::Struct(s) = &space.get(id).kind else {
        return Ok(TokenStream::new());
    };
    let render = Render::new(space);
    let methods: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let method = format!("with_{}", names::bare(&f.ident));
            let ty = render.ty(&f.ty);
            let value = match f.boxed {
                true => "Box::new(value.into())",
                false => "value.into()",
            };
            let set = match (f.required, f.nullable) {
                (true, false) => value.to_string(),
                (true, true) | (false, false) => format!("Some({value})"),
                (false, true) => format!("crate::Nullable::Present({value})"),
            };
            let doc = format!("This value with `{}` set.", f.json_name);
            if let Some(text) = setter_text(&doc, &method, &f.ident, &ty, &set) {
                return out.placeholder(&TokenStream::new(), text);
            }
            let doc = format!(" {doc}");
            let (member, method) = (ident(&f.ident), format_ident!("{method}"));
            let set = internal_tokens(&set);
            quote! {
                #[doc = #doc]
                pub fn #method(mut self, value: impl Into<#ty>) -> Self {
                    self.#member = #set;
                    self
                }
            }
        })
        .collect();
    let ty = named(space, id);
    let cfg = cfg(api, &[id])?;
    Ok(quote! {
        #cfg
        impl #ty {
            #(#methods)*
        }
    })
}

/// A setter method as text, when it fits (see [`ItemText`]): its signature on one line, or
/// with a parameter a line as the formatter breaks it.
fn setter_text(doc: &str, method: &str, member: &str, ty: &RustType, set: &str) -> Option<String> {
    let mut text = ItemText::new(256);
    text.docs("    ", doc);
    let signature = format!("    pub fn {method}(mut self, value: impl Into<{ty}>) -> Self {{");
    if signature.len() <= super::syntax::WIDTH {
        text.line(&signature);
    } else {
        text.line(&format!("    pub fn {method}("));
        text.line("        mut self,");
        text.line(&format!("        value: impl Into<{ty}>,"));
        text.line("    ) -> Self {");
    }
    text.line(&format!("        self.{member} = {set};"));
    text.line("        self");
    text.line("    }");
    text.finish()
}

/// Tokens of an expression this module wrote as text (from identifiers and fixed words, so it
/// always lexes); were it not to, the item would name the failure and not parse, rather than
/// lose the expression.
fn internal_tokens(text: &str) -> TokenStream {
    text.parse().unwrap_or_else(|error| {
        let message = format!("internal error: `{text}` does not lex: {error}");
        quote!(compile_error!(#message))
    })
}

/// `impl From<A> for B` or `impl TryFrom<A> for B` (error: [`crate::Error`]).
fn conversion_impl(api: &Api, conversion: &Conversion) -> Result<TokenStream> {
    let space = &api.types;
    let (from, to) = (named(space, conversion.from), named(space, conversion.to));
    let cfg = cfg(api, &[conversion.from, conversion.to])?;
    let fallible = conversion.fallible;
    let body = match &conversion.kind {
        ConversionKind::Enum => quote!(Self::from(value.as_str())),
        ConversionKind::IntoVariant(index, value_conv) => {
            let TypeKind::Union(union) = &space.get(conversion.to).kind else {
                return Ok(TokenStream::new());
            };
            let variant = format_ident!("{}", union.variants[*index].ident);
            let inner = plain(api, value_conv, &Ty::Named(conversion.from), quote!(value));
            quote!(Self::#variant(#inner))
        }
        ConversionKind::Union(pairs) => union_body(api, conversion, pairs, fallible),
        ConversionKind::Struct(sources) => struct_body(api, conversion, sources, fallible),
    };
    let from_name = &space.get(conversion.from).name;
    let to_name = &space.get(conversion.to).name;
    let mut doc = if conversion.root {
        format!(
            " The request that updates a fetched `{from_name}`: every field it has in common with `{to_name}` (and every field this client does not know), so that read, change one field, update loses nothing."
        )
    } else {
        format!(" `{from_name}` as `{to_name}`, field by field (part of an update request).")
    };
    if fallible {
        doc.push_str(" Fails, naming the field, where a field the request requires is absent.");
    }
    for (field, why) in &conversion.not_carried {
        doc.push_str(&format!(" `{field}` is not carried: {why}."));
    }
    Ok(if fallible {
        quote! {
            #cfg
            impl TryFrom<#from> for #to {
                type Error = crate::Error;
                #[doc = #doc]
                fn try_from(value: #from) -> crate::Result<Self> {
                    Ok(#body)
                }
            }
        }
    } else {
        quote! {
            #cfg
            impl From<#from> for #to {
                #[doc = #doc]
                fn from(value: #from) -> Self {
                    #body
                }
            }
        }
    })
}

fn union_body(
    api: &Api,
    conversion: &Conversion,
    pairs: &[(usize, usize, ValueConv)],
    fallible: bool,
) -> TokenStream {
    let space = &api.types;
    let (TypeKind::Union(a), TypeKind::Union(b)) = (
        &space.get(conversion.from).kind,
        &space.get(conversion.to).kind,
    ) else {
        return quote!(unreachable!());
    };
    let from = named(space, conversion.from);
    let arms = pairs.iter().map(|(i, j, value_conv)| {
        let source = format_ident!("{}", a.variants[*i].ident);
        let target = format_ident!("{}", b.variants[*j].ident);
        let ty = &a.variants[*i].ty;
        let inner = if fallible {
            let tried = tried(api, value_conv, ty, quote!(value));
            quote!(#tried?)
        } else {
            plain(api, value_conv, ty, quote!(value))
        };
        quote!(#from::#source(value) => Self::#target(#inner),)
    });
    let unknown = match a.tagging {
        Tagging::Internal { .. } | Tagging::External => {
            quote!(#from::Unknown(value) => Self::Unknown(value),)
        }
        _ => TokenStream::new(),
    };
    quote! {
        match value {
            #(#arms)*
            #unknown
        }
    }
}

fn struct_body(
    api: &Api,
    conversion: &Conversion,
    sources: &[FieldSource],
    fallible: bool,
) -> TokenStream {
    let space = &api.types;
    let (TypeKind::Struct(a), TypeKind::Struct(b)) = (
        &space.get(conversion.from).kind,
        &space.get(conversion.to).kind,
    ) else {
        return quote!(unreachable!());
    };
    let target_name = &space.get(conversion.to).name;
    let fields = b.fields.iter().zip(sources).map(|(target, source)| {
        let member = ident(&target.ident);
        let FieldSource::From { field, value } = source else {
            return quote!(#member: Default::default(),);
        };
        let source_field = &a.fields[*field];
        let input_member = ident(&source_field.ident);
        let input = quote!(value.#input_member);
        let label = format!("{target_name}.{}", target.json_name);
        let expr = field_expr(api, source_field, target, value, input, fallible, &label);
        quote!(#member: #expr,)
    });
    quote! {
        Self {
            #(#fields)*
            additional_properties: value.additional_properties,
        }
    }
}

/// One field's value, moved from the source field's presence to the target's.
fn field_expr(
    api: &Api,
    source: &Field,
    target: &Field,
    value: &ValueConv,
    input: TokenStream,
    fallible: bool,
    label: &str,
) -> TokenStream {
    let ty = &source.ty;
    let one = |input: TokenStream| -> TokenStream {
        if fallible && convert::fallible(value, &api.conversions, ty) {
            let tried = tried(api, value, ty, input);
            quote!(#tried?)
        } else {
            plain(api, value, ty, input)
        }
    };
    match (
        (source.required, source.nullable),
        (target.required, target.nullable),
    ) {
        ((true, false), (true, false)) => one(input),
        ((true, false), _) => {
            let converted = one(input);
            quote!(Some(#converted))
        }
        ((false, false), (true, false)) => {
            let present = quote!(crate::values::required(#input, #label)?);
            one(present)
        }
        ((false, true), (false, true)) => {
            let converted = one(quote!(value));
            quote!(match #input {
                crate::Nullable::Present(value) => crate::Nullable::Present(#converted),
                crate::Nullable::Null => crate::Nullable::Null,
                crate::Nullable::Missing => crate::Nullable::Missing,
            })
        }
        // Both `Option`: optional, or required and nullable.
        _ if *value == ValueConv::Move => input,
        _ if fallible && convert::fallible(value, &api.conversions, ty) => {
            let tried = tried(api, value, ty, quote!(value));
            quote!(#input.map(|value| #tried).transpose()?)
        }
        _ => {
            let converted = plain(api, value, ty, quote!(value));
            quote!(#input.map(|value| #converted))
        }
    }
}

/// An expression converting `input` (of type `from`) without failing.
fn plain(api: &Api, value: &ValueConv, from: &Ty, input: TokenStream) -> TokenStream {
    let space = &api.types;
    match (value, from) {
        (ValueConv::Move, _) => input,
        (ValueConv::Named(to), _) => {
            let to = named(space, *to);
            quote!(#to::from(#input))
        }
        (ValueConv::Vec(inner), Ty::Vec(item)) => {
            let each = plain(api, inner, item, quote!(item));
            quote!(#input.into_iter().map(|item| #each).collect())
        }
        (ValueConv::Map(inner), Ty::Map(item)) => {
            let each = plain(api, inner, item, quote!(item));
            quote!(#input.into_iter().map(|(key, item)| (key, #each)).collect())
        }
        (ValueConv::Nullable(inner), Ty::Nullable(item)) => {
            let each = plain(api, inner, item, quote!(item));
            quote!(#input.map(|item| #each))
        }
        _ => input,
    }
}

/// An expression converting `input` (of type `from`) into a `crate::Result`.
fn tried(api: &Api, value: &ValueConv, from: &Ty, input: TokenStream) -> TokenStream {
    if !convert::fallible(value, &api.conversions, from) {
        let converted = plain(api, value, from, input);
        return quote!(crate::Result::Ok(#converted));
    }
    let space = &api.types;
    match (value, from) {
        (ValueConv::Named(to), _) => {
            let to = named(space, *to);
            quote!(#to::try_from(#input))
        }
        (ValueConv::Vec(inner), Ty::Vec(item)) => {
            let each = tried(api, inner, item, quote!(item));
            quote!(#input.into_iter().map(|item| #each).collect::<crate::Result<Vec<_>>>())
        }
        (ValueConv::Map(inner), Ty::Map(item)) => {
            let each = tried(api, inner, item, quote!(item));
            quote!(#input.into_iter().map(|(key, item)| #each.map(|item| (key, item))).collect::<crate::Result<_>>())
        }
        (ValueConv::Nullable(inner), Ty::Nullable(item)) => {
            let each = tried(api, inner, item, quote!(item));
            quote!(#input.map(|item| #each).transpose())
        }
        _ => quote!(crate::Result::Ok(#input)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::syntax::Compared;

    /// A method written as text, inside `impl X`.
    fn in_impl(text: Option<String>) -> Option<String> {
        text.map(|t| format!("impl X {{\n{t}}}\n"))
    }

    #[test]
    fn a_setter_written_as_text_is_what_the_formatter_writes() {
        let space = TypeSpace::default();
        let ty = Render::new(&space).ty(&Ty::Vec(Box::new(Ty::DateTime)));
        let mut compared = Compared::default();
        for length in 1..60 {
            let name = format!("f{}", "x".repeat(length));
            let (method, member) = (format_ident!("with_{name}"), ident(&name));
            let tokens = quote! {
                impl X {
                    /// This value with `f` set.
                    pub fn #method(mut self, value: impl Into<#ty>) -> Self {
                        self.#member = crate::Nullable::Present(value.into());
                        self
                    }
                }
            };
            let set = "crate::Nullable::Present(value.into())";
            let text = setter_text(
                "This value with `f` set.",
                &method.to_string(),
                &name,
                &ty,
                set,
            );
            let what = format!("setter of {length}");
            compared.check(tokens, in_impl(text), "        mut self,\n", &what);
        }
        compared.assert_more_than(5, Some(5), 5);
    }

    #[test]
    fn an_accessor_written_as_text_is_what_the_formatter_writes() {
        let space = TypeSpace::default();
        let ty = Render::new(&space).ty(&Ty::Vec(Box::new(Ty::DateTime)));
        let mut compared = Compared::default();
        for length in 1..60 {
            let name = format!("f{}", "x".repeat(length));
            let (method, member) = (ident(&name), ident(&name));
            let tokens = quote! {
                impl X {
                    /// `f`, which every variant has.
                    pub fn #method(&self) -> Option<&#ty> {
                        match self {
                            Self::A(value) => Some(&value.#member),
                            Self::B(value) => value.#member.as_ref(),
                            Self::Unknown(_) => None,
                        }
                    }
                }
            };
            let arms = [
                ("A", format!("Some(&value.{name})")),
                ("B", format!("value.{name}.as_ref()")),
            ];
            let text = accessor_text("`f`, which every variant has.", &name, &ty, &arms, true);
            compared.check(
                tokens,
                in_impl(text),
                "\n\n",
                &format!("accessor of {length}"),
            );
        }
        compared.assert_more_than(5, None, 5);
    }

    #[test]
    fn a_from_impl_written_as_text_is_what_the_formatter_writes() {
        let space = TypeSpace::default();
        let ty = Render::new(&space).ty(&Ty::Vec(Box::new(Ty::Map(Box::new(Ty::DateTime)))));
        let predicate = crate::ir::features::Predicate::Feature("a".into());
        let mut compared = Compared::default();
        for length in 1..60 {
            let variant = format_ident!("V{}", "x".repeat(length));
            let tokens = quote! {
                #[cfg(feature = "a")]
                impl From<#ty> for #variant {
                    /// The variant.
                    fn from(value: #ty) -> Self {
                        Self::#variant(Box::new(value))
                    }
                }
            };
            let types = (ty.to_string(), variant.to_string());
            let text = from_text(
                Some(&predicate),
                (&types.0, &types.1),
                "The variant.",
                &types.1,
                true,
            );
            compared.check(tokens, text, "\n\n", &format!("From impl of {length}"));
        }
        compared.assert_more_than(5, None, 5);
    }
}
