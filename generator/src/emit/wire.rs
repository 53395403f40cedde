//! `tests/wire.rs` of the generated crate: for every method with a JSON body, the bytes the
//! client puts on the wire for a sample body, captured by a loopback server. The body the
//! server receives must be the sample exactly: every union tag present (the unions write them;
//! the variant structs do not hold them), and no field the sample does not set.

use super::e2e::{full_gate, invocation, literal_json, Invocation};
use super::render::{Render, Root};
use crate::ir::ops::Operation;
use crate::ir::sample::typed;
use crate::ir::Api;

/// The test file, or `None` when no method takes a body.
pub fn wire(api: &Api, crate_ident: &str, header: &str) -> Option<String> {
    let mut checks = String::new();
    let mut count = 0;
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
            checks.push_str(&check(api, op, crate_ident, &body.ty, &sample));
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    let scope_setup = match api.scopes.first() {
        Some((name, _)) => format!(
            "    let scope = {crate_ident}::Scope::{}(\"023e105f4ecef8ad9ca31a8372d0c353\");\n",
            crate::ir::names::bare(&crate::ir::names::field_name(name))
        ),
        None => String::new(),
    };
    let gate = full_gate(api);
    Some(format!(
        r##"{header}
//! On the wire: for every method with a JSON body, a sample body is decoded into its type,
//! sent through the client to a loopback server, and the JSON the server receives must be the
//! sample exactly: every union tag is written (by the union: variant structs do not hold their
//! tags) and no field appears that the sample does not set ({count} bodies).
{gate}#![allow(unused_variables, dead_code, clippy::all)]

use std::sync::{{Arc, Mutex}};

use serde_json::Value;
use tokio::io::{{AsyncReadExt, AsyncWriteExt}};

use {crate_ident}::Client;

/// A loopback HTTP/1.1 server that keeps the body of every request and answers each with an
/// empty success envelope (what the client makes of that answer does not matter here).
async fn capture_server() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let url = format!("http://{{}}", listener.local_addr().expect("local address"));
    let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let seen = bodies.clone();
    tokio::spawn(async move {{
        while let Ok((mut stream, _)) = listener.accept().await {{
            let seen = seen.clone();
            tokio::spawn(async move {{
                let mut buffer: Vec<u8> = Vec::new();
                loop {{
                    // One request: the head up to the blank line, then Content-Length bytes.
                    let head_end = loop {{
                        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {{
                            break at + 4;
                        }}
                        let mut chunk = [0u8; 8192];
                        match stream.read(&mut chunk).await {{
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }}
                    }};
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|line| line.strip_prefix("content-length:"))
                        .and_then(|value| value.trim().parse().ok())
                        .unwrap_or(0);
                    while buffer.len() < head_end + length {{
                        let mut chunk = [0u8; 8192];
                        match stream.read(&mut chunk).await {{
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }}
                    }}
                    let body = buffer[head_end..head_end + length].to_vec();
                    buffer.drain(..head_end + length);
                    seen.lock().expect("capture lock").push(body);
                    let answer = r#"{{"success":true,"errors":[],"messages":[],"result":null}}"#;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {{}}\r\n\r\n{{answer}}",
                        answer.len()
                    );
                    if stream.write_all(response.as_bytes()).await.is_err() {{
                        return;
                    }}
                }}
            }});
        }}
    }});
    (url, bodies)
}}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {{
    match (a, b) {{
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {{
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }}
        _ => a == b,
    }}
}}

/// The body of the last request the server received, as JSON, against what was meant.
fn compare(method: &str, expected: &Value, bodies: &Mutex<Vec<Vec<u8>>>, failures: &mut Vec<String>) {{
    let Some(sent) = bodies.lock().expect("capture lock").pop() else {{
        return failures.push(format!("{{method}}: no request reached the server"));
    }};
    match serde_json::from_slice::<Value>(&sent) {{
        Ok(sent) if same(expected, &sent) => {{}}
        Ok(sent) => failures.push(format!("{{method}}: sent another body:\n  meant: {{expected}}\n  sent:  {{sent}}")),
        Err(error) => failures.push(format!("{{method}}: the body is not JSON ({{error}}): {{}}", String::from_utf8_lossy(&sent))),
    }}
}}

#[tokio::test]
async fn every_body_goes_out_as_built() {{
    let (base_url, bodies) = capture_server().await;
    let client = Client::builder().api_token("wire-test-token").base_url(&base_url).max_retries(0).build().expect("client");
{scope_setup}    let mut failures: Vec<String> = Vec::new();
{checks}    assert!(failures.is_empty(), "{{}} of {count} bodies went out wrong:\n{{}}", failures.len(), failures.join("\n"));
}}
"##
    ))
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
        "    {{\n{setup}        let expected: Value = serde_json::from_str({json}).expect(\"sample JSON\");\n        match serde_json::from_value::<{ty}>(expected.clone()) {{\n            Ok(body) => {{\n                let _ = {chain}.{name}({args}).await;\n                compare({dotted:?}, &expected, &bodies, &mut failures);\n            }}\n            Err(error) => failures.push(format!(\"{dotted}: the sample does not decode: {{error}}\")),\n        }}\n    }}\n",
        json = literal_json(sample),
        name = op.name,
        args = args.join(", "),
    )
}
