//! The plain convention: a response's body is its value, and an error's body is decoded into
//! the type the operation declares for that status (`crate::ErrorBody`), or kept as text.

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::response::ResponseParts;

/// A non-success answer of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The error body, when the operation declares its type for this status and it decoded
    /// (boxed: the declared types can be large, and errors travel in every `Result`).
    pub body: Option<Box<crate::ErrorBody>>,
    /// The API's id of the request, from its request-id header (when it has one).
    pub request_id: Option<String>,
    /// The beginning of the body, when it did not decode into a declared type.
    pub body_excerpt: Option<String>,    /// The response headers (`retry-after`, rate limits, a validating proxy's findings);
    /// values that can carry a secret show as `Sensitive` in `Debug`. Boxed: errors travel
    /// in every `Result`.
    pub headers: Box<reqwest::header::HeaderMap>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "API error (HTTP {})", self.status)?;
        if let Some(body) = &self.body {
            write!(f, "; {body:?}")?;
        }
        if let Some(excerpt) = &self.body_excerpt {
            write!(f, "; body starts: {excerpt}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        Ok(())
    }
}

impl Error {
    /// The API's id of the failed request, when its responses carry one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }
}

/// The error of a non-success response whose operation declares no body type for it.
pub(crate) fn api_error(parts: &ResponseParts) -> Error {
    api_error_with(parts, None)
}

/// The error of a non-success response, with its body decoded as the operation declares
/// (`None` when it did not decode: an excerpt of the body is kept instead).
pub(crate) fn api_error_with(parts: &ResponseParts, body: Option<Box<crate::ErrorBody>>) -> Error {
    let body_excerpt = if body.is_some() { None } else { parts.excerpt() };
    Error::Api(ApiError {
        status: parts.status,
        body,
        request_id: parts.request_id(),
        body_excerpt,
        headers: Box::new(parts.headers.clone()),
    })
}

/// The body as `T`, if it is one.
#[allow(dead_code)] // used by the generated error decoders
pub(crate) fn typed<T: DeserializeOwned>(parts: &ResponseParts) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(&parts.body).ok()?).ok()
}

/// A decoded response with what came with it.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded result.
    pub value: T,
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
}

/// `value` with the status and headers it came with.
pub(crate) fn response<T>(value: T, parts: ResponseParts) -> Response<T> {
    Response {
        value,
        status: parts.status,
        headers: parts.headers,
    }
}
