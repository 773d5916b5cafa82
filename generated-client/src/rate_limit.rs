//! Rate-limit information from the `X-RateLimit-*` response headers.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// The rate-limit state of the endpoint that answered, from the `X-RateLimit-Limit`,
/// `X-RateLimit-Remaining` and `X-RateLimit-Reset` response headers.
///
/// Parsing is lenient: a missing or malformed header leaves its field `None` and never fails
/// the request; a repeated header, or a value repeated in one header such as `"300, 300"`,
/// counts by its first value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// How many requests the window allows (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// How many requests are left in the window (`X-RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets (`X-RateLimit-Reset`, sent as Unix seconds).
    pub reset: Option<DateTime<Utc>>,
}

/// Header names, lower case as `HeaderMap` stores them.
const LIMIT: &str = "x-ratelimit-limit";
const REMAINING: &str = "x-ratelimit-remaining";
const RESET: &str = "x-ratelimit-reset";

impl RateLimit {
    /// Reads the rate-limit headers; `None` when none of the three has a usable value.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let limit = first_value(headers, LIMIT).and_then(|v| v.parse::<u64>().ok());
        let remaining = first_value(headers, REMAINING).and_then(|v| v.parse::<u64>().ok());
        let reset = first_value(headers, RESET).and_then(parse_unix_seconds);
        if limit.is_none() && remaining.is_none() && reset.is_none() {
            return None;
        }
        Some(RateLimit {
            limit,
            remaining,
            reset,
        })
    }

    /// Whether no request is left in the current window (`remaining` is 0).
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }

    /// How long from `now` until the window resets; zero when the reset time has passed,
    /// `None` when it is unknown.
    pub fn reset_after(&self, now: DateTime<Utc>) -> Option<std::time::Duration> {
        let reset = self.reset?;
        Some((reset - now).to_std().unwrap_or_default())
    }
}

/// The first non-empty comma-separated item of the first header with this name.
fn first_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then_some(first)
}

/// Unix seconds, as an integer or (leniently) a decimal number.
fn parse_unix_seconds(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(secs) = value.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0);
    }
    let secs = value.parse::<f64>().ok()?;
    // `as` saturates; out-of-range values are rejected by `from_timestamp`.
    secs.is_finite()
        .then(|| DateTime::from_timestamp(secs.floor() as i64, 0))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn parses_all_three() {
        let rl = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", b"300"),
            ("X-RateLimit-Remaining", b"299"),
            ("X-RateLimit-Reset", b"1700000000"),
        ]))
        .unwrap();
        assert_eq!(rl.limit, Some(300));
        assert_eq!(rl.remaining, Some(299));
        assert_eq!(rl.reset, DateTime::from_timestamp(1_700_000_000, 0));
        assert!(!rl.is_exhausted());
    }

    #[test]
    fn missing_headers_give_none() {
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        assert_eq!(
            RateLimit::from_headers(&headers(&[("content-type", b"application/json")])),
            None
        );
    }

    #[test]
    fn duplicated_values_take_the_first() {
        let rl = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", b"300, 300"),
            ("x-ratelimit-remaining", b"10"),
            ("x-ratelimit-remaining", b"9"),
            ("x-ratelimit-reset", b" 1700000000 ,1700000001"),
        ]))
        .unwrap();
        assert_eq!(rl.limit, Some(300));
        assert_eq!(rl.remaining, Some(10));
        assert_eq!(rl.reset, DateTime::from_timestamp(1_700_000_000, 0));
    }

    #[test]
    fn garbage_never_fails() {
        assert_eq!(
            RateLimit::from_headers(&headers(&[
                ("x-ratelimit-limit", b"lots"),
                ("x-ratelimit-remaining", b"-1"),
                ("x-ratelimit-reset", b"\xff\xfe"),
            ])),
            None
        );
        let rl = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", b""),
            ("x-ratelimit-remaining", b"0"),
            ("x-ratelimit-reset", b"99999999999999999999"),
        ]))
        .unwrap();
        assert_eq!(rl.limit, None);
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(rl.reset, None);
        assert!(rl.is_exhausted());
        for reset in [&b"NaN"[..], b"inf", b"1e300", b"-1e300", b","] {
            let _ = RateLimit::from_headers(&headers(&[("x-ratelimit-reset", reset)]));
        }
        let rl = RateLimit::from_headers(&headers(&[("x-ratelimit-reset", b"1700000000.7")]));
        assert_eq!(
            rl.unwrap().reset,
            DateTime::from_timestamp(1_700_000_000, 0)
        );
    }

    #[test]
    fn reset_after() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let rl = RateLimit {
            reset: DateTime::from_timestamp(1_700_000_030, 0),
            ..RateLimit::default()
        };
        assert_eq!(
            rl.reset_after(now),
            Some(std::time::Duration::from_secs(30))
        );
        let past = RateLimit {
            reset: DateTime::from_timestamp(1_600_000_000, 0),
            ..RateLimit::default()
        };
        assert_eq!(past.reset_after(now), Some(std::time::Duration::ZERO));
        assert_eq!(RateLimit::default().reset_after(now), None);
    }
}
