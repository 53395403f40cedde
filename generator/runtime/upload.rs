//! Request bodies that are not JSON: bytes to upload ([`Upload`]), and the bodies built from
//! them: a whole binary or text body, a `multipart/form-data` form, or a
//! `application/x-www-form-urlencoded` one.
//!
//! A body held in memory is sent again on a retry. A body read from a stream can be sent once
//! only: a call with one is not retried.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt};

use crate::error::{Error, Result};

/// A stream of chunks, as an upload reads it.
type ChunkStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send + 'static>>;

/// Bytes to upload: held in memory (sent again if the call is retried), or read once from a
/// stream. Build one from bytes, a string, a file or a stream; name the file and its content
/// type where the API wants them.
#[derive(Clone)]
pub struct Upload {
    content: Content,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Content {
    Bytes(Bytes),
    /// Taken when the request is built: a second attempt finds it gone.
    Stream(Arc<Mutex<Option<ChunkStream>>>),
}

impl Upload {
    /// Bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Upload {
        Upload {
            content: Content::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// The contents of the file at `path`, read into memory, named after the file.
    pub async fn file(path: impl AsRef<std::path::Path>) -> std::io::Result<Upload> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path).await?;
        let mut upload = Upload::bytes(bytes);
        upload.file_name = path.file_name().map(|name| name.to_string_lossy().into_owned());
        Ok(upload)
    }

