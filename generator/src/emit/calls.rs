//! One method of a resource handle: its arguments (the scope, the path's parameters, the
//! required others, the body), the path it builds, the call it returns, and for optional
//! parameters a request builder with a setter each.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::payloads;
use super::render::Render;
use super::syntax::ident;
use crate::ir::names;
use crate::ir::ops::{
    JsonShape, Operation, Pagination, Param, ParamLocation, Part, RequestBody, ResponseBody,
};
use crate::ir::types::Ty;
use crate::ir::Api;

/// The method, and its request builder when it has optional parameters. A method of a
/// resource handle reaches the client as `self.client`; one of the root resource (no resource
/// segment) is a method of `Client` itself.
pub fn method(api: &Api, op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let render = Render::new(&api.types);
    let name = ident(&op.name);
    let payloads::Output {
        ty: out,
        decode,
        accept,
        items,
    } = payloads::output(&render, op);
    let accept = accept.map(|media| quote!(.accept(#media)));
    let http = format_ident!("{}", op.method.as_str());
    let path = path_expression(&render, op);
    let (params, chain) = arguments(&render, op);
    let docs = doc::lines(&method_doc(op));
    let mut allow = super::syntax::name_allows(&op.name);
    // The arguments are the operation's required parameters, as many as the API has.
    if params.len() + 1 > 7 {
        allow.extend(quote!(#[allow(clippy::too_many_arguments)]));
    }
    let template = if op.scoped {
        format!("{{scope}}{}", op.path)
    } else {
        op.path.to_string()
    };
    let paging = match &op.pagination {
        Pagination::Cursor { .. } => Some(quote!(.paged(crate::call::Paging::Cursor))),
        Pagination::PageNumber { .. } => Some(quote!(.paged(crate::call::Paging::Number))),
        Pagination::Single | Pagination::None => None,
    };
    let security = (!op.security.is_empty()).then(|| {
        let requirements = security(op);
        quote!(.security(#requirements))
    });
    let errors = op.error_set.map(|index| {
        let decoder = format_ident!("errors_{index}");
        quote!(.errors(crate::spec::#decoder))
    });
    // A method of the root resource is the client's own.
    let client = if op.resource.is_empty() {
        quote!(self)
    } else {
        quote!(self.client)
    };
    let call = quote! {
        #client.call(reqwest::Method::#http, #template, path, #decode)
            #security #errors #paging #accept #(#chain)*
    };
    if op.options().next().is_none() {
        let method = quote! {
            #docs
            #allow
            pub fn #name(&self, #(#params),*) -> crate::Call<#out> {
                let path = #path;
                #call
            }
        };
        return (method, (!items.is_empty()).then_some(items));
    }
    let builder = format_ident!("{}Request", names::bare(&op.name).to_upper_camel_case());
    let method = quote! {
        #docs
        #allow
        pub fn #name(&self, #(#params),*) -> #builder {
            let path = #path;
            #builder { call: #call }
        }
    };
    let builder = request_builder(&render, op, &builder, &out);
    (method, Some(quote!(#items #builder)))
}

/// The operation's security requirements: `&[&["api_token"], &["api_email", "api_key"]]`.
fn security(op: &Operation) -> TokenStream {
    let alternatives = op.security.iter().map(|schemes| quote!(&[#(#schemes),*]));
    quote!(&[#(#alternatives),*])
}

/// The method's parameters (after `&self`) and what each adds to the call.
fn arguments(render: &Render<'_>, op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut params = Vec::new();
    let mut chain = Vec::new();
    if op.scoped {
        params.push(quote!(scope: &crate::Scope));
    }
    let (body, start) = payloads::body(render, op);
    chain.push(start);
    for p in op.arguments() {
        let n = ident(&p.ident);
        if let ParamLocation::Field(encoding) = p.location {
            let (param, set) = payloads::field_argument(render, p, encoding);
            params.push(param);
            chain.push(set);
            continue;
        }
        match (&p.ty, p.location) {
            (Ty::Vec(inner), location) if location != ParamLocation::Path => {
                let (t, _) = argument(render, inner, &n);
                params.push(quote!(#n: &[#t]));
                let mapper = item_mapper(render, inner, &n);
                chain.push(send_all(p, quote!(#n.iter().map(#mapper))));
            }
            (Ty::String, ParamLocation::Header | ParamLocation::Cookie) => {
                params.push(quote!(#n: &str));
                let key = &p.name;
                chain.push(match p.location {
                    ParamLocation::Header => quote!(.header(#key, #n)),
                    _ => quote!(.cookie(#key, #n)),
                });
            }
            (ty, location) => {
                let (t, conv) = argument(render, ty, &n);
                params.push(quote!(#n: #t));
                if location != ParamLocation::Path {
                    chain.push(send(p, conv));
                }
            }
        }
    }
    params.extend(body);
    (params, chain)
}

/// How a parameter of type `ty` named `name` is taken as an argument, and how it becomes a
/// string.
fn argument(render: &Render<'_>, ty: &Ty, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String => (quote!(&str), quote!(#name.to_string())),
        Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => {
            let t = render.ty(ty);
            (quote!(#t), quote!(#name.to_string()))
        }
        ty => {
            let t = render.ty(ty);
            (quote!(&#t), quote!(crate::values::query_value(#name)))
        }
    }
}

/// `.map(...)` over the items of a list parameter, each becoming a string.
fn item_mapper(render: &Render<'_>, item: &Ty, name: &proc_macro2::Ident) -> TokenStream {
    match item {
        Ty::String | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => {
            let (_, conv) = argument(render, item, name);
            quote!(|#name| #conv)
        }
        _ => quote!(crate::values::query_value),
    }
}

/// What puts one value of `param` (a `String` expression) into the call.
fn send(param: &Param, value: TokenStream) -> TokenStream {
    let key = &param.name;
    match param.location {
        ParamLocation::Query => quote!(.query(#key, #value)),
        ParamLocation::Header => quote!(.header(#key, &#value)),
        ParamLocation::Cookie => quote!(.cookie(#key, &#value)),
        // Path parameters are part of the path expression; form fields are sent as their
        // encoding says (`payloads`).
        ParamLocation::Path | ParamLocation::Field(_) => TokenStream::new(),
    }
}

/// What puts every value of a list `param` (an iterator of `String`s) into the call: repeated
/// query parameters or one joined by the parameter's separator, and one comma-separated header
/// or cookie value.
fn send_all(param: &Param, values: TokenStream) -> TokenStream {
    let key = &param.name;
    match param.location {
        ParamLocation::Query => match param.separator {
            None => quote!(.query_all(#key, #values)),
            Some(separator) => {
                let separator = separator.to_string();
                send(
                    param,
                    quote!(#values.collect::<Vec<String>>().join(#separator)),
                )
            }
        },
        ParamLocation::Header | ParamLocation::Cookie => {
            send(param, quote!(#values.collect::<Vec<String>>().join(",")))
        }
        ParamLocation::Path | ParamLocation::Field(_) => TokenStream::new(),
    }
}

/// `[prefix, "/static/", &segment, ...].concat()`: a `format!` would hide the arguments
/// from the formatter.
fn path_expression(render: &Render<'_>, op: &Operation) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let mut literal = String::new();
    if op.scoped {
        parts.push(quote!(scope.path_prefix().as_str()));
    }
    for segment in &op.path.segments {
        literal.push('/');
        for part in segment.parts() {
            let name = match part {
                Part::Literal(text) => {
                    literal.push_str(&text);
                    continue;
                }
                Part::Param(name) => name,
            };
            if !literal.is_empty() {
                parts.push(quote!(#literal));
                literal.clear();
            }
            // Each parameter is encoded on its own; the text around it is kept as written.
            let found = op.params_in(ParamLocation::Path).find(|p| p.name == name);
            if let Some(p) = found {
                let n = ident(&p.ident);
                parts.push(if p.ty == Ty::String {
                    quote!(crate::codec::path_segment(#n).as_str())
                } else {
                    let (_, to_string) = argument(render, &p.ty, &n);
                    quote!(crate::codec::path_segment(&#to_string).as_str())
                });
            }
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        if literal.is_empty() {
            literal.push('/');
        }
        parts.push(quote!(#literal));
    }
    match &parts[..] {
        [only] if !op.scoped && op.params_in(ParamLocation::Path).next().is_none() => {
            quote!(String::from(#only))
        }
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
    for source in &op.sources {
        text.push_str(&format!(
            "- `{} {}` (`{}`)\n",
            op.method, source.path, source.operation_id
        ));
    }
    text.push_str(&format!(
        "\nCall it as `{}.await?`, or set per-request options (`.timeout(..)`, `.max_retries(..)`, `.header(..)`) before awaiting.\n",
        call_example(op)
    ));
    if !op.response_headers.is_empty() {
        text.push_str(
            "\nResponse headers the API declares (read them from `.send_with_response()`'s \
             `headers`):\n",
        );
        for header in &op.response_headers {
            let about = header
                .description
                .as_deref()
                .map(|d| format!(": {}", doc::sanitize(d).replace('\n', " ")))
                .unwrap_or_default();
            text.push_str(&format!(
                "- `{}` ({}){about}\n",
                header.name,
                header.statuses.join(", ")
            ));
        }
    }
    if op.deprecated {
        text.push_str("\nDeprecated by the API.\n");
    }
    text
}

/// The request builder of a method with optional parameters: a setter for each.
fn request_builder(
    render: &Render<'_>,
    op: &Operation,
    builder: &proc_macro2::Ident,
    out: &TokenStream,
) -> TokenStream {
    let builder_doc = format!(
        " Request builder for `{}`: set optional parameters, then `.await` it.",
        op.dotted()
    );
    let setters = op.options().map(|p| setter(render, p));
    let common = match &op.response {
        ResponseBody::Json {
            ty,
            shape: JsonShape::Page,
        } => {
            let item = render.ty(ty);
            quote!(crate::macros::request_builder!(#builder, page #item);)
        }
        _ => quote!(crate::macros::request_builder!(#builder, #out);),
    };
    quote! {
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
    }
}

/// The setter of an optional parameter. Options take their values as they come: anything
/// that converts into the type (`"asc"` for an enum), lists as any iterable of such values.
fn setter(render: &Render<'_>, p: &Param) -> TokenStream {
    let n = ident(&p.ident);
    let key = &p.name;
    let pdoc = doc::attrs(p.doc.as_deref().or(Some(&format!("Sets `{key}`."))));
    if let ParamLocation::Field(encoding) = p.location {
        let (input, set) = payloads::field_setter(render, p, encoding);
        return quote! {
            #pdoc
            pub fn #n(mut self, #n: #input) -> Self {
                self.call = self.call #set;
                self
            }
        };
    }
    let (input, value) = match &p.ty {
        Ty::Vec(inner) => {
            let item = render.ty(inner);
            let values =
                quote!(#n.into_iter().map(|value| crate::values::query_value(&value.into())));
            let set = send_all(p, values);
            return quote! {
                #pdoc
                pub fn #n(mut self, #n: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                    self.call = self.call #set;
                    self
                }
            };
        }
        Ty::String => (quote!(impl Into<String>), quote!(#n.into())),
        Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => {
            let t = render.ty(&p.ty);
            (quote!(#t), quote!(#n.to_string()))
        }
        ty => {
            let t = render.ty(ty);
            (
                quote!(impl Into<#t>),
                quote!(crate::values::query_value(&#n.into())),
            )
        }
    };
    let set = send(p, value);
    quote! {
        #pdoc
        pub fn #n(mut self, #n: #input) -> Self {
            self.call = self.call #set;
            self
        }
    }
}

/// How a user calls `op`, for API.md: `client.zero_trust().access().applications().list(&scope)`.
pub fn call_example(op: &Operation) -> String {
    let mut s = super::syntax::chain("client", &op.resource);
    let mut args = Vec::new();
    if op.scoped {
        args.push("&scope".to_string());
    }
    for p in op.arguments() {
        args.push(names::bare(&p.ident).to_string());
    }
    match &op.body {
        RequestBody::Json(_) => args.push("&body".into()),
        RequestBody::Raw { .. } => args.push("body".into()),
        RequestBody::None | RequestBody::Form { .. } => {}
    }
    s.push_str(&format!(".{}({})", op.name, args.join(", ")));
    s
}
