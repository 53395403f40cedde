//! Walking a list across pages: a `Stream` of pages or of items.
//!
//! The stream stops on the last page by `total_pages`, on an empty page, on a short page, on a
//! page that repeats the previous one, or when the server ignores the page asked for; it never
//! requests the same page twice, so it always ends.

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::call::{Call, Paging, Request};
use crate::envelope::{Page, ResultInfo};
use crate::error::Result;

struct State<T> {
    call: Call<Page<T>>,
    walk: Walk,
    previous: Option<Vec<T>>,
}

/// Where a walk is: all of its state that does not depend on the item type, so what decides
/// the next request is compiled once rather than once per list method.
struct Walk {
    paging: Paging,
    page: u64,
    cursor: Option<String>,
    started: bool,
    done: bool,
}

impl<T: Clone + PartialEq + Send + 'static> Call<Page<T>> {
    /// Every page, fetched as the stream is read. The first page is this call's.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        let walk = Walk::new(&self.req);
        let state = State { call: self, walk, previous: None };
        stream::unfold(state, |mut state| async move {
            if state.walk.done {
                return None;
            }
            let (request, per_page) = state.walk.request(&state.call.req);
            let page = match state.call.with_request(request).send().await {
                Ok(page) => page,
                Err(error) => {
                    state.walk.done = true;
                    return Some((Err(error), state));
                }
            };
            if page.items.is_empty() || state.previous.as_ref() == Some(&page.items) {
                return None;
            }
            state.walk.advance(page.result_info.as_ref(), page.items.len(), per_page);
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

impl Walk {
    /// The walk of the list `first` asks for, from the page it names (1 if none).
    fn new(first: &Request) -> Self {
        let page = first.query_value("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        Walk { paging: first.paging, page, cursor: None, started: false, done: false }
    }

    /// The request of the next page (`first` with the page or cursor it needs), and the page
    /// size it asks for.
    fn request(&mut self, first: &Request) -> (Request, Option<u64>) {
        let mut request = first.clone();
        match (&self.paging, &self.cursor) {
            (Paging::Cursor, Some(cursor)) => request.set_query("cursor", cursor.clone()),
            (Paging::Number, _) if self.started => request.set_query("page", self.page.to_string()),
            _ => {}
        }
        self.started = true;
        let per_page = request.query_value("per_page").and_then(|p| p.parse().ok());
        (request, per_page)
    }

    /// Advance past a page of `len` items with these details; done when it was the last one.
    fn advance(&mut self, info: Option<&ResultInfo>, len: usize, per_page: Option<u64>) {
        self.done = match self.paging {
            Paging::Single => true,
            Paging::Cursor => match info.and_then(|i| i.cursor.clone()).filter(|c| !c.is_empty()) {
                Some(cursor) if self.cursor.as_ref() != Some(&cursor) => {
                    self.cursor = Some(cursor);
                    false
                }
                _ => true,
            },
            Paging::Number => {
                let requested = self.page;
                self.page += 1;
                let total_pages = info.and_then(|i| i.total_pages);
                let per_page = info.and_then(|i| i.per_page).or(per_page);
                let served = info.and_then(|i| i.page);
                let total_count = info.and_then(|i| i.total_count);
                total_pages.is_some_and(|total| requested >= total)
                    || per_page.is_some_and(|n| (len as u64) < n)
                    || served.is_some_and(|p| p != requested)
                    || (total_pages.is_none() && total_count.zip(per_page).is_some_and(|(count, n)| requested * n >= count))
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request of a list method that pages as `paging`, two items a page, from `page`.
    fn first(paging: Paging, page: Option<&str>) -> Request {
        let mut builder = crate::Client::builder().base_url("http://localhost");
        if let Some(scheme) = crate::spec::SCHEMES.first() {
            builder = builder.secret(scheme.name, crate::auth::Secret::Value("t".into()));
        }
        let client = builder.build().unwrap();
        let mut call = client
            .call(reqwest::Method::GET, "/items", "/items".into(), crate::envelope::page::<u8>)
            .query("per_page", "2".into())
            .paged(paging);
        if let Some(page) = page {
            call = call.query("page", page.into());
        }
        call.req
    }

    #[test]
    fn numbered_pages_go_on_from_the_one_asked_for_until_a_short_page() {
        let first = first(Paging::Number, Some("3"));
        let mut walk = Walk::new(&first);
        let (request, per_page) = walk.request(&first);
        assert_eq!((request.query_value("page"), per_page), (Some("3"), Some(2)));
        walk.advance(Some(&ResultInfo { page: Some(3), total_pages: Some(9), ..ResultInfo::default() }), 2, per_page);
        assert!(!walk.done);
        let (request, _) = walk.request(&first);
        assert_eq!(request.query_value("page"), Some("4"));
        assert_eq!(request.query.iter().filter(|(name, _)| name == "page").count(), 1, "the page is replaced, not added");
        assert_eq!(first.query_value("page"), Some("3"), "the first request is left as it is");
        walk.advance(Some(&ResultInfo { page: Some(4), total_pages: Some(9), ..ResultInfo::default() }), 1, per_page);
        assert!(walk.done, "a short page is the last");
    }

    #[test]
    fn numbered_pages_stop_at_total_pages_or_when_the_server_serves_another_page() {
        let first = first(Paging::Number, None);
        let mut walk = Walk::new(&first);
        walk.request(&first);
        walk.advance(Some(&ResultInfo { page: Some(1), total_pages: Some(1), ..ResultInfo::default() }), 2, Some(2));
        assert!(walk.done, "page 1 of 1");
        let mut walk = Walk::new(&first);
        walk.request(&first);
        walk.advance(Some(&ResultInfo { page: Some(7), ..ResultInfo::default() }), 2, Some(2));
        assert!(walk.done, "page 7 served for page 1: the page parameter is ignored");
    }

    #[test]
    fn cursors_are_followed_until_one_is_empty_or_repeats() {
        let first = first(Paging::Cursor, None);
        let cursor = |c: &str| ResultInfo { cursor: Some(c.into()), ..ResultInfo::default() };
        let mut walk = Walk::new(&first);
        let (request, _) = walk.request(&first);
        assert_eq!(request.query_value("cursor"), None);
        walk.advance(Some(&cursor("a")), 2, None);
        assert!(!walk.done);
        let (request, _) = walk.request(&first);
        assert_eq!(request.query_value("cursor"), Some("a"));
        walk.advance(Some(&cursor("a")), 2, None);
        assert!(walk.done, "a cursor that repeats ends the walk");
        let mut walk = Walk::new(&first);
        walk.request(&first);
        walk.advance(Some(&cursor("")), 2, None);
        assert!(walk.done, "an empty cursor ends the walk");
    }

    #[test]
    fn a_list_in_one_page_is_one_request() {
        let first = first(Paging::Single, None);
        let mut walk = Walk::new(&first);
        walk.request(&first);
        walk.advance(Some(&ResultInfo { page: Some(1), total_pages: Some(5), ..ResultInfo::default() }), 2, Some(2));
        assert!(walk.done);
    }
}