    /// Chunks read from `stream` as the request is sent (not held in memory; a call with a
    /// stream is not retried).
    pub fn stream<S, B, E>(stream: S) -> Upload
    where
        S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let chunks = stream.map(|chunk| chunk.map(Into::into).map_err(std::io::Error::other));
        Upload {
            content: Content::Stream(Arc::new(Mutex::new(Some(Box::pin(chunks))))),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name sent with it (a multipart part's `filename`).
    pub fn file_name(mut self, name: impl Into<String>) -> Upload {
        self.file_name = Some(name.into());
        self
    }

    /// Its media type (`image/png`), instead of the one the spec gives.
    pub fn content_type(mut self, media: impl Into<String>) -> Upload {
        self.content_type = Some(media.into());
        self
    }

    /// Whether it is read from a stream (and so can be sent once only).
    pub fn is_stream(&self) -> bool {
        matches!(self.content, Content::Stream(_))
    }

    /// Its chunks: the bytes, or the stream (taken: a second call finds it gone).
    fn chunks(&self) -> Result<ChunkStream> {
        match &self.content {
            Content::Bytes(bytes) => Ok(Box::pin(stream::iter([Ok(bytes.clone())]))),
            Content::Stream(cell) => cell
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .ok_or_else(|| Error::InvalidRequest("a streamed upload can be sent once only".into())),
        }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        match &self.content {
            Content::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Content::Stream(_) => debug.field("stream", &true),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Upload {
        Upload::bytes(bytes)
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Upload {
        Upload::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Upload {
        Upload::bytes(bytes)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Upload {
        Upload::bytes(text)
    }
}

impl From<&str> for Upload {
    fn from(text: &str) -> Upload {
        Upload::bytes(text.to_string())
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    name: String,
    content: Upload,
    /// The part's media type when the upload does not say (`application/json` for a JSON
    /// part; none for plain text).
    media: Option<&'static str>,
}

/// A request body that is not JSON.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// One upload as the whole body, of `media` unless the upload says otherwise.
    Whole { content: Upload, media: &'static str },
    /// `multipart/form-data`.
    Multipart(Vec<Part>),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
}

impl Body {
    /// Add a text part (a multipart form) or field (a URL-encoded form).
    pub(crate) fn text(&mut self, name: &str, value: String) {
        match self {
            Body::Multipart(parts) => parts.push(Part {
                name: name.to_string(),
                content: Upload::bytes(value),
                media: None,
            }),
            Body::Form(fields) => fields.push((name.to_string(), value)),
            Body::Whole { .. } => {}
        }
    }

    /// Add a JSON part of a multipart form (or a field holding the JSON text).
    pub(crate) fn json(&mut self, name: &str, value: Vec<u8>) {
        match self {
            Body::Multipart(parts) => parts.push(Part {
                name: name.to_string(),
                content: Upload::bytes(value),
                media: Some("application/json"),
            }),
            Body::Form(fields) => fields.push((name.to_string(), String::from_utf8_lossy(&value).into_owned())),
            Body::Whole { .. } => {}
        }
    }

    /// Add a file part of a multipart form.
    pub(crate) fn file(&mut self, name: &str, content: Upload) {
        if let Body::Multipart(parts) = self {
            parts.push(Part {
                name: name.to_string(),
                content,
                media: Some("application/octet-stream"),
            });
        }
    }

    /// Whether it holds a stream, which can be sent once only.
    pub(crate) fn is_streamed(&self) -> bool {
        match self {
            Body::Whole { content, .. } => content.is_stream(),
            Body::Multipart(parts) => parts.iter().any(|p| p.content.is_stream()),
            Body::Form(_) => false,
        }
    }

    /// The `Content-Type` and the body to send.
    pub(crate) fn encode(&self) -> Result<(String, reqwest::Body)> {
        match self {
            Body::Whole { content, media } => {
                let media = content.content_type.clone().unwrap_or_else(|| media.to_string());
                Ok((media, to_body(content.chunks()?, content)))
            }
            Body::Form(fields) => {
                let mut text = String::new();
                for (name, value) in fields {
                    if !text.is_empty() {
                        text.push('&');
                    }
                    text.push_str(&form_encode(name));
                    text.push('=');
                    text.push_str(&form_encode(value));
                }
                Ok(("application/x-www-form-urlencoded".into(), reqwest::Body::from(text)))
            }
            Body::Multipart(parts) => multipart(parts),
        }
    }
}

/// A body of `chunks`: in memory when `content` is, streamed otherwise.
fn to_body(chunks: ChunkStream, content: &Upload) -> reqwest::Body {
    match &content.content {
        Content::Bytes(bytes) => reqwest::Body::from(bytes.clone()),
        Content::Stream(_) => reqwest::Body::wrap_stream(chunks),
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn form_encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'*')
        .remove(b' ');
    percent_encoding::utf8_percent_encode(text, SET).to_string().replace(' ', "+")
}

/// A part's name or file name inside a quoted header parameter.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "%22").replace(['\r', '\n'], " ")
}

/// A boundary that differs from call to call.
fn boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x0066_6f72_6765);
    format!("forge-boundary-{:016x}{:08x}", hasher.finish(), std::process::id())
}

/// The `multipart/form-data` encoding of `parts`: in memory when every part is, a stream
/// otherwise.
fn multipart(parts: &[Part]) -> Result<(String, reqwest::Body)> {
    let boundary = boundary();
    let mut pieces: Vec<ChunkStream> = Vec::new();
    let mut in_memory = bytes::BytesMut::new();
    let streamed = parts.iter().any(|p| p.content.is_stream());
    for part in parts {
        let mut head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quoted(&part.name));
        if let Some(file) = &part.content.file_name {
            head.push_str(&format!("; filename=\"{}\"", quoted(file)));
        }
        head.push_str("\r\n");
        if let Some(media) = part.content.content_type.as_deref().or(part.media) {
            head.push_str(&format!("Content-Type: {}\r\n", media.replace(['\r', '\n'], "")));
        }
        head.push_str("\r\n");
        match (&part.content.content, streamed) {
            (Content::Bytes(bytes), false) => {
                in_memory.extend_from_slice(head.as_bytes());
                in_memory.extend_from_slice(bytes);
                in_memory.extend_from_slice(b"\r\n");
            }
            _ => {
                pieces.push(Box::pin(stream::iter([Ok(Bytes::from(head))])));
                pieces.push(part.content.chunks()?);
                pieces.push(Box::pin(stream::iter([Ok(Bytes::from_static(b"\r\n"))])));
            }
        }
    }
    let media = format!("multipart/form-data; boundary={boundary}");
    let end = Bytes::from(format!("--{boundary}--\r\n"));
    if !streamed {
        in_memory.extend_from_slice(&end);
        return Ok((media, reqwest::Body::from(in_memory.freeze())));
    }
    pieces.push(Box::pin(stream::iter([Ok(end)])));
    Ok((media, reqwest::Body::wrap_stream(stream::iter(pieces).flatten())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(body: reqwest::Body) -> String {
        String::from_utf8(body.as_bytes().expect("in memory").to_vec()).unwrap()
    }

    #[test]
    fn a_multipart_form_has_each_part_with_its_name_file_name_and_type() {
        let mut body = Body::Multipart(Vec::new());
        body.text("name", "a \"b\"".into());
        body.json("metadata", br#"{"main":"w.js"}"#.to_vec());
        body.file("script", Upload::bytes("export default {}").file_name("w.js").content_type("application/javascript+module"));
        let (media, encoded) = body.encode().unwrap();
        let boundary = media.strip_prefix("multipart/form-data; boundary=").unwrap().to_string();
        let text = text_of(encoded);
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{{\"main\":\"w.js\"}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"script\"; filename=\"w.js\"\r\nContent-Type: application/javascript+module\r\n\r\nexport default {{}}\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_url_encoded_form_escapes_names_and_values() {
        let mut body = Body::Form(Vec::new());
        body.text("a b", "x&y=z ü".into());
        body.text("n", "1".into());
        let (media, encoded) = body.encode().unwrap();
        assert_eq!(media, "application/x-www-form-urlencoded");
        assert_eq!(text_of(encoded), "a+b=x%26y%3Dz+%C3%BC&n=1");
    }

    #[test]
    fn a_whole_body_takes_the_uploads_type_or_the_specs() {
        let body = Body::Whole { content: Upload::bytes(vec![0u8, 1, 2]), media: "application/octet-stream" };
        let (media, encoded) = body.encode().unwrap();
        assert_eq!(media, "application/octet-stream");
        assert_eq!(encoded.as_bytes(), Some(&[0u8, 1, 2][..]));
        let body = Body::Whole { content: Upload::from("x").content_type("text/plain; charset=utf-8"), media: "text/plain" };
        assert_eq!(body.encode().unwrap().0, "text/plain; charset=utf-8");
    }

    #[test]
    fn a_stream_is_sent_once_and_says_so() {
        let upload = Upload::stream(stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]));
        let body = Body::Whole { content: upload, media: "application/octet-stream" };
        assert!(body.is_streamed());
        assert!(body.encode().unwrap().1.as_bytes().is_none(), "streamed, not buffered");
        let error = body.encode().unwrap_err();
        assert!(error.to_string().contains("once"), "{error}");
    }

    #[test]
    fn debug_shows_sizes_not_contents() {
        let text = format!("{:?}", Upload::bytes("secret-content").file_name("f.txt"));
        assert!(!text.contains("secret-content") && text.contains("14"), "{text}");
    }
}
