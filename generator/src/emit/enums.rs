//! String enums and unions as plain Rust enums (an overlapping union as a newtype), followed
//! by the macro that writes their serde impls: `Unknown` keeps what this version of the client
//! does not know.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::render::{Render, RustType};
use super::syntax::{type_doc_text, ItemText, Items};
use crate::ir::features::Predicate;
use crate::ir::names;
use crate::ir::types::{EnumDef, Tagging, Tagless, TypeDef, TypeId, TypeKind, TypeSpace, UnionDef};

/// A string enum and its `string_enum_impls!`.
pub fn string_enum(
    def: &TypeDef,
    e: &EnumDef,
    (cfg, predicate): (&TokenStream, Option<&Predicate>),
    out: &mut Items,
) -> TokenStream {
    let mut text = format!("string_enum_impls!({} {{\n", def.name);
    for v in &e.values {
        text.push_str(&format!("    {} = {:?},\n", v.ident, v.value));
    }
    text.push_str("});\n");
    let impls = out.placeholder(cfg, text);
    let variants: Vec<Variant> = e
        .values
        .iter()
        .map(|v| Variant {
            doc: format!("`{}`", v.value.replace('`', "'")),
            ident: v.ident.clone(),
            ty: None,
        })
        .collect();
    let definition = Definition {
        name: &def.name,
        doc: type_doc_text(def),
        derives: "Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord",
        serde: false,
        variants,
        unknown: Some((
            "A value this version of the client does not know; kept as received.",
            "String",
        )),
    };
    let item = definition.item(cfg, predicate, out);
    quote! {
        #item
        #impls
    }
}

/// A Rust enum's variant: its docs (clean markdown), name and payload type.
struct Variant {
    doc: String,
    ident: String,
    ty: Option<RustType>,
}

/// A Rust enum's definition.
struct Definition<'a> {
    name: &'a str,
    /// The enum's docs, clean markdown.
    doc: String,
    /// The derived traits, as written.
    derives: &'static str,
    /// Whether serde's derives decode it (`#[serde(untagged)]`).
    serde: bool,
    variants: Vec<Variant>,
    /// The last variant's docs and payload type, for what this client does not know.
    unknown: Option<(&'static str, &'static str)>,
}

