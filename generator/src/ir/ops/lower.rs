//! Lowering: the selected spec operations into [`Operation`]s, building the types they use.

use std::collections::{BTreeMap, BTreeSet};

use super::bodies::{
    error_responses, misfit_examples, pagination, redirect_only, request_body, response_at,
    response_body,
};
use super::naming::{
    check_config_names, dedup_names, group_by_scope, hint_base, name_methods, Draft,
};
use super::params::{params, ParamContext};
use super::{HttpMethod, JsonShape, Operation, PathTemplate, ResponseBody, ResponseHeader, Source};
use crate::config::{Config, EnvelopeConvention};
use crate::error::{Result, Warning};
use crate::ir::sample::Sampler;
use crate::ir::types::{Ty, TypeBuilder};
use crate::load::spec::{Spec, SpecOperation};

/// Names a generated type must not take: the items of the generated crate's root.
const RESERVED: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Credentials",
    "Error",
    "Result",
    "Scope",
    "Page",
    "Envelope",
    "ResultInfo",
    "DateTime",
    "Nullable",
    "Call",
    "ApiError",
];

/// The methods of the operations `config` selects, in spec order, and the type builder
/// holding the types they use (to be finished by the caller).
pub fn operations<'s>(
    spec: &'s Spec,
    config: &Config,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<Operation>, TypeBuilder<'s>)> {
    let selected = spec.operations(config)?;
    let order: BTreeMap<String, usize> = selected
        .iter()
        .enumerate()
        .map(|(i, op)| (op.pointer.clone(), i))
        .collect();
    let drafts = group_by_scope(selected, config);
    check_config_names(&drafts, spec, config)?;
    let mut drafts = name_methods(drafts, config, warnings);
    drafts.sort_by_key(|d| {
        d.spec_ops
            .first()
            .and_then(|(_, op)| order.get(&op.pointer).copied())
    });
    let roots: Vec<String> = drafts
        .iter()
        .flat_map(|d| d.spec_ops.iter().map(|(_, op)| op.pointer.clone()))
        .collect();
    let mut types = TypeBuilder::new(
        &spec.raw,
        &roots,
        &config.types.strip_prefixes,
        &config.types.rename,
        RESERVED,
    );
    let mut sampler = Sampler::new(&spec.raw);
    let claimed: BTreeSet<(&[String], &str)> = drafts
        .iter()
        .map(|d| (d.resource.as_slice(), d.name.as_str()))
        .collect();
    let mut operations = Vec::with_capacity(drafts.len());
    for draft in &drafts {
        let mut op = operation(spec, config, draft, &mut types, &mut sampler, warnings)?;
        op.name = method_name(draft, &op.response, &claimed);
        operations.push(op);
    }
    dedup_names(&mut operations, warnings);
    Ok((operations, types))
}

/// The parameters of the scope prefix of the draft's first spec operation (`account_id`).
fn scope_params(draft: &Draft<'_>) -> BTreeSet<String> {
    let (scope, primary) = &draft.spec_ops[0];
    if scope.is_empty() {
        return BTreeSet::new();
    }
    let full = PathTemplate::parse(primary.path);
    let rest = PathTemplate::parse(&draft.rest);
    let prefix = PathTemplate {
        segments: full.segments[..full.segments.len() - rest.segments.len()].to_vec(),
    };
    prefix.params().map(str::to_string).collect()
}

