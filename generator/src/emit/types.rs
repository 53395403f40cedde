//! Type definitions: structs, string enums and unions.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::doc;
use crate::ir::features::Features;
use crate::ir::types::{
    Field, StructDef, Tagging, Tagless, Ty, TypeDef, TypeId, TypeKind, TypeSpace, UnionDef,
};

/// An identifier token, raw (`r#type`) where needed.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type expression for `ty`, as seen from inside the generated crate.
pub fn rust_type(space: &TypeSpace, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::DateTime => quote!(crate::DateTime),
        Ty::Any => quote!(serde_json::Value),
        Ty::Named(id) => {
            let name = format_ident!("{}", space.get(*id).name);
            quote!(crate::types::#name)
        }
        Ty::Vec(inner) => {
            let inner = rust_type(space, inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) if **inner == Ty::Any => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Map(inner) => {
            let inner = rust_type(space, inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Nullable(inner) => {
            let inner = rust_type(space, inner);
            quote!(Option<#inner>)
        }
    }
}

/// `rust_type` as readable source text (`Vec<crate::types::Rule>`).
pub fn type_string(space: &TypeSpace, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "crate::DateTime".into(),
        Ty::Any => "serde_json::Value".into(),
        Ty::Named(id) => format!("crate::types::{}", space.get(*id).name),
        Ty::Vec(inner) => format!("Vec<{}>", type_string(space, inner)),
        Ty::Map(inner) if **inner == Ty::Any => "serde_json::Map<String, serde_json::Value>".into(),
        Ty::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            type_string(space, inner)
        ),
        Ty::Nullable(inner) => format!("Option<{}>", type_string(space, inner)),
    }
}

/// Macro invocations are written as text (formatters leave macro bodies alone, so tokens
/// would stay on one long line); the token stream holds a placeholder for each.
pub const PLACEHOLDER: &str = "__forge_macro";

/// The whole `types.rs` module body, and the macro texts its placeholders stand for.
pub fn module(space: &TypeSpace, features: &Features) -> (TokenStream, Vec<String>) {
    module_part(space, features, 0..space.types.len())
}

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
    let mut macros = Vec::new();
    let first = range.start == 0;
    let items: Vec<TokenStream> = range
        .map(|index| {
            let cfg = features
                .type_predicate(TypeId(index))
                .map(|p| p.to_string());
            type_def(space, &space.types[index], cfg.as_deref(), &mut macros)
        })
        .collect();
    if !first {
        return (quote! { #(#items)* }, macros);
    }
    let mut imports = Vec::new();
    let derives = space.types.iter().any(|t| match &t.kind {
        TypeKind::Union(u) => u.tagging == Tagging::Untagged,
        _ => false,
    });
    if derives {
        imports.push(quote!(
            use serde::{Deserialize, Serialize};
        ));
    }
    for (name, used) in [
        ("external_union", space.types.iter().any(|t| matches!(&t.kind, TypeKind::Union(u) if u.tagging == Tagging::External))),
        ("internal_union", space.types.iter().any(|t| matches!(&t.kind, TypeKind::Union(u) if matches!(u.tagging, Tagging::Internal { .. })))),
        ("object", space.types.iter().any(|t| matches!(t.kind, TypeKind::Struct(_)))),
        ("raw_union", space.types.iter().any(|t| matches!(&t.kind, TypeKind::Union(u) if u.tagging == Tagging::Overlapping))),
        ("string_enum", space.types.iter().any(|t| matches!(t.kind, TypeKind::Enum(_)))),
    ] {
        if used {
            let m = format_ident!("{}", name);
            imports.push(quote!(use crate::macros::#m;));
        }
    }
    // Without some features, some of the macros are not used.
    let unused = (!features.groups.is_empty()).then(|| quote!(#![allow(unused_imports)]));
    let tokens = quote! {
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]
        #unused
        #(#imports)*
        #(#items)*
    };
    (tokens, macros)
}

/// `"a"`, `"a"` or `"b"`, ... for variant docs.
fn tag_list(tags: &[String]) -> String {
    let quoted: Vec<String> = tags.iter().map(|t| format!("`{t:?}`")).collect();
    match quoted.split_last() {
        None => "untagged".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn placeholder(macros: &mut Vec<String>, text: String) -> TokenStream {
    let index = macros.len();
    macros.push(text);
    let name = format_ident!("{}", PLACEHOLDER);
    quote! { #name!(#index); }
}

fn doc_comment(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            format!(
                "{indent}///{}\n",
                if l.is_empty() {
                    String::new()
                } else {
                    format!(" {l}")
                }
            )
        })
        .collect()
}

fn type_doc_text(def: &TypeDef) -> String {
    let mut text = match &def.doc {
        Some(d) => doc::sanitize(d),
        None => format!("`{}`", def.name),
    };
    text.push_str(&format!("\n\nSchema: `{}`", def.pointer.replace('`', "'")));
    text
}

/// The items of one type; `cfg` is the predicate of the features that need it.
fn type_def(
    space: &TypeSpace,
    def: &TypeDef,
    cfg: Option<&str>,
    macros: &mut Vec<String>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let cfg_line = cfg.map(|p| format!("#[cfg({p})]\n")).unwrap_or_default();
    let cfg_attr: TokenStream = cfg_line.parse().unwrap_or_default();
    match &def.kind {
        TypeKind::Pending => TokenStream::new(),
        TypeKind::Struct(s) => {
            let all_optional = s.fields.iter().all(|f| !f.required);
            let sensitive = s.fields.iter().any(|f| f.sensitive);
            let mut derives = vec!["Clone", "PartialEq"];
            if !sensitive {
                derives.insert(0, "Debug");
            }
            if all_optional {
                derives.push("Default");
            }
            let mut text = format!(
                "{cfg_line}object! {{\n{}    #[derive({})]\n    pub struct {} {{\n",
                doc_comment(&type_doc_text(def), "    "),
                derives.join(", "),
                def.name
            );
            for f in &s.fields {
                text.push_str(&field_text(space, f));
            }
            let additional = if s.additional == Ty::Any {
                "serde_json::Map<String, serde_json::Value>".to_string()
            } else {
                format!(
                    "std::collections::BTreeMap<String, {}>",
                    type_string(space, &s.additional)
                )
            };
            text.push_str(&format!(
                "        ..additional_properties: {additional},\n    }}\n}}\n"
            ));
            if !all_optional {
                text.push_str(&cfg_line);
                text.push_str(&constructor_text(space, &def.name, s));
            }
            let object = placeholder(macros, text);
            if !sensitive {
                return object;
            }
            // Secrets never reach `Debug` output (logs, error reports).
            let name_str = def.name.clone();
            let debug_fields = s.fields.iter().map(|f| {
                let ident = ident(&f.ident);
                let label = f.ident.trim_start_matches("r#").to_string();
                if f.sensitive {
                    quote!(.field(#label, &"<redacted>"))
                } else {
                    quote!(.field(#label, &self.#ident))
                }
            });
            quote! {
                #object
                #cfg_attr
                impl std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.debug_struct(#name_str)
                            #(#debug_fields)*
                            .field("additional_properties", &self.additional_properties)
                            .finish()
                    }
                }
            }
        }
        TypeKind::Enum(e) => {
            let mut text = format!(
                "{cfg_line}string_enum! {{\n{}    {} {{\n",
                doc_comment(&type_doc_text(def), "    "),
                def.name
            );
            for v in &e.values {
                text.push_str(&doc_comment(
                    &format!("`{}`", v.value.replace('`', "'")),
                    "        ",
                ));
                text.push_str(&format!("        {} = {:?},\n", v.ident, v.value));
            }
            text.push_str("    }\n}\n");
            placeholder(macros, text)
        }
        TypeKind::Union(u) if u.tagging == Tagging::Overlapping => {
            placeholder(macros, overlapping_union(space, def, u, &cfg_line))
        }
        TypeKind::Union(u) if u.tagging == Tagging::Untagged => {
            let variants = u.variants.iter().map(|v| {
                let ident = format_ident!("{}", v.ident);
                let mut ty = rust_type(space, &v.ty);
                if v.boxed {
                    ty = quote!(Box<#ty>);
                }
                let fallback = format!("A `{}` value.", type_string(space, &v.ty));
                let vdoc = doc::attrs(Some(v.doc.as_deref().unwrap_or(&fallback)));
                quote! { #vdoc #ident(#ty), }
            });
            let mut text = type_doc_text(def);
            text.push_str(
                "\n\nDecoded as the first variant, in the order listed, that accepts the value; \
                 each variant rejects every value of the variants after it",
            );
            match u.rationale.as_deref().filter(|r| !r.is_empty()) {
                Some(reason) => text.push_str(&format!(" ({}).", doc::sanitize(reason))),
                None => text.push('.'),
            }
            let docs = doc::lines(&text);
            quote! {
                #docs
                #cfg_attr
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#variants)* }
            }
        }
        TypeKind::Union(u) => {
            let (kind, header) = match &u.tagging {
                Tagging::Internal { property, tagless } => {
                    let tagless = match tagless {
                        Tagless::Refused => String::new(),
                        Tagless::Kept => " tagless []".into(),
                        Tagless::Variants(order) => format!(
                            " tagless [{}]",
                            order
                                .iter()
                                .map(|&i| u.variants[i].ident.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    (
                        "internal_union",
                        format!("{} tag {:?}{}", def.name, property, tagless),
                    )
                }
                _ => ("external_union", def.name.clone()),
            };
            let mut text = format!(
                "{cfg_line}{kind}! {{\n{}    {header} {{\n",
                doc_comment(&type_doc_text(def), "    ")
            );
            for v in &u.variants {
                let doc_text = match (&v.doc, &u.tagging) {
                    (Some(d), _) => doc::sanitize(d),
                    (None, Tagging::Internal { property, .. }) => {
                        format!("The variant whose `{property}` is {}.", tag_list(&v.tags))
                    }
                    (None, _) => format!("The variant under the key {}.", tag_list(&v.tags)),
                };
                text.push_str(&doc_comment(&doc_text, "        "));
                let mut ty = type_string(space, &v.ty);
                if v.boxed {
                    ty = format!("Box<{ty}>");
                }
                let tags = match &u.tagging {
                    Tagging::External => format!("{:?}", v.tags[0]),
                    _ => format!(
                        "[{}]",
                        v.tags
                            .iter()
                            .map(|t| format!("{t:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let held = match &v.tag_field {
                    Some(field) => format!(" in {field}"),
                    None => String::new(),
                };
                text.push_str(&format!("        {}({ty}) = {tags}{held},\n", v.ident));
            }
            text.push_str("    }\n}\n");
            placeholder(macros, text)
        }
    }
}

/// `raw_union!`: a union whose variants overlap, kept as received with a typed view each.
fn overlapping_union(space: &TypeSpace, def: &TypeDef, union: &UnionDef, cfg_line: &str) -> String {
    let mut doc_text = type_doc_text(def);
    doc_text.push_str(&format!(
        "\n\nThe variants of this union accept some of the same values ({}), so a value is not \
         decoded into one of them: it is kept as received and written back unchanged. Each \
         `as_...` method decodes it as one variant; each `from_...` builds it from one.",
        union
            .rationale
            .as_deref()
            .unwrap_or_default()
            .trim_start_matches("overlapping: ")
    ));
    let secrets = secret_names(space, union);
    let mut text = format!(
        "{cfg_line}raw_union! {{\n{}    {} secrets [{}] {{\n",
        doc_comment(&doc_text, "    "),
        def.name,
        secrets
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut local = crate::ir::names::NameTable::default();
    for v in &union.variants {
        let base = crate::ir::names::bare(&crate::ir::names::field_name(&v.ident)).to_string();
        let stem = local.claim(&[base.clone(), format!("{base}_variant")]);
        let mut doc_line = format!(
            "The value as a `{}`, if it decodes as one.",
            type_string(space, &v.ty)
        );
        if let Some(doc) = &v.doc {
            doc_line = format!("{}\n\n{doc_line}", doc::sanitize(doc));
        }
        text.push_str(&doc_comment(&doc_line, "        "));
        let mut ty = type_string(space, &v.ty);
        if v.boxed {
            ty = format!("Box<{ty}>");
        }
        text.push_str(&format!(
            "        {}({ty}) as as_{stem} from from_{stem},\n",
            v.ident
        ));
    }
    text.push_str("    }\n}\n");
    text
}

/// The JSON names of secret fields anywhere inside the variants of `union`.
fn secret_names(space: &TypeSpace, union: &UnionDef) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut secrets = std::collections::BTreeSet::new();
    let mut stack: Vec<TypeId> = Vec::new();
    for v in &union.variants {
        v.ty.named(&mut |id| stack.push(id));
    }
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let kind = &space.get(id).kind;
        if let TypeKind::Struct(s) = kind {
            for f in s.fields.iter().filter(|f| f.sensitive) {
                secrets.insert(f.json_name.clone());
            }
        }
        kind.each_ty(&mut |ty| ty.named(&mut |id| stack.push(id)));
    }
    secrets.into_iter().collect()
}

/// `impl X { pub fn new(required fields...) -> X }`: the required fields as arguments, in
/// declaration order, every optional one absent. (A struct without required fields has
/// `Default` instead.)
fn constructor_text(space: &TypeSpace, name: &str, s: &StructDef) -> String {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let args: Vec<String> = required
        .iter()
        .map(|f| {
            let ty = type_string(space, &f.ty);
            let ty = if f.nullable {
                format!("Option<{ty}>")
            } else {
                ty
            };
            format!("{}: impl Into<{ty}>", f.ident)
        })
        .collect();
    let names: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.ident.trim_start_matches("r#")))
        .collect();
    let mut body = String::new();
    for f in &s.fields {
        let value = match (f.required, f.boxed) {
            (true, true) if f.nullable => format!("{}.into().map(Box::new)", f.ident),
            (true, true) => format!("Box::new({}.into())", f.ident),
            (true, false) => format!("{}.into()", f.ident),
            (false, _) => "Default::default()".into(),
        };
        body.push_str(&format!("            {}: {value},\n", f.ident));
    }
    let allow = if args.len() > 7 {
        "    #[allow(clippy::too_many_arguments)]\n"
    } else {
        ""
    };
    format!(
        "impl {name} {{\n    /// A `{name}` with its required fields ({}) and every optional field absent.\n{allow}    pub fn new({}) -> Self {{\n        Self {{\n{body}            additional_properties: Default::default(),\n        }}\n    }}\n}}\n",
        names.join(", "),
        args.join(", ")
    )
}

/// One field line of an `object!` invocation, with its docs.
fn field_text(space: &TypeSpace, f: &Field) -> String {
    let mut ty = type_string(space, &f.ty);
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    let fallback = format!("`{}` (the spec does not describe it).", f.json_name);
    let docs = doc_comment(
        &doc::sanitize(f.doc.as_deref().unwrap_or(&fallback)),
        "        ",
    );
    let (kind, ty) = match (f.required, f.nullable) {
        (true, false) => ("required", ty),
        (true, true) => ("required", format!("Option<{ty}>")),
        (false, false) => ("optional", format!("Option<{ty}>")),
        (false, true) => ("optional", format!("crate::Nullable<{ty}>")),
    };
    format!(
        "{docs}        {kind} {}: {ty} = {:?},\n",
        f.ident, f.json_name
    )
}
