//! A prepared request: `.await` it (or call [`Call::send`]) to run it. Per-request options
//! (timeout, retries, headers, query parameters) are set on it first.
//!
//! Sending retries what is worth retrying: connection errors, timeouts, and the statuses 408,
//! 409, 429 and 5xx (or whatever `x-should-retry` says), with exponential backoff and jitter,
//! honouring `retry-after-ms` and `Retry-After` (seconds or an HTTP date) up to
//! [`MAX_RETRY_AFTER`]. Every request body is held in memory, so every retry can replay it.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::auth::Requirements;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::response::ResponseParts;
use crate::upload::{Body, Upload};
use crate::Response;

/// Turns a successful response into a method's output.
pub(crate) type Decode<T> = fn(&ResponseParts) -> Result<T>;

/// Turns a non-success response into the error the caller sees.
pub(crate) type DecodeError = fn(&ResponseParts) -> Error;

/// What a request carries.
#[derive(Debug, Clone)]
enum Payload {
    /// JSON, serialized.
    Json(bytes::Bytes),
    /// Anything else.
    Other(Body),
}

/// How a list method pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(dead_code)] // an API without lists that page uses only `Single`
pub(crate) enum Paging {
    /// One page holds everything.
    #[default]
    Single,
    /// `page` / `per_page` query parameters.
    Number,
    /// A `cursor` query parameter, the next one in the page's details.
    Cursor,
}

/// A `Retry-After` longer than this is not waited for; the normal backoff applies instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How much of an error response's body (a status outside 2xx) is read and kept, at most.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// A request ready to be sent. Methods return one; set per-request options, then await it.
#[must_use = "a request does nothing until it is awaited"]
pub struct Call<T> {
    pub(crate) req: Request,
    decode: Decode<T>,
}

/// All of a [`Call`] but how its result is decoded: what sends it does not depend on the
/// result's type, so it is compiled once, not once per result type.
#[derive(Clone)]
pub(crate) struct Request {
    client: Client,
    method: reqwest::Method,
    template: &'static str,
    path: String,
    pub(crate) query: Vec<(String, String)>,
    body: Option<Payload>,
    accept: &'static str,
    headers: HeaderMap,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    invalid: Option<String>,
    error: DecodeError,
    security: Requirements,
    pub(crate) paging: Paging,
}

