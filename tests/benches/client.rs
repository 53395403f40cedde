//! Client benchmarks (goals 3 and 4 of `cargo xtask bench`): typed decoding and encoding of a
//! large application list against `serde_json::Value`, and the time per request of a generated
//! method against plain `reqwest` + `serde_json` on a loopback server.
//!
//! Prints one JSON object per line; `cargo xtask bench` collects them into its table. The
//! ratios compare timings taken in the same run, interleaved, so machine noise affects both
//! sides alike.

use std::time::{Duration, Instant};

use cloudflare_access::types::Application;
use openapi_forge::config::Config;
use openapi_forge::ir::sample::Sampler;
use openapi_forge::Generator;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// 1,000 applications of every type the spec knows, sampled from the spec (its examples
/// first), with unknown fields, unknown enum values and an unknown application type mixed in.
fn applications() -> Value {
    let root = root();
    let config = Config::from_file(&root.join("spec/cloudflare.toml")).expect("config");
    let generated = Generator::new(config)
        .pinned_spec(&root, &root.join("target/spec-cache"))
        .and_then(Generator::generate)
        .expect("generate the Access client");
    let spec: Value = serde_json::from_str(&generated.final_spec).expect("final spec");
    let variants = spec
        .pointer("/components/schemas/access_app_response/anyOf")
        .and_then(Value::as_array)
        .map(Vec::len)
        .expect("the application union");
    let mut sampler = Sampler::new(&spec).all_properties();
    let samples: Vec<Value> = (0..variants)
        .map(|i| {
            sampler.sample(&format!(
                "#/components/schemas/access_app_response/anyOf/{i}"
            ))
        })
        .collect();
    for (i, sample) in samples.iter().enumerate() {
        if let Err(e) = serde_json::from_value::<Application>(sample.clone()) {
            panic!("sampled application variant {i} does not decode: {e}\n{sample:#}");
        }
    }
    let mut apps = Vec::with_capacity(1000);
    for i in 0..1000 {
        let mut app = samples[i % samples.len()].clone();
        let object = app.as_object_mut().expect("applications are objects");
        object.insert("id".into(), json!(format!("app-{i:04}")));
        if i % 7 == 0 {
            object.insert(
                "x_field_from_the_future".into(),
                json!({"enabled": true, "levels": [1, 2, 3], "note": "kept as is"}),
            );
        }
        if i % 11 == 0 {
            object.insert("type".into(), json!("type_from_the_future"));
        }
        if i % 13 == 0 {
            object.insert("same_site_cookie_attribute".into(), json!("unheard_of"));
        }
        apps.push(app);
    }
    Value::Array(apps)
}

