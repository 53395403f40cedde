//! A prepared request: `.await` it (or call [`Call::send`]) to run it.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::client::Client;
use crate::envelope::{api_error, ResponseParts};
use crate::error::{Error, Result};

/// Turns a successful response into a method's output.
pub(crate) type Decode<T> = fn(&ResponseParts) -> Result<T>;

/// A request ready to be sent. Methods return one; per-request options can be set before
/// awaiting it.
#[must_use = "a request does nothing until it is awaited"]
pub struct Call<T> {
    client: Client,
    method: reqwest::Method,
    path: String,
    query: Vec<(&'static str, String)>,
    extra_query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    headers: HeaderMap,
    timeout: Option<Duration>,
    invalid: Option<String>,
    decode: Decode<T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    pub(crate) fn new(client: Client, method: reqwest::Method, path: String, decode: Decode<T>) -> Self {
        Call {
            client,
            method,
            path,
            query: Vec::new(),
            extra_query: Vec::new(),
            body: None,
            headers: HeaderMap::new(),
            timeout: None,
            invalid: None,
            decode,
        }
    }

    /// Add a query parameter (repeatable).
    pub(crate) fn query(mut self, name: &'static str, value: String) -> Self {
        self.query.push((name, value));
        self
    }

    /// Set the JSON body.
    pub(crate) fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(e) => self.invalid = Some(format!("the request body does not serialize: {e}")),
        }
        self
    }

    /// Time limit for this request, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// An extra header for this request. An invalid name or value fails the call.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.invalid = Some(format!("invalid header `{name}` (names and values may not contain control characters)")),
        }
        self
    }

    /// An extra query parameter for this request.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((name.into(), value.into()));
        self
    }

    /// The path this request goes to (after the base URL).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Send the request and decode the response.
    pub async fn send(self) -> Result<T> {
        if let Some(problem) = self.invalid {
            return Err(Error::InvalidRequest(problem));
        }
        let parts = self.attempt().await?;
        if (200..300).contains(&parts.status) {
            (self.decode)(&parts)
        } else {
            Err(api_error(&parts))
        }
    }

    /// One HTTP exchange.
    async fn attempt(&self) -> Result<ResponseParts> {
        let inner = &self.client.inner;
        let url = format!("{}{}", inner.base_url, self.path);
        let mut request = inner
            .http
            .request(self.method.clone(), url)
            .headers(inner.auth.clone())
            .headers(self.headers.clone())
            .timeout(self.timeout.unwrap_or(inner.timeout))
            .header(reqwest::header::ACCEPT, "application/json");
        if !self.query.is_empty() {
            request = request.query(&self.query);
        }
        if !self.extra_query.is_empty() {
            request = request.query(&self.extra_query);
        }
        if let Some(body) = &self.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;
        Ok(ResponseParts { status, headers, body })
    }
}

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout
    } else if error.is_connect() || error.is_request() || error.is_body() {
        Error::Connection(error.without_url())
    } else {
        Error::Http(error.without_url())
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