impl<T> Clone for Call<T> {
    fn clone(&self) -> Self {
        Call {
            req: self.req.clone(),
            decode: self.decode,
        }
    }
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.req.method)
            .field("path", &self.req.path)
            .field("query", &self.req.query)
            .field("timeout", &self.req.timeout)
            .field("max_retries", &self.req.max_retries)
            .finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    // The builder methods below that do more than set a field call a method of `Request`:
    // `Call` is compiled once per result type, `Request` once.
    pub(crate) fn new(client: Client, method: reqwest::Method, template: &'static str, path: String, decode: Decode<T>) -> Self {
        Call {
            req: Request::new(client, method, template, path),
            decode,
        }
    }

    /// Mark a list method that pages by number or cursor.
    #[allow(dead_code)] // used by the generated list methods
    pub(crate) fn paged(mut self, paging: Paging) -> Self {
        self.req.paging = paging;
        self
    }

    /// The credentials the operation accepts (see [`Requirements`]).
    pub(crate) fn security(mut self, requirements: Requirements) -> Self {
        self.req.security = requirements;
        self
    }

    /// How the operation's error responses are read (its declared error types).
    #[allow(dead_code)] // used by the generated methods of APIs that declare error types
    pub(crate) fn errors(mut self, error: DecodeError) -> Self {
        self.req.error = error;
        self
    }

    /// Add a query parameter (repeatable).
    pub(crate) fn query(mut self, name: &'static str, value: String) -> Self {
        self.req.query.push((name.to_string(), value));
        self
    }

    /// Set the JSON body.
    pub(crate) fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.req.json(serde_json::to_vec(body));
        self
    }

    /// Send `content` as the whole body, of type `media` (unless the upload names its own).
    #[allow(dead_code)] // used by the generated methods with binary or text bodies
    pub(crate) fn upload(mut self, media: &'static str, content: Upload) -> Self {
        self.req.body = Some(Payload::Other(Body::Whole { content, media }));
        self
    }

    /// Start a `multipart/form-data` body (its parts are added with `part_*`).
    #[allow(dead_code)] // used by the generated methods with multipart bodies
    pub(crate) fn multipart(mut self) -> Self {
        self.req.body = Some(Payload::Other(Body::Multipart(Vec::new())));
        self
    }

    /// Start an `application/x-www-form-urlencoded` body (its fields are added with `part_*`).
    #[allow(dead_code)] // used by the generated methods with URL-encoded form bodies
    pub(crate) fn form(mut self) -> Self {
        self.req.body = Some(Payload::Other(Body::Form(Vec::new())));
        self
    }

    /// A text part or form field.
    #[allow(dead_code)] // used by the generated methods with form bodies
    pub(crate) fn part_text(mut self, name: &str, value: String) -> Self {
        if let Some(Payload::Other(body)) = &mut self.req.body {
            body.text(name, value);
        }
        self
    }

    /// A text part or form field per value (the field repeated for a list).
    #[allow(dead_code)] // used by the generated methods with form bodies
    pub(crate) fn part_texts(mut self, name: &str, values: Vec<String>) -> Self {
        for value in values {
            self = self.part_text(name, value);
        }
        self
    }

    /// A file part per upload, all under `name`.
    #[allow(dead_code)] // used by the generated methods with multipart bodies
    pub(crate) fn part_files(mut self, name: &str, uploads: impl Iterator<Item = Upload>) -> Self {
        for upload in uploads {
            self = self.part_file(name, upload);
        }
        self
    }

    /// A JSON part (or a form field holding JSON text).
    #[allow(dead_code)] // used by the generated methods with form bodies
    pub(crate) fn part_json<B: serde::Serialize + ?Sized>(mut self, name: &str, value: &B) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                if let Some(Payload::Other(body)) = &mut self.req.body {
                    body.json(name, bytes);
                }
            }
            Err(e) => self.req.invalid = Some(format!("the part `{name}` does not serialize: {e}")),
        }
        self
    }

    /// A file part.
    #[allow(dead_code)] // used by the generated methods with multipart bodies
    pub(crate) fn part_file(mut self, name: &str, content: Upload) -> Self {
        if let Some(Payload::Other(body)) = &mut self.req.body {
            body.file(name, content);
        }
        self
    }

    /// The media type the response is asked for (`Accept`), when it is not JSON.
    #[allow(dead_code)] // used by the generated methods with binary or text responses
    pub(crate) fn accept(mut self, media: &'static str) -> Self {
        self.req.accept = media;
        self
    }

    /// Time limit of each attempt of this request, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.req.timeout = Some(timeout);
        self
    }

    /// How many times this request may be retried, instead of the client's setting.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.req.max_retries = Some(retries);
        self
    }

    /// An extra header for this request. An invalid name or value (a line break, say) fails
    /// the call instead of being sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.req.header(name, value);
        self
    }

    /// A cookie (a parameter the spec sends `in: cookie`), added to the request's one
    /// `Cookie` header. An invalid value fails the call instead of being sent.
    pub(crate) fn cookie(mut self, name: &str, value: &str) -> Self {
        let pair = format!("{name}={value}");
        let joined = match self.req.headers.get(reqwest::header::COOKIE).and_then(|v| v.to_str().ok()) {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        match HeaderValue::from_str(&joined) {
            Ok(value) => {
                self.req.headers.insert(reqwest::header::COOKIE, value);
            }
            Err(_) => self.req.invalid = Some(format!("invalid cookie `{name}` (values may not contain control characters)")),
        }
        self
    }

    /// An extra query parameter for this request.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.req.query.push((name.into(), value.into()));
        self
    }

    /// The path this request goes to (after the base URL).
    pub fn path(&self) -> &str {
        &self.req.path
    }

    /// A copy of this call that sends `req` instead.
    pub(crate) fn with_request(&self, req: Request) -> Self {
        Call { req, decode: self.decode }
    }

    /// Send the request and decode the response.
    pub async fn send(self) -> Result<T> {
        // Not through `send_with_response`: what a `Response` adds beside the value (the
        // envelope's messages and pagination) takes a second read of the body.
        let parts = self.req.success().await?;
        (self.decode)(&parts)
    }

    /// Send the request; the decoded result comes with the status and headers (and what else
    /// the API's responses carry).
    pub async fn send_with_response(self) -> Result<Response<T>> {
        let parts = self.req.success().await?;
        let value = (self.decode)(&parts)?;
        Ok(crate::convention::response(value, parts))
    }

    /// Send the request and keep a success body as received, without decoding it (the
    /// client's response size limit applies): to see exactly what came back, or to read a
    /// response the spec describes wrongly. An error status is an [`Error`] as with
    /// [`Call::send`].
    pub async fn send_raw(self) -> Result<Response<bytes::Bytes>> {
        let parts = self.req.success().await?;
        Ok(crate::convention::response(parts.body.clone(), parts))
    }
}

