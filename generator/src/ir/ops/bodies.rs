//! What an operation's request and successful response carry, and how its pages are walked.

use openapiv3::{ReferenceOr, StatusCode};

use super::{
    ErrorResponse, FieldEncoding, JsonBody, JsonShape, Pagination, Param, ParamLocation,
    RequestBody, ResponseBody, StatusBody, StatusMatch,
};
use crate::error::{Result, Warning};
use crate::ir::names;
use crate::ir::pointer::Pointer;
use crate::ir::sample::Sampler;
use crate::ir::types::{Binary, Ty, TypeBuilder};
use crate::load::spec::{escape_token, Spec, SpecOperation};

/// Whether a media type is JSON (`application/json`, `application/problem+json`, with or
/// without parameters).
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json")
}

/// The kinds of request body, in the order a method prefers them when the spec offers
/// several media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MediaKind {
    Json,
    Multipart,
    UrlEncoded,
    Binary,
    Text,
}

impl MediaKind {
    /// The kind of a media type.
    fn of(media: &str) -> MediaKind {
        let essence = media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if is_json(&essence) {
            MediaKind::Json
        } else if essence.starts_with("multipart/") {
            MediaKind::Multipart
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::UrlEncoded
        } else if is_text(&essence) {
            MediaKind::Text
        } else {
            MediaKind::Binary
        }
    }

    /// The suffix of the method that sends this kind when it is not the preferred one.
    fn suffix(self) -> &'static str {
        match self {
            MediaKind::Json => "json",
            MediaKind::Multipart => "multipart",
            MediaKind::UrlEncoded => "form",
            MediaKind::Binary => "bytes",
            MediaKind::Text => "text",
        }
    }
}

/// Whether a media type (its essence, lower case) is text: `text/*`, JavaScript, XML, YAML,
/// CSV or newline-delimited JSON.
fn is_text(essence: &str) -> bool {
    essence.starts_with("text/")
        || ["javascript", "xml", "yaml", "csv", "ndjson"]
            .iter()
            .any(|marker| essence.contains(marker))
}

/// An operation's request body: the preferred one (with the form fields it takes as
/// parameters), and the others the spec offers (each a method of its own).
pub(super) struct Bodies {
    /// The body of the method.
    pub body: RequestBody,
    /// Its form fields, as parameters.
    pub fields: Vec<Param>,
    /// Other media types: the method suffix, the body and its fields.
    pub alternatives: Vec<(String, RequestBody, Vec<Param>)>,
}

/// The request body of `op`, in each media type it offers (preferred first: JSON, then a
/// multipart or URL-encoded form, then bytes, then text; one method per kind).
pub(super) fn request_body<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    sampler: &mut Sampler<'s>,
    hint: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Bodies> {
    let mut bodies = Bodies {
        body: RequestBody::None,
        fields: Vec::new(),
        alternatives: Vec::new(),
    };
    let Some(body) = &op.op.request_body else {
        return Ok(bodies);
    };
    let pointer = match body {
        ReferenceOr::Item(_) => format!("{}/requestBody", op.pointer),
        ReferenceOr::Reference { reference } => format!(
            "#/components/requestBodies/{}",
            escape_token(spec.component_name(reference, "requestBodies", &op.pointer)?)
        ),
    };
    let body = spec.request_body(body, &pointer)?;
    // One media type per kind, the first the spec lists; kinds in order of preference.
    let mut kinds: Vec<(MediaKind, &String, &openapiv3::MediaType)> = Vec::new();
    for (media, content) in &body.content {
        let kind = MediaKind::of(media);
        if !kinds.iter().any(|(k, _, _)| *k == kind) {
            kinds.push((kind, media, content));
        }
    }
    kinds.sort_by_key(|(kind, _, _)| *kind);
    for (index, (kind, media, content)) in kinds.into_iter().enumerate() {
        let media_pointer = format!("{pointer}/content/{}", escape_token(media));
        let cx = BodyContext {
            media,
            media_pointer,
            required: body.required,
            hint,
        };
        let (lowered, fields) = match kind {
            MediaKind::Json => (
                json_body(&cx, content, types, sampler, warnings),
                Vec::new(),
            ),
            MediaKind::Multipart | MediaKind::UrlEncoded => form_body(
                &cx,
                kind == MediaKind::Multipart,
                content,
                types,
                sampler,
                warnings,
            ),
            MediaKind::Binary | MediaKind::Text => (
                RequestBody::Raw {
                    media: media.clone(),
                    text: kind == MediaKind::Text,
                },
                Vec::new(),
            ),
        };
        if index == 0 {
            bodies.body = lowered;
            bodies.fields = fields;
        } else {
            bodies
                .alternatives
                .push((kind.suffix().to_string(), lowered, fields));
        }
    }
    Ok(bodies)
}

