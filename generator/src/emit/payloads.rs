//! What a method sends and receives besides its parameters: the request body (JSON, a form's
//! fields, or one value of bytes or text) and the response (JSON, bytes, text, nothing, or
//! one of several by status, as an enum of its own).

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::render::Render;
use super::syntax::ident;
use crate::ir::names;
use crate::ir::ops::{
    FieldEncoding, JsonShape, Operation, Param, RequestBody, ResponseBody, StatusMatch,
};

/// A method's output: its type, the decoder that produces it, the media type it asks for
/// (`Accept`) when that is not JSON, and the items it needs (the enum of several responses).
pub struct Output {
    /// The type the call resolves to.
    pub ty: TokenStream,
    /// `crate::response::raw::<T>`, or a closure.
    pub decode: TokenStream,
    /// The `Accept` header, when it is not `application/json`.
    pub accept: Option<String>,
    /// Items to emit beside the method.
    pub items: TokenStream,
}

/// The [`Output`] of `op`.
pub fn output(render: &Render<'_>, op: &Operation) -> Output {
    let enum_name = format_ident!("{}Response", names::bare(&op.name).to_upper_camel_case());
    let (ty, decode) = single(render, &op.response, &enum_name);
    let items = match &op.response {
        ResponseBody::Several(bodies) => several_enum(render, op, &enum_name, bodies),
        _ => TokenStream::new(),
    };
    Output {
        ty,
        decode,
        accept: accept(&op.response),
        items,
    }
}

