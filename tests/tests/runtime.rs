//! The client runtime against a local fault-injecting server: retries and backoff,
//! `Retry-After` in both forms and over the cap, `x-should-retry`, timeouts, a connection reset
//! mid-body, an HTML 502 from the edge, pagination edge cases, and Cloudflare's error envelope.
//!
//! The server is a few lines of tokio on a loopback port: each connection gets the next
//! scripted reply, and every request line is recorded.

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
        tokio::spawn(async move {
            let mut index = 0usize;
            while let Ok((mut socket, _)) = listener.accept().await {
                let reply = script[index.min(script.len() - 1)].clone();
                index += 1;
                let seen = seen.clone();
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
        Server { url, requests }
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