/// What lowering one media type of a request body needs.
struct BodyContext<'a> {
    media: &'a str,
    media_pointer: String,
    required: bool,
    hint: &'a str,
}

/// A JSON body; without a schema it takes any JSON value (as the spec says), noted.
fn json_body<'s>(
    cx: &BodyContext<'_>,
    content: &openapiv3::MediaType,
    types: &mut TypeBuilder<'s>,
    sampler: &mut Sampler<'s>,
    warnings: &mut Vec<Warning>,
) -> RequestBody {
    let schema = format!("{}/schema", cx.media_pointer);
    let (ty, schema, sample) = if content.schema.is_some() {
        let ty = types.ty(&schema, &format!("{}Request", cx.hint));
        let sample = sampler.sample(&schema);
        (ty, Pointer::new(schema), sample)
    } else {
        warnings.push(Warning::notice(
            cx.media_pointer.clone(),
            "request body has no schema; it takes any JSON value",
        ));
        (Ty::Any, Pointer::default(), serde_json::json!({}))
    };
    RequestBody::Json(JsonBody {
        ty,
        required: cx.required,
        schema,
        sample,
    })
}

/// A form body (multipart or URL-encoded) and its fields: each property of its schema, a
/// file where the schema says `format: binary`, JSON where it is structured or the spec's
/// `encoding` says `application/json`, text otherwise.
fn form_body<'s>(
    cx: &BodyContext<'_>,
    multipart: bool,
    content: &openapiv3::MediaType,
    types: &mut TypeBuilder<'s>,
    sampler: &mut Sampler<'s>,
    warnings: &mut Vec<Warning>,
) -> (RequestBody, Vec<Param>) {
    let body = RequestBody::Form {
        media: cx.media.to_string(),
        multipart,
    };
    if content.schema.is_none() {
        warnings.push(Warning::problem(
            cx.media_pointer.clone(),
            "form body without a schema: the method sends an empty form",
        ));
        return (body, Vec::new());
    }
    let schema = format!("{}/schema", cx.media_pointer);
    let mut fields = Vec::new();
    for property in types.form_properties(&schema, &format!("{}Form", cx.hint)) {
        let json = content
            .encoding
            .get(&property.name)
            .and_then(|e| e.content_type.as_deref())
            .is_some_and(is_json);
        let encoding = match property.binary {
            Binary::One if multipart => FieldEncoding::File,
            Binary::Many if multipart => FieldEncoding::Files,
            _ if json || property.structured => FieldEncoding::Json,
            _ => FieldEncoding::Text,
        };
        let sample = match encoding {
            FieldEncoding::File | FieldEncoding::Files => serde_json::Value::Null,
            _ => sampler.sample(&property.pointer),
        };
        fields.push(Param {
            ident: names::field_name(&property.name),
            name: property.name,
            location: ParamLocation::Field(encoding),
            ty: property.ty,
            required: property.required,
            doc: property.doc,
            schema: Pointer::new(property.pointer),
            sample,
            separator: None,
        });
    }
    (body, fields)
}

/// What one success response carries, before it is typed.
#[derive(Debug, Clone, PartialEq)]
enum Success {
    /// JSON with the schema at the pointer; `same` identifies the schema (its `$ref`, or the
    /// pointer itself) so that two responses of one schema count as one body.
    Json { pointer: String, same: String },
    /// No body, or a JSON body without a schema (nothing to read).
    Empty,
    /// Bytes of a media type.
    Binary(String),
    /// Text of a media type.
    Text(String),
}

