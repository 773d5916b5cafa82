//! Response bodies: reading them within a size limit, and the capped text of an error body.
//!
//! A body is read chunk by chunk as `reqwest` hands it over, after gzip/deflate decoding, so
//! the limit counts the decoded bytes: a small compressed body that inflates past the limit
//! stops there. Reading stops at the first chunk past the limit, so the client never holds
//! more than the limit plus one chunk of a body, however much the server sends.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

use crate::excerpt::excerpt;

/// The default largest response body the client reads, after decompression: 64 MiB.
///
/// Stream's largest answers are channel queries at their maximum page sizes (30 channels with
/// up to 300 messages and 100 members each, every message carrying its user): about 20 to 30
/// MB with messages of a few kilobytes. 64 MiB leaves twice that for heavy custom data and
/// attachments, and still bounds what one call can make the client hold. Typical answers are
/// a few kilobytes. Change it with
/// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size) or per call with
/// [`ResponseFuture::max_body_size`](crate::ResponseFuture::max_body_size).
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 * 1024 * 1024;

/// How much of a non-2xx body the client reads and keeps in [`Error::Http`](crate::Error::Http)
/// (or decodes as an API error): 64 KiB. Stream's JSON errors are well under 1 KiB; a proxy's
/// error page is kept up to this size, and the rest is not read.
pub const MAX_ERROR_BODY_SIZE: u64 = 64 * 1024;

/// How much memory reading reserves up front for a body whose length the server announced.
const MAX_RESERVE: u64 = 1024 * 1024;

/// A body read up to a limit.
#[derive(Debug)]
pub(crate) struct Limited {
    /// The body, or its first `limit` bytes when it was longer.
    pub(crate) bytes: Bytes,
    /// Whether the body ended within the limit.
    pub(crate) complete: bool,
    /// How many (decoded) bytes arrived before reading stopped: the body's length when
    /// complete, else at most the limit plus one chunk.
    pub(crate) received: u64,
}

/// Reads `response`'s body until it ends or more than `limit` bytes have arrived, whichever
/// comes first; the rest of the body is never read (dropping the response closes the
/// connection).
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Limited, reqwest::Error> {
    let limit_len = usize::try_from(limit).unwrap_or(usize::MAX);
    let Some(first) = response.chunk().await? else {
        return Ok(Limited {
            bytes: Bytes::new(),
            complete: true,
            received: 0,
        });
    };
    let mut received = first.len() as u64;
    if received > limit {
        // Keep what fits, for an error body's excerpt.
        return Ok(Limited {
            bytes: first.slice(..limit_len),
            complete: false,
            received,
        });
    }
    // Most answers (a few kilobytes) come in one chunk: kept as it came, not copied.
    let Some(mut chunk) = response.chunk().await? else {
        return Ok(Limited {
            bytes: first,
            complete: true,
            received,
        });
    };
    let reserve = response
        .content_length()
        .unwrap_or(0)
        .min(limit)
        .min(MAX_RESERVE);
    let mut body = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    grow(&mut body, first.len(), limit);
    body.extend_from_slice(&first);
    loop {
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            // Keep what fits, for an error body's excerpt; drop the rest of the chunk.
            let room = limit_len - body.len();
            grow(&mut body, room, limit);
            body.extend_from_slice(&chunk[..room]);
            return Ok(Limited {
                bytes: body.into(),
                complete: false,
                received,
            });
        }
        grow(&mut body, chunk.len(), limit);
        body.extend_from_slice(&chunk);
        match response.chunk().await? {
            Some(next) => chunk = next,
            None => break,
        }
    }
    Ok(Limited {
        bytes: body.into(),
        complete: true,
        received,
    })
}

/// Makes room for `more` bytes, doubling the capacity as `Vec` does but never past `limit`,
/// so a body just under the limit never costs twice the limit.
fn grow(body: &mut Vec<u8>, more: usize, limit: u64) {
    if body.capacity() - body.len() >= more {
        return;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let wanted = body
        .capacity()
        .saturating_mul(2)
        .max(body.len() + more)
        .min(limit.max(body.len() + more));
    body.reserve_exact(wanted - body.len());
}

/// The text of a non-2xx response body as [`Error::Http`](crate::Error::Http) keeps it: at
/// most [`MAX_ERROR_BODY_SIZE`] bytes (invalid UTF-8 replaced), and whether the body was cut
/// there.
///
/// It reads as a `&str` (it derefs to one and compares with strings); its `Debug` shows an
/// excerpt of about 200 characters and the length, so logging an error never prints a whole
/// error page.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    text: String,
    truncated: bool,
}

impl ErrorBody {
    /// A body's text from its bytes; `truncated` says whether the body went on past them.
    pub(crate) fn new(bytes: &[u8], truncated: bool) -> Self {
        Self {
            text: String::from_utf8_lossy(bytes).into_owned(),
            truncated,
        }
    }

    /// The text kept.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the body was longer than [`MAX_ERROR_BODY_SIZE`] and only its start was kept
    /// (the rest was not read).
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl Deref for ErrorBody {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for ErrorBody {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ErrorBody {
    /// The whole text kept (at most [`MAX_ERROR_BODY_SIZE`] bytes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorBody")
            .field("excerpt", &excerpt(self.text.as_bytes()))
            .field("len", &self.text.len())
            .field("truncated", &self.truncated)
            .finish()
    }
}

impl PartialEq<str> for ErrorBody {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for ErrorBody {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for ErrorBody {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_stops_at_the_limit() {
        let mut body = Vec::new();
        let limit = 1000;
        for _ in 0..10 {
            grow(&mut body, 100, limit);
            body.extend_from_slice(&[0; 100]);
            assert!(body.capacity() <= 1000, "{}", body.capacity());
        }
        assert_eq!(body.len(), 1000);
        let mut small = Vec::with_capacity(4);
        grow(&mut small, 10, 3);
        assert!(small.capacity() >= 10, "room for what is asked");
    }

    #[test]
    fn error_bodies_debug_as_excerpts() {
        let long = ErrorBody::new("x".repeat(10_000).as_bytes(), true);
        let debug = format!("{long:?}");
        assert!(debug.len() < 400, "{debug}");
        assert!(debug.contains("len: 10000") && debug.contains("truncated: true"));
        assert_eq!(long.to_string().len(), 10_000);

        let short = ErrorBody::new(b"Bad Gateway\xff", false);
        assert_eq!(short, "Bad Gateway\u{fffd}");
        assert_eq!(&short, "Bad Gateway\u{fffd}");
        assert!(short.starts_with("Bad") && !short.is_truncated());
        assert!(ErrorBody::default().is_empty());
    }
}
