//! The resource tree: one module per resource, a handle struct with child accessors and
//! methods, and a request builder for methods with optional query parameters.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::calls::method;
use super::doc;
use super::syntax::ident;
use super::syntax::{accessor, child_module, name_allows, struct_name};
use crate::ir::ops::{Operation, ParamLocation};
use crate::ir::types::Ty;
use crate::ir::Api;

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

/// Whether the method's module needs the `QueryAll` trait (a list-valued query parameter
/// sent repeated, not joined by a separator).
pub fn uses_query_all(op: &Operation) -> bool {
    op.params_in(ParamLocation::Query)
        .any(|p| matches!(p.ty, Ty::Vec(_)) && p.separator.is_none())
}

/// Code of the module for the resource at `path` (a node with its children's `mod` lines).
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
    let parent = accessor(path.last().map(String::as_str).unwrap_or_default());
    let mods = node.children.keys().map(|child| {
        let (m, allow) = child_module(&parent, child);
        let mut doc = format!(" `{dotted}.{child}`");
        let cfg = gate(child).map(|(feature, cfg)| {
            doc.push_str(&format!(" (Cargo feature `{feature}`)"));
            cfg
        });
        quote! { #[doc = #doc] #cfg #allow pub mod #m; }
    });
    let accessors = node.children.keys().map(|child| {
        let m = ident(&accessor(child));
        let s = format_ident!("{}", struct_name(child));
        let mut doc = format!(" The `{dotted}.{child}` resource.");
        let cfg = gate(child).map(|(feature, cfg)| {
            doc.push_str(&format!(" Needs the Cargo feature `{feature}`."));
            cfg
        });
        let allow = name_allows(&accessor(child));
        quote! {
            #[doc = #doc]
            #cfg
            #allow
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
