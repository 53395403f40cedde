//! Structs: the definition (docs, derives, a public field per property and one for unknown
//! properties), the `object_impls!` invocation that writes their serde impls, a `new`
//! constructor with the required fields, and a redacting `Debug` where a field holds a secret.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::render::{Render, RustType};
use super::syntax::{ident, type_doc_text, ItemText, Items};
use crate::ir::features::Predicate;
use crate::ir::types::{Field, StructDef, Ty, TypeDef, TypeSpace};

/// The doc of the field that keeps the properties no other field names.
const ADDITIONAL_DOC: &str =
    "Properties other than the fields above (properties the spec does not describe, or\n\
    its `additionalProperties`), kept as received so they are written back unchanged.";

/// The items of a struct.
pub fn definition(
    space: &TypeSpace,
    def: &TypeDef,
    s: &StructDef,
    (cfg, predicate): (&TokenStream, Option<&Predicate>),
    out: &mut Items,
) -> TokenStream {
    let render = Render::new(space);
    let all_optional = s.fields.iter().all(|f| !f.required);
    let sensitive = s.fields.iter().any(|f| f.sensitive);
    let mut derives = vec!["Clone", "PartialEq"];
    if !sensitive {
        derives.insert(0, "Debug");
    }
    if all_optional {
        derives.push("Default");
    }
    let additional = render.ty(&Ty::Map(Box::new(s.additional.clone())));
    let struct_item = match struct_text(&render, def, s, predicate, &derives, &additional) {
        Some(text) => out.placeholder(&TokenStream::new(), text),
        None => struct_tokens(&render, def, s, cfg, &derives, &additional),
    };
    let impls = out.placeholder(
        cfg,
        impls_text(&render, &def.name, s, &additional.to_string()),
    );
    let constructor = (!all_optional).then(|| match constructor_text(&render, def, s, predicate) {
        Some(text) => out.placeholder(&TokenStream::new(), text),
        None => constructor(&render, def, s, cfg),
    });
    let debug = sensitive.then(|| redacting_debug(def, s, cfg));
    quote! {
        #struct_item
        #impls
        #constructor
        #debug
    }
}