impl Request {
    fn new(client: Client, method: reqwest::Method, template: &'static str, path: String) -> Self {
        Request {
            client,
            method,
            template,
            path,
            query: Vec::new(),
            body: None,
            accept: "application/json",
            headers: HeaderMap::new(),
            timeout: None,
            max_retries: None,
            invalid: None,
            error: crate::convention::api_error,
            security: &[],
            paging: Paging::Single,
        }
    }

    /// Replace every value of query parameter `name` with `value`.
    pub(crate) fn set_query(&mut self, name: &str, value: String) {
        self.query.retain(|(n, _)| n != name);
        self.query.push((name.to_string(), value));
    }

    /// The value of query parameter `name`, if set.
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The JSON body, or why it could not be written.
    fn json(&mut self, written: serde_json::Result<Vec<u8>>) {
        match written {
            Ok(bytes) => self.body = Some(Payload::Json(bytes.into())),
            Err(e) => self.invalid = Some(format!("the request body does not serialize: {e}")),
        }
    }

    /// An extra header; an invalid one fails the call.
    fn header(&mut self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.invalid = Some(format!("invalid header `{name}` (names and values may not contain control characters)")),
        }
    }

    /// The response of a valid request with a success status; the error the caller sees
    /// otherwise.
    async fn success(&self) -> Result<ResponseParts> {
        if let Some(problem) = &self.invalid {
            return Err(Error::InvalidRequest(problem.clone()));
        }
        let parts = self.exchange().await?;
        if !(200..300).contains(&parts.status) {
            return Err((self.error)(&parts));
        }
        Ok(parts)
    }

    /// Attempts with retries: the last response, or the last transport error.
    async fn exchange(&self) -> Result<ResponseParts> {
        let max_retries = self.retry_budget();
        let mut retry = 0u32;
        loop {
            let span = tracing::debug_span!(
                "request",
                method = %self.method,
                path = self.template,
                attempt = retry + 1,
                status = tracing::field::Empty,
            );
            let outcome = self.attempt().instrument(span.clone()).await;
            let delay = match &outcome {
                Ok(parts) => {
                    span.record("status", parts.status);
                    retry_delay_for_response(parts, retry)
                }
                Err(error) if error.is_timeout() || matches!(error, Error::Connection(_)) => Some(backoff(retry)),
                Err(_) => None,
            };
            match delay {
                Some(delay) if retry < max_retries => {
                    tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// How many retries this call may make: none when its body is streamed (it can be read
    /// once only).
    fn retry_budget(&self) -> u32 {
        match &self.body {
            Some(Payload::Other(body)) if body.is_streamed() => 0,
            _ => self.max_retries.unwrap_or(self.client.inner.max_retries),
        }
    }

    /// One HTTP exchange.
    async fn attempt(&self) -> Result<ResponseParts> {
        let inner = &self.client.inner;
        let response = self.request()?.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = crate::response::received_headers(&response);
        let body = if (200..300).contains(&status) {
            read_body(response, inner.max_body).await?
        } else {
            read_error_body(response, MAX_ERROR_BODY.min(inner.max_body)).await?
        };
        Ok(ResponseParts { status, headers, body })
    }

    /// The HTTP request of one attempt.
    fn request(&self) -> Result<reqwest::RequestBuilder> {
        let inner = &self.client.inner;
        let url = format!("{}{}", inner.base_url, self.path);
        let auth = inner.auth.for_request(self.security)?;
        let mut headers = self.headers.clone();
        for (name, value) in auth.headers {
            headers.insert(name.clone(), value.clone());
        }
        if !auth.cookies.is_empty() {
            // One `Cookie` header: the request's own cookies, then the credentials'.
            let mut cookies: Vec<String> = headers
                .get(reqwest::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .into_iter()
                .collect();
            cookies.extend(auth.cookies.iter().map(|(n, v)| format!("{n}={v}")));
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| Error::InvalidRequest("a cookie contains characters not allowed in a header".into()))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::COOKIE, value);
        }
        let mut request = inner
            .http
            .request(self.method.clone(), url)
            .headers(headers)
            .timeout(self.timeout.unwrap_or(inner.timeout))
            .header(reqwest::header::ACCEPT, self.accept);
        if !self.query.is_empty() {
            request = request.query(&self.query);
        }
        if !auth.query.is_empty() {
            request = request.query(&auth.query);
        }
        match &self.body {
            Some(Payload::Json(body)) => {
                request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
            }
            Some(Payload::Other(body)) => {
                let (media, body) = body.encode()?;
                request = request.header(reqwest::header::CONTENT_TYPE, media).body(body);
            }
            None => {}
        }
        Ok(request)
    }
}

impl Call<bytes::Bytes> {
    /// Send the request and read the body as it arrives, chunk by chunk, instead of holding
    /// it in memory (the client's response size limit does not apply). Failures before the
    /// body starts are retried as usual; an error response is read and decoded as usual.
    pub async fn send_stream(self) -> Result<impl futures_util::Stream<Item = Result<bytes::Bytes>> + Send + 'static> {
        use futures_util::TryStreamExt;
        if let Some(problem) = &self.req.invalid {
            return Err(Error::InvalidRequest(problem.clone()));
        }
        let max_retries = self.req.retry_budget();
        let inner = &self.req.client.inner;
        let mut retry = 0u32;
        loop {
            let delay = match self.req.request()?.send().await.map_err(transport) {
                Ok(response) if response.status().is_success() => {
                    return Ok(response.bytes_stream().map_err(transport));
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = crate::response::received_headers(&response);
                    let body = read_error_body(response, MAX_ERROR_BODY.min(inner.max_body)).await?;
                    let parts = ResponseParts { status, headers, body };
                    match retry_delay_for_response(&parts, retry) {
                        Some(delay) if retry < max_retries => delay,
                        _ => return Err((self.req.error)(&parts)),
                    }
                }
                Err(error) if (error.is_timeout() || matches!(error, Error::Connection(_))) && retry < max_retries => backoff(retry),
                Err(error) => return Err(error),
            };
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }
}

/// Read at most `limit` bytes of an error response; the rest is never read (the connection is
/// dropped). Error bodies are small; an error page of any size costs no more than this.
async fn read_error_body(mut response: reqwest::Response, limit: usize) -> Result<bytes::Bytes> {
    let mut body = bytes::BytesMut::new();
    while body.len() < limit {
        match response.chunk().await.map_err(transport)? {
            Some(chunk) => body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())]),
            None => break,
        }
    }
    Ok(body.freeze())
}

