//! What an operation's request and successful response carry, and how its pages are walked.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, StatusCode};

use super::{
    ErrorResponse, JsonBody, JsonShape, Pagination, Param, ParamLocation, RequestBody,
    ResponseBody, StatusMatch,
};
use crate::error::{Result, Warning};
use crate::ir::pointer::Pointer;
use crate::ir::sample::Sampler;
use crate::ir::types::{Ty, TypeBuilder};
use crate::load::spec::{escape_token, Spec, SpecOperation};

/// Whether a media type is JSON (`application/json`, `application/problem+json`, with or
/// without parameters).
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json")
}

/// The request body of `op`: JSON with its type, or nothing (a body in a media type the
/// generator cannot send is a problem).
pub(super) fn request_body<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    sampler: &mut Sampler<'s>,
    hint: &str,
    warnings: &mut Vec<Warning>,
) -> Result<RequestBody> {
    let Some(body) = &op.op.request_body else {
        return Ok(RequestBody::None);
    };
    let pointer = match body {
        ReferenceOr::Item(_) => format!("{}/requestBody", op.pointer),
        ReferenceOr::Reference { reference } => format!(
            "#/components/requestBodies/{}",
            escape_token(spec.component_name(reference, "requestBodies", &op.pointer)?)
        ),
    };
    let body = spec.request_body(body, &pointer)?;
    let Some((media, content)) = body.content.iter().find(|(media, _)| is_json(media)) else {
        let media: Vec<&String> = body.content.keys().collect();
        warnings.push(Warning::problem(
            pointer,
            format!(
                "request body media type {media:?} is not supported yet; the method sends no body"
            ),
        ));
        return Ok(RequestBody::None);
    };
    let media_pointer = format!("{pointer}/content/{}", escape_token(media));
    let schema = format!("{media_pointer}/schema");
    let (ty, schema, sample) = if content.schema.is_some() {
        let ty = types.ty(&schema, &format!("{hint}Request"));
        let sample = sampler.sample(&schema);
        (ty, Pointer::new(schema), sample)
    } else {
        warnings.push(Warning::problem(
            media_pointer,
            "request body has no schema; it takes any JSON value",
        ));
        (Ty::Any, Pointer::default(), serde_json::json!({}))
    };
    Ok(RequestBody::Json(JsonBody {
        ty,
        required: body.required,
        schema,
        sample,
    }))
}

/// The successful response of `op`: the first success status's JSON body, read through the
/// envelope when the API has one (`envelope`) and the body is one (`result`, and `result_info`
/// for a page).
pub(super) fn response_body<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    hint: &str,
    envelope: bool,
    warnings: &mut Vec<Warning>,
) -> Result<ResponseBody> {
    let successes = success_schemas(spec, op, warnings)?;
    let Some((code, pointer)) = successes.first().cloned() else {
        return Ok(ResponseBody::Empty);
    };
    let distinct: BTreeSet<&str> = successes.iter().map(|(_, p)| p.as_str()).collect();
    if distinct.len() > 1 {
        warnings.push(Warning::problem(
            format!("{}/responses", op.pointer),
            format!("several success responses with different bodies; decoding the {code} one"),
        ));
    }
    if pointer.is_empty() {
        return Ok(ResponseBody::Empty);
    }
    let Some(envelope) = envelope.then(|| types.envelope(&pointer)).flatten() else {
        let ty = types.ty(&pointer, &format!("{hint}Response"));
        return Ok(ResponseBody::Json {
            ty,
            shape: JsonShape::Plain,
        });
    };
    let ty = types.nullable_property(&envelope.result, &format!("{hint}Response"));
    // A nullable list decodes `null` as an empty page.
    let list = match ty {
        Ty::Nullable(inner) if matches!(*inner, Ty::Vec(_)) && envelope.result_info => *inner,
        ty => ty,
    };
    Ok(match list {
        Ty::Vec(item) if envelope.result_info => ResponseBody::Json {
            ty: *item,
            shape: JsonShape::Page,
        },
        ty => ResponseBody::Json {
            ty,
            shape: JsonShape::Result,
        },
    })
}

/// The error responses `op` declares with a JSON body (by status, class or `default`), each
/// with the type of its body; others keep their body as text.
pub(super) fn error_responses<'s>(
    spec: &'s Spec,
    op: &SpecOperation<'s>,
    types: &mut TypeBuilder<'s>,
    hint: &str,
) -> Result<Vec<ErrorResponse>> {
    let responses = &op.op.responses;
    let mut declared: Vec<(StatusMatch, String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    for (status, response) in &responses.responses {
        let code = status.to_string();
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
        let pointer = match response {
            ReferenceOr::Item(_) => format!("{}/responses/{}", op.pointer, escape_token(&code)),
            ReferenceOr::Reference { reference } => format!(
                "#/components/responses/{}",
                escape_token(spec.component_name(reference, "responses", &op.pointer)?)
            ),
        };
        let resolved = spec.response(response, &pointer)?;
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
        out.push(ErrorResponse { status, ty });
    }
    Ok(out)
}

/// Each success status with the pointer of its JSON schema (empty for a body without one or
/// no body); a non-JSON body is a problem.
fn success_schemas(
    spec: &Spec,
    op: &SpecOperation<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<(String, String)>> {
    let mut successes = Vec::new();
    for (status, response) in &op.op.responses.responses {
        let code = status.to_string();
        if !code.starts_with('2') {
            continue;
        }
        let pointer = match response {
            ReferenceOr::Item(_) => format!("{}/responses/{}", op.pointer, escape_token(&code)),
            ReferenceOr::Reference { reference } => format!(
                "#/components/responses/{}",
                escape_token(spec.component_name(reference, "responses", &op.pointer)?)
            ),
        };
        let resolved = spec.response(response, &pointer)?;
        match resolved.content.iter().find(|(media, _)| is_json(media)) {
            Some((media, content)) if content.schema.is_some() => successes.push((
                code,
                format!("{pointer}/content/{}/schema", escape_token(media)),
            )),
            Some(_) => successes.push((code, String::new())),
            None if resolved.content.is_empty() => successes.push((code, String::new())),
            None => warnings.push(Warning::problem(
                pointer,
                "non-JSON success response: the body is not decoded",
            )),
        }
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
