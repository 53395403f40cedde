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

// The modules are left as written: `cargo xtask regen` formats the copies in generated/, and
// what the generator copies must not change when `cargo fmt` runs.
//
// As in a generated crate: the runtime carries helpers for every kind of operation; which ones
// a given API uses depends on its spec.
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
#[allow(dead_code)]
mod envelope;
#[rustfmt::skip]
mod error;
#[rustfmt::skip]
#[allow(dead_code, unused_imports, unused_macros)]
mod macros;
#[rustfmt::skip]
#[allow(dead_code)]
mod paginate;
#[rustfmt::skip]
#[allow(dead_code)]
mod values;

pub use call::{Call, Response, MAX_ERROR_BODY, MAX_RETRY_AFTER};
pub use client::{
    Client, ClientBuilder, Credentials, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
pub use codec::{DateTime, Nullable};
pub use envelope::{Envelope, Page, ResponseMessage, ResultInfo};
pub use error::{ApiError, Error, Result};
pub use futures_util::Stream;

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
            .api_token("t")
            .base_url(format!("http://127.0.0.1:{port}"))
            .build()
            .unwrap();
        let call = client.call(
            reqwest::Method::GET,
            "/ping",
            "/ping".into(),
            crate::envelope::empty,
        );
        let error = call.max_retries(0).send_blocking().unwrap_err();
        assert!(matches!(error, Error::Connection(_)), "{error:?}");
    }
}