/// The successful response of `op`: one body (JSON read through the envelope when the API
/// has one (`envelope`) and the body is one: `result`, and `result_info` for a page; bytes;
/// text; nothing), or, when its success statuses carry different bodies, one of them by
/// status.
pub(super) fn response_body<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    hint: &str,
    envelope: bool,
) -> Result<ResponseBody> {
    let successes = success_bodies(spec, op)?;
    let mut distinct: Vec<&Success> = Vec::new();
    for (_, success) in &successes {
        if !distinct.iter().any(|d| same_body(d, success)) {
            distinct.push(success);
        }
    }
    match distinct.as_slice() {
        [] => Ok(ResponseBody::Empty),
        [only] => Ok(lower_success(only, types, hint, envelope)),
        _ => {
            let bodies = successes
                .iter()
                .map(|(status, success)| StatusBody {
                    status: *status,
                    variant: status_variant(*status),
                    body: lower_success(
                        success,
                        types,
                        &format!("{hint}{}", status_variant(*status)),
                        envelope,
                    ),
                })
                .collect();
            Ok(ResponseBody::Several(bodies))
        }
    }
}

/// Whether two success responses carry the same body.
fn same_body(a: &Success, b: &Success) -> bool {
    match (a, b) {
        (Success::Json { same: x, .. }, Success::Json { same: y, .. }) => x == y,
        (a, b) => a == b,
    }
}

/// The variant name of a success status (`Created` for 201).
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(205) => "ResetContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(code) => format!("Status{code}"),
        StatusMatch::Class(class) => format!("Status{class}xx"),
        StatusMatch::Default => "Other".into(),
    }
}

/// One success body, typed.
fn lower_success(
    success: &Success,
    types: &mut TypeBuilder<'_>,
    hint: &str,
    envelope: bool,
) -> ResponseBody {
    match success {
        Success::Empty => ResponseBody::Empty,
        Success::Binary(media) => ResponseBody::Binary {
            media: media.clone(),
        },
        Success::Text(media) => ResponseBody::Text {
            media: media.clone(),
        },
        Success::Json { pointer, .. } => json_response(pointer, types, hint, envelope),
    }
}

/// A JSON success body, read through the envelope when the API has one and the body is one.
fn json_response(
    pointer: &str,
    types: &mut TypeBuilder<'_>,
    hint: &str,
    envelope: bool,
) -> ResponseBody {
    let Some(envelope) = envelope.then(|| types.envelope(pointer)).flatten() else {
        let ty = types.nullable_ty(pointer, &format!("{hint}Response"));
        return ResponseBody::Json {
            ty,
            shape: JsonShape::Plain,
        };
    };
    let ty = types.nullable_property(&envelope.result, &format!("{hint}Response"));
    // A nullable list decodes `null` as an empty page.
    let list = match ty {
        Ty::Nullable(inner) if matches!(*inner, Ty::Vec(_)) && envelope.result_info => *inner,
        ty => ty,
    };
    match list {
        Ty::Vec(item) if envelope.result_info => ResponseBody::Json {
            ty: *item,
            shape: JsonShape::Page,
        },
        ty => ResponseBody::Json {
            ty,
            shape: JsonShape::Result,
        },
    }
}

/// The error responses `op` declares with a JSON body (by status, class or `default`), each
/// with the type of its body; others keep their body as text.
/// A body the schema at `pointer` rejects: the first of a few values of different kinds.
fn foreign_body(spec: &Spec, pointer: &str) -> Option<serde_json::Value> {
    let schema = crate::ir::pointer::lookup(&spec.raw, pointer)?;
    // Kinds first that no lenient decoder takes for another (an enum keeps an unknown
    // string, so a string comes after a number and a boolean).
    let candidates = [
        serde_json::json!(1.5),
        serde_json::json!(true),
        serde_json::json!("not a declared error"),
        serde_json::json!(["not a declared error"]),
        serde_json::json!({"message": ["not a declared error"], "errors": 1.5}),
    ];
    candidates
        .into_iter()
        .find(|value| crate::ir::validate::fits(&spec.raw, schema, value).is_err())
}

