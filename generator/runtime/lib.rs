//! The runtime of every generated client, compiled and tested on its own (`forge-runtime`,
//! manifest in `runtime/Cargo.toml` at the workspace root).
//!
//! The generator embeds the modules beside this file and copies them verbatim into each
//! generated crate (`RUNTIME` in `generator/src/emit/krate.rs`). This file is not copied: a
//! generated crate has a `lib.rs` of its own. It declares the same modules with the same
//! attributes, and makes the same re-exports of them, so that the modules' `crate::...` paths
//! (`crate::Call`, `crate::Result`, ...) resolve here as they do there.
//! `generator/tests/runtime_crate.rs` checks that the two agree, and that this crate's
//! dependencies are those of a generated crate.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
// On docs.rs: mark each item a Cargo feature gates.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The modules are left as written: `cargo xtask regen` formats the copies in generated/, and
// what the generator copies must not change when `cargo fmt` runs.
//
// As in a generated crate: the runtime carries helpers for every kind of operation; which ones
// a given API uses depends on its spec. A generated crate has one response convention: the
// `cloudflare` feature picks the envelope one here (`--no-default-features --features blocking`
// builds and tests the plain one).
#[rustfmt::skip]
#[allow(dead_code)]
mod auth;
#[rustfmt::skip]
#[cfg(feature = "blocking")]
mod blocking;
#[rustfmt::skip]
#[allow(dead_code)]
mod call;
#[rustfmt::skip]
#[allow(dead_code)]
mod client;
#[rustfmt::skip]
#[allow(dead_code)]
mod codec;
#[rustfmt::skip]
#[cfg(feature = "cloudflare")]
#[allow(dead_code)]
mod envelope;
#[rustfmt::skip]
mod error;
#[rustfmt::skip]
#[allow(dead_code)]
mod fields;
#[rustfmt::skip]
#[allow(dead_code, unused_imports, unused_macros)]
mod macros;
#[rustfmt::skip]
#[cfg(feature = "cloudflare")]
#[allow(dead_code)]
mod paginate;
#[rustfmt::skip]
#[cfg(not(feature = "cloudflare"))]
#[allow(dead_code)]
mod plain;
#[rustfmt::skip]
#[allow(dead_code)]
mod response;
#[rustfmt::skip]
#[allow(dead_code)]
mod upload;
#[rustfmt::skip]
#[allow(dead_code)]
mod values;

#[cfg(feature = "cloudflare")]
use envelope as convention;
#[cfg(not(feature = "cloudflare"))]
use plain as convention;

pub use call::{Call, Pending, MAX_ERROR_BODY, MAX_RETRY_AFTER};
pub use client::{
    Client, ClientBuilder, Server, ServerVariable, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
};
pub use codec::{DateTime, Nullable};
pub use convention::{ApiError, Response};
#[cfg(feature = "cloudflare")]
pub use envelope::{Envelope, Page, ResponseMessage, ResultInfo};
pub use error::{Error, Result};
pub use futures_util::Stream;
#[cfg(not(feature = "cloudflare"))]
pub use spec::ErrorBody;
pub use spec::{DEFAULT_BASE_URL, SERVERS};
pub use upload::Upload;

/// What a generated crate's `spec.rs` says about its API, for the runtime's own tests: one
/// server with a variable, a bearer scheme and a header key.
mod spec {
    use crate::auth::{Placement, Scheme};
    use crate::client::{Server, ServerVariable};

    /// The servers of the API.
    pub const SERVERS: &[Server] = &[Server {
        url: "https://{region}.example.com/v1",
        description: "The API",
        variables: &[ServerVariable {
            name: "region",
            default: "api",
            values: &[],
        }],
    }];

    /// The first server, with its variables at their defaults.
    pub const DEFAULT_BASE_URL: &str = "https://api.example.com/v1";

    pub(crate) const SCHEMES: &[Scheme] = &[
        Scheme {
            name: "bearer",
            placement: Placement::Bearer,
        },
        Scheme {
            name: "key",
            placement: Placement::Header("X-Key"),
        },
    ];

    pub(crate) const AUTH_REQUIRED: bool = false;

    pub(crate) const CREDENTIALS_HINT: &str = "call bearer or key";

    pub(crate) const REQUEST_ID_HEADER: Option<&str> = Some("x-request-id");

    /// The error bodies the API declares.
    #[cfg(not(feature = "cloudflare"))]
    #[derive(Debug, Clone, PartialEq)]
    pub enum ErrorBody {
        /// A problem report.
        Problem(serde_json::Value),
    }
}

// The blocking module's tests: here, as it has none of its own (tests/tests/runtime.rs runs
// blocking calls of a generated crate against a server).
#[cfg(all(test, feature = "blocking"))]
mod blocking_tests {
    use crate::blocking::block_on;
    use crate::{Client, Error};

