//! The client runtime against a local fault-injecting server: retries and backoff,
//! `Retry-After` in both forms and over the cap, `x-should-retry`, timeouts, a connection reset
//! mid-body, an HTML 502 from the edge, pagination edge cases, Cloudflare's error envelope, and
//! responses that break their schema (wrong types, missing or null fields, truncated, empty,
//! HTML with status 200, a 1 GiB body, a huge error page).
//!
//! The server is a few lines of tokio on a loopback port: each connection gets the next
//! scripted reply, and every request line is recorded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloudflare_access::{Client, Error, Scope};
use futures_util::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    /// Status, extra headers, body.
    Http(u16, Vec<(&'static str, String)>, String),
    /// Wait, then answer.
    Slow(Duration, u16, String),
    /// Promise a long body, send a little of it, and drop the connection.
    ResetMidBody,
    /// Status, then `total` bytes of body (`{"a":"aaaa...`) in 64 KiB writes, announced with a
    /// `content-length` or not (then the body ends when the connection closes).
    Stream {
        status: u16,
        total: u64,
        announce: bool,
    },
    /// A 200 whose body is sent with `transfer-encoding: chunked`, one HTTP chunk per piece,
    /// a pause after each so that the client reads them apart.
    Chunked(Vec<&'static str>),
}

fn json(status: u16, body: &str) -> Reply {
    Reply::Http(status, Vec::new(), body.to_string())
}

fn ok(result: &str) -> Reply {
    json(
        200,
        &format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#),
    )
}

struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    /// Body bytes a `Reply::Stream` managed to write before the client went away.
    streamed: Arc<AtomicU64>,
}

impl Server {
    /// Serve `script` in order; the last reply repeats once the script runs out.
    async fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let streamed = Arc::new(AtomicU64::new(0));
        let counter = streamed.clone();
        tokio::spawn(async move {
            let mut index = 0usize;
            while let Ok((mut socket, _)) = listener.accept().await {
                let reply = script[index.min(script.len() - 1)].clone();
                index += 1;
                let seen = seen.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 65536];
                    let mut read = 0;
                    // Read the request head (and whatever body came with it).
                    loop {
                        match socket.read(&mut buffer[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                        if buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    let head = String::from_utf8_lossy(&buffer[..read]).to_string();
                    seen.lock().unwrap().push(head.clone());
                    let response = match reply {
                        Reply::Http(status, headers, body) => http(status, &headers, &body),
                        Reply::Slow(delay, status, body) => {
                            tokio::time::sleep(delay).await;
                            http(status, &[], &body)
                        }
                        Reply::Stream {
                            status,
                            total,
                            announce,
                        } => {
                            let length = if announce {
                                format!("content-length: {total}\r\n")
                            } else {
                                String::new()
                            };
                            let head = format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n{{\"a\":\"");
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = vec![b'a'; 65536];
                            let mut sent = 0u64;
                            while sent < total {
                                let n = chunk.len().min((total - sent) as usize);
                                if socket.write_all(&chunk[..n]).await.is_err() {
                                    break;
                                }
                                sent += n as u64;
                                counter.store(sent, Ordering::Relaxed);
                            }
                            return;
                        }
                        Reply::Chunked(pieces) => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            for piece in pieces {
                                let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
                                if socket.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                                let _ = socket.flush().await;
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                            let _ = socket.write_all(b"0\r\n\r\n").await;
                            let _ = socket.shutdown().await;
                            return;
                        }
                        Reply::ResetMidBody => {
                            let partial = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n{\"success\":true,";
                            let _ = socket.write_all(partial.as_bytes()).await;
                            let _ = socket.flush().await;
                            return;
                        }
                    };
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Server {
            url,
            requests,
            streamed,
        }
    }

    fn client(&self) -> Client {
        Client::builder()
            .api_token("test-token-secret")
            .base_url(&self.url)
            .build()
            .expect("client")
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    fn request_lines(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.lines().next().unwrap_or("").to_string())
            .collect()
    }
}

fn http(status: u16, headers: &[(&'static str, String)], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status} Status\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        out.push_str("content-type: application/json\r\n");
    }
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

const TAG: &str = r#"{"name":"engineers","app_count":1}"#;

async fn get_tag(server: &Server) -> Result<cloudflare_access::types::Tag, Error> {
    server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "engineers")
        .await
}

fn fast(status: u16) -> Reply {
    // A tiny server-requested delay keeps retry tests quick.
    Reply::Http(status, vec![("retry-after-ms", "5".into())], r#"{"success":false,"errors":[{"code":1,"message":"try again"}],"messages":[],"result":null}"#.into())
}

#[tokio::test]
async fn retries_each_retryable_status_then_succeeds() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = Server::start(vec![fast(status), ok(TAG)]).await;
        let tag = get_tag(&server)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(tag.name, "engineers");
        assert_eq!(server.count(), 2, "status {status}: one retry");
    }
}

#[tokio::test]
async fn does_not_retry_client_errors() {
    for status in [400, 401, 403, 404, 422] {
        let server = Server::start(vec![fast(status), ok(TAG)]).await;
        let error = get_tag(&server).await.expect_err("an error");
        assert_eq!(error.status(), Some(status));
        assert_eq!(server.count(), 1, "status {status}: not retried");
    }
}

#[tokio::test]
async fn gives_up_after_max_retries() {
    let server = Server::start(vec![fast(503)]).await;
    let error = get_tag(&server).await.expect_err("still failing");
    assert!(error.is_server_error(), "{error}");
    assert_eq!(server.count(), 3, "1 attempt + 2 retries by default");

    let server = Server::start(vec![fast(503)]).await;
    let error = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "x")
        .max_retries(0)
        .await
        .expect_err("failing");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.count(), 1);

    let server = Server::start(vec![fast(503)]).await;
    let client = Client::builder()
        .api_token("t")
        .base_url(&server.url)
        .max_retries(4)
        .build()
        .unwrap();
    let _ = client.zero_trust().access().tags().get("acct", "x").await;
    assert_eq!(server.count(), 5);
}

#[tokio::test]
async fn exponential_backoff_without_retry_after() {
    let failing = json(
        503,
        r#"{"success":false,"errors":[],"messages":[],"result":null}"#,
    );
    let server = Server::start(vec![failing.clone(), failing, ok(TAG)]).await;
    let started = Instant::now();
    get_tag(&server).await.expect("third attempt succeeds");
    let elapsed = started.elapsed();
    // 0.5 s then 1 s, each less up to 25% jitter: between 1.125 s and 1.5 s (plus overhead).
    assert!(
        elapsed >= Duration::from_millis(1100) && elapsed < Duration::from_millis(3000),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn retry_after_seconds_and_http_date() {
    let server = Server::start(vec![
        Reply::Http(429, vec![("retry-after", "1".into())], "{}".into()),
        ok(TAG),
    ])
    .await;
    let started = Instant::now();
    get_tag(&server).await.expect("retried");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );

    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = Server::start(vec![
        Reply::Http(429, vec![("retry-after", date)], "{}".into()),
        ok(TAG),
    ])
    .await;
    let started = Instant::now();
    get_tag(&server).await.expect("retried");
    // An HTTP date has whole seconds: between 1 and 2 s from now.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_over_the_cap_falls_back_to_backoff() {
    let server = Server::start(vec![
        Reply::Http(429, vec![("retry-after", "3600".into())], "{}".into()),
        ok(TAG),
    ])
    .await;
    let started = Instant::now();
    get_tag(&server).await.expect("retried");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait an hour: {:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = Server::start(vec![
        Reply::Http(500, vec![("x-should-retry", "false".into())], "{}".into()),
        ok(TAG),
    ])
    .await;
    assert!(get_tag(&server).await.is_err());
    assert_eq!(server.count(), 1, "x-should-retry: false");

    let server = Server::start(vec![
        Reply::Http(
            400,
            vec![
                ("x-should-retry", "true".into()),
                ("retry-after-ms", "5".into()),
            ],
            "{}".into(),
        ),
        ok(TAG),
    ])
    .await;
    get_tag(&server).await.expect("x-should-retry: true");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn timeouts_are_errors_and_retried() {
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(3), 200, "{}".into())]).await;
    let started = Instant::now();
    let error = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "x")
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .await
        .expect_err("timed out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.count(), 2, "a timeout is retried");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connection_reset_mid_body() {
    let server = Server::start(vec![Reply::ResetMidBody]).await;
    let error = get_tag(&server).await.expect_err("broken body");
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    assert_eq!(server.count(), 3, "retried like any connection error");
}

#[tokio::test]
async fn html_502_from_the_edge() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>";
    let server = Server::start(vec![Reply::Http(
        502,
        vec![
            ("content-type", "text/html".into()),
            ("retry-after-ms", "1".into()),
            ("cf-ray", "8a1b2c3d4e5f-SJC".into()),
        ],
        page.into(),
    )])
    .await;
    let error = get_tag(&server).await.expect_err("502");
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 502);
    assert!(api
        .body_excerpt
        .as_deref()
        .unwrap_or("")
        .contains("502 Bad Gateway"));
    assert_eq!(error.ray_id(), Some("8a1b2c3d4e5f-SJC"));
}

#[tokio::test]
async fn not_found_with_cloudflare_envelope() {
    let body = r#"{"success":false,"errors":[{"code":7003,"message":"No route for the URI","documentation_url":"https://developers.cloudflare.com/api","source":{"pointer":"/path"}}],"messages":[],"result":null}"#;
    let server = Server::start(vec![Reply::Http(
        404,
        vec![("cf-ray", "abc123-LHR".into())],
        body.into(),
    )])
    .await;
    let error = get_tag(&server).await.expect_err("404");
    assert!(error.is_not_found());
    let api = error.api().unwrap();
    assert!(api.has_code(7003));
    assert_eq!(
        api.errors[0]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref()),
        Some("/path")
    );
    assert_eq!(error.ray_id(), Some("abc123-LHR"));
    assert!(
        error.to_string().contains("7003: No route for the URI"),
        "{error}"
    );
    assert_eq!(server.count(), 1);
}

fn tags_page(names: &[&str], page: u64, per_page: u64, total_pages: Option<u64>) -> Reply {
    let items: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"name":"{n}"}}"#))
        .collect();
    let total = total_pages
        .map(|t| format!(r#","total_pages":{t}"#))
        .unwrap_or_default();
    ok(&format!(
        r#"[{}],"result_info":{{"page":{page},"per_page":{per_page},"count":{}{total}}}"#,
        items.join(","),
        names.len()
    ))
}

async fn all_tags(server: &Server) -> Result<Vec<String>, Error> {
    let tags: Vec<_> = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .list("acct")
        .per_page(2)
        .items()
        .try_collect()
        .await?;
    Ok(tags.into_iter().map(|t| t.name).collect())
}

#[tokio::test]
async fn pages_until_total_pages() {
    let server = Server::start(vec![
        tags_page(&["a", "b"], 1, 2, Some(2)),
        tags_page(&["c", "d"], 2, 2, Some(2)),
        tags_page(&["x", "y"], 3, 2, Some(2)),
    ])
    .await;
    assert_eq!(all_tags(&server).await.unwrap(), ["a", "b", "c", "d"]);
    let lines = server.request_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].contains("page=2"), "{lines:?}");
}

