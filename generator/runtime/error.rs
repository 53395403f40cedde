//! The one error type of the client.

use crate::ApiError;

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
    /// The request needs credentials the client does not have; it was not sent.
    #[error("missing credentials: {0}")]
    MissingCredentials(String),
    /// Any other HTTP-level failure.
    #[error("HTTP error: {0}")]
    Http(#[source] reqwest::Error),
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
