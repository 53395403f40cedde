//! `lib.rs` of the generated crate (its docs, modules, re-exports and resource accessors) and
//! `scope.rs` (the account/zone scopes).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::resources::Node;
use super::{doc, syntax, EmitOptions};
use crate::config::EnvelopeConvention;
use crate::ir::names;
use crate::ir::ops::{Operation, Pagination, ParamLocation, RequestBody};
use crate::ir::types::Ty;
use crate::ir::Api;

pub fn scope(api: &Api) -> TokenStream {
    let variants = api.scopes.iter().map(|(name, prefix)| {
        let v = format_ident!("{}", names::type_name(name));
        let doc = format!(" Paths under `{prefix}`; holds the identifier.");
        quote! { #[doc = #doc] #v(String), }
    });
    let constructors = api.scopes.iter().map(|(name, _)| {
        let v = format_ident!("{}", names::type_name(name));
        let f = format_ident!("{}", names::bare(&names::field_name(name)));
        let doc = format!(" The {name} with this identifier.");
        quote! { #[doc = #doc] pub fn #f(id: impl Into<String>) -> Self { Scope::#v(id.into()) } }
    });
    let arms = api.scopes.iter().map(|(name, prefix)| {
        let v = format_ident!("{}", names::type_name(name));
        // `/accounts/{account_id}` -> "/accounts/{}"
        let mut template = String::new();
        for segment in prefix.split('/').filter(|s| !s.is_empty()) {
            template.push('/');
            if segment.starts_with('{') {
                template.push_str("{}");
            } else {
                template.push_str(segment);
            }
        }
        quote! { Scope::#v(id) => format!(#template, crate::codec::path_segment(id)), }
    });
    let id_arms = api.scopes.iter().map(|(name, _)| {
        let v = format_ident!("{}", names::type_name(name));
        quote! { Scope::#v(id) => id, }
    });
    // Unused when no enabled resource group has methods that take a scope.
    let unused = (!api.features.groups.is_empty()).then(|| quote!(#[allow(dead_code)]));
    quote! {
        //! Where an operation applies, for operations that exist under several path prefixes.

        /// Where an operation applies: each variant is one path prefix of the API.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Scope {
            #(#variants)*
        }

        impl Scope {
            #(#constructors)*

            /// The identifier.
            pub fn id(&self) -> &str {
                match self { #(#id_arms)* }
            }

            /// The percent-encoded path prefix.
            #unused
            pub(crate) fn path_prefix(&self) -> String {
                match self { #(#arms)* }
            }
        }
    }
}

/// The crate root: its docs, the runtime modules, the re-exports and the resource tree.
pub fn lib(api: &Api, options: &EmitOptions, tree: &Node, has_scope: bool) -> TokenStream {
    let crate_doc = crate_doc(api, options);
    let scope = has_scope.then(|| quote! { mod scope; pub use scope::Scope; });
    let convention = convention_items(api);
    let credentials = (!api.service.modes.is_empty()).then(|| {
        quote!(
            pub use spec::Credentials;
        )
    });
    let resources = resource_items(api, tree);
    quote! {
        #crate_doc
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]
        // On docs.rs: mark each item a Cargo feature gates.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        // The runtime carries helpers for every kind of operation; which ones a given API
        // uses depends on its spec.
        #[allow(dead_code)]
        mod auth;
        #[allow(dead_code)]
        mod call;
        #[allow(dead_code)]
        mod client;
        #[allow(dead_code)]
        mod codec;
        mod error;
        #[allow(dead_code)]
        mod fields;
        #[allow(dead_code, unused_imports, unused_macros)]
        mod macros;
        #[allow(dead_code)]
        mod response;
        #[allow(dead_code)]
        mod upload;
        #[allow(dead_code)]
        mod values;
        #[cfg(feature = "blocking")]
        mod blocking;
        #convention
        #scope

        pub use call::{Call, Pending, MAX_ERROR_BODY, MAX_RETRY_AFTER};
        pub use client::{Client, ClientBuilder, Server, ServerVariable, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
        pub use codec::{DateTime, Nullable};
        pub use convention::{ApiError, Response};
        pub use error::{Error, Result};
        pub use futures_util::Stream;
        pub use upload::Upload;
        pub use spec::{DEFAULT_BASE_URL, SERVERS};
        #credentials

        /// What the spec says about the API as a whole: servers, security schemes, credentials.
        mod spec;

        /// Request and response types, named after the spec's schemas.
        pub mod types;
        // Conversions, accessors and setters of the types.
        mod impls;

        pub mod methods;

        #resources
    }
}

/// The runtime modules of the API's response convention, and what they export.
fn convention_items(api: &Api) -> TokenStream {
    match api.service.envelope {
        EnvelopeConvention::Cloudflare => quote! {
            #[allow(dead_code)]
            mod envelope;
            #[allow(dead_code)]
            mod paginate;
            use envelope as convention;
            pub use envelope::{Envelope, Page, ResponseMessage, ResultInfo};
        },
        EnvelopeConvention::None => quote! {
            #[allow(dead_code)]
            mod plain;
            use plain as convention;
            pub use spec::ErrorBody;
        },
    }
}

/// `mod resources` and the client's accessor of each top-level resource (and its methods of
/// root operations).
fn resource_items(api: &Api, tree: &Node) -> TokenStream {
    // A top-level resource that is a group (`[features] split = [""]`) is compiled with its
    // Cargo feature only.
    let gate = |segment: &str| {
        let feature = api.features.of_resource(segment)?;
        Some((feature.to_string(), quote!(#[cfg(feature = #feature)])))
    };
    let mods = tree.children.keys().map(|segment| {
        let (m, allow) = syntax::child_module("resources", segment);
        let mut doc = format!(" The `{segment}` resources.");
        let cfg = gate(segment).map(|(feature, cfg)| {
            doc.push_str(&format!(" (Cargo feature `{feature}`)"));
            cfg
        });
        quote! { #[doc = #doc] #cfg #allow pub mod #m; }
    });
    let accessors = tree.children.keys().map(|segment| {
        let m = syntax::ident(&syntax::accessor(segment));
        let s = format_ident!("{}", syntax::struct_name(segment));
        let mut doc = format!(" The `{segment}` resources.");
        let cfg = gate(segment).map(|(feature, cfg)| {
            doc.push_str(&format!(" Needs the Cargo feature `{feature}`."));
            cfg
        });
        let allow = syntax::name_allows(&syntax::accessor(segment));
        quote! {
            #[doc = #doc]
            #cfg
            #allow
            pub fn #m(&self) -> resources::#m::#s<'_> {
                resources::#m::#s { client: self }
            }
        }
    });
    // `client.a().b()...`: the path to the first resources, for the docs.
    let mut example = String::from("client");
    let mut node = tree;
    while let Some((segment, child)) = node.children.iter().next() {
        example.push_str(&format!(".{}()", syntax::accessor(segment)));
        node = child;
        if example.matches('.').count() == 2 {
            break;
        }
    }
    let doc = format!(" The API's resources, as a tree of handles: `{example}...`.");
    let root = root_methods(api, tree);
    quote! {
        #[doc = #doc]
        pub mod resources {
            #(#mods)*
            #root
        }

        impl Client {
            #(#accessors)*
        }
    }
}

/// The methods of operations at the root of the resource tree (`GET /`), which are the
/// client's own (`client.get()`), and their request builders, which live in `resources`.
fn root_methods(api: &Api, tree: &Node) -> TokenStream {
    if tree.methods.is_empty() {
        return TokenStream::new();
    }
    let mut builders = Vec::new();
    let methods: Vec<TokenStream> = tree
        .methods
        .iter()
        .map(|&i| {
            let (method, builder) = super::calls::method(api, &api.operations[i]);
            builders.extend(builder);
            method
        })
        .collect();
    let import = tree
        .methods
        .iter()
        .any(|&i| super::resources::uses_query_all(&api.operations[i]))
        .then(|| {
            quote!(
                use crate::values::QueryAll;
            )
        });
    quote! {
        #import

        impl crate::Client {
            #(#methods)*
        }

        #(#builders)*
    }
}

/// The crate's docs: a supplied README (compiled as doctests) or generated text; with
/// resource-group features, those of the full build, and a short note without it.
fn crate_doc(api: &Api, options: &EmitOptions) -> TokenStream {
    match (
        options.supplied.contains_key("README.md"),
        api.features.full_predicate(),
    ) {
        (true, None) => quote! { #![doc = include_str!("../README.md")] },
        (false, None) => doc::inner_lines(&crate_docs(api, options)),
        // The crate docs' examples call every resource: they are the docs of the full build.
        (supplied, Some(_)) => {
            let full = if supplied {
                quote!(include_str!("../README.md"))
            } else {
                let text = crate_docs(api, options);
                quote!(#text)
            };
            let partial = format!(
                "{}\n\nBuilt without the `full` feature: only the resource groups whose Cargo \
                 features are on are compiled (see README.md).",
                options.description
            );
            quote! {
                #![cfg_attr(feature = "full", doc = #full)]
                #![cfg_attr(not(feature = "full"), doc = #partial)]
            }
        }
    }
}

fn crate_docs(api: &Api, options: &EmitOptions) -> String {
    let mut text = format!("{}\n\n", options.description);
    text.push_str(&format!(
        "Generated from the OpenAPI spec \"{}\" by openapi-forge: {} methods, {} types. \
         Every method is listed in `API.md` with its HTTP method and path.\n\n",
        api.title,
        api.operations.len(),
        api.types.types.len()
    ));
    if let Some(example) = usage_example(api, options) {
        text.push_str("```no_run\n");
        text.push_str(&example);
        text.push_str("```\n\n");
    }
    text.push_str(&convention_docs(api));
    if let Some(docs) = &options.docs {
        text.push_str(&format!("\n{}\n", docs.trim_end()));
    }
    text
}

/// What the crate docs say about calls, pages and errors, after the API's convention.
fn convention_docs(api: &Api) -> String {
    let mut text = String::from(
        "Methods return a [`Call`]: await it, or set per-request options first \
         (`.timeout(...)`, `.header(...)`).",
    );
    match api.service.envelope {
        EnvelopeConvention::Cloudflare => text.push_str(
            " Responses come in an envelope whose `result` the methods return; lists return a \
             [`Page`] with the items and `result_info`. Failures are one [`Error`] type; API \
             errors carry the envelope's error codes and messages",
        ),
        EnvelopeConvention::None => text.push_str(
            " Failures are one [`Error`] type; API errors carry the HTTP status and, where the \
             spec declares the body of an error response, that body decoded ([`ErrorBody`])",
        ),
    }
    match &api.service.request_id_header {
        Some(header) => text.push_str(&format!(" and the `{header}` id of the request.\n")),
        None => text.push_str(".\n"),
    }
    text
}

/// A first call for the crate docs: the first method whose arguments are all strings or a
/// scope and that sends no body (so the example compiles for any spec), preferring a list.
pub fn usage_example(api: &Api, options: &EmitOptions) -> Option<String> {
    let simple = |op: &&Operation| {
        matches!(op.body, RequestBody::None)
            && op
                .arguments()
                .all(|p| p.location == ParamLocation::Path && p.ty == Ty::String)
    };
    let op = api
        .operations
        .iter()
        .filter(simple)
        .find(|op| op.pagination != Pagination::None)
        .or_else(|| api.operations.iter().find(simple))?;
    let krate = options.name.replace('-', "_");
    let mut args = Vec::new();
    let mut setup = String::new();
    if op.scoped {
        let (name, _) = api.scopes.first()?;
        setup.push_str(&format!(
            "let scope = {krate}::Scope::{}(\"023e105f4ecef8ad9ca31a8372d0c353\");\n",
            names::bare(&names::field_name(name))
        ));
        args.push("&scope".to_string());
    }
    for p in op.arguments() {
        args.push(format!("\"{}\"", p.name));
    }
    let mut call = syntax::chain("client", &op.resource);
    call.push_str(&format!(".{}({})", op.name, args.join(", ")));
    Some(format!(
        "# async fn run() -> Result<(), {krate}::Error> {{\n\
         let client = {krate}::Client::from_env()?;\n\
         {setup}\
         let response = {call}.await?;\n\
         println!(\"{{response:?}}\");\n\
         # Ok(())\n\
         # }}\n"
    ))
}
