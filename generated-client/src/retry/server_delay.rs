//! The wait a failed response asks for: `Retry-After`, or for a 429 `X-RateLimit-Reset`.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::Error;

/// The wait that a failed response asks for: `Retry-After` (delay-seconds or an HTTP date),
/// else for a 429 the time until `X-RateLimit-Reset`. Garbage values count as absent.
pub(crate) fn server_delay(
    status: u16,
    headers: &HeaderMap,
    error: &Error,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(wait) = retry_after(headers, now) {
        return Some(wait);
    }
    if status == 429 {
        return error.rate_limit()?.reset_after(now.into());
    }
    None
}

/// `Retry-After` as seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`); a date
/// in the past means no wait.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn http(status: u16) -> Error {
        Error::Http {
            operation: "Op",
            status,
            body: crate::ErrorBody::default(),
            rate_limit: None,
            attempts: 1,
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        let error = http(503);
        assert_eq!(server_delay(503, &headers, &error, now), None);

        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::ZERO)
        );
        for garbage in [&b"soon"[..], b"-1", b"1.5", b"\xff", b""] {
            headers.insert(RETRY_AFTER, HeaderValue::from_bytes(garbage).unwrap());
            assert_eq!(server_delay(503, &headers, &error, now), None);
        }
    }

    #[test]
    fn rate_limit_reset_counts_for_429_only() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let limited = |status| Error::Http {
            operation: "Op",
            status,
            body: crate::ErrorBody::default(),
            rate_limit: Some(crate::RateLimit {
                reset: chrono::DateTime::from_timestamp(1_700_000_004, 0),
                ..crate::RateLimit::default()
            }),
            attempts: 1,
        };
        let headers = HeaderMap::new();
        assert_eq!(
            server_delay(429, &headers, &limited(429), now),
            Some(Duration::from_secs(4))
        );
        assert_eq!(server_delay(503, &headers, &limited(503), now), None);
    }
}
