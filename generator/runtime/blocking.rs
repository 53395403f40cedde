//! Blocking calls, for scripts and command-line tools without an async runtime (the `blocking`
//! feature). Every call runs on one shared background runtime (one worker thread, created on
//! first use), so connections are pooled across calls as with the async client.
//!
//! A blocking call made from inside an async runtime would stall that runtime's thread; it is
//! refused with [`Error::Config`] instead (await the call there).

use std::future::Future;
use std::sync::OnceLock;

use crate::call::Call;
use crate::error::{Error, Result};

fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("api-client-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::Config(format!("cannot start the runtime for blocking calls: {e}")))
}

/// Run `future` to completion on the shared runtime.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config(
            "a blocking call was made inside an async runtime, where it would stall the runtime; await the call instead".into(),
        ));
    }
    Ok(runtime()?.block_on(future))
}

impl<T: Send + 'static> Call<T> {
    /// Send the request and wait for the result, without an async runtime of your own.
    pub fn send_blocking(self) -> Result<T> {
        block_on(self.send())?
    }
}