pub(super) fn error_responses<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    hint: &str,
) -> Result<Vec<ErrorResponse>> {
    let responses = &op.op.responses;
    let mut declared: Vec<(StatusMatch, String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    for (status, response) in &responses.responses {
        let code = spec.status_key(&op.pointer, status);
        let matched = match status {
            StatusCode::Code(code) if *code >= 400 => StatusMatch::Code(*code),
            StatusCode::Range(class) if *class >= 4 => StatusMatch::Class(*class),
            _ => continue,
        };
        declared.push((matched, code, response));
    }
    if let Some(response) = &responses.default {
        declared.push((StatusMatch::Default, "default".into(), response));
    }
    let mut out = Vec::new();
    for (status, code, response) in declared {
        let (pointer, resolved) = response_at(spec, op, &code, response)?;
        let Some((media, content)) = resolved.content.iter().find(|(media, _)| is_json(media))
        else {
            continue;
        };
        if content.schema.is_none() {
            continue;
        }
        let schema = format!("{pointer}/content/{}/schema", escape_token(media));
        let suffix = match status {
            StatusMatch::Default => "Default".to_string(),
            _ => code.to_uppercase(),
        };
        let ty = types.ty(&schema, &format!("{hint}Error{suffix}"));
        let foreign = foreign_body(spec, &schema);
        out.push(ErrorResponse {
            status,
            ty,
            foreign,
        });
    }
    Ok(out)
}

/// The response of `op` declared under the status key `code`, through a `$ref` to
/// `#/components/responses`, with the pointer of the response object.
pub(super) fn response_at<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    code: &str,
    response: &'s ReferenceOr<openapiv3::Response>,
) -> Result<(String, &'s openapiv3::Response)> {
    let pointer = match response {
        ReferenceOr::Item(_) => format!("{}/responses/{}", op.pointer, escape_token(code)),
        ReferenceOr::Reference { reference } => format!(
            "#/components/responses/{}",
            escape_token(spec.component_name(reference, "responses", &op.pointer)?)
        ),
    };
    let resolved = spec.response(response, &pointer)?;
    Ok((pointer, resolved))
}

/// Whether an example of a JSON success response of `op` (`example`, or a value of
/// `examples`; or a schema's own `example` inside its schema) does not fit its schema: a mock
/// server serving it answers outside the spec.
pub(super) fn misfit_examples(spec: &Spec, op: &SpecOperation<'_>) -> bool {
    op.op.responses.responses.iter().any(|(status, response)| {
        let success = matches!(status, StatusCode::Code(code) if (200..300).contains(code))
            || matches!(status, StatusCode::Range(2));
        let code = spec.status_key(&op.pointer, status);
        let Some((pointer, response)) = success
            .then(|| response_at(spec, op, &code, response).ok())
            .flatten()
        else {
            return false;
        };
        response
            .content
            .keys()
            .filter(|media| is_json(media))
            .any(|media| {
                let media_pointer = format!("{pointer}/content/{}", escape_token(media));
                let raw = |pointer: &str| crate::ir::pointer::lookup(&spec.raw, pointer);
                let (Some(schema), Some(content)) =
                    (raw(&format!("{media_pointer}/schema")), raw(&media_pointer))
                else {
                    return false;
                };
                media_examples(content, raw)
                    .any(|value| crate::ir::validate::fits(&spec.raw, schema, value).is_err())
                    || misfit_schema_example(&spec.raw, schema, &mut Default::default(), 0)
            })
    })
}