/// The type and decoder of one response body (for several: the enum, and a closure that
/// picks its variant by status).
fn single(
    render: &Render<'_>,
    response: &ResponseBody,
    enum_name: &proc_macro2::Ident,
) -> (TokenStream, TokenStream) {
    match response {
        ResponseBody::Json { ty, shape } => {
            let t = render.ty(ty);
            match shape {
                JsonShape::Result => (quote!(#t), quote!(crate::envelope::result::<#t>)),
                JsonShape::Page => (quote!(crate::Page<#t>), quote!(crate::envelope::page::<#t>)),
                JsonShape::Plain => (quote!(#t), quote!(crate::response::raw::<#t>)),
            }
        }
        ResponseBody::Empty => (quote!(()), quote!(crate::response::empty)),
        ResponseBody::Binary { .. } => (quote!(bytes::Bytes), quote!(crate::response::bytes)),
        ResponseBody::Text { .. } => (quote!(String), quote!(crate::response::text)),
        ResponseBody::Several(bodies) => {
            let arms = bodies.iter().map(|body| {
                let variant = format_ident!("{}", body.variant);
                let (_, decode) = single(render, &body.body, enum_name);
                let pattern = status_pattern(body.status);
                match body.body {
                    ResponseBody::Empty => quote!(#pattern => Ok(#enum_name::#variant),),
                    _ => quote!(#pattern => (#decode)(parts).map(#enum_name::#variant),),
                }
            });
            let fallback = (!bodies.iter().any(|b| b.status == StatusMatch::Default)).then(|| {
                quote!(status => Err(crate::Error::InvalidResponse(format!("HTTP {status}: a success status the API does not declare"))),)
            });
            (
                quote!(#enum_name),
                quote!(|parts| match parts.status { #(#arms)* #fallback }),
            )
        }
    }
}

/// The `match` pattern of a status.
fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => quote!(#code),
        StatusMatch::Class(class) => {
            let (low, high) = (class * 100, class * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// The enum of an operation's several success responses.
fn several_enum(
    render: &Render<'_>,
    op: &Operation,
    name: &proc_macro2::Ident,
    bodies: &[crate::ir::ops::StatusBody],
) -> TokenStream {
    let doc = format!(
        " What `{}` answers: one of its success responses, by status.",
        op.dotted()
    );
    let variants = bodies.iter().map(|body| {
        let variant = format_ident!("{}", body.variant);
        let status = match body.status {
            StatusMatch::Code(code) => format!("HTTP {code}"),
            StatusMatch::Class(class) => format!("HTTP {class}XX"),
            StatusMatch::Default => "Any other success status".into(),
        };
        let (ty, _) = single(render, &body.body, name);
        let doc = format!(" {status}.");
        match body.body {
            ResponseBody::Empty => quote! { #[doc = #doc] #variant, },
            _ => quote! { #[doc = #doc] #variant(#ty), },
        }
    });
    // A response is matched once and moved out; a variant's size costs nothing worth a box,
    // as with the unions of types.rs.
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The `Accept` header of a response that is not (only) JSON.
fn accept(response: &ResponseBody) -> Option<String> {
    let mut media: Vec<String> = Vec::new();
    collect_media(response, &mut media);
    let json = |m: &String| m == "application/json";
    (!media.iter().all(json) && !media.is_empty()).then(|| media.join(", "))
}

fn collect_media(response: &ResponseBody, out: &mut Vec<String>) {
    let media = match response {
        ResponseBody::Json { .. } => "application/json".to_string(),
        ResponseBody::Binary { media } | ResponseBody::Text { media } => media.clone(),
        ResponseBody::Empty => return,
        ResponseBody::Several(bodies) => {
            for body in bodies {
                collect_media(&body.body, out);
            }
            return;
        }
    };
    // A key that is no media type (`string`, `undefined`: spec mistakes) asks for anything;
    // sent as is, a server may refuse the request (Prism crashes on it).
    let media = if is_media_type(&media) {
        media
    } else {
        "*/*".to_string()
    };
    if !out.contains(&media) {
        out.push(media);
    }
}

/// Whether `media` reads as a media type: `type/subtype`, parameters after `;` allowed.
fn is_media_type(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
    };
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype))
}

/// The argument a body that is not a form takes, and what it adds to the call; a form's first
/// call (its fields are parameters).
pub fn body(render: &Render<'_>, op: &Operation) -> (Option<TokenStream>, TokenStream) {
    match &op.body {
        RequestBody::None => (None, TokenStream::new()),
        RequestBody::Json(body) => {
            let t = render.ty(&body.ty);
            (Some(quote!(body: &#t)), quote!(.json(body)))
        }
        RequestBody::Form {
            multipart: true, ..
        } => (None, quote!(.multipart())),
        RequestBody::Form {
            multipart: false, ..
        } => (None, quote!(.form())),
        RequestBody::Raw { media, text: true } => (
            Some(quote!(body: impl Into<String>)),
            quote!(.upload(#media, crate::Upload::from(body.into()))),
        ),
        RequestBody::Raw { media, text: false } => (
            Some(quote!(body: impl Into<crate::Upload>)),
            quote!(.upload(#media, body.into())),
        ),
    }
}

/// A required form field as an argument, and what it adds to the call.
pub fn field_argument(
    render: &Render<'_>,
    p: &Param,
    encoding: FieldEncoding,
) -> (TokenStream, TokenStream) {
    let n = ident(&p.ident);
    let key = &p.name;
    match encoding {
        FieldEncoding::File => (
            quote!(#n: impl Into<crate::Upload>),
            quote!(.part_file(#key, #n.into())),
        ),
        FieldEncoding::Files => (
            quote!(#n: impl IntoIterator<Item = impl Into<crate::Upload>>),
            quote!(.part_files(#key, #n.into_iter().map(Into::into))),
        ),
        FieldEncoding::Json | FieldEncoding::Text => {
            let t = render.ty(&p.ty);
            (quote!(#n: &#t), field_value(p, encoding, quote!(#n)))
        }
    }
}

/// The setter of an optional form field: its input type and what it adds to the call.
pub fn field_setter(
    render: &Render<'_>,
    p: &Param,
    encoding: FieldEncoding,
) -> (TokenStream, TokenStream) {
    let n = ident(&p.ident);
    let key = &p.name;
    match encoding {
        FieldEncoding::File => (
            quote!(impl Into<crate::Upload>),
            quote!(.part_file(#key, #n.into())),
        ),
        FieldEncoding::Files => (
            quote!(impl IntoIterator<Item = impl Into<crate::Upload>>),
            quote!(.part_files(#key, #n.into_iter().map(Into::into))),
        ),
        FieldEncoding::Json | FieldEncoding::Text => {
            let t = render.ty(&p.ty);
            (
                quote!(impl Into<#t>),
                field_value(p, encoding, quote!(&#n.into())),
            )
        }
    }
}

/// What puts the value `value` (a reference) of a JSON or text field into the call.
fn field_value(p: &Param, encoding: FieldEncoding, value: TokenStream) -> TokenStream {
    let key = &p.name;
    match encoding {
        FieldEncoding::Json => quote!(.part_json(#key, #value)),
        _ => quote!(.part_texts(#key, crate::values::field_texts(#value))),
    }
}

#[cfg(test)]
mod tests {
    use super::is_media_type;

    #[test]
    fn media_types_are_told_from_mistaken_keys() {
        for media in [
            "image/png",
            "application/json; charset=utf-8",
            "*/*",
            "text/*",
        ] {
            assert!(is_media_type(media), "{media}");
        }
        for media in ["string", "undefined", "", "text/", "a b/c"] {
            assert!(!is_media_type(media), "{media}");
        }
    }
}
