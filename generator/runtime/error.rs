//! The one error type of the client.

use crate::envelope::ResponseMessage;

/// Result alias with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. Messages never contain credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status.
    #[error("{0}")]
    Api(ApiError),
    /// The request timed out.
    #[error("the request timed out")]
    Timeout,
    /// The connection could not be made or broke.
    #[error("connection error: {0}")]
    Connection(#[source] reqwest::Error),
    /// The response did not match the type the spec promises.
    #[error("could not decode the response (status {status}) at `{path}`: {message}; body starts: {body_excerpt}")]
    Decode {
        /// JSON path of the failure (`result[3].policies[0].include[1]`).
        path: String,
        /// What was wrong there.
        message: String,
        /// HTTP status of the response.
        status: u16,
        /// The beginning of the body.
        body_excerpt: String,
    },
    /// The response could not be used at all (too large, say).
    #[error("invalid response: {0}")]
    InvalidResponse(String),
    /// The request could not be built (a body that does not serialize, a bad header).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client is misconfigured (no credentials, a bad base URL).
    #[error("client configuration: {0}")]
    Config(String),
    /// Any other HTTP-level failure.
    #[error("HTTP error: {0}")]
    Http(#[source] reqwest::Error),
}

/// A non-success answer of the API, with Cloudflare's error details.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Cloudflare's `errors` (code, message, documentation URL, source pointer).
    pub errors: Vec<ResponseMessage>,
    /// Cloudflare's `messages`.
    pub messages: Vec<ResponseMessage>,
    /// The `cf-ray` header, for Cloudflare support.
    pub ray_id: Option<String>,
    /// The beginning of the body when it was not a Cloudflare envelope (an HTML error page).
    pub body_excerpt: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "API error (HTTP {})", self.status)?;
        for error in &self.errors {
            match error.code {
                Some(code) => write!(f, "; {code}: {}", error.message)?,
                None => write!(f, "; {}", error.message)?,
            }
        }
        if let Some(excerpt) = &self.body_excerpt {
            write!(f, "; body starts: {excerpt}")?;
        }
        if let Some(ray) = &self.ray_id {
            write!(f, " (cf-ray {ray})")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Whether any Cloudflare error carries this code.
    pub fn has_code(&self, code: i64) -> bool {
        self.errors.iter().any(|e| e.code == Some(code))
    }
}

impl Error {
    /// HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// `cf-ray` of the failed response.
    pub fn ray_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.ray_id.as_deref())
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) && self.api().is_some()
    }

    /// 401.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401) && self.api().is_some()
    }

    /// 403.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403) && self.api().is_some()
    }

    /// 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429) && self.api().is_some()
    }

    /// 5xx.
    pub fn is_server_error(&self) -> bool {
        self.api().is_some_and(|e| e.status >= 500)
    }

    /// A timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }
}

/// At most `limit` bytes of `body`, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(limit)]);
    let mut text = text.trim().to_string();
    if body.len() > limit {
        text.push('…');
    }
    text
}