    #[test]
    fn blocking_runs_a_future_without_a_runtime_of_ones_own() {
        assert_eq!(block_on(async { 6 * 7 }).unwrap(), 42);
        // The shared runtime is started once and serves every call.
        assert_eq!(block_on(async { "again" }).unwrap(), "again");
    }

    #[test]
    fn blocking_inside_a_runtime_is_refused_not_stalled() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let refused = runtime.block_on(async { block_on(async {}) });
        match refused {
            Err(Error::Config(message)) => assert!(message.contains("await"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn send_blocking_sends_on_the_shared_runtime() {
        // A port that was just free: the connection is refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .build()
            .unwrap();
        let call = client.call(
            reqwest::Method::GET,
            "/ping",
            "/ping".into(),
            crate::response::empty,
        );
        let error = call.max_retries(0).send_blocking().unwrap_err();
        assert!(matches!(error, Error::Connection(_)), "{error:?}");
    }
}

// The multipart encoding read back by a parser that is not ours (`multer`, the one axum
// uses): every part with its name, file name, content type and bytes, in memory or streamed.
#[cfg(test)]
mod multipart_tests {
    use bytes::Bytes;
    use futures_util::StreamExt;

    use crate::upload::Body;
    use crate::Upload;

    /// A part as read: name, file name, content type, bytes.
    type Read = (String, Option<String>, Option<String>, Vec<u8>);

    /// The parts of the encoded `body`.
    async fn parse(body: &Body) -> Vec<Read> {
        let (media, encoded) = body.encode().unwrap();
        let boundary = multer::parse_boundary(&media).unwrap();
        let stream = http_body_stream(encoded);
        let mut form = multer::Multipart::new(stream, boundary);
        let mut parts = Vec::new();
        while let Some(field) = form.next_field().await.unwrap() {
            let name = field.name().map(str::to_string).unwrap_or_default();
            let file = field.file_name().map(str::to_string);
            let media = field.content_type().map(|m| m.to_string());
            parts.push((name, file, media, field.bytes().await.unwrap().to_vec()));
        }
        parts
    }

    /// A reqwest body as a stream of chunks.
    fn http_body_stream(
        body: reqwest::Body,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        let bytes = body.as_bytes().map(Bytes::copy_from_slice);
        match bytes {
            Some(bytes) => futures_util::stream::iter(vec![Ok(bytes)]).boxed(),
            None => http_body_util_stream(body).boxed(),
        }
    }

    /// A streamed reqwest body's chunks (through its `http_body::Body` frames).
    fn http_body_util_stream(
        body: reqwest::Body,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        futures_util::stream::unfold(body, |mut body| async move {
            use http_body::Body as _;
            let frame =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await?;
            let chunk = frame
                .map_err(std::io::Error::other)
                .map(|f| f.into_data().unwrap_or_default());
            Some((chunk, body))
        })
    }

    fn form() -> Body {
        let mut body = Body::Multipart(Vec::new());
        body.text("message", "héllo \"quoted\"\r\nsecond line".into());
        body.json("metadata", br#"{"main_module":"w.js"}"#.to_vec());
        body.file(
            "script",
            Upload::bytes("export default {}")
                .file_name("w \"1\".js")
                .content_type("application/javascript+module"),
        );
        body.file(
            "assets",
            Upload::bytes(vec![0u8, 159, 146, 150, 13, 10, 45, 45]),
        );
        body
    }

    fn expected() -> Vec<Read> {
        vec![
            (
                "message".into(),
                None,
                None,
                "héllo \"quoted\"\r\nsecond line".into(),
            ),
            (
                "metadata".into(),
                None,
                Some("application/json".into()),
                br#"{"main_module":"w.js"}"#.to_vec(),
            ),
            (
                "script".into(),
                Some("w %221%22.js".into()),
                Some("application/javascript+module".into()),
                b"export default {}".to_vec(),
            ),
            (
                "assets".into(),
                None,
                Some("application/octet-stream".into()),
                vec![0u8, 159, 146, 150, 13, 10, 45, 45],
            ),
        ]
    }

    #[tokio::test]
    async fn a_multipart_parser_reads_every_part_as_it_was_given() {
        assert_eq!(parse(&form()).await, expected());
    }

    #[tokio::test]
    async fn a_streamed_part_is_read_the_same() {
        let mut body = form();
        let chunks = futures_util::stream::iter([
            Ok::<_, std::io::Error>(Bytes::from_static(b"chunk one, ")),
            Ok(Bytes::from_static(b"chunk two")),
        ]);
        body.file("big", Upload::stream(chunks).file_name("big.bin"));
        assert!(body.is_streamed());
        let mut want = expected();
        want.push((
            "big".into(),
            Some("big.bin".into()),
            Some("application/octet-stream".into()),
            b"chunk one, chunk two".to_vec(),
        ));
        assert_eq!(parse(&body).await, want);
    }
}
