//! `tests/e2e.rs` of the generated crate: every method called once per round against a mock
//! server, with schema-valid sample arguments; request violations and decode failures counted.

use serde_json::Value;

use super::render::{Render, Root};
use super::spec::sample_credentials;
use super::syntax::chain;
use crate::ir::names;
use crate::ir::ops::{FieldEncoding, Operation, ParamLocation, RequestBody};
use crate::ir::types::Ty;
use crate::ir::Api;

/// The test file, or `None` when the API has no operations.
pub fn e2e(api: &Api, crate_ident: &str, header: &str) -> Option<String> {
    if api.operations.is_empty() {
        return None;
    }
    let calls: Vec<String> = api
        .operations
        .iter()
        .map(|op| call(api, op, crate_ident))
        .collect();
    let chunks = Chunks {
        name: "calls",
        params: "client: &Client, tally: &mut Tally",
        args: "client, &mut tally",
        prelude: scope_setup(api, crate_ident),
    }
    .split(&calls, "            ");
    let gate = full_gate(api);
    let (clients, refused) = clients(api, crate_ident);
    Some(
        include_str!("templates/e2e.rs.in")
            .replace("@HEADER@", header)
            .replace("@GATE@", &gate)
            .replace("@CRATE@", crate_ident)
            .replace("@CALLS@", &chunks.awaits)
            .replace("@CHUNKS@", &chunks.functions)
            .replace("@CLIENTS@", &clients)
            .replace("@REFUSED@", &refused.to_string())
            .replace("@JSON_PARTS@", &json_parts(api))
            .replace(
                "@MISFIT_EXAMPLES@",
                &methods_where(api, |op| op.misfit_examples),
            )
            .replace("@REDIRECTS@", &methods_where(api, |op| op.redirect_only))
            .replace("@TOTAL@", &api.operations.len().to_string()),
    )
}

/// `let scope = ...;` for the generated tests' functions, with the API's first scope (nothing
/// when it has none).
pub fn scope_setup(api: &Api, krate: &str) -> String {
    match api.scopes.first() {
        Some((name, _)) => format!(
            "    let scope = {krate}::Scope::{}(\"023e105f4ecef8ad9ca31a8372d0c353\");\n",
            names::bare(&names::field_name(name))
        ),
        None => String::new(),
    }
}

/// Checks per generated function. In a debug build every block of a function keeps its own
/// stack slots, so one function holding a check of each operation has a frame that grows with
/// the API (past a test thread's 2 MiB with some hundreds of operations); functions of this
/// many checks each keep it small.
pub const CHUNK: usize = 8;

/// How the checks of a generated test are split into functions of at most [`CHUNK`] checks.
pub struct Chunks<'a> {
    /// The functions' name, numbered: `calls_0`, `calls_1`, ...
    pub name: &'a str,
    /// Their parameters.
    pub params: &'a str,
    /// The test's arguments to them.
    pub args: &'a str,
    /// Lines that start each function (the scope).
    pub prelude: String,
}

/// The functions that hold the checks, and the test's lines that await each in turn.
pub struct Split {
    /// The `async fn`s.
    pub functions: String,
    /// One line each: `Box::pin(calls_0(...)).await;`, boxed so that the test's own future
    /// and frame hold a pointer per function, whatever the function holds.
    pub awaits: String,
}

impl Chunks<'_> {
    /// `checks` split into functions; the awaiting lines are indented by `indent`.
    pub fn split(&self, checks: &[String], indent: &str) -> Split {
        let mut split = Split {
            functions: String::new(),
            awaits: String::new(),
        };
        let Chunks {
            name,
            params,
            args,
            prelude,
        } = self;
        for (index, chunk) in checks.chunks(CHUNK).enumerate() {
            split.functions.push_str(&format!(
                "\nasync fn {name}_{index}({params}) {{\n{prelude}{}}}\n",
                chunk.concat()
            ));
            split.awaits.push_str(&format!(
                "{indent}Box::pin({name}_{index}({args})).await;\n"
            ));
        }
        split
    }
}

