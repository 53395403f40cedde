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

pub use call::{Call, Response, MAX_ERROR_BODY, MAX_RETRY_AFTER};
pub use client::{
    Client, ClientBuilder, Credentials, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
pub use codec::{DateTime, Nullable};
pub use envelope::{Envelope, Page, ResponseMessage, ResultInfo};
pub use error::{ApiError, Error, Result};
pub use futures_util::Stream;
