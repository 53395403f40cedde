//! The resource tree: one module per resource, a handle struct with child accessors and
//! methods, and a request builder for methods with optional query parameters.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::types::{ident, rust_type};
use crate::ir::names;
use crate::ir::ops::{Api, Operation, Param, ResponseKind};
use crate::ir::types::{Ty, TypeKind, TypeSpace};

/// A node of the resource tree.
#[derive(Debug, Default)]
pub struct Node {
    /// Child resources by segment.
    pub children: BTreeMap<String, Node>,
    /// Indices into `Api::operations`.
    pub methods: Vec<usize>,
}

/// Build the tree from the operations' resource paths.
pub fn tree(api: &Api) -> Node {
    let mut root = Node::default();
    for (index, op) in api.operations.iter().enumerate() {
        let mut node = &mut root;
        for segment in &op.resource {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.methods.push(index);
    }
    root
}

/// The struct name of a resource segment.
pub fn struct_name(segment: &str) -> String {
    names::type_name(segment)
}

/// The accessor method name of a resource segment.
pub fn accessor(segment: &str) -> String {
    names::field_name(segment)
}

/// Code of the module for the resource at `path` (a node with its children's `mod` lines).
/// Whether the method's module needs the `QueryAll` trait (a list-valued query parameter).
pub fn uses_query_all(op: &Operation) -> bool {
    op.query.iter().any(|p| matches!(p.ty, Ty::Vec(_)))
}

pub fn module(api: &Api, path: &[String], node: &Node) -> TokenStream {
    let name = format_ident!(
        "{}",
        struct_name(path.last().map(String::as_str).unwrap_or("Api"))
    );
    let dotted = path.join(".");
    let mut doc_text = format!("`{dotted}`");
    if let Some(extra) = api.resource_docs.get(&dotted) {
        doc_text.push_str(": ");
        doc_text.push_str(&doc::sanitize(extra));
    }
    let struct_doc = doc::lines(&doc_text);
    // A resource group is compiled with its Cargo feature only.
    let gate = |child: &str| {
        let feature = api.features.of_resource(&format!("{dotted}.{child}"))?;
        Some((feature.to_string(), quote!(#[cfg(feature = #feature)])))
    };
    let mods = node.children.keys().map(|child| {
        let m = ident(&accessor(child));
        let mut doc = format!(" `{dotted}.{child}`");
        let cfg = gate(child).map(|(feature, cfg)| {
            doc.push_str(&format!(" (Cargo feature `{feature}`)"));
            cfg
        });
        quote! { #[doc = #doc] #cfg pub mod #m; }
    });
    let accessors = node.children.keys().map(|child| {
        let m = ident(&accessor(child));
        let s = format_ident!("{}", struct_name(child));
        let mut doc = format!(" The `{dotted}.{child}` resource.");
        let cfg = gate(child).map(|(feature, cfg)| {
            doc.push_str(&format!(" Needs the Cargo feature `{feature}`."));
            cfg
        });
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #m(&self) -> #m::#s<'a> {
                #m::#s { client: self.client }
            }
        }
    });
    // With every child's feature off, a resource without methods of its own is unused.
    let field_allow = (node.methods.is_empty() && node.children.keys().any(|c| gate(c).is_some()))
        .then(|| quote!(#[allow(dead_code)]));
    let mut builders = Vec::new();
    let methods: Vec<TokenStream> = node
        .methods
        .iter()
        .map(|&i| {
            let (method, builder) = method(api, &api.operations[i]);
            builders.extend(builder);
            method
        })
        .collect();
    quote! {
        #(#mods)*

        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            #field_allow
            pub(crate) client: &'a crate::Client,
        }

        impl<'a> #name<'a> {
            #(#accessors)*
            #(#methods)*
        }

        #(#builders)*
    }
}

/// The output type of a method and the decoder that produces it.
fn output(space: &TypeSpace, response: &ResponseKind) -> (TokenStream, TokenStream) {
    match response {
        ResponseKind::Result(ty) => {
            let t = rust_type(space, ty);
            (t.clone(), quote!(crate::envelope::result::<#t>))
        }
        ResponseKind::Page(item) => {
            let t = rust_type(space, item);
            (quote!(crate::Page<#t>), quote!(crate::envelope::page::<#t>))
        }
        ResponseKind::Raw(ty) => {
            let t = rust_type(space, ty);
            (t.clone(), quote!(crate::envelope::raw::<#t>))
        }
        ResponseKind::Empty => (quote!(()), quote!(crate::envelope::empty)),
    }
}

/// How a parameter is taken as an argument, and how it becomes a string.
fn argument(space: &TypeSpace, param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.ident);
    match &param.ty {
        Ty::String => (quote!(&str), quote!(#name.to_string())),
        Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool => {
            let t = rust_type(space, &param.ty);
            (t, quote!(#name.to_string()))
        }
        ty => {
            let t = rust_type(space, ty);
            (quote!(&#t), quote!(crate::macros::query_value(#name)))
        }
    }
}

/// `.map(...)` over the items of a list parameter, each becoming a query value.
fn item_mapper(space: &TypeSpace, item: &Param) -> TokenStream {
    match &item.ty {
        Ty::String | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool => {
            let name = ident(&item.ident);
            let (_, conv) = argument(space, item);
            quote!(|#name| #conv)
        }
        _ => quote!(crate::macros::query_value),
    }
}

/// `[prefix, "/static/", &segment, ...].concat()`: a `format!` would hide the arguments
/// from the formatter.
fn path_expression(api: &Api, op: &Operation) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let mut literal = String::new();
    if op.scoped {
        parts.push(quote!(scope.path_prefix().as_str()));
    }
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        literal.push('/');
        if segment.starts_with('{') && segment.ends_with('}') {
            let name = &segment[1..segment.len() - 1];
            parts.push(quote!(#literal));
            literal.clear();
            match op.path_params.iter().find(|p| p.name == name) {
                Some(p) if p.ty == Ty::String => {
                    let n = ident(&p.ident);
                    parts.push(quote!(crate::codec::path_segment(#n).as_str()));
                }
                Some(p) => {
                    let (_, to_string) = argument(&api.types, p);
                    parts.push(quote!(crate::codec::path_segment(&#to_string).as_str()));
                }
                None => {}
            }
        } else {
            literal.push_str(segment);
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        if literal.is_empty() {
            literal.push('/');
        }
        parts.push(quote!(#literal));
    }
    match &parts[..] {
        [only] if !op.scoped && op.path_params.is_empty() => quote!(String::from(#only)),
        _ => quote!([#(#parts),*].concat()),
    }
}

fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&doc::sanitize(summary));
        text.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref() != Some(description.as_str()) {
            text.push_str(&doc::sanitize(description));
            text.push_str("\n\n");
        }
    }
    for (_, path, operation_id) in &op.sources {
        text.push_str(&format!("- `{} {}` (`{}`)\n", op.http, path, operation_id));
    }
    text.push_str(&format!(
        "\nCall it as `{}.await?`, or set per-request options (`.timeout(..)`, `.max_retries(..)`, `.header(..)`) before awaiting.\n",
        call_example(op)
    ));
    if op.deprecated {
        text.push_str("\nDeprecated by the API.\n");
    }
    text
}

fn method(api: &Api, op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let space = &api.types;
    let name = ident(&op.name);
    let (out, decode) = output(space, &op.response);
    let http = format_ident!("{}", op.http);
    let path = path_expression(api, op);
    let mut params = Vec::new();
    if op.scoped {
        params.push(quote!(scope: &crate::Scope));
    }
    for p in &op.path_params {
        let (t, _) = argument(space, p);
        let n = ident(&p.ident);
        params.push(quote!(#n: #t));
    }
    let mut chain = Vec::new();
    for p in op.query.iter().filter(|p| p.required) {
        let n = ident(&p.ident);
        let key = &p.name;
        match &p.ty {
            Ty::Vec(inner) => {
                let item = Param {
                    ty: (**inner).clone(),
                    ..(*p).clone()
                };
                let (t, _) = argument(space, &item);
                params.push(quote!(#n: &[#t]));
                let mapper = item_mapper(space, &item);
                chain.push(quote!(.query_all(#key, #n.iter().map(#mapper))));
            }
            _ => {
                let (t, conv) = argument(space, p);
                params.push(quote!(#n: #t));
                chain.push(quote!(.query(#key, #conv)));
            }
        }
    }
    if let Some(body) = &op.body {
        let t = rust_type(space, &body.ty);
        params.push(quote!(body: &#t));
        chain.push(quote!(.json(body)));
    }
    let docs = doc::lines(&method_doc(op));
    let template = if op.scoped {
        format!("{{scope}}{}", op.path)
    } else {
        op.path.clone()
    };
    let paging = match &op.response {
        ResponseKind::Page(_) if op.query.iter().any(|q| q.name == "cursor") => {
            Some(quote!(.paged(crate::paginate::Paging::Cursor)))
        }
        ResponseKind::Page(_) if op.query.iter().any(|q| q.name == "page") => {
            Some(quote!(.paged(crate::paginate::Paging::Number)))
        }
        _ => None,
    };
    let call = quote! {
        self.client.call(reqwest::Method::#http, #template, path, #decode) #paging #(#chain)*
    };
    let optional: Vec<&Param> = op.query.iter().filter(|p| !p.required).collect();
    if optional.is_empty() {
        let method = quote! {
            #docs
            pub fn #name(&self, #(#params),*) -> crate::Call<#out> {
                let path = #path;
                #call
            }
        };
        return (method, None);
    }
    let builder = format_ident!("{}Request", names::bare(&op.name).to_upper_camel_case());
    let builder_doc = format!(
        " Request builder for `{}`: set optional parameters, then `.await` it.",
        op.dotted()
    );
    let setters = optional.iter().map(|p| {
        let n = ident(&p.ident);
        let key = &p.name;
        let pdoc = doc::attrs(p.doc.as_deref().or(Some(&format!("Sets `{key}`."))));
        // Options take their values as they come: anything that converts into the type
        // (`"asc"` for an enum), lists as any iterable of such values.
        match &p.ty {
            Ty::Vec(inner) => {
                let item = rust_type(space, inner);
                quote! {
                    #pdoc
                    pub fn #n(mut self, #n: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                        self.call = self.call.query_all(
                            #key,
                            #n.into_iter().map(|value| crate::macros::query_value(&value.into())),
                        );
                        self
                    }
                }
            }
            Ty::String => quote! {
                #pdoc
                pub fn #n(mut self, #n: impl Into<String>) -> Self {
                    self.call = self.call.query(#key, #n.into());
                    self
                }
            },
            Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Bool => {
                let (t, conv) = argument(space, p);
                quote! {
                    #pdoc
                    pub fn #n(mut self, #n: #t) -> Self {
                        self.call = self.call.query(#key, #conv);
                        self
                    }
                }
            }
            ty => {
                let t = rust_type(space, ty);
                quote! {
                    #pdoc
                    pub fn #n(mut self, #n: impl Into<#t>) -> Self {
                        self.call = self.call.query(#key, crate::macros::query_value(&#n.into()));
                        self
                    }
                }
            }
        }
    });
    let method = quote! {
        #docs
        pub fn #name(&self, #(#params),*) -> #builder {
            let path = #path;
            #builder { call: #call }
        }
    };
    let common = match &op.response {
        ResponseKind::Page(item) => {
            let item = rust_type(space, item);
            quote!(crate::macros::request_builder!(#builder, page #item);)
        }
        _ => quote!(crate::macros::request_builder!(#builder, #out);),
    };
    let builder_code = quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder {
            call: crate::Call<#out>,
        }

        impl #builder {
            #(#setters)*
        }

        #common
    };
    (method, Some(builder_code))
}

/// How a user calls `op`, for API.md: `client.zero_trust().access().applications().list(&scope)`.
pub fn call_example(op: &Operation) -> String {
    let mut s = String::from("client");
    for segment in &op.resource {
        s.push_str(&format!(".{}()", accessor(segment)));
    }
    let mut args = Vec::new();
    if op.scoped {
        args.push("&scope".to_string());
    }
    for p in &op.path_params {
        args.push(names::bare(&p.ident).to_string());
    }
    for p in op.query.iter().filter(|p| p.required) {
        args.push(names::bare(&p.ident).to_string());
    }
    if op.body.is_some() {
        args.push("&body".into());
    }
    s.push_str(&format!(".{}({})", op.name, args.join(", ")));
    s
}

/// Whether any generated type is a string enum named `name` (used by tests and docs).
pub fn is_string_enum(space: &TypeSpace, name: &str) -> bool {
    space
        .types
        .iter()
        .any(|t| t.name == name && matches!(t.kind, TypeKind::Enum(_)))
}