/// Read a body, refusing to buffer more than `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<bytes::Bytes> {
    let too_large = || Error::InvalidResponse(format!("the response body is larger than the {limit}-byte limit"));
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    // A body that arrives in one chunk (most do) is kept as it came, without a copy.
    let Some(first) = response.chunk().await.map_err(transport)? else {
        return Ok(bytes::Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await.map_err(transport)? else {
        return Ok(first);
    };
    let mut body = bytes::BytesMut::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(transport)?;
    }
    Ok(body.freeze())
}

/// How long to wait before retrying this response, or `None` if it is not retried.
fn retry_delay_for_response(parts: &ResponseParts, retry: u32) -> Option<Duration> {
    let should = match parts.headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(parts.status, 408 | 409 | 429) || parts.status >= 500,
    };
    if !should {
        return None;
    }
    Some(retry_after(&parts.headers, SystemTime::now()).unwrap_or_else(|| backoff(retry)))
}

/// The server's requested delay (`retry-after-ms`, then `Retry-After` in seconds or as an
/// HTTP date), if present and within [`MAX_RETRY_AFTER`].
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let delay = if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Duration::try_from_secs_f64(ms / 1000.0).ok()
    } else if let Some(value) = text("retry-after") {
        match value.parse::<f64>() {
            Ok(seconds) => Duration::try_from_secs_f64(seconds).ok(),
            Err(_) => httpdate::parse_http_date(value).ok().map(|at| at.duration_since(now).unwrap_or(Duration::ZERO)),
        }
    } else {
        None
    };
    delay.filter(|d| *d <= MAX_RETRY_AFTER)
}

