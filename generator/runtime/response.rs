//! A response as received, and the decoders every API uses: the body as the value, or no
//! body. (An envelope convention adds its own, in its module.)

use serde::de::DeserializeOwned;

use crate::error::{excerpt, Error, Result};

/// How much of a body an error keeps.
pub(crate) const EXCERPT: usize = 512;

/// A response as received: status, headers, body.
#[derive(Debug)]
pub(crate) struct ResponseParts {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: bytes::Bytes,
}

/// The headers of `response`, with the values that can carry a secret (cookies, credentials,
/// tokens, keys) marked sensitive, so that the `Debug` of a [`crate::Response`] or an
/// [`crate::ApiError`] that holds them shows `Sensitive` in their place.
pub(crate) fn received_headers(response: &reqwest::Response) -> reqwest::header::HeaderMap {
    mark_secrets(response.headers().clone())
}

/// `headers` with the values that can carry a secret marked sensitive.
fn mark_secrets(mut headers: reqwest::header::HeaderMap) -> reqwest::header::HeaderMap {
    for (name, value) in headers.iter_mut() {
        if is_secret_header(name.as_str()) {
            value.set_sensitive(true);
        }
    }
    headers
}

/// Whether a header of this (lowercase) name can carry a secret.
fn is_secret_header(name: &str) -> bool {
    const EXACT: [&str; 4] = ["set-cookie", "cookie", "authorization", "proxy-authorization"];
    const PARTS: [&str; 5] = ["token", "secret", "key", "auth", "session"];
    EXACT.contains(&name) || PARTS.iter().any(|part| name.contains(part))
}

impl ResponseParts {
    /// The request id the API gives in its request-id header, if it has one.
    pub(crate) fn request_id(&self) -> Option<String> {
        let name = crate::spec::REQUEST_ID_HEADER?;
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The start of the body, for error messages (`None` when empty).
    pub(crate) fn excerpt(&self) -> Option<String> {
        Some(excerpt(&self.body, EXCERPT)).filter(|e| !e.is_empty())
    }
}

/// Decode `T` from the body, naming the JSON path of a failure.
pub(crate) fn decode<T: DeserializeOwned>(parts: &ResponseParts) -> Result<T> {
    let text = body_text(parts)?;
    match crate::values::from_text(text) {
        Ok(value) => Ok(value),
        Err((path, error)) => Err(decode_error(parts, path, error.to_string())),
    }
}

/// The body as text. JSON is UTF-8: a body that is not is a decode error naming the path of
/// the value the first bad byte is in.
pub(crate) fn body_text(parts: &ResponseParts) -> Result<&str> {
    std::str::from_utf8(&parts.body).map_err(|error| {
        let valid = std::str::from_utf8(&parts.body[..error.valid_up_to()]).unwrap_or_default();
        let path = crate::values::path_at_offset(valid, valid.len().saturating_sub(1));
        decode_error(parts, path, format!("the body is not UTF-8 text: {error}"))
    })
}

/// [`Error::Decode`] of this response.
fn decode_error(parts: &ResponseParts, path: String, message: String) -> Error {
    Error::Decode {
        path,
        message,
        status: parts.status,
        body_excerpt: excerpt(&parts.body, EXCERPT),
    }
}

/// The whole body, no envelope.
#[allow(dead_code)] // used by the generated methods of APIs without an envelope
pub(crate) fn raw<T: DeserializeOwned>(parts: &ResponseParts) -> Result<T> {
    decode(parts)
}

/// No body to decode.
#[allow(dead_code)] // used by the generated methods whose responses have no body
pub(crate) fn empty(_: &ResponseParts) -> Result<()> {
    Ok(())
}

/// The body as bytes (a binary response).
#[allow(dead_code)] // used by the generated methods with binary responses
pub(crate) fn bytes(parts: &ResponseParts) -> Result<bytes::Bytes> {
    Ok(parts.body.clone())
}

/// The body as text (a text response); a body that is not UTF-8 is a decode error.
#[allow(dead_code)] // used by the generated methods with text responses
pub(crate) fn text(parts: &ResponseParts) -> Result<String> {
    String::from_utf8(parts.body.to_vec()).map_err(|error| Error::Decode {
        path: String::new(),
        message: format!("the text body is not UTF-8: {error}"),
        status: parts.status,
        body_excerpt: excerpt(&parts.body, EXCERPT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_can_carry_a_secret_are_marked_sensitive() {
        for name in ["set-cookie", "authorization", "x-auth-token", "x-api-key", "x-session-id"] {
            assert!(is_secret_header(name), "{name}");
        }
        for name in ["content-type", "retry-after", "x-request-id", "x-ratelimit-remaining", "location"] {
            assert!(!is_secret_header(name), "{name}");
        }
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("set-cookie", "session=hunter2".parse().unwrap());
        headers.insert("retry-after", "7".parse().unwrap());
        let parts = ResponseParts {
            status: 429,
            headers: mark_secrets(headers),
            body: bytes::Bytes::new(),
        };
        let Error::Api(error) = crate::convention::api_error(&parts) else {
            panic!("an API error")
        };
        let debug = format!("{error:?}");
        assert!(!debug.contains("hunter2") && debug.contains("Sensitive"), "{debug}");
        assert_eq!(error.headers["retry-after"], "7");
    }

    fn parts(body: &'static [u8]) -> ResponseParts {
        ResponseParts {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body: bytes::Bytes::from_static(body),
        }
    }

    #[test]
    fn a_decode_failure_names_the_path_and_keeps_the_message() {
        let error = decode::<Vec<Vec<u8>>>(&parts(b"[[1], [2, 3, \"x\"]]")).unwrap_err();
        let Error::Decode { path, message, status, .. } = error else {
            panic!("a decode error: {error:?}")
        };
        assert_eq!((path.as_str(), status), ("[1][2]", 200));
        assert!(message.starts_with("invalid type: string \"x\", expected u8 at line 1"), "{message}");
    }

    #[test]
    fn a_body_that_is_not_utf8_is_a_decode_error_at_the_bad_byte() {
        let error = decode::<Vec<String>>(&parts(b"[\"a\", \"b\xff\"]")).unwrap_err();
        let Error::Decode { path, message, .. } = error else {
            panic!("a decode error: {error:?}")
        };
        assert_eq!(path, "[1]");
        assert!(message.contains("not UTF-8"), "{message}");
    }
}