impl Definition<'_> {
    /// The item: its text when it fits (see [`ItemText`]), else a placeholder-free token
    /// stream for the formatter.
    fn item(
        &self,
        cfg: &TokenStream,
        predicate: Option<&Predicate>,
        out: &mut Items,
    ) -> TokenStream {
        match self.text(predicate) {
            Some(text) => out.placeholder(&TokenStream::new(), text),
            None => self.tokens(cfg),
        }
    }

    fn tokens(&self, cfg: &TokenStream) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let docs = doc::lines(&self.doc);
        let derives = self.derives.split(", ").map(|d| format_ident!("{d}"));
        let serde = self.serde.then(|| quote!(#[serde(untagged)]));
        let variants = self.variants.iter().map(|v| {
            let docs = doc::lines(&v.doc);
            let variant = format_ident!("{}", v.ident);
            match &v.ty {
                Some(ty) => quote! { #docs #variant(#ty), },
                None => quote! { #docs #variant, },
            }
        });
        let unknown = self.unknown.map(|(doc, ty)| {
            let docs = doc::lines(doc);
            let ty = ty.split("::").map(|segment| format_ident!("{segment}"));
            quote! { #docs Unknown(#(#ty)::*), }
        });
        quote! {
            #docs
            #cfg
            #[derive(#(#derives),*)]
            #serde
            pub enum #name {
                #(#variants)*
                #unknown
            }
        }
    }

    /// The text the formatter writes for [`Definition::tokens`], when every line fits and
    /// every doc is one the formatter writes as `///` lines.
    fn text(&self, predicate: Option<&Predicate>) -> Option<String> {
        if self.variants.is_empty() && self.unknown.is_none() {
            return None;
        }
        let mut text = ItemText::new(256 + 96 * self.variants.len());
        text.docs("", &self.doc);
        text.cfg(predicate);
        text.line(&format!("#[derive({})]", self.derives));
        if self.serde {
            text.line("#[serde(untagged)]");
        }
        text.line(&format!("pub enum {} {{", self.name));
        for v in &self.variants {
            text.docs("    ", &v.doc);
            match &v.ty {
                Some(ty) => text.line(&format!("    {}({ty}),", v.ident)),
                None => text.line(&format!("    {},", v.ident)),
            }
        }
        if let Some((doc, ty)) = self.unknown {
            text.docs("    ", doc);
            text.line(&format!("    Unknown({ty}),"));
        }
        text.line("}");
        text.finish()
    }
}

/// A union: a tagged or untagged enum, or for overlapping variants a newtype with a typed
/// view as each.
pub fn union(
    space: &TypeSpace,
    def: &TypeDef,
    u: &UnionDef,
    (cfg, predicate): (&TokenStream, Option<&Predicate>),
    out: &mut Items,
) -> TokenStream {
    if u.tagging == Tagging::Overlapping {
        return overlapping(space, def, u, cfg, out);
    }
    let item = union_definition(space, def, u).item(cfg, predicate, out);
    // A tagged union's serde impls come from its macro; an untagged one derives them.
    let impls =
        (u.tagging != Tagging::Untagged).then(|| out.placeholder(cfg, tagged_impls_text(def, u)));
    quote! {
        #item
        #impls
    }
}

/// The variants of a union's enum, each with its docs.
fn variants(space: &TypeSpace, u: &UnionDef) -> Vec<Variant> {
    let render = Render::new(space);
    u.variants
        .iter()
        .map(|v| {
            let doc = match (&v.doc, &u.tagging) {
                (Some(d), _) => doc::sanitize(d),
                (None, Tagging::Internal { property, .. }) => {
                    format!("The variant whose `{property}` is {}.", tag_list(&v.tags))
                }
                (None, Tagging::External) => {
                    format!("The variant under the key {}.", tag_list(&v.tags))
                }
                (None, _) => format!("A `{}` value.", render.ty(&v.ty)),
            };
            Variant {
                doc,
                ident: v.ident.clone(),
                ty: Some(render.boxed(&v.ty, v.boxed)),
            }
        })
        .collect()
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

/// The enum of a tagged union (with its `Unknown` variant) or of an untagged one (serde tries
/// the variants in the order the analysis proved sound).
fn union_definition<'a>(space: &TypeSpace, def: &'a TypeDef, u: &UnionDef) -> Definition<'a> {
    let mut doc = type_doc_text(def);
    if u.tagging != Tagging::Untagged {
        return Definition {
            name: &def.name,
            doc,
            derives: "Debug, Clone, PartialEq",
            serde: false,
            variants: variants(space, u),
            unknown: Some((
                "A kind this version of the client does not know; the whole object, as received.",
                "serde_json::Value",
            )),
        };
    }
    doc.push_str(
        "\n\nDecoded as the first variant, in the order listed, that accepts the value; \
         each variant rejects every value of the variants after it",
    );
    match u.rationale.as_deref().filter(|r| !r.is_empty()) {
        Some(reason) => doc.push_str(&format!(" ({}).", doc::sanitize(reason))),
        None => doc.push('.'),
    }
    Definition {
        name: &def.name,
        doc,
        derives: "Debug, Clone, PartialEq, Serialize, Deserialize",
        serde: true,
        variants: variants(space, u),
        unknown: None,
    }
}

/// `internal_union_impls!(..)` or `external_union_impls!(..)`, as text.
fn tagged_impls_text(def: &TypeDef, u: &UnionDef) -> String {
    let mut text = match &u.tagging {
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
            format!(
                "internal_union_impls!({} tag {property:?}{tagless} {{\n",
                def.name
            )
        }
        _ => format!("external_union_impls!({} {{\n", def.name),
    };
    for v in &u.variants {
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
        text.push_str(&format!("    {} = {tags}{held},\n", v.ident));
    }
    text.push_str("});\n");
    text
}