/// One method from its draft.
fn operation<'s>(
    spec: &'s Spec,
    config: &Config,
    draft: &Draft<'s>,
    types: &mut TypeBuilder<'s>,
    sampler: &mut Sampler<'s>,
    warnings: &mut Vec<Warning>,
) -> Result<Operation> {
    let (scope, primary) = &draft.spec_ops[0];
    let scoped = !scope.is_empty() && draft.spec_ops.len() > 1;
    let hint = hint_base(draft);
    let path = PathTemplate::parse(if scoped { &draft.rest } else { primary.path });
    let scope_params = if scoped {
        scope_params(draft)
    } else {
        BTreeSet::new()
    };
    let mut cx = ParamContext {
        spec,
        types,
        sampler,
        warnings,
        hint: hint.clone(),
    };
    let mut params = params(&mut cx, primary, &path, &scope_params)?;
    let bodies = request_body(spec, primary, types, sampler, &hint, warnings)?;
    params.extend(bodies.fields);
    super::distinct_field_idents(&mut params);
    let body = bodies.body;
    let envelope = config.convention.envelope == EnvelopeConvention::Cloudflare;
    let response = response_body(spec, primary, types, &hint, envelope)?;
    let pagination = pagination(&response, &params);
    // With an envelope, errors are read through it; otherwise each declared error body is typed.
    let errors = if envelope {
        Vec::new()
    } else {
        error_responses(spec, primary, types, &hint)?
    };
    let op = primary.op;
    Ok(Operation {
        resource: draft.resource.clone(),
        name: draft.name.clone(),
        method: draft.method,
        path,
        sources: draft
            .spec_ops
            .iter()
            .map(|(s, o)| Source {
                scope: (!s.is_empty()).then(|| s.clone()),
                path: o.path.to_string(),
                operation_id: o.op.operation_id.clone().unwrap_or_default(),
            })
            .collect(),
        scoped,
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        params,
        body,
        response,
        response_headers: response_headers(spec, primary),
        misfit_examples: misfit_examples(spec, primary),
        redirect_only: redirect_only(primary),
        pagination,
        security: security(spec, op),
        errors,
        error_set: None,
        alternatives: bodies.alternatives,
    })
}

/// The draft's name, except that a GET "list" whose response is not a list is a "get", unless
/// another method of its resource is named so (the item's GET, beside a collection answering
/// with an object such as `{total_count, items}`): a collection never takes an item's name.
fn method_name(
    draft: &Draft<'_>,
    response: &ResponseBody,
    claimed: &BTreeSet<(&[String], &str)>,
) -> String {
    let is_list = matches!(
        response,
        ResponseBody::Json {
            shape: JsonShape::Page,
            ..
        } | ResponseBody::Json { ty: Ty::Vec(_), .. }
    );
    let get_is_free = !claimed.contains(&(draft.resource.as_slice(), "get"));
    if !draft.explicit
        && draft.name == "list"
        && draft.method == HttpMethod::Get
        && !is_list
        && get_is_free
    {
        "get".into()
    } else {
        draft.name.clone()
    }
}

/// The security requirements of `op` (the spec's when it names none): alternatives, each the
/// schemes sent together.
fn security(spec: &Spec, op: &openapiv3::Operation) -> Vec<Vec<String>> {
    op.security
        .as_ref()
        .or(spec.api.security.as_ref())
        .map(|alternatives| {
            alternatives
                .iter()
                .map(|requirement| requirement.keys().cloned().collect())
                .collect()
        })
        .unwrap_or_default()
}

/// The headers the success responses of `op` declare, in the order met (a `$ref` to
/// `#/components/headers` followed).
fn response_headers(spec: &Spec, op: &SpecOperation<'_>) -> Vec<ResponseHeader> {
    let mut out: Vec<ResponseHeader> = Vec::new();
    for (key, response) in &op.op.responses.responses {
        let status = match key {
            openapiv3::StatusCode::Code(code) if (200..300).contains(code) => code.to_string(),
            openapiv3::StatusCode::Range(2) => "2XX".to_string(),
            _ => continue,
        };
        // A response that cannot be resolved is reported where its body is lowered.
        let code = spec.status_key(&op.pointer, key);
        let Ok((_, response)) = response_at(spec, op, &code, response) else {
            continue;
        };
        for (name, header) in &response.headers {
            let description = match header {
                openapiv3::ReferenceOr::Item(header) => header.description.clone(),
                openapiv3::ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/headers/")
                    .and_then(|key| spec.api.components.as_ref()?.headers.get(key))
                    .and_then(|h| h.as_item())
                    .and_then(|h| h.description.clone()),
            };
            match out.iter_mut().find(|h| h.name.eq_ignore_ascii_case(name)) {
                Some(known) => known.statuses.push(status.clone()),
                None => out.push(ResponseHeader {
                    name: name.clone(),
                    statuses: vec![status.clone()],
                    description,
                }),
            }
        }
    }
    out
}
