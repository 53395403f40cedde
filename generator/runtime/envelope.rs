//! The Cloudflare convention: every response comes in an envelope (`success`, `errors`,
//! `messages`, `result`, `result_info`). The decoders unwrap it into a method's typed result,
//! lists come as pages, and an error carries the envelope's errors and messages and the
//! `cf-ray` id of the request.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::response::{decode, ResponseParts, EXCERPT};

/// The full envelope, for callers who need `messages` or `result_info`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope<T> {
    /// Whether the call succeeded.
    #[serde(default)]
    pub success: bool,
    /// Errors (empty on success).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub errors: Vec<ResponseMessage>,
    /// Informational messages.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub messages: Vec<ResponseMessage>,
    /// The result.
    #[serde(default)]
    pub result: Option<T>,
    /// Pagination details of list results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_info: Option<ResultInfo>,
}

// Written by hand rather than derived: the part that depends on `T` (compiled once for every
// result type of the crate) is the loop and `result`; the other members go through `Head`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Envelope<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a response envelope (an object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Envelope<T>, A::Error> {
                let mut head = Head::default();
                let mut result = None;
                while let Some(key) = map.next_key::<crate::values::Key<'de>>()? {
                    if key.as_str() == "result" {
                        if result.is_some() {
                            return Err(serde::de::Error::duplicate_field("result"));
                        }
                        result = Some(map.next_value::<Option<T>>()?);
                    } else {
                        map.next_value_seed(Member { key: key.as_str(), head: &mut head })?;
                    }
                }
                Ok(Envelope {
                    success: head.success.unwrap_or_default(),
                    errors: head.errors.unwrap_or_default(),
                    messages: head.messages.unwrap_or_default(),
                    result: result.flatten(),
                    result_info: head.result_info.flatten(),
                })
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// The members of an envelope other than `result`, as they are read.
#[derive(Default)]
struct Head {
    success: Option<bool>,
    errors: Option<Vec<ResponseMessage>>,
    messages: Option<Vec<ResponseMessage>>,
    result_info: Option<Option<ResultInfo>>,
}

/// Reads the value of the member `key` (not `result`) into `head`; unknown members are
/// skipped, a member seen twice is an error.
struct Member<'a> {
    key: &'a str,
    head: &'a mut Head,
}

impl<'de> serde::de::DeserializeSeed<'de> for Member<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<(), D::Error> {
        fn once<T, E: serde::de::Error>(slot: &mut Option<T>, key: &'static str, value: T) -> std::result::Result<(), E> {
            match slot.replace(value) {
                Some(_) => Err(E::duplicate_field(key)),
                None => Ok(()),
            }
        }
        let head = self.head;
        match self.key {
            "success" => once(&mut head.success, "success", bool::deserialize(deserializer)?),
            "errors" => once(&mut head.errors, "errors", null_as_empty(deserializer)?),
            "messages" => once(&mut head.messages, "messages", null_as_empty(deserializer)?),
            "result_info" => once(&mut head.result_info, "result_info", Option::deserialize(deserializer)?),
            _ => serde::de::IgnoredAny::deserialize(deserializer).map(drop),
        }
    }
}

/// One entry of `errors` or `messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseMessage {
    /// The numeric code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Human-readable text.
    #[serde(default)]
    pub message: String,
    /// Where the code is documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// Which part of the request it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<MessageSource>,
    /// Fields this client does not know, kept as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The part of a request an error is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageSource {
    /// JSON pointer into the request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// Pagination details (`result_info`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResultInfo {
    /// Current page (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_count")]
    pub page: Option<u64>,
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_count")]
    pub per_page: Option<u64>,
    /// Items on this page.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_count")]
    pub count: Option<u64>,
    /// Items on all pages.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_count")]
    pub total_count: Option<u64>,
    /// Number of pages.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_count")]
    pub total_pages: Option<u64>,
    /// Cursor of the next page, for cursor-paginated lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Fields this client does not know, kept as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One page of a list: its items and the pagination details.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pagination details, if the API sent them.
    pub result_info: Option<ResultInfo>,
}

impl<T> Page<T> {
    /// Number of items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, borrowed.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<ResponseMessage>, D::Error> {
    Ok(Option::<Vec<ResponseMessage>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Counts are documented as numbers; accept `3`, `3.0` and `null`.
fn lenient_count<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<u64>, D::Error> {
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    Ok(value.and_then(|n| n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))))
}

/// The `result` of an envelope. An absent or `null` result decodes `T` from `null`, which
/// works for `Option<_>`, `()` and `serde_json::Value`, and is a decode error otherwise.
pub(crate) fn result<T: DeserializeOwned>(parts: &ResponseParts) -> Result<T> {
    let envelope: Envelope<T> = decode(parts)?;
    match envelope.result {
        Some(result) => Ok(result),
        None => serde_json::from_str("null").map_err(|error| missing_result(parts, error)),
    }
}

