//! `tests/wire.rs` of the generated crate: for every method with a JSON body, the bytes the
//! client puts on the wire for a sample body, captured by a loopback server. The body the
//! server receives must be the sample exactly: every union tag present (the unions write them;
//! the variant structs do not hold them), and no field the sample does not set.

use super::e2e::{full_gate, invocation, literal_json, scope_setup, Chunks, Invocation};
use super::render::{Render, Root};
use crate::config::EnvelopeConvention;
use crate::ir::ops::Operation;
use crate::ir::sample::typed;
use crate::ir::Api;

/// The test file, or `None` when no method takes a body.
pub fn wire(api: &Api, crate_ident: &str, header: &str) -> Option<String> {
    let mut checks = Vec::new();
    for op in &api.operations {
        let Some(body) = op.json_body() else {
            continue;
        };
        // The schema's sample (what the end-to-end test sends) and one built from the types
        // with every field of the outermost object set.
        let mut samples = vec![body.sample.clone()];
        let full = typed::value(&api.types, &body.ty, true);
        if full != body.sample {
            samples.push(full);
        }
        for sample in samples {
            checks.push(check(api, op, crate_ident, &body.ty, &sample));
        }
    }
    if checks.is_empty() {
        return None;
    }
    let count = checks.len();
    let chunks = Chunks {
        name: "checks",
        params: "client: &Client, bodies: &Mutex<Vec<Vec<u8>>>, failures: &mut Vec<String>",
        args: "&client, &bodies, &mut failures",
        prelude: scope_setup(api, crate_ident),
    }
    .split(&checks, "    ");
    let gate = full_gate(api);
    Some(
        include_str!("templates/wire.rs.in")
            .replace("@HEADER@", header)
            .replace("@GATE@", &gate)
            .replace("@CRATE@", crate_ident)
            .replace("@CHECKS@", &chunks.awaits)
            .replace("@CHUNKS@", &chunks.functions)
            .replace("@CREDENTIALS@", &super::e2e::all_credentials(api))
            .replace("@LOOPBACK@", include_str!("templates/loopback.rs.in"))
            .replace("@ANSWER@", empty_success(api))
            .replace("@COUNT@", &count.to_string()),
    )
}

/// The body of an empty success under the API's convention.
fn empty_success(api: &Api) -> &'static str {
    match api.service.envelope {
        EnvelopeConvention::Cloudflare => {
            r#"{"success":true,"errors":[],"messages":[],"result":null}"#
        }
        EnvelopeConvention::None => "{}",
    }
}

/// One body: decoded from the sample, sent, compared.
fn check(
    api: &Api,
    op: &Operation,
    krate: &str,
    body: &crate::ir::types::Ty,
    sample: &serde_json::Value,
) -> String {
    let dotted = op.dotted();
    let Invocation {
        setup,
        chain,
        mut args,
    } = invocation(api, op, krate);
    args.push("&body".into());
    let ty = Render::with_root(&api.types, Root::Extern(krate)).ty(body);
    format!(
        "    {{\n{setup}        let expected: Value = serde_json::from_str({json}).expect(\"sample JSON\");\n        match serde_json::from_value::<{ty}>(expected.clone()) {{\n            Ok(body) => {{\n                let _ = {chain}.{name}({args}).await;\n                compare({dotted:?}, &expected, bodies, failures);\n            }}\n            Err(error) => failures.push(format!(\"{dotted}: the sample does not decode: {{error}}\")),\n        }}\n    }}\n",
        json = literal_json(sample),
        name = op.name,
        args = args.join(", "),
    )
}