/// `min(0.5 s * 2^retry, 8 s)`, less up to 25% jitter.
pub(crate) fn backoff(retry: u32) -> Duration {
    let base = INITIAL_BACKOFF.saturating_mul(2u32.saturating_pow(retry)).min(MAX_BACKOFF);
    base.mul_f64(1.0 - 0.25 * jitter())
}

/// A number in [0, 1) that differs from call to call; good enough to spread retries.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout
    } else if error.is_connect() || error.is_request() || error.is_body() || error.is_decode() {
        Error::Connection(error.without_url())
    } else {
        Error::Http(error.without_url())
    }
}

/// A request on its way, to `.await`: what `send`, `send_with_response` and `send_raw` of a
/// request builder return and what awaiting one awaits. It is boxed, so that it has a name
/// (to keep in a struct, or to spawn: it is `Send + 'static`), and one type for every
/// request instead of one `async fn` future per request builder, which the compiler checks
/// one by one (hundreds in a large API).
pub type Pending<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

impl<T: Send + 'static> Call<T> {
    /// [`Call::send`], boxed.
    pub(crate) fn pending(self) -> Pending<T> {
        Box::pin(self.send())
    }

    /// [`Call::send_with_response`], boxed.
    pub(crate) fn pending_with_response(self) -> Pending<Response<T>> {
        Box::pin(self.send_with_response())
    }

    /// [`Call::send_raw`], boxed.
    pub(crate) fn pending_raw(self) -> Pending<Response<bytes::Bytes>> {
        Box::pin(self.send_raw())
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = Pending<T>;

    fn into_future(self) -> Self::IntoFuture {
        self.pending()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        for (retry, base) in [(0u32, 0.5f64), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)] {
            let delay = backoff(retry).as_secs_f64();
            assert!(delay <= base && delay >= base * 0.75, "retry {retry}: {delay}");
        }
    }

    #[test]
    fn retry_after_in_all_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, HeaderValue::from_str(v).unwrap());
            }
            map
        };
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1500")]), now), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(&headers(&[("retry-after", "3")]), now), Some(Duration::from_secs(3)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(retry_after(&headers(&[("retry-after", &date)]), now), Some(Duration::from_secs(5)));
        assert_eq!(retry_after(&headers(&[("retry-after", "120")]), now), None, "over the cap");
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
    }
}