/// A union whose variants overlap: the value as received, a typed view (`as_x`) and a
/// constructor (`from_x`) per variant.
fn overlapping(
    space: &TypeSpace,
    def: &TypeDef,
    u: &UnionDef,
    cfg: &TokenStream,
    out: &mut Items,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let mut doc_text = type_doc_text(def);
    doc_text.push_str(&format!(
        "\n\nThe variants of this union accept some of the same values ({}), so a value is not \
         decoded into one of them: it is kept as received and written back unchanged. Each \
         `as_...` method decodes it as one variant; each `from_...` builds it from one.",
        u.rationale
            .as_deref()
            .unwrap_or_default()
            .trim_start_matches("overlapping: ")
    ));
    let docs = doc::lines(&doc_text);
    let secrets: Vec<String> = secret_names(space, u);
    let quoted = |words: &mut dyn Iterator<Item = &str>| {
        words
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kinds = crate::ir::types::soundness::variant_kinds(space, u);
    let impls = out.placeholder(
        cfg,
        format!(
            "raw_union_impls!({} secrets [{}] kinds [{}]);\n",
            def.name,
            quoted(&mut secrets.iter().map(String::as_str)),
            quoted(&mut kinds.iter().copied()),
        ),
    );
    let views = views(space, u);
    quote! {
        #docs
        #cfg
        #[derive(Clone, PartialEq)]
        pub struct #name(serde_json::Value);
        #impls
        #cfg
        impl #name {
            #(#views)*

            /// The value as received (or as built).
            pub fn as_json(&self) -> &serde_json::Value {
                &self.0
            }

            /// The value as received (or as built).
            pub fn into_json(self) -> serde_json::Value {
                self.0
            }
        }
    }
}

/// `as_x` (the value decoded as a variant) and `from_x` (the value of a variant) for each
/// variant of an overlapping union.
fn views(space: &TypeSpace, u: &UnionDef) -> Vec<TokenStream> {
    let render = Render::new(space);
    let mut local = names::NameTable::default();
    u.variants
        .iter()
        .map(|v| {
            let base = names::bare(&names::field_name(&v.ident)).to_string();
            let stem = local.claim(&[base.clone(), format!("{base}_variant")]);
            let (as_fn, from_fn) = (format_ident!("as_{stem}"), format_ident!("from_{stem}"));
            let ty = render.boxed(&v.ty, v.boxed);
            let mut as_doc = format!(
                "The value as a `{}`, if it decodes as one.",
                render.ty(&v.ty)
            );
            if let Some(doc) = &v.doc {
                as_doc = format!("{}\n\n{as_doc}", doc::sanitize(doc));
            }
            let as_docs = doc::lines(&as_doc);
            let from_doc = format!(" The value of a `{}`; see [`Self::{as_fn}`].", v.ident);
            quote! {
                #as_docs
                pub fn #as_fn(&self) -> Result<#ty, serde_json::Error> {
                    serde::Deserialize::deserialize(&self.0)
                }

                #[doc = #from_doc]
                pub fn #from_fn(value: #ty) -> Result<Self, serde_json::Error> {
                    serde_json::to_value(value).map(Self)
                }
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::syntax::Compared;
    use crate::ir::types::Ty;

    #[test]
    fn an_enum_written_as_text_is_what_the_formatter_writes() {
        let space = TypeSpace::default();
        let render = Render::new(&space);
        let predicate = Predicate::Feature("applications".into());
        let cfg = super::super::cfg_attr(Some(&predicate));
        let mut compared = Compared::default();
        for length in 10..60 {
            let ident = format!("V{}", "a".repeat(length - 1));
            let variants = vec![
                Variant {
                    doc: "First line [x]\n\n- item\n  goes on".into(),
                    ident: ident.clone(),
                    ty: Some(render.ty(&Ty::Vec(Box::new(Ty::Map(Box::new(Ty::Any)))))),
                },
                Variant {
                    doc: "`a \"quoted\" value`".into(),
                    ident: "Plain".into(),
                    ty: None,
                },
            ];
            let definition = Definition {
                name: &ident,
                doc: "An enum.\n\nSchema: `#/x`".into(),
                derives: "Debug, Clone, PartialEq, Serialize, Deserialize",
                serde: length % 2 == 0,
                variants,
                unknown: (length % 3 == 0).then_some(("Not known.", "serde_json::Value")),
            };
            let (tokens, text) = (definition.tokens(&cfg), definition.text(Some(&predicate)));
            compared.check(tokens, text, "\n\n", &format!("variant of {length}"));
        }
        compared.assert_more_than(10, None, 10);
    }
}
