//! Lazy streams over paged list operations: [`Pages`] yields one page of items per request,
//! [`Items`] the items one by one.
//!
//! Two paging styles exist in the API. Cursor operations answer with a `next` cursor that the
//! following request sends back; limit/offset operations take the number of items to skip.
//! A stream sends nothing until it is polled, sends one request per page, and ends cleanly:
//! after the last page, or after yielding the first error.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::{Error, ResponseFuture};

/// A boxed request for one page: its items and, for cursor paging, the next cursor.
type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Fetched<T>, Error>> + Send + 'a>>;

/// Sends the request for one page.
type Fetch<'a, R, T> = Box<dyn Fn(&R) -> PageFuture<'a, T> + Send + 'a>;

/// What one page's response holds for paging.
struct Fetched<T> {
    items: Vec<T>,
    next: Option<String>,
}

/// How to move a request on to the following page.
enum Advance<R> {
    /// Copy the response's `next` cursor into the request.
    Cursor {
        set_next: fn(&mut R, String),
        /// The cursor the last request carried, to stop when the server repeats it.
        last: Option<String>,
    },
    /// Add the number of items received to the request's offset.
    Offset {
        set_offset: fn(&mut R, u32),
        offset: u32,
        /// The page size the request asks for; a shorter page is the last.
        limit: Option<u32>,
        /// The largest offset the API accepts.
        max_offset: Option<u32>,
    },
}

/// The paging fields of a limit/offset request, read by [`Pages::offset`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OffsetPaging {
    /// The request's offset (the first page's; `None` for 0).
    pub offset: Option<u32>,
    /// The page size the request asks for, already lowered to the API's maximum; `None` for the
    /// server's default, in which case only an empty page ends the stream.
    pub limit: Option<u32>,
    /// The largest offset the API accepts (for example 1000 for channel queries), if any.
    pub max_offset: Option<u32>,
}

/// A lazy stream of the pages of a paged list operation: each item is one page's items, or the
/// error that ended the stream.
///
/// Returned by the `*_pages` methods of [`Client`](crate::Client). Nothing is sent until the
/// stream is polled; each poll after a page sends the request for the next one. The stream ends
/// after the last page (cursor paging: no new `next` cursor, or an empty page; offset paging: an
/// empty or short page, or when the next offset would pass the API's maximum), or right after
/// yielding an error. Use [`Pages::items`] for a stream of single items.
///
/// It borrows only the client, and is `Send` when the request type is.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, R, T> {
    request: R,
    fetch: Fetch<'a, R, T>,
    advance: Advance<R>,
    in_flight: Option<PageFuture<'a, T>>,
    done: bool,
}

impl<'a, R, T: 'a> Pages<'a, R, T> {
    /// Pages through a cursor operation: `fetch` sends one request, `split` takes a response's
    /// items and `next` cursor, and `set_next` writes a cursor into the request.
    ///
    /// The first request is `request` as given (with its own `next`, if any).
    pub fn cursor<P>(
        request: R,
        fetch: impl Fn(&R) -> ResponseFuture<'a, P> + Send + 'a,
        split: fn(P) -> (Vec<T>, Option<String>),
        set_next: fn(&mut R, String),
    ) -> Self
    where
        P: DeserializeOwned + 'a,
    {
        Self::new(
            request,
            Box::new(move |request| {
                let response = fetch(request);
                Box::pin(async move {
                    let (items, next) = split(response.await?.into_inner());
                    Ok(Fetched { items, next })
                })
            }),
            Advance::Cursor {
                set_next,
                last: None,
            },
        )
    }

    /// Pages through a limit/offset operation: `fetch` sends one request, `items` takes a
    /// response's items, `set_offset` writes the next offset into the request, and `paging`
    /// describes the request's page size and the API's offset cap.
    pub fn offset<P>(
        request: R,
        fetch: impl Fn(&R) -> ResponseFuture<'a, P> + Send + 'a,
        items: fn(P) -> Vec<T>,
        set_offset: fn(&mut R, u32),
        paging: OffsetPaging,
    ) -> Self
    where
        P: DeserializeOwned + 'a,
    {
        Self::new(
            request,
            Box::new(move |request| {
                let response = fetch(request);
                Box::pin(async move {
                    Ok(Fetched {
                        items: items(response.await?.into_inner()),
                        next: None,
                    })
                })
            }),
            Advance::Offset {
                set_offset,
                offset: paging.offset.unwrap_or(0),
                limit: paging.limit,
                max_offset: paging.max_offset,
            },
        )
    }

    fn new(request: R, fetch: Fetch<'a, R, T>, advance: Advance<R>) -> Self {
        Self {
            request,
            fetch,
            advance,
            in_flight: None,
            done: false,
        }
    }

    /// The stream of single items across all pages; an error ends it the same way.
    pub fn items(self) -> Items<'a, R, T> {
        Items {
            pages: self,
            buffer: VecDeque::new(),
        }
    }

    /// Moves the request on past a page; `false` when that page was the last.
    fn advance(&mut self, fetched: &mut Fetched<T>) -> bool {
        if fetched.items.is_empty() {
            return false;
        }
        match &mut self.advance {
            Advance::Cursor { set_next, last } => match fetched.next.take() {
                Some(next) if !next.is_empty() && last.as_deref() != Some(next.as_str()) => {
                    set_next(&mut self.request, next.clone());
                    *last = Some(next);
                    true
                }
                _ => false,
            },
            Advance::Offset {
                set_offset,
                offset,
                limit,
                max_offset,
            } => {
                let received = u32::try_from(fetched.items.len()).unwrap_or(u32::MAX);
                if limit.is_some_and(|limit| received < limit) {
                    return false;
                }
                let next = offset.saturating_add(received);
                if max_offset.is_some_and(|max| next > max) {
                    return false;
                }
                *offset = next;
                set_offset(&mut self.request, next);
                true
            }
        }
    }
}

// The request and items are never pinned (nothing borrows them across polls), and the future
// in flight is boxed, so moving the stream is fine whatever `R` and `T` are.
impl<R, T> Unpin for Pages<'_, R, T> {}

impl<'a, R, T: 'a> Stream for Pages<'a, R, T> {
    type Item = Result<Vec<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let request = &this.request;
        let fetch = &this.fetch;
        let in_flight = this.in_flight.get_or_insert_with(|| fetch(request));
        let result = ready!(in_flight.as_mut().poll(cx));
        this.in_flight = None;
        Poll::Ready(Some(match result {
            Ok(mut fetched) => {
                this.done = !this.advance(&mut fetched);
                Ok(fetched.items)
            }
            Err(error) => {
                this.done = true;
                Err(error)
            }
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
}

impl<R: fmt::Debug, T> fmt::Debug for Pages<'_, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("request", &self.request)
            .field("in_flight", &self.in_flight.is_some())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// A lazy stream of the items of a paged list operation, page after page; from [`Pages::items`].
///
/// It fetches the next page only when the items of the previous one are used up, and ends after
/// the last item or right after yielding an error.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, R, T> {
    pages: Pages<'a, R, T>,
    buffer: VecDeque<T>,
}

// As for `Pages`: nothing in it is ever pinned.
impl<R, T> Unpin for Items<'_, R, T> {}

impl<'a, R, T: 'a> Stream for Items<'a, R, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer.extend(page),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<R: fmt::Debug, T> fmt::Debug for Items<'_, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}