#[tokio::test]
async fn pages_stop_on_a_short_page() {
    let server = Server::start(vec![
        tags_page(&["a", "b"], 1, 2, None),
        tags_page(&["c"], 2, 2, None),
        tags_page(&["x"], 3, 2, None),
    ])
    .await;
    assert_eq!(all_tags(&server).await.unwrap(), ["a", "b", "c"]);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn pages_stop_when_the_last_page_repeats() {
    // A server that ignores `page` and reports nothing useful: the same page again ends it.
    let same = ok(r#"[{"name":"a"},{"name":"b"}],"result_info":{"count":2}"#);
    let server = Server::start(vec![same]).await;
    let tags: Vec<_> = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .list("acct")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tags.len(), 2, "no duplicates");
    assert_eq!(server.count(), 2, "asked for page 2 once, then stopped");
}

#[tokio::test]
async fn pages_with_total_pages_zero_and_empty_lists() {
    let server = Server::start(vec![tags_page(&["a", "b"], 1, 2, Some(0))]).await;
    assert_eq!(all_tags(&server).await.unwrap(), ["a", "b"]);
    assert_eq!(server.count(), 1);

    let server = Server::start(vec![tags_page(&[], 1, 2, Some(0))]).await;
    assert!(all_tags(&server).await.unwrap().is_empty());
    assert_eq!(server.count(), 1);

    let server = Server::start(vec![ok(r#"null,"result_info":{"page":1}"#)]).await;
    assert!(all_tags(&server).await.unwrap().is_empty());
}

#[tokio::test]
async fn first_page_with_result_info_and_raw_response() {
    let server = Server::start(vec![tags_page(&["a", "b"], 1, 2, Some(5))]).await;
    let page = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .list("acct")
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(
        page.result_info.as_ref().and_then(|i| i.total_pages),
        Some(5)
    );

    let server = Server::start(vec![Reply::Http(200, vec![("cf-ray", "r-1".into())], r#"{"success":true,"errors":[],"messages":[{"code":10000,"message":"note"}],"result":{"name":"a"}}"#.into())]).await;
    let response = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "a")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers["cf-ray"], "r-1");
    assert_eq!(response.messages[0].message, "note");
    assert_eq!(response.value.name, "a");
}

#[tokio::test]
async fn a_sent_request_is_a_named_future_that_can_be_kept_and_spawned() {
    let list = format!("[{TAG}]");
    let server = Server::start(vec![ok(&list), ok(&list), ok(&list)]).await;
    let client = server.client();
    let tags = client.zero_trust().access().tags();
    type Tags = cloudflare_access::Page<cloudflare_access::types::Tag>;
    // Kept in a typed collection, then spawned: `Pending` is `Send + 'static`.
    let pending: Vec<cloudflare_access::Pending<Tags>> = vec![tags.list("acct").send()];
    let with_response: cloudflare_access::Pending<cloudflare_access::Response<Tags>> =
        tags.list("acct").send_with_response();
    let raw: cloudflare_access::Pending<cloudflare_access::Response<_>> =
        tags.list("acct").send_raw();
    for request in pending {
        let page = tokio::spawn(request).await.unwrap().unwrap();
        assert_eq!(page.items[0].name, "engineers");
    }
    let response = tokio::spawn(with_response).await.unwrap().unwrap();
    assert_eq!((response.status, response.value.len()), (200, 1));
    let raw = tokio::spawn(raw).await.unwrap().unwrap();
    let text = std::str::from_utf8(&raw.value).unwrap();
    assert!(text.ends_with(&format!(r#""result":{list}}}"#)), "{text}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn sends_credentials_options_and_encoded_paths() {
    let server = Server::start(vec![ok(TAG)]).await;
    server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "../../zones")
        .header("x-extra", "1")
        .query_param("debug", "yes")
        .await
        .unwrap();
    let request = server.requests.lock().unwrap()[0].clone();
    let first = request.lines().next().unwrap();
    assert!(
        first.starts_with("GET /accounts/acct/access/tags/..%2F..%2Fzones?debug=yes "),
        "{first}"
    );
    let lower = request.to_lowercase();
    assert!(
        lower.contains("authorization: bearer test-token-secret"),
        "{request}"
    );
    assert!(lower.contains("x-extra: 1"));

    let server = Server::start(vec![ok("[]")]).await;
    let scope = Scope::zone("zone 1");
    server
        .client()
        .zero_trust()
        .access()
        .applications()
        .list(&scope)
        .await
        .unwrap();
    assert!(
        server.request_lines()[0].starts_with("GET /zones/zone%201/access/apps "),
        "{:?}",
        server.request_lines()
    );
}

#[tokio::test]
async fn invalid_headers_fail_before_sending() {
    let server = Server::start(vec![ok(TAG)]).await;
    let error = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "a")
        .header("x-bad", "a\r\nInjected: 1")
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(server.count(), 0);
}

/// A decode error: its JSON path and message.
fn decode_error(result: Result<cloudflare_access::types::Tag, Error>) -> (String, String) {
    match result {
        Err(Error::Decode { path, message, .. }) => (path, message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn responses_that_break_their_schema_are_errors_naming_the_path() {
    // (body of a 200, the JSON path the error must name, words of its message)
    let envelope =
        |result: &str| format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#);
    let cases = [
        (
            envelope(r#"{"name":7,"app_count":1}"#),
            "result.name",
            "invalid type",
        ),
        (
            envelope(r#"{"app_count":1}"#),
            "result",
            "missing field `name`",
        ),
        (
            envelope(r#"{"name":null,"app_count":1}"#),
            "result.name",
            "invalid type: null",
        ),
        (
            envelope(r#"{"name":"x","app_count":"many"}"#),
            "result.app_count",
            "invalid type",
        ),
        (envelope(r#"["x"]"#), "result", "invalid type"),
        // Truncated in the middle of the result.
        (
            r#"{"success":true,"errors":[],"messages":[],"result":{"name":"eng"#.to_string(),
            "result.name",
            "EOF",
        ),
    ];
    for (body, path, words) in cases {
        let server = Server::start(vec![json(200, &body)]).await;
        let (got_path, message) = decode_error(get_tag(&server).await);
        assert_eq!(got_path, path, "{body}: {message}");
        assert!(message.contains(words), "{body}: {message}");
    }
}

#[tokio::test]
async fn html_or_empty_bodies_with_status_200_are_decode_errors() {
    for (content_type, body) in [
        (
            "text/html",
            "<html><body>Please wait while we check your browser</body></html>",
        ),
        ("application/json", ""),
        ("application/json", "null"),
    ] {
        let server = Server::start(vec![Reply::Http(
            200,
            vec![("content-type", content_type.into())],
            body.into(),
        )])
        .await;
        match get_tag(&server).await {
            Err(Error::Decode {
                status,
                body_excerpt,
                ..
            }) => {
                assert_eq!(status, 200);
                assert_eq!(body_excerpt, body);
            }
            other => panic!("{body:?}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_fields_and_values_are_kept_and_written_back() {
    let result = r#"{"name":"engineers","app_count":1,"created_at":"2024-01-01T00:00:00Z","colour":"blue","nested":{"a":[1,2,{"b":null}]}}"#;
    let server = Server::start(vec![ok(result)]).await;
    let tag = get_tag(&server).await.expect("extra fields decode");
    let written = serde_json::to_value(&tag).expect("encode");
    let original: serde_json::Value = serde_json::from_str(result).expect("json");
    assert_eq!(written, original);
}

/// A body that arrives in several pieces (split inside a string and inside a number) is
/// decoded whole: the pieces are joined in order.
#[tokio::test]
async fn a_body_in_several_chunks_is_joined_before_decoding() {
    let server = Server::start(vec![Reply::Chunked(vec![
        r#"{"success":true,"errors":[],"messa"#,
        r#"ges":[],"result":{"name":"engin"#,
        r#"eers","app_count":1"#,
        r#"2}}"#,
    ])])
    .await;
    let tag = get_tag(&server).await.expect("tag");
    assert_eq!(tag.name, "engineers");
    assert_eq!(tag.app_count, Some(12));
}

#[tokio::test]
async fn a_1_gib_body_is_refused_without_being_read() {
    const GIB: u64 = 1 << 30;
    // Announced: refused from the header, before any of the body is read.
    let server = Server::start(vec![Reply::Stream {
        status: 200,
        total: GIB,
        announce: true,
    }])
    .await;
    match get_tag(&server).await {
        Err(Error::InvalidResponse(message)) => {
            assert!(message.contains("larger than the"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Not announced: reading stops at the client's limit (here 1 MiB).
    let server = Server::start(vec![Reply::Stream {
        status: 200,
        total: GIB,
        announce: false,
    }])
    .await;
    let client = Client::builder()
        .api_token("test-token-secret")
        .base_url(&server.url)
        .max_response_size(1 << 20)
        .build()
        .expect("client");
    let result = client.zero_trust().access().tags().get("acct", "x").await;
    match result {
        Err(Error::InvalidResponse(message)) => {
            assert!(message.contains("1048576-byte limit"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Give the server a moment to notice the closed connection.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let streamed = server.streamed.load(Ordering::Relaxed);
    assert!(
        streamed < 64 << 20,
        "the server wrote {streamed} bytes before the client stopped reading"
    );
}

#[tokio::test]
async fn only_the_start_of_a_huge_error_page_is_read_and_kept() {
    let server = Server::start(vec![Reply::Stream {
        status: 404,
        total: 256 << 20,
        announce: true,
    }])
    .await;
    match get_tag(&server).await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, 404);
            let excerpt = error.body_excerpt.unwrap_or_default();
            assert!(excerpt.starts_with("{\"a\":\"aaa"), "{excerpt}");
            assert!(excerpt.len() <= 4096, "excerpt of {} bytes", excerpt.len());
        }
        other => panic!("expected the API error, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let streamed = server.streamed.load(Ordering::Relaxed);
    assert!(
        streamed < 64 << 20,
        "the server wrote {streamed} bytes of an error page before the client stopped reading"
    );
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn credentials_stay_out_of_logs_debug_display_and_errors() {
    const TOKEN: &str = "tok-SECRET-4c1d9e";
    const KEY: &str = "key-SECRET-77aa01";
    const SERVICE_KEY: &str = "v1.0-SECRET-service-key";
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on tokio's current-thread runtime, so the server and the client log here.
    let _guard = tracing::subscriber::set_default(subscriber);

    // A retried 429, then a 403 with Cloudflare's error envelope, then a success.
    let server = Server::start(vec![
        fast(429),
        json(403, r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#),
        ok(TAG),
    ])
    .await;
    let mut shown = Vec::new();
    for credentials in [
        cloudflare_access::Credentials::ApiToken(TOKEN.into()),
        cloudflare_access::Credentials::ApiKey {
            email: "user@example.com".into(),
            key: KEY.into(),
        },
        cloudflare_access::Credentials::UserServiceKey(SERVICE_KEY.into()),
    ] {
        shown.push(format!("{credentials:?}"));
        let client = Client::builder()
            .credentials(credentials)
            .base_url(&server.url)
            .build()
            .expect("client");
        shown.push(format!("{client:?}"));
        let result = client
            .zero_trust()
            .access()
            .tags()
            .get("acct", "engineers")
            .await;
        match &result {
            Ok(tag) => shown.push(format!("{tag:?}")),
            Err(error) => {
                shown.push(format!("{error}"));
                shown.push(format!("{error:?}"));
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    shown.push(format!("{cause} / {cause:?}"));
                    source = cause.source();
                }
            }
        }
    }
    // A token that would inject a header is refused without echoing it.
    let error = Client::builder()
        .api_token(format!("{TOKEN}\r\nX-Injected: 1"))
        .base_url(&server.url)
        .build()
        .map(|_| ())
        .expect_err("a token with CR/LF is refused");
    shown.push(format!("{error} / {error:?}"));
    // The server did receive each credential the operation accepts (so the scan below is not
    // vacuous); Access operations do not accept a user service key, so the client refuses to
    // send the call with one (naming what it needs, never the key).
    let requests = server.requests.lock().unwrap().join("\n");
    for secret in [TOKEN, KEY] {
        assert!(requests.contains(secret), "{secret} was not sent");
    }
    assert!(
        !requests.contains(SERVICE_KEY),
        "a credential the operation does not accept was sent"
    );
    assert!(
        shown
            .iter()
            .any(|line| line
                .contains("needs the credentials of api_email and api_key, or api_token")),
        "the call with a user service key was not refused:\n{}",
        shown.join("\n")
    );

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string();
    assert!(
        logs.contains("/accounts/{account_id}/access/tags/{tag_name}") || logs.contains("attempt"),
        "the client's spans were not captured:\n{logs}"
    );
    let shown = shown.join("\n");
    for secret in [TOKEN, KEY, SERVICE_KEY, "SECRET"] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
        assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
    }
}

#[test]
fn blocking_calls_work_without_a_runtime_and_refuse_inside_one() {
    // The mock server needs a runtime of its own, on another thread; the test thread has none.
    let server_runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = server_runtime.block_on(Server::start(vec![
        ok(TAG),
        tags_page(&["a", "b"], 1, 2, Some(2)),
        tags_page(&["c"], 2, 2, Some(2)),
    ]));
    let client = server.client();
    let tag = client
        .zero_trust()
        .access()
        .tags()
        .get("acct", "engineers")
        .send_blocking()
        .expect("a blocking get");
    assert_eq!(tag.name, "engineers");
    let names: Vec<String> = client
        .zero_trust()
        .access()
        .tags()
        .list("acct")
        .per_page(2)
        .items_blocking()
        .expect("every page")
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);

    // Inside an async runtime a blocking call is an error, not a stalled runtime or a panic.
    let error = server_runtime
        .block_on(async {
            client
                .zero_trust()
                .access()
                .tags()
                .get("acct", "x")
                .send_blocking()
        })
        .expect_err("refused inside a runtime");
    assert!(
        matches!(error, Error::Config(ref m) if m.contains("await the call instead")),
        "{error}"
    );
}

#[tokio::test]
async fn send_raw_keeps_a_body_the_schema_refuses_and_errors_stay_errors() {
    // `app_count` a string: the typed call refuses it, the raw one hands it over unchanged.
    let wrong = r#"{"success":true,"errors":[],"messages":[],"result":{"name":"engineers","app_count":"one"}}"#;
    let server = Server::start(vec![json(200, wrong)]).await;
    let client = server.client();
    let tags = client.zero_trust().access().tags();
    let refused = tags
        .get("acct", "engineers")
        .await
        .expect_err("a decode error");
    assert!(matches!(refused, Error::Decode { .. }), "{refused:?}");
    let raw = tags
        .get("acct", "engineers")
        .send_raw()
        .await
        .expect("the raw body");
    assert_eq!(raw.status, 200);
    assert_eq!(&raw.value[..], wrong.as_bytes());
    // An error status is the same error as with a typed call.
    let server = Server::start(vec![fast(404)]).await;
    let error = server
        .client()
        .zero_trust()
        .access()
        .tags()
        .get("acct", "engineers")
        .send_raw()
        .await
        .expect_err("an API error");
    assert!(error.is_not_found(), "{error:?}");
}