/// Median of `rounds` timings of `f`, each over `iterations` calls.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Median of ratios.
fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn decode_and_encode() {
    let apps = applications();
    let bytes = serde_json::to_vec(&apps).expect("encode");
    // Lossless first: the typed round trip gives back the same JSON value.
    let typed: Vec<Application> = serde_json::from_slice(&bytes).expect("typed decode");
    let back: Value = serde_json::to_value(&typed).expect("typed encode");
    assert!(
        forge_tests::same_json(&back, &apps),
        "typed decoding must keep every field and value"
    );
    let value: Value = serde_json::from_slice(&bytes).expect("Value decode");
    // Each round times both decoders, then both encoders, the order alternating from round
    // to round; the ratios are the medians of the rounds' ratios, so a slow spell of the
    // machine weighs on both sides of the rounds it falls in (the medians of each side's
    // times are printed too).
    let rounds = 31;
    let (mut t_typed, mut t_value, mut e_typed, mut e_value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let time_typed_decode = || {
        let start = Instant::now();
        let decoded: Vec<Application> = serde_json::from_slice(&bytes).expect("typed decode");
        let elapsed = start.elapsed();
        std::hint::black_box(&decoded);
        elapsed
    };
    let time_value_decode = || {
        let start = Instant::now();
        let decoded: Value = serde_json::from_slice(&bytes).expect("Value decode");
        let elapsed = start.elapsed();
        std::hint::black_box(&decoded);
        elapsed
    };
    let time_encode = |encode: &dyn Fn() -> Vec<u8>| {
        let start = Instant::now();
        std::hint::black_box(encode());
        start.elapsed()
    };
    let encode_typed = || serde_json::to_vec(&typed).expect("encode");
    let encode_value = || serde_json::to_vec(&value).expect("encode");
    for round in 0..rounds {
        if round % 2 == 0 {
            t_typed.push(time_typed_decode());
            t_value.push(time_value_decode());
            e_typed.push(time_encode(&encode_typed));
            e_value.push(time_encode(&encode_value));
        } else {
            t_value.push(time_value_decode());
            t_typed.push(time_typed_decode());
            e_value.push(time_encode(&encode_value));
            e_typed.push(time_encode(&encode_typed));
        }
    }
    let ratios = |slow: &[Duration], fast: &[Duration]| {
        median_f64(
            slow.iter()
                .zip(fast)
                .map(|(slow, fast)| slow.as_secs_f64() / fast.as_secs_f64())
                .collect(),
        )
    };
    let decode_ratio = ratios(&t_value, &t_typed);
    let encode_ratio = ratios(&e_value, &e_typed);
    let mb = bytes.len() as f64 / 1e6;
    let (t_typed, t_value, e_typed, e_value) = (
        median(t_typed),
        median(t_value),
        median(e_typed),
        median(e_value),
    );
    println!(
        "{}",
        json!({
            "bench": "decode",
            "items": 1000,
            "bytes": bytes.len(),
            "rounds": rounds,
            "typed_decode_mb_s": mb / t_typed.as_secs_f64(),
            "value_decode_mb_s": mb / t_value.as_secs_f64(),
            "decode_ratio": decode_ratio,
            "decode_ratio_of_medians": t_value.as_secs_f64() / t_typed.as_secs_f64(),
            "typed_encode_mb_s": mb / e_typed.as_secs_f64(),
            "value_encode_mb_s": mb / e_value.as_secs_f64(),
            "encode_ratio": encode_ratio,
            "encode_ratio_of_medians": e_value.as_secs_f64() / e_typed.as_secs_f64(),
        })
    );
}

/// A minimal HTTP/1.1 server on loopback: every request gets `body` back, keep-alive.
async fn serve(listener: tokio::net::TcpListener, body: Vec<u8>) {
    let response = [
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes(),
        body,
    ]
    .concat();
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                // Requests here are GETs without bodies: a request ends at the blank line.
                while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
                let end = buffer
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map(|p| p + 4)
                    .unwrap_or(buffer.len());
                buffer.drain(..end);
                if socket.write_all(&response).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Goal 4: `applications.get` of the generated client against plain reqwest + `Value`, on
/// loopback, answering with `app` (`bench` names the line).
fn request_overhead(app: &Value, bench: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let id = app["id"].as_str().expect("an application id").to_string();
        let body = serde_json::to_vec(&json!({
            "success": true, "errors": [], "messages": [], "result": app
        }))
        .expect("body");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(serve(listener, body));
        let base = format!("http://{address}/client/v4");
        let client = cloudflare_access::Client::builder()
            .api_token("bench-token")
            .base_url(&base)
            .build()
            .expect("client");
        let http = reqwest::Client::new();
        let scope = cloudflare_access::Scope::account("023e105f4ecef8ad9ca31a8372d0c353");
        let url = format!("{base}/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/apps/{id}");
        let requests = 10_000;
        let batch = 500;
        let (mut generated, mut plain) = (Vec::new(), Vec::new());
        // Warm up both paths (connections, allocator).
        for _ in 0..200 {
            client
                .zero_trust()
                .access()
                .applications()
                .get(&scope, &id)
                .await
                .expect("call");
            let r = http
                .get(&url)
                .bearer_auth("bench-token")
                .send()
                .await
                .expect("plain");
            let _: Value = serde_json::from_slice(&r.bytes().await.expect("bytes")).expect("json");
        }
        // Rounds alternate which side goes first, so that neither always runs on a warmer
        // (or a busier) machine; each round's two batches give one ratio.
        let mut ratios = Vec::new();
        for round in 0..requests / batch {
            let (mut generated_time, mut plain_time) = (Duration::ZERO, Duration::ZERO);
            for side in [round % 2, 1 - round % 2] {
                let start = Instant::now();
                if side == 0 {
                    for _ in 0..batch {
                        let app = client
                            .zero_trust()
                            .access()
                            .applications()
                            .get(&scope, &id)
                            .await
                            .expect("generated call");
                        std::hint::black_box(app);
                    }
                    generated_time = start.elapsed() / batch as u32;
                } else {
                    for _ in 0..batch {
                        let response = http
                            .get(&url)
                            .bearer_auth("bench-token")
                            .send()
                            .await
                            .expect("plain request");
                        let bytes = response.bytes().await.expect("body");
                        let value: Value = serde_json::from_slice(&bytes).expect("json");
                        std::hint::black_box(value);
                    }
                    plain_time = start.elapsed() / batch as u32;
                }
            }
            generated.push(generated_time);
            plain.push(plain_time);
            ratios.push(generated_time.as_secs_f64() / plain_time.as_secs_f64());
        }
        let (generated, plain) = (median(generated), median(plain));
        println!(
            "{}",
            json!({
                "bench": bench,
                "requests": requests,
                "generated_us": generated.as_secs_f64() * 1e6,
                "plain_us": plain.as_secs_f64() * 1e6,
                "ratio": median_f64(ratios),
            })
        );
    });
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass other flags.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench --bench client -- request` (or `decode`) runs that part alone.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a == "decode" || a == "request")
        .collect();
    if only.is_empty() || only.iter().any(|a| a == "decode") {
        decode_and_encode();
    }
    if only.is_empty() || only.iter().any(|a| a == "request") {
        // A known application type (the usual call), then app-0000, one of the samples given
        // an unknown type: kept as a JSON value, which is the fallback's cost.
        let apps = applications();
        let known = (0..apps.as_array().map_or(0, Vec::len))
            .find(|i| {
                serde_json::from_value::<Application>(apps[i].clone())
                    .is_ok_and(|app| !matches!(app, Application::Unknown(_)))
            })
            .expect("an application of a known type");
        request_overhead(&apps[known], "request");
        request_overhead(&apps[0], "request_unknown_type");
    }
}