/// The struct's definition as tokens, for the formatter.
fn struct_tokens(
    render: &Render<'_>,
    def: &TypeDef,
    s: &StructDef,
    cfg: &TokenStream,
    derives: &[&str],
    additional: &RustType,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc::lines(&type_doc_text(def));
    let derives = derives.iter().map(|d| format_ident!("{d}"));
    let fields = s.fields.iter().map(|f| {
        let docs = doc::lines(&field_doc(f));
        let member = ident(&f.ident);
        let ty = render.boxed(&f.ty, f.boxed);
        let ty = match wrapper(f) {
            None => quote!(#ty),
            Some(Wrapper::Option) => quote!(Option<#ty>),
            Some(Wrapper::Nullable) => quote!(crate::Nullable<#ty>),
        };
        quote! {
            #docs
            pub #member: #ty,
        }
    });
    let additional_docs = doc::lines(ADDITIONAL_DOC);
    quote! {
        #docs
        #cfg
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #additional_docs
            pub additional_properties: #additional,
        }
    }
}

/// The struct's definition as the formatter writes [`struct_tokens`], when it fits (see
/// [`ItemText`]).
fn struct_text(
    render: &Render<'_>,
    def: &TypeDef,
    s: &StructDef,
    predicate: Option<&Predicate>,
    derives: &[&str],
    additional: &RustType,
) -> Option<String> {
    let mut text = ItemText::new(256 + 160 * s.fields.len());
    text.docs("", &type_doc_text(def));
    text.cfg(predicate);
    text.line(&format!("#[derive({})]", derives.join(", ")));
    text.line(&format!("pub struct {} {{", def.name));
    for f in &s.fields {
        text.docs("    ", &field_doc(f));
        text.typed(
            4,
            &format!("pub {}: ", f.ident),
            &field_type(render, f),
            ",",
        );
    }
    text.docs("    ", ADDITIONAL_DOC);
    text.typed(4, "pub additional_properties: ", additional, ",");
    text.line("}");
    text.finish()
}

/// A field's type: `T` when required, `Option<T>` when optional or nullable, and
/// `Nullable<T>` when both (absent, `null` and a value are three things).
fn field_type(render: &Render<'_>, f: &Field) -> RustType {
    let ty = render.boxed(&f.ty, f.boxed);
    match wrapper(f) {
        None => ty,
        Some(Wrapper::Option) => ty.wrapped(&["Option"]),
        Some(Wrapper::Nullable) => ty.wrapped(&["crate", "Nullable"]),
    }
}

/// A field's docs, clean markdown.
fn field_doc(f: &Field) -> String {
    let fallback = format!("`{}` (the spec does not describe it).", f.json_name);
    let mut text = f.doc.clone().unwrap_or(fallback);
    if f.required_in_responses {
        text.push_str(
            "\n\nRead-only: the API always sends it, and a request leaves it out (`None`).",
        );
    }
    doc::sanitize(&text)
}

/// What a field's value type is wrapped in.
enum Wrapper {
    /// `Option<T>`: optional, or required and nullable.
    Option,
    /// `Nullable<T>`: optional and nullable (absent, `null` and a value are three things).
    Nullable,
}

fn wrapper(f: &Field) -> Option<Wrapper> {
    match (f.required, f.nullable) {
        (true, false) => None,
        (true, true) | (false, false) => Some(Wrapper::Option),
        (false, true) => Some(Wrapper::Nullable),
    }
}

/// `object_impls!(Name { required id: String = "id", ..additional_properties: Map })`, as
/// text: each field with its type (as declared in the struct).
fn impls_text(render: &Render<'_>, name: &str, s: &StructDef, additional: &str) -> String {
    let mut text = format!("object_impls!({name} {{\n");
    for f in &s.fields {
        let kind = if f.required { "required" } else { "optional" };
        let ty = field_type(render, f);
        text.push_str(&format!(
            "    {kind} {}: {ty} = {:?},\n",
            f.ident, f.json_name
        ));
    }
    text.push_str(&format!(
        "    ..additional_properties: {additional}\n}});\n"
    ));
    text
}

/// `impl X { pub fn new(required fields...) -> X }`: the required fields as arguments (anything
/// that converts into them), in declaration order, every optional one absent.
fn constructor(
    render: &Render<'_>,
    def: &TypeDef,
    s: &StructDef,
    cfg: &TokenStream,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let member = ident(&f.ident);
        let ty = render.ty(&f.ty);
        if f.nullable {
            quote!(#member: impl Into<Option<#ty>>)
        } else {
            quote!(#member: impl Into<#ty>)
        }
    });
    let values = s.fields.iter().map(|f| {
        let member = ident(&f.ident);
        let value = match (f.required, f.boxed) {
            (true, true) if f.nullable => quote!(#member.into().map(Box::new)),
            (true, true) => quote!(Box::new(#member.into())),
            (true, false) => quote!(#member.into()),
            (false, _) => quote!(Default::default()),
        };
        quote!(#member: #value,)
    });
    let doc = format!(" {}", constructor_doc(def, &required));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #cfg
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#values)*
                    additional_properties: Default::default(),
                }
            }
        }
    }
}

/// The doc of a struct's `new`.
fn constructor_doc(def: &TypeDef, required: &[&Field]) -> String {
    let listed: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.ident.trim_start_matches("r#")))
        .collect();
    format!(
        "A `{}` with its required fields ({}) and every optional field absent.",
        def.name,
        listed.join(", ")
    )
}

/// [`constructor`] as the formatter writes it, when it fits (see [`ItemText`]).
fn constructor_text(
    render: &Render<'_>,
    def: &TypeDef,
    s: &StructDef,
    predicate: Option<&Predicate>,
) -> Option<String> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let args: Vec<String> = required
        .iter()
        .map(|f| match f.nullable {
            true => format!("{}: impl Into<Option<{}>>", f.ident, render.ty(&f.ty)),
            false => format!("{}: impl Into<{}>", f.ident, render.ty(&f.ty)),
        })
        .collect();
    let mut text = ItemText::new(512 + 64 * s.fields.len());
    text.cfg(predicate);
    text.line(&format!("impl {} {{", def.name));
    text.docs("    ", &constructor_doc(def, &required));
    if required.len() > 7 {
        text.line("    #[allow(clippy::too_many_arguments)]");
    }
    let signature = format!("    pub fn new({}) -> Self {{", args.join(", "));
    if signature.len() <= super::syntax::WIDTH {
        text.line(&signature);
    } else {
        text.line("    pub fn new(");
        for arg in &args {
            text.line(&format!("        {arg},"));
        }
        text.line("    ) -> Self {");
    }
    text.line("        Self {");
    for f in &s.fields {
        let member = &f.ident;
        let value = match (f.required, f.boxed) {
            (true, true) if f.nullable => format!("{member}.into().map(Box::new)"),
            (true, true) => format!("Box::new({member}.into())"),
            (true, false) => format!("{member}.into()"),
            (false, _) => "Default::default()".to_string(),
        };
        text.line(&format!("            {member}: {value},"));
    }
    text.line("            additional_properties: Default::default(),");
    text.line("        }");
    text.line("    }");
    text.line("}");
    text.finish()
}

