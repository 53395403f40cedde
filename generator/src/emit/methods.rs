//! `src/methods.rs` of the generated crate: a catalogue of every method (dotted name, HTTP
//! method, paths, response shape) that, with the crate's `reencode` feature, can also decode a
//! response value into the method's Rust type and encode it again, so documentation examples
//! and captured traffic can be checked against the client without a network. The feature is
//! off by default: decoding and encoding every method's response type is a tenth of the
//! crate's build, and a program that calls the API does not need it.

use proc_macro2::TokenStream;
use quote::quote;

use super::cfg_attr;
use super::render::Render;
use crate::config::EnvelopeConvention;
use crate::ir::ops::{JsonShape, ResponseBody};
use crate::ir::types::Ty;
use crate::ir::Api;

/// The module's tokens.
pub fn module(api: &Api) -> TokenStream {
    let (items, entries) = entries(api);
    let declarations = declarations(api);
    let functions = functions(api);
    quote! {
        //! Every method of the client as data: its SDK-style dotted name, HTTP method, paths and
        //! response shape. With the `reencode` Cargo feature, `Method::reencode` decodes a
        //! response value into the method's Rust type and encodes it again, which shows what
        //! the client keeps of a response (check documentation examples or captured traffic
        //! against the client without a network). The feature is off by default: it compiles
        //! the decoding and the encoding of every response type, which a program that only
        //! calls the API does not need.

        #[cfg(feature = "reencode")]
        use serde::{de::DeserializeOwned, Serialize};
        #[cfg(feature = "reencode")]
        use serde_json::Value;

        #declarations
        #functions
        /// Every method of the client, sorted by name (as in `API.md`); only those of the
        /// enabled Cargo features.
        pub const METHODS: &[Method] = &[
            #(#entries)*
        ];
        #(#items)*
    }
}

