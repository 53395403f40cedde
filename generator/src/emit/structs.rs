//! Structs: the definition (docs, derives, a public field per property and one for unknown
//! properties), the `object_impls!` invocation that writes their serde impls, a `new`
//! constructor with the required fields, and a redacting `Debug` where a field holds a secret.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::render::Render;
use super::syntax::{ident, type_doc_text, Items};
use crate::ir::types::{Field, StructDef, Ty, TypeDef, TypeSpace};

/// The items of a struct.
pub fn definition(
    space: &TypeSpace,
    def: &TypeDef,
    s: &StructDef,
    cfg: &TokenStream,
    out: &mut Items,
) -> TokenStream {
    let render = Render::new(space);
    let name = format_ident!("{}", def.name);
    let docs = doc::lines(&type_doc_text(def));
    let all_optional = s.fields.iter().all(|f| !f.required);
    let sensitive = s.fields.iter().any(|f| f.sensitive);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !sensitive {
        derives.insert(0, quote!(Debug));
    }
    if all_optional {
        derives.push(quote!(Default));
    }
    let fields = s.fields.iter().map(|f| field(&render, f));
    let additional = render.ty(&Ty::Map(Box::new(s.additional.clone())));
    let impls = out.placeholder(
        cfg,
        impls_text(&render, &def.name, s, &additional.to_string()),
    );
    let constructor = (!all_optional).then(|| constructor(&render, def, s, cfg));
    let debug = sensitive.then(|| redacting_debug(def, s, cfg));
    quote! {
        #docs
        #cfg
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            /// Properties other than the fields above (properties the spec does not describe, or
            /// its `additionalProperties`), kept as received so they are written back unchanged.
            pub additional_properties: #additional,
        }
        #impls
        #constructor
        #debug
    }
}

/// A field with its docs: `T` when required, `Option<T>` when optional or nullable, and
/// `Nullable<T>` when both (absent, `null` and a value are three things).
fn field(render: &Render<'_>, f: &Field) -> TokenStream {
    let member = ident(&f.ident);
    let ty = render.boxed(&f.ty, f.boxed);
    let ty = match wrapper(f) {
        None => quote!(#ty),
        Some(Wrapper::Option) => quote!(Option<#ty>),
        Some(Wrapper::Nullable) => quote!(crate::Nullable<#ty>),
    };
    let fallback = format!("`{}` (the spec does not describe it).", f.json_name);
    let mut text = f.doc.clone().unwrap_or(fallback);
    if f.required_in_responses {
        text.push_str(
            "\n\nRead-only: the API always sends it, and a request leaves it out (`None`).",
        );
    }
    let docs = doc::attrs(Some(&text));
    quote! {
        #docs
        pub #member: #ty,
    }
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
        let ty = render.boxed(&f.ty, f.boxed);
        let ty = match wrapper(f) {
            None => ty.to_string(),
            Some(Wrapper::Option) => format!("Option<{ty}>"),
            Some(Wrapper::Nullable) => format!("crate::Nullable<{ty}>"),
        };
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
    let listed: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.ident.trim_start_matches("r#")))
        .collect();
    let doc = format!(
        " A `{}` with its required fields ({}) and every optional field absent.",
        def.name,
        listed.join(", ")
    );
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
