//! `tests/errors.rs` of the generated crate (APIs without an envelope that declare error
//! responses): for every declared error response of every method, a loopback server answers
//! with a sample body of the declared type at a status the declaration covers, and the error
//! the caller sees must hold that body decoded as its `ErrorBody` variant; a body that is not
//! of the declared type must be kept as an excerpt instead.

use super::e2e::{full_gate, invocation, literal_json, scope_setup, Chunks, Invocation};
use super::render::{Render, Root};
use super::spec::error_types;
use crate::config::EnvelopeConvention;
use crate::ir::ops::{ErrorResponse, Operation, StatusMatch};
use crate::ir::sample::typed;
use crate::ir::Api;

/// The test file, or `None` when the API declares no error bodies (or has an envelope, which
/// reads its own errors).
pub fn errors(api: &Api, crate_ident: &str, header: &str) -> Option<String> {
    if api.service.envelope != EnvelopeConvention::None {
        return None;
    }
    let names = error_types(api);
    let mut checks = Vec::new();
    for op in api.operations.iter().filter(|op| !op.errors.is_empty()) {
        for error in &op.errors {
            let Some(status) = status_for(&op.errors, error.status) else {
                continue;
            };
            let variant = names
                .iter()
                .find(|(_, ty)| *ty == error.ty)
                .map(|(name, _)| name.as_str())?;
            let sample = typed::value(&api.types, &error.ty, false);
            let foreign = error.foreign.as_ref();
            checks.push(check(
                api,
                op,
                crate_ident,
                status,
                &sample,
                variant,
                foreign,
            ));
        }
    }
    if checks.is_empty() {
        return None;
    }
    let count = checks.len();
    let chunks = Chunks {
        name: "checks",
        params: "client: &Client, answer: &Mutex<(u16, String)>, failures: &mut Vec<String>",
        args: "&client, &answer, &mut failures",
        prelude: scope_setup(api, crate_ident),
    }
    .split(&checks, "    ");
    Some(
        include_str!("templates/errors.rs.in")
            .replace("@HEADER@", header)
            .replace("@GATE@", &full_gate(api))
            .replace("@CRATE@", crate_ident)
            .replace("@CREDENTIALS@", &super::e2e::all_credentials(api))
            .replace("@LOOPBACK@", include_str!("templates/loopback.rs.in"))
            .replace("@CHECKS@", &chunks.awaits)
            .replace("@CHUNKS@", &chunks.functions)
            .replace("@COUNT@", &count.to_string()),
    )
}

/// A status that `declared` maps to the response `status` covers, and to no more specific one
/// of the set: the code itself, a code of the class that no code of the set names, or for
/// `default` an error status that nothing else of the set covers.
fn status_for(declared: &[ErrorResponse], status: StatusMatch) -> Option<u16> {
    let covered_by_other = |code: u16| {
        declared.iter().any(|e| match e.status {
            StatusMatch::Code(c) => c == code,
            StatusMatch::Class(class) => status == StatusMatch::Default && class == code / 100,
            StatusMatch::Default => false,
        })
    };
    match status {
        StatusMatch::Code(code) => Some(code),
        StatusMatch::Class(class) => {
            (class * 100..class * 100 + 100).find(|c| !covered_by_other(*c))
        }
        StatusMatch::Default => (400..600).find(|c| !covered_by_other(*c)),
    }
}

/// One declared error: the server answers `status` with `sample`, the error must hold it as
/// `ErrorBody::{variant}`; then it answers with `foreign`, a body its schema rejects (when the
/// IR found one), which must be kept as an excerpt.
fn check(
    api: &Api,
    op: &Operation,
    krate: &str,
    status: u16,
    sample: &serde_json::Value,
    variant: &str,
    foreign: Option<&serde_json::Value>,
) -> String {
    let dotted = op.dotted();
    let Invocation {
        mut setup,
        chain,
        mut args,
    } = invocation(api, op, krate);
    if let Some(body) = op.json_body() {
        let ty = Render::with_root(&api.types, Root::Extern(krate)).ty(&body.ty);
        setup.push_str(&format!(
            "        let body: {ty} = serde_json::from_str({}).expect(\"sample body\");\n",
            literal_json(&body.sample)
        ));
        args.push("&body".into());
    }
    let call = format!("{chain}.{}({})", op.name, args.join(", "));
    let excerpt = foreign.map_or(String::new(), |foreign| {
        format!(
            "        *answer.lock().expect(\"answer lock\") = ({status}, {}.to_string());\n        \
             let outcome = {call}.await;\n        \
             expect_excerpt({dotted:?}, {status}, outcome.map(|_| ()), failures);\n",
            literal_json(foreign)
        )
    });
    format!(
        "    {{\n{setup}        *answer.lock().expect(\"answer lock\") = ({status}, {json}.to_string());\n        \
         let outcome = {call}.await;\n        \
         expect_typed({dotted:?}, {status}, outcome.map(|_| ()), |body| matches!(body, ErrorBody::{variant}(_)), failures);\n\
         {excerpt}    }}\n",
        json = literal_json(sample),
    )
}