/// Whether a schema reached from `schema` (through references, properties, items, parts and
/// variants) has an `example` or a `default` that does not fit it: a mock server without a
/// media example builds its answer from those.
fn misfit_schema_example<'s>(
    raw: &'s serde_json::Value,
    schema: &'s serde_json::Value,
    seen: &mut std::collections::HashSet<&'s str>,
    depth: usize,
) -> bool {
    use serde_json::Value;
    if depth > 64 {
        return false;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return seen.insert(reference)
            && crate::ir::pointer::lookup(raw, reference)
                .is_some_and(|target| misfit_schema_example(raw, target, seen, depth + 1));
    }
    // A mock builds its answer from a schema's `example`, else its `default`.
    let misfit = ["example", "default"].into_iter().any(|key| {
        let value = schema.get(key).filter(|v| !v.is_null());
        value.is_some_and(|v| crate::ir::validate::fits(raw, schema, v).is_err())
    });
    if misfit {
        return true;
    }
    let single = ["items", "additionalProperties"]
        .into_iter()
        .filter_map(|key| schema.get(key));
    let listed = ["allOf", "oneOf", "anyOf"]
        .into_iter()
        .filter_map(|key| schema.get(key).and_then(Value::as_array))
        .flatten();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values());
    single
        .chain(listed)
        .chain(properties)
        .any(|child| misfit_schema_example(raw, child, seen, depth + 1))
}

/// The example values of a media type object (raw JSON): its `example` and each value of
/// its `examples`, through a `$ref` to `#/components/examples`; a `null` value counts (it
/// is what a mock server sends).
fn media_examples<'s>(
    content: &'s serde_json::Value,
    raw: impl Fn(&str) -> Option<&'s serde_json::Value> + 's,
) -> impl Iterator<Item = &'s serde_json::Value> + 's {
    let named = content
        .get("examples")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|examples| examples.values())
        .filter_map(move |example| {
            let example = match example.get("$ref").and_then(serde_json::Value::as_str) {
                Some(reference) => raw(reference)?,
                None => example,
            };
            example.get("value")
        });
    content.get("example").into_iter().chain(named)
}

/// Whether `op` declares a redirect (3xx) and no success (2xx) response.
pub(super) fn redirect_only(op: &SpecOperation<'_>) -> bool {
    let statuses = || op.op.responses.responses.keys();
    let class = |status: &StatusCode, class: u16| match status {
        StatusCode::Code(code) => code / 100 == class,
        StatusCode::Range(range) => *range == class,
    };
    statuses().any(|s| class(s, 3)) && !statuses().any(|s| class(s, 2))
}

/// Each success status with what its response carries (JSON preferred where a response
/// offers several media types).
fn success_bodies(spec: &Spec, op: &SpecOperation<'_>) -> Result<Vec<(StatusMatch, Success)>> {
    let mut successes = Vec::new();
    for (status, response) in &op.op.responses.responses {
        let status_match = match status {
            StatusCode::Code(code) if (200..300).contains(code) => StatusMatch::Code(*code),
            StatusCode::Range(2) => StatusMatch::Class(2),
            _ => continue,
        };
        let code = spec.status_key(&op.pointer, status);
        let (pointer, resolved) = response_at(spec, op, &code, response)?;
        let json = resolved.content.iter().find(|(media, _)| is_json(media));
        let success = match json {
            Some((media, content)) => match &content.schema {
                Some(schema) => {
                    let pointer = format!("{pointer}/content/{}/schema", escape_token(media));
                    let same = match schema {
                        ReferenceOr::Reference { reference } => reference.clone(),
                        ReferenceOr::Item(_) => pointer.clone(),
                    };
                    Success::Json { pointer, same }
                }
                None => Success::Empty,
            },
            None => match resolved.content.keys().next() {
                None => Success::Empty,
                Some(media) if MediaKind::of(media) == MediaKind::Text => {
                    Success::Text(media.clone())
                }
                Some(media) => Success::Binary(media.clone()),
            },
        };
        successes.push((status_match, success));
    }
    Ok(successes)
}

/// How the pages of a page-shaped response are walked: by a `cursor` query parameter, by a
/// `page` number, or not at all (one page).
pub(super) fn pagination(response: &ResponseBody, params: &[Param]) -> Pagination {
    let ResponseBody::Json {
        shape: JsonShape::Page,
        ..
    } = response
    else {
        return Pagination::None;
    };
    let query = |name: &str| {
        params
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.name == name)
    };
    if query("cursor") {
        Pagination::Cursor {
            cursor: "cursor".into(),
        }
    } else if query("page") {
        Pagination::PageNumber {
            page: "page".into(),
        }
    } else {
        Pagination::Single
    }
}