/// The entries of the test's client list: one with every credential mode set (it can send
/// every operation), then one per mode, then one without credentials (when the API allows
/// calls without any); and how many calls the single-mode and credential-less clients must
/// refuse in one round, each an operation whose security they cannot meet.
fn clients(api: &Api, krate: &str) -> (String, usize) {
    let service = &api.service;
    let entry = |name: &str, set: &str| {
        format!("        ({name:?}, client({krate}::Client::builder(){set})),\n")
    };
    let mut text = entry("all", &all_credentials(api));
    let mut refused = 0;
    let held_by = |mode: &crate::ir::service::Mode| -> Vec<String> {
        mode.values
            .iter()
            .map(|(scheme, _)| service.schemes[*scheme].name.clone())
            .collect()
    };
    let mut singles: Vec<(String, Vec<String>)> = service
        .modes
        .iter()
        .map(|mode| (mode.name.clone(), held_by(mode)))
        .collect();
    if service.modes.len() == 1 {
        // The "all" client is that mode's.
        singles.clear();
    }
    let anonymous = api.operations.iter().any(|op| {
        op.security.is_empty() || op.security.iter().any(|alternative| alternative.is_empty())
    });
    if anonymous && !service.modes.is_empty() {
        singles.push(("none".to_string(), Vec::new()));
    }
    for (name, held) in &singles {
        let mode = service.modes.iter().find(|m| &m.name == name);
        let set = mode
            .map(|m| sample_credentials(service, m))
            .unwrap_or_default();
        text.push_str(&entry(name, &set));
        refused += api
            .operations
            .iter()
            .filter(|op| {
                !op.security.is_empty()
                    && !op
                        .security
                        .iter()
                        .any(|alternative| alternative.iter().all(|s| held.contains(s)))
            })
            .count();
    }
    (text, refused)
}

/// The methods (dotted, quoted, comma-separated) of the operations `keep` selects.
fn methods_where(api: &Api, keep: impl Fn(&Operation) -> bool) -> String {
    let methods: Vec<String> = api
        .operations
        .iter()
        .filter(|op| keep(op))
        .map(|op| format!("{:?}", op.dotted()))
        .collect();
    methods.join(", ")
}

/// `("method", "field"), ...` for every JSON part of a multipart body whose schema is an
/// object or an array.
fn json_parts(api: &Api) -> String {
    let mut out = Vec::new();
    for op in &api.operations {
        if !matches!(
            op.body,
            RequestBody::Form {
                multipart: true,
                ..
            }
        ) {
            continue;
        }
        for p in &op.params {
            let structured = !matches!(p.ty, Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64);
            if p.location == ParamLocation::Field(FieldEncoding::Json) && structured {
                out.push(format!("({:?}, {:?})", op.dotted(), p.name));
            }
        }
    }
    out.join(", ")
}

/// A builder chain that sets every credential mode, so that every operation can be sent.
pub fn all_credentials(api: &Api) -> String {
    api.service
        .modes
        .iter()
        .map(|mode| sample_credentials(&api.service, mode))
        .collect()
}

/// A Rust raw string literal holding `value` as JSON.
pub fn literal_json(value: &Value) -> String {
    let text = value.to_string();
    let hashes = (1..)
        .find(|n| !text.contains(&format!("\"{}", "#".repeat(*n))))
        .unwrap_or(1);
    let h = "#".repeat(hashes);
    format!("r{h}\"{text}\"{h}")
}

/// An argument expression for a sample `value` of type `ty`, and setup lines it needs.
fn argument(
    api: &Api,
    ty: &Ty,
    value: &Value,
    krate: &str,
    index: usize,
    setup: &mut String,
) -> String {
    match ty {
        Ty::String => format!(
            "{:?}",
            value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string())
        ),
        Ty::I32 | Ty::I64 => format!("{}", value.as_i64().unwrap_or(1)),
        Ty::F64 => format!("{:?}", value.as_f64().unwrap_or(1.0)),
        Ty::Bool => format!("{}", value.as_bool().unwrap_or(true)),
        ty => {
            let t = Render::with_root(&api.types, Root::Extern(krate)).ty(ty);
            setup.push_str(&format!(
                "        let arg{index}: {t} = serde_json::from_str({}).expect(\"sample argument\");\n",
                literal_json(value)
            ));
            format!("&arg{index}")
        }
    }
}