/// The error of a response whose `result` is missing or `null` where the method's type needs
/// a value (not generic: compiled once, not once per result type).
fn missing_result(parts: &ResponseParts, error: serde_json::Error) -> Error {
    Error::Decode {
        path: "result".into(),
        message: format!("missing result: {error}"),
        status: parts.status,
        body_excerpt: crate::error::excerpt(&parts.body, EXCERPT),
    }
}

/// A page: the `result` array and `result_info`. A `null` result is an empty page.
pub(crate) fn page<T: DeserializeOwned>(parts: &ResponseParts) -> Result<Page<T>> {
    let envelope: Envelope<Vec<T>> = decode(parts)?;
    Ok(Page {
        items: envelope.result.unwrap_or_default(),
        result_info: envelope.result_info,
    })
}

/// A non-success answer of the API, with the envelope's details.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The envelope's `errors` (code, message, documentation URL, source pointer).
    pub errors: Vec<ResponseMessage>,
    /// The envelope's `messages`.
    pub messages: Vec<ResponseMessage>,
    /// The request-id header the config names (Cloudflare's `cf-ray`), for the API's support.
    pub ray_id: Option<String>,
    /// The beginning of the body when it was not an envelope (an HTML error page).
    pub body_excerpt: Option<String>,    /// The response headers (`retry-after`, rate limits, a validating proxy's findings);
    /// values that can carry a secret show as `Sensitive` in `Debug`. Boxed: errors travel
    /// in every `Result`.
    pub headers: Box<reqwest::header::HeaderMap>,
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
            write!(f, " ({} {ray})", crate::spec::REQUEST_ID_HEADER.unwrap_or("request"))?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Whether any of the envelope's errors carries this code.
    pub fn has_code(&self, code: i64) -> bool {
        self.errors.iter().any(|e| e.code == Some(code))
    }
}

impl Error {
    /// The request id (`cf-ray`) of the failed response.
    pub fn ray_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.ray_id.as_deref())
    }

    /// The request id of the failed response (the same as [`Error::ray_id`]), by the name
    /// every convention gives it.
    pub fn request_id(&self) -> Option<&str> {
        self.ray_id()
    }
}

/// The error of a non-success response: the envelope's errors and messages when the body is
/// one, else an excerpt of whatever came (an HTML page from the edge).
pub(crate) fn api_error(parts: &ResponseParts) -> Error {
    let envelope = std::str::from_utf8(&parts.body)
        .ok()
        .and_then(|text| serde_json::from_str::<Envelope<serde_json::Value>>(text).ok());
    let (errors, messages, body_excerpt) = match envelope {
        Some(envelope) if !envelope.errors.is_empty() || !envelope.messages.is_empty() => (envelope.errors, envelope.messages, None),
        _ => (Vec::new(), Vec::new(), parts.excerpt()),
    };
    Error::Api(ApiError {
        status: parts.status,
        errors,
        messages,
        ray_id: parts.request_id(),
        body_excerpt,
        headers: Box::new(parts.headers.clone()),
    })
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
    /// The envelope's `messages`.
    pub messages: Vec<ResponseMessage>,
    /// The envelope's `result_info`.
    pub result_info: Option<ResultInfo>,
}

/// `value` with the status, headers and envelope it came in.
pub(crate) fn response<T>(value: T, parts: ResponseParts) -> Response<T> {
    let envelope = std::str::from_utf8(&parts.body)
        .ok()
        .and_then(|text| serde_json::from_str::<Envelope<serde::de::IgnoredAny>>(text).ok());
    let (messages, result_info) = envelope.map(|e| (e.messages, e.result_info)).unwrap_or_default();
    Response {
        value,
        status: parts.status,
        headers: parts.headers,
        messages,
        result_info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(status: u16, body: &str) -> ResponseParts {
        ResponseParts {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: bytes::Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn unwraps_results_and_pages() {
        let body = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"a"}}"#;
        let value: serde_json::Value = result(&parts(200, body)).unwrap();
        assert_eq!(value["id"], "a");
        let body = r#"{"success":true,"errors":[],"messages":[],"result":[1,2],"result_info":{"page":1,"per_page":20.0,"total_count":2}}"#;
        let page: Page<u8> = page(&parts(200, body)).unwrap();
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.result_info.unwrap().per_page, Some(20));
        let empty: Page<u8> = super::page(&parts(200, r#"{"success":true,"errors":[],"messages":[],"result":null}"#)).unwrap();
        assert!(empty.is_empty());
        let none: Option<u8> = result(&parts(200, r#"{"success":true,"errors":[],"messages":[]}"#)).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: u32,
        }
        let body = r#"{"success":true,"errors":[],"messages":[],"result":[{"id":1},{"id":"x"}]}"#;
        match page::<Item>(&parts(200, body)) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "result[1].id"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn api_errors_from_envelopes_and_html() {
        let body = r#"{"success":false,"errors":[{"code":7003,"message":"No route for the URI"}],"messages":[],"result":null}"#;
        let error = api_error(&parts(404, body));
        assert!(error.is_not_found());
        assert!(error.api().unwrap().has_code(7003));
        let error = api_error(&parts(502, "<html><body>Bad gateway</body></html>"));
        assert!(error.is_server_error());
        assert!(error.to_string().contains("Bad gateway"), "{error}");
    }
}
