//! Walking a list across pages: a `Stream` of pages or of items.
//!
//! The stream stops on the last page by `total_pages`, on an empty page, on a short page, on a
//! page that repeats the previous one, or when the server ignores the page asked for; it never
//! requests the same page twice, so it always ends.

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::call::{Call, Paging};
use crate::envelope::Page;
use crate::error::Result;

struct State<T> {
    call: Call<Page<T>>,
    paging: Paging,
    page: u64,
    cursor: Option<String>,
    previous: Option<Vec<T>>,
    done: bool,
}

impl<T: Clone + PartialEq + Send + 'static> Call<Page<T>> {
    /// Every page, fetched as the stream is read. The first page is this call's.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        let paging = self.req.paging;
        let page = self.query_value("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let state = State { call: self, paging, page, cursor: None, previous: None, done: false };
        stream::unfold(state, |mut state| async move {
            if state.done {
                return None;
            }
            let call = match (&state.paging, &state.cursor) {
                (Paging::Cursor, Some(cursor)) => state.call.clone().set_query("cursor", cursor.clone()),
                (Paging::Number, _) if state.previous.is_some() => state.call.clone().set_query("page", state.page.to_string()),
                _ => state.call.clone(),
            };
            let per_page: Option<u64> = call.query_value("per_page").and_then(|p| p.parse().ok());
            let page = match call.send().await {
                Ok(page) => page,
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
            };
            if page.items.is_empty() || state.previous.as_ref() == Some(&page.items) {
                return None;
            }
            state.done = next(&mut state, &page, per_page);
            state.previous = Some(page.items.clone());
            Some((Ok(page), state))
        })
    }

    /// Every item of every page, fetched as the stream is read.
    pub fn items(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every item of every page, fetched one page after the other, without an async runtime
    /// of your own (the `blocking` feature).
    #[cfg(feature = "blocking")]
    pub fn items_blocking(self) -> Result<Vec<T>> {
        crate::blocking::block_on(self.items().try_collect())?
    }
}

/// Advance `state` past `page`; true when `page` was the last one.
fn next<T>(state: &mut State<T>, page: &Page<T>, per_page: Option<u64>) -> bool {
    let info = page.result_info.as_ref();
    match state.paging {
        Paging::Single => true,
        Paging::Cursor => match info.and_then(|i| i.cursor.clone()).filter(|c| !c.is_empty()) {
            Some(cursor) if state.cursor.as_ref() != Some(&cursor) => {
                state.cursor = Some(cursor);
                false
            }
            _ => true,
        },
        Paging::Number => {
            let requested = state.page;
            state.page += 1;
            let total_pages = info.and_then(|i| i.total_pages);
            let per_page = info.and_then(|i| i.per_page).or(per_page);
            let served = info.and_then(|i| i.page);
            let total_count = info.and_then(|i| i.total_count);
            total_pages.is_some_and(|total| requested >= total)
                || per_page.is_some_and(|n| (page.items.len() as u64) < n)
                || served.is_some_and(|p| p != requested)
                || (total_pages.is_none() && total_count.zip(per_page).is_some_and(|(count, n)| requested * n >= count))
        }
    }
}