/// An argument of type `ty` parsed from its sample (`&argN`), whatever the type.
fn typed_argument(
    api: &Api,
    ty: &Ty,
    value: &Value,
    krate: &str,
    index: usize,
    setup: &mut String,
) -> String {
    let t = Render::with_root(&api.types, Root::Extern(krate)).ty(ty);
    setup.push_str(&format!(
        "        let arg{index}: {t} = serde_json::from_str({}).expect(\"sample argument\");\n",
        literal_json(value)
    ));
    format!("&arg{index}")
}

/// How a test calls `op` with its sample arguments: setup lines (arguments that are parsed
/// from JSON), the receiver chain (`client.zero_trust().access()...`) and the arguments
/// before the body.
pub struct Invocation {
    /// Lines that declare the arguments parsed from JSON.
    pub setup: String,
    /// `client.a().b()`.
    pub chain: String,
    /// Arguments, without the body.
    pub args: Vec<String>,
}

/// The [`Invocation`] of `op` with its sample arguments.
pub fn invocation(api: &Api, op: &Operation, krate: &str) -> Invocation {
    let mut setup = String::new();
    let mut args = Vec::new();
    if op.scoped {
        args.push("&scope".to_string());
    }
    // Path parameters are numbered from 0, the others from 100 (as the setup lines read).
    let (mut path, mut other) = (0, 100);
    for p in op.arguments() {
        let index = if p.location == ParamLocation::Path {
            path += 1;
            path - 1
        } else {
            other += 1;
            other - 1
        };
        match (&p.ty, p.location) {
            (_, ParamLocation::Field(FieldEncoding::File)) => {
                args.push("b\"e2e file\".to_vec()".into());
            }
            (_, ParamLocation::Field(FieldEncoding::Files)) => {
                args.push("[b\"e2e file\".to_vec()]".into());
            }
            (ty, ParamLocation::Field(_)) => {
                args.push(typed_argument(api, ty, &p.sample, krate, index, &mut setup));
            }
            (Ty::Vec(inner), location) if location != ParamLocation::Path => {
                let first = p
                    .sample
                    .as_array()
                    .and_then(|a| a.first())
                    .cloned()
                    .unwrap_or(Value::Null);
                let a = argument(api, inner, &first, krate, index, &mut setup);
                args.push(format!("&[{a}]"));
            }
            (ty, _) => args.push(argument(api, ty, &p.sample, krate, index, &mut setup)),
        }
    }
    // A binary or text body is the last argument (a JSON body is the caller's: it is built
    // from its sample).
    match &op.body {
        RequestBody::Raw { text: true, .. } => args.push("\"e2e\"".into()),
        RequestBody::Raw { text: false, .. } => args.push("b\"e2e\".to_vec()".into()),
        RequestBody::None | RequestBody::Json(_) | RequestBody::Form { .. } => {}
    }
    let chain = chain("client", &op.resource);
    Invocation { setup, chain, args }
}

fn call(api: &Api, op: &Operation, krate: &str) -> String {
    let dotted = op.dotted();
    let Invocation { setup, chain, args } = invocation(api, op, krate);
    let invoke = |args: &[String]| {
        format!(
            "tally.call({dotted:?}, || {chain}.{}({})).await;",
            op.name,
            args.join(", ")
        )
    };
    match op.json_body() {
        Some(body) => {
            let sample = &body.sample;
            let t = Render::with_root(&api.types, Root::Extern(krate)).ty(&body.ty);
            let mut with_body = args.clone();
            with_body.push("&body".into());
            format!(
                "    {{\n{setup}        match serde_json::from_str::<{t}>({}) {{\n            Ok(body) => {}\n            Err(error) => tally.sample_failed({dotted:?}, error),\n        }}\n    }}\n",
                literal_json(sample),
                invoke(&with_body).trim_end_matches(';').to_string() + ","
            )
        }
        None => format!("    {{\n{setup}        {}\n    }}\n", invoke(&args)),
    }
}

/// `#![cfg(feature = "full")]` and a line break, when the crate has resource-group features:
/// the generated tests use every resource.
pub fn full_gate(api: &Api) -> String {
    api.features
        .full_predicate()
        .map(|p| format!("#![cfg({p})]\n"))
        .unwrap_or_default()
}