/// A `Method` constant for each operation (named after its dotted name) and the entries of
/// `METHODS` that refer to them, sorted by dotted name, each compiled with the operation's
/// feature. One constant each rather than one array literal: the compiler checks a thousand
/// small bodies much faster than one with a thousand elements (a tenth of `cargo check` of
/// the whole-spec crate).
fn entries(api: &Api) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut operations: Vec<_> = api.operations.iter().enumerate().collect();
    operations.sort_by_key(|(_, op)| op.dotted());
    let render = Render::new(&api.types);
    let mut taken = std::collections::HashSet::new();
    operations
        .into_iter()
        .map(|(index, op)| {
            let cfg = cfg_attr(api.features.operation_predicate(index).as_ref());
            let name = op.dotted();
            let http = op.method.as_str();
            let mut paths: Vec<String> = op.sources.iter().map(|s| s.path.clone()).collect();
            paths.dedup();
            let (shape, decoded) = match &op.response {
                ResponseBody::Json { ty, shape } => {
                    let (shape, decoded) = match shape {
                        JsonShape::Result => (quote!(ResponseShape::Result), ty.clone()),
                        JsonShape::Page => {
                            (quote!(ResponseShape::Page), Ty::Vec(Box::new(ty.clone())))
                        }
                        JsonShape::Plain => (quote!(ResponseShape::Raw), ty.clone()),
                    };
                    (shape, Some(render.ty(&decoded)))
                }
                ResponseBody::Empty => (quote!(ResponseShape::Empty), None),
                ResponseBody::Binary { .. } => (quote!(ResponseShape::Bytes), None),
                ResponseBody::Text { .. } => (quote!(ResponseShape::Text), None),
                ResponseBody::Several(_) => (quote!(ResponseShape::Several), None),
            };
            let decode = match decoded {
                Some(ty) => quote!(Some(reencode::<#ty>)),
                None => quote!(None),
            };
            let constant = constant_name(&name, &mut taken);
            let item = quote! {
                #cfg
                const #constant: Method = Method {
                    name: #name,
                    http_method: #http,
                    paths: &[#(#paths),*],
                    shape: #shape,
                    #[cfg(feature = "reencode")]
                    decode: #decode,
                };
            };
            let entry = quote! {
                #cfg
                #constant,
            };
            (item, entry)
        })
        .unzip()
}

/// `METHOD_ZERO_TRUST__ACCESS__TAGS__GET` for `zero_trust.access.tags.get`: a dot is two
/// underscores; a name that still collides with one before gets a number.
fn constant_name(dotted: &str, taken: &mut std::collections::HashSet<String>) -> syn::Ident {
    let mut base = String::from("METHOD_");
    for c in dotted.chars() {
        match c {
            '.' => base.push_str("__"),
            c if c.is_ascii_alphanumeric() => base.push(c.to_ascii_uppercase()),
            _ => base.push('_'),
        }
    }
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    quote::format_ident!("{name}")
}

/// The variants of `ResponseShape` besides `Raw` and `Empty`: those the API's convention and
/// operations have.
fn shape_variants(api: &Api) -> TokenStream {
    let has = |f: fn(&ResponseBody) -> bool| api.operations.iter().any(|op| f(&op.response));
    let bytes = has(|r| matches!(r, ResponseBody::Binary { .. })).then(|| {
        quote! {
            /// Bytes (an image, an archive), returned as they are.
            Bytes,
        }
    });
    let text = has(|r| matches!(r, ResponseBody::Text { .. })).then(|| {
        quote! {
            /// Text, returned as a `String`.
            Text,
        }
    });
    let several = has(|r| matches!(r, ResponseBody::Several(_))).then(|| {
        quote! {
            /// One of several responses by status, returned as the method's enum of them.
            Several,
        }
    });
    let enveloped = match api.service.envelope {
        EnvelopeConvention::Cloudflare => quote! {
            /// The API's envelope; the method returns its `result`.
            Result,
            /// The API's envelope around a list; the method returns a [`crate::Page`].
            Page,
        },
        EnvelopeConvention::None => TokenStream::new(),
    };
    quote!(#enveloped #bytes #text #several)
}

/// `ResponseShape` and `Method`, with their docs; the shapes the API's convention and
/// operations have.
fn declarations(api: &Api) -> TokenStream {
    let shapes = shape_variants(api);
    quote! {
        /// What a method's response body holds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ResponseShape {
            #shapes
            /// A body without envelope, returned as it is.
            Raw,
            /// No body.
            Empty,
        }

        /// One method of the client.
        #[derive(Clone, Copy)]
        pub struct Method {
            /// SDK-style dotted name: `zero_trust.access.applications.list`.
            pub name: &'static str,
            /// HTTP method: `GET`, `POST`, ...
            pub http_method: &'static str,
            /// Path templates (two when the method takes a [`crate::Scope`]).
            pub paths: &'static [&'static str],
            /// What the response body holds.
            pub shape: ResponseShape,
            #[cfg(feature = "reencode")]
            decode: Option<fn(Value) -> crate::Result<Value>>,
        }

        impl std::fmt::Debug for Method {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Method")
                    .field("name", &self.name)
                    .field("http_method", &self.http_method)
                    .field("paths", &self.paths)
                    .field("shape", &self.shape)
                    .finish()
            }
        }

        #[cfg(feature = "reencode")]
        impl Method {
            /// Decode `value` into what this method returns and encode that again. `value` is
            /// the envelope's `result` for [`ResponseShape::Result`] and
            /// [`ResponseShape::Page`] (the list), or the whole body for
            /// [`ResponseShape::Raw`]; methods without a body give `null`.
            ///
            /// Fields the types do not describe are kept, so for a response that matches the
            /// spec the output equals the input (numbers compare by value).
            ///
            /// Only with the `reencode` Cargo feature.
            pub fn reencode(&self, value: Value) -> crate::Result<Value> {
                match self.decode {
                    Some(decode) => decode(value),
                    None => Ok(Value::Null),
                }
            }
        }

    }
}

/// `reencode` (what a method's `Method::reencode` calls) and `method`, the lookup by name.
fn functions(api: &Api) -> TokenStream {
    // Without any feature on, or without a method whose response is one JSON body, no method
    // decodes anything.
    let decodes = api
        .operations
        .iter()
        .any(|op| matches!(op.response, ResponseBody::Json { .. }));
    let unused = (!api.features.groups.is_empty() || !decodes).then(|| quote!(#[allow(dead_code)]));
    quote! {
        #[cfg(feature = "reencode")]
        #unused
        fn reencode<T: DeserializeOwned + Serialize>(value: Value) -> crate::Result<Value> {
            // Through text, as a response is decoded: one reader for every type.
            let text = value.to_string();
            let typed: T = crate::values::from_text(&text).map_err(|(path, error)| crate::Error::Decode {
                path,
                message: error.to_string(),
                status: 200,
                body_excerpt: text.chars().take(200).collect(),
            })?;
            let written = serde_json::to_string(&typed).map_err(|error| crate::Error::InvalidRequest(error.to_string()))?;
            serde_json::from_str(&written).map_err(|error| crate::Error::InvalidRequest(error.to_string()))
        }

        /// The method with this dotted name.
        pub fn method(name: &str) -> Option<&'static Method> {
            METHODS.iter().find(|m| m.name == name)
        }

    }
}