/// `Debug` that prints `<redacted>` for secrets: they never reach logs or error reports.
fn redacting_debug(def: &TypeDef, s: &StructDef, cfg: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let name_str = def.name.clone();
    let fields = s.fields.iter().map(|f| {
        let member = ident(&f.ident);
        let label = f.ident.trim_start_matches("r#").to_string();
        if f.sensitive {
            quote!(.field(#label, &"<redacted>"))
        } else {
            quote!(.field(#label, &self.#member))
        }
    });
    quote! {
        #cfg
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name_str)
                    #(#fields)*
                    .field("additional_properties", &self.additional_properties)
                    .finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::syntax::Compared;
    use crate::ir::pointer::Pointer;
    use crate::ir::types::TypeKind;

    /// A space whose type 0 is a struct with one field of type `Vec<Named>` (a struct named
    /// `name`), so that the field's line is as long as the name makes it.
    fn space(name: &str, doc: &str) -> TypeSpace {
        let field = Field {
            ident: "r#type".into(),
            json_name: "type".into(),
            ty: Ty::Vec(Box::new(Ty::Named(crate::ir::types::TypeId(1)))),
            required: false,
            required_in_responses: true,
            nullable: true,
            doc: Some(doc.into()),
            boxed: false,
            pointer: Pointer::new("#/x/type"),
            sensitive: false,
        };
        let def = |name: &str, fields: Vec<Field>| TypeDef {
            name: name.into(),
            doc: Some(doc.into()),
            pointer: Pointer::new("#/x"),
            merges: Vec::new(),
            kind: TypeKind::Struct(StructDef {
                fields,
                additional: Ty::Any,
            }),
        };
        let map = Field {
            ident: "map".into(),
            ty: Ty::Map(Box::new(Ty::Named(crate::ir::types::TypeId(1)))),
            required_in_responses: false,
            nullable: false,
            ..field.clone()
        };
        TypeSpace {
            types: vec![def("Outer", vec![field, map]), def(name, Vec::new())],
            ..TypeSpace::default()
        }
    }

    #[test]
    fn a_struct_written_as_text_is_what_the_formatter_writes() {
        let predicate = Predicate::Any(vec![
            Predicate::Feature("applications".into()),
            Predicate::Feature("policies".into()),
        ]);
        let doc = "One line, then [a link] and a URL https://example.com/x.\n\n  - an item\n\n\
                   A very long line of prose that goes on well past any margin a formatter keeps.";
        let mut compared = Compared::default();
        // The field's line is 66 characters plus the name: from well inside the width the
        // formatter keeps, through types it breaks once or twice, to a name no break fits.
        for length in 10..100 {
            let name = format!("N{}", "a".repeat(length - 1));
            let space = space(&name, doc);
            let def = &space.types[0];
            let TypeKind::Struct(s) = &def.kind else {
                unreachable!()
            };
            let render = Render::new(&space);
            let additional = render.ty(&Ty::Map(Box::new(Ty::Any)));
            let derives = ["Debug", "Clone", "PartialEq", "Default"];
            let cfg = super::super::cfg_attr(Some(&predicate));
            let tokens = struct_tokens(&render, def, s, &cfg, &derives, &additional);
            let text = struct_text(&render, def, s, Some(&predicate), &derives, &additional);
            compared.check(
                tokens,
                text,
                "crate::Nullable<\n",
                &format!("name of {length}"),
            );
        }
        compared.assert_more_than(10, Some(10), 0);
    }

    #[test]
    fn a_constructor_written_as_text_is_what_the_formatter_writes() {
        let predicate = Predicate::Feature("applications".into());
        let cfg = super::super::cfg_attr(Some(&predicate));
        let mut compared = Compared::default();
        // 1 to 9 required fields (a boxed one, a nullable one) among optional ones, and
        // names from short to past the width.
        for count in 1..10 {
            for length in [1, 8, 16, 30, 70] {
                let mut space = space(&"N".repeat(length), "Doc.");
                let TypeKind::Struct(s) = &mut space.types[0].kind else {
                    unreachable!()
                };
                let template = s.fields[0].clone();
                s.fields = (0..count + 2)
                    .map(|i| Field {
                        ident: format!("f{i}_{}", "x".repeat(length)),
                        required: i < count,
                        boxed: i % 3 == 1,
                        nullable: i % 2 == 1,
                        ty: if i == 0 {
                            Ty::Named(crate::ir::types::TypeId(1))
                        } else {
                            Ty::Bool
                        },
                        ..template.clone()
                    })
                    .collect();
                let def = &space.types[0];
                let TypeKind::Struct(s) = &def.kind else {
                    unreachable!()
                };
                let render = Render::new(&space);
                let tokens = constructor(&render, def, s, &cfg);
                let text = constructor_text(&render, def, s, Some(&predicate));
                let what = format!("{count} of {length}");
                compared.check(tokens, text, "    pub fn new(\n", &what);
            }
        }
        compared.assert_more_than(3, Some(3), 3);
    }
}
