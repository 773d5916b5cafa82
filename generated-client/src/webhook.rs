//! Webhooks: checking that a request really comes from Stream, and decoding its event.
//!
//! Stream signs every webhook request with the app's API secret: the `X-Signature` header holds
//! the HMAC-SHA256 of the request body, in hex. The body may be gzip-compressed (recognised by
//! its magic bytes, whatever the headers say); the signature covers the uncompressed JSON.
//!
//! [`Webhook::verify`] checks the signature in constant time and returns the JSON;
//! [`Webhook::parse`] also decodes it into the generated [`Event`] enum, where event types this
//! client does not know are kept as JSON ([`Event::Unknown`], or `Event::Custom` for an app's
//! own events), so a new event type never makes a webhook fail; neither does a payload that
//! departs from the spec (see the crate docs, "Decoding", and [`Event::mismatches`]).
//!
//! ```
//! use stream_chat_client::webhook::{signature, Webhook};
//! use stream_chat_client::{Event, Secret};
//!
//! let secret = Secret::new("my-api-secret");
//! let body = br#"{"type":"reaction.custom","user":{"id":"jack"}}"#;
//! // What Stream sends in `X-Signature`.
//! let header = signature(&secret, body);
//!
//! let webhook = Webhook::new(secret);
//! let event = webhook.parse(body, Some(&header)).unwrap();
//! assert_eq!(event.event_type(), "reaction.custom");
//!
//! // A tampered body or a wrong signature is refused.
//! assert!(webhook.parse(br#"{"type":"x"}"#, Some(&header)).is_err());
//! assert!(webhook.parse(body, None).is_err());
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

use crate::{Event, Secret};

/// The header that carries the body's signature (header names are case-insensitive).
pub const SIGNATURE_HEADER: &str = "x-signature";

/// The default limit on a body's size after decompression: 16 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Verifies and decodes the webhook requests of one app.
///
/// Its `Debug` output does not show the secret.
#[derive(Clone, Debug)]
pub struct Webhook {
    secret: Secret,
    max_body_size: usize,
}

impl Webhook {
    /// A verifier for webhooks signed with this API secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// Sets the largest body accepted after decompression (default [`DEFAULT_MAX_BODY_SIZE`]),
    /// so that a small compressed body cannot expand without bound.
    #[must_use]
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Checks the signature of a body and returns the JSON it signs: the body itself, or its
    /// decompressed content when it is gzip-compressed.
    ///
    /// `signature` is the `X-Signature` header's value (surrounding whitespace and the case of
    /// the hex digits do not matter). The comparison takes the same time whatever the
    /// signature, so it leaks nothing about the right one.
    ///
    /// # Errors
    ///
    /// [`WebhookError::MissingSignature`], [`WebhookError::InvalidSignature`],
    /// [`WebhookError::Decompress`] for a broken gzip stream, and
    /// [`WebhookError::BodyTooLarge`].
    pub fn verify<'b>(
        &self,
        body: &'b [u8],
        signature: Option<&str>,
    ) -> Result<Cow<'b, [u8]>, WebhookError> {
        let signature = signature.ok_or(WebhookError::MissingSignature)?;
        let json = self.decompress(body)?;
        let expected = decode_hex(signature.trim()).ok_or(WebhookError::InvalidSignature)?;
        mac(&self.secret, &json)
            .verify_slice(&expected)
            .map_err(|_| WebhookError::InvalidSignature)?;
        Ok(json)
    }

    /// Checks the signature of a body (as [`Webhook::verify`]) and decodes its event.
    ///
    /// # Errors
    ///
    /// Those of [`Webhook::verify`], then [`WebhookError::Json`] when the body is not a JSON
    /// object with a `type`, and [`WebhookError::Payload`] when its objects nest too deep. A
    /// payload that departs from its schema still decodes, and says where
    /// ([`Event::mismatches`]).
    pub fn parse(&self, body: &[u8], signature: Option<&str>) -> Result<Event, WebhookError> {
        let json = self.verify(body, signature)?;
        decode_event(&json)
    }

    /// Checks and decodes a request as it arrived: the signature is read from the
    /// [`SIGNATURE_HEADER`] of `headers`.
    ///
    /// # Errors
    ///
    /// As [`Webhook::parse`]; a header that is not visible ASCII counts as a wrong signature.
    pub fn parse_request(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        let signature = match headers.get(SIGNATURE_HEADER) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| WebhookError::InvalidSignature)?),
        };
        self.parse(body, signature)
    }

    /// The body itself, or its content when it starts with gzip's magic bytes, up to the limit.
    fn decompress<'b>(&self, body: &'b [u8]) -> Result<Cow<'b, [u8]>, WebhookError> {
        let limit = self.max_body_size;
        if !body.starts_with(&GZIP_MAGIC) {
            return if body.len() > limit {
                Err(WebhookError::BodyTooLarge { limit })
            } else {
                Ok(Cow::Borrowed(body))
            };
        }
        let mut json = Vec::new();
        // One byte past the limit tells a body that is exactly at the limit from a larger one.
        let take = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        flate2::read::MultiGzDecoder::new(body)
            .take(take)
            .read_to_end(&mut json)
            .map_err(WebhookError::Decompress)?;
        if json.len() > limit {
            return Err(WebhookError::BodyTooLarge { limit });
        }
        Ok(Cow::Owned(json))
    }
}

/// The `X-Signature` value of a body: the HMAC-SHA256 of `body` with the API secret, in lower
/// case hex. Stream computes it over the uncompressed body; it is public so that tests (and
/// tools that replay webhooks) can sign bodies.
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    mac(secret, body)
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn mac(secret: &Secret, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

/// Decodes hex digits of either case; `None` for anything else or an odd length.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn digit(byte: u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            b'A'..=b'F' => Some(byte - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn decode_event(json: &[u8]) -> Result<Event, WebhookError> {
    let event_type = crate::decode::event_type(json)
        .map_err(WebhookError::Json)?
        .ok_or_else(|| {
            WebhookError::Json(serde::de::Error::custom(
                "a webhook body must be a JSON object with a string `type`",
            ))
        })?;
    Event::from_slice(json).map_err(|source| WebhookError::Payload {
        event_type,
        source,
        json: Box::new(serde_json::from_slice(json).unwrap_or_default()),
    })
}

/// Why a webhook request was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `X-Signature` header.
    MissingSignature,
    /// The signature is not hex or does not match the body: the request is not from Stream,
    /// was changed on the way, or was signed with another secret.
    InvalidSignature,
    /// The body starts like gzip but does not decompress.
    Decompress(std::io::Error),
    /// The (decompressed) body is larger than [`Webhook::max_body_size`] allows.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The signed body is not a JSON object with a string `type`.
    Json(serde_json::Error),
    /// The event's payload cannot be decoded even by the crate's decoding rule (its objects
    /// nest too deep). The JSON is kept, so nothing is lost.
    Payload {
        /// The event's `type`.
        event_type: String,
        /// What did not match.
        source: serde_json::Error,
        /// The whole event as it arrived.
        json: Box<serde_json::Value>,
    },
}

impl WebhookError {
    /// Whether the request failed authentication (missing or wrong signature), as opposed to
    /// a signed request whose content is bad. An HTTP handler answers the first with 401.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::MissingSignature | Self::InvalidSignature)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => write!(f, "webhook request without `X-Signature` header"),
            Self::InvalidSignature => write!(f, "webhook signature does not match the body"),
            Self::Decompress(error) => write!(f, "webhook body is not valid gzip: {error}"),
            Self::BodyTooLarge { limit } => {
                write!(f, "webhook body is larger than the limit of {limit} bytes")
            }
            Self::Json(error) => write!(f, "webhook body is not an event: {error}"),
            Self::Payload {
                event_type, source, ..
            } => write!(
                f,
                "webhook event `{event_type}` cannot be decoded: {source}"
            ),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decompress(error) => Some(error),
            Self::Json(error) | Self::Payload { source: error, .. } => Some(error),
            Self::MissingSignature | Self::InvalidSignature | Self::BodyTooLarge { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231, test case 2.
        let secret = Secret::new("Jefe");
        assert_eq!(
            signature(&secret, b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(decode_hex("00ffAb"), Some(vec![0, 255, 0xab]));
        assert_eq!(decode_hex(""), Some(vec![]));
        for bad in ["0", "0g", "zz", "é1", "+1"] {
            assert_eq!(decode_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn verify_accepts_exact_signatures_only() {
        let secret = Secret::new("top-secret");
        let webhook = Webhook::new(secret.clone());
        let body = br#"{"type":"user.updated"}"#;
        let good = signature(&secret, body);
        assert_eq!(&*webhook.verify(body, Some(&good)).unwrap(), body);
        let upper = format!("  {}\n", good.to_uppercase());
        assert!(webhook.verify(body, Some(&upper)).is_ok());

        let mut flipped = good.clone().into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        for bad in [&flipped[..], &good[..62], "", "not hex at all"] {
            assert!(matches!(
                webhook.verify(body, Some(bad)),
                Err(WebhookError::InvalidSignature)
            ));
        }
        let other = signature(&Secret::new("other-secret"), body);
        assert!(webhook.verify(body, Some(&other)).is_err());
        assert!(matches!(
            webhook.verify(body, None),
            Err(WebhookError::MissingSignature)
        ));
    }

    #[test]
    fn gzip_bodies_are_signed_uncompressed() {
        let secret = Secret::new("top-secret");
        let webhook = Webhook::new(secret.clone());
        let json = br#"{"type":"user.updated"}"#;
        let compressed = gzip(json);
        let over_json = signature(&secret, json);
        assert_eq!(
            &*webhook.verify(&compressed, Some(&over_json)).unwrap(),
            json
        );
        // A signature of the compressed bytes is not Stream's.
        let over_gzip = signature(&secret, &compressed);
        assert!(webhook.verify(&compressed, Some(&over_gzip)).is_err());

        let broken = &compressed[..compressed.len() - 6];
        assert!(matches!(
            webhook.verify(broken, Some(&over_json)),
            Err(WebhookError::Decompress(_))
        ));
    }

    #[test]
    fn size_limit_applies_after_decompression() {
        let secret = Secret::new("s");
        let json = vec![b' '; 1000];
        let sig = signature(&secret, &json);
        let webhook = Webhook::new(secret).max_body_size(1000);
        assert!(webhook.verify(&json, Some(&sig)).is_ok());
        assert!(webhook.verify(&gzip(&json), Some(&sig)).is_ok());

        let webhook = webhook.max_body_size(999);
        for body in [json.clone(), gzip(&json)] {
            assert!(matches!(
                webhook.verify(&body, Some(&sig)),
                Err(WebhookError::BodyTooLarge { limit: 999 })
            ));
        }
    }

    #[test]
    fn parse_keeps_unknown_events_and_reports_bad_ones() {
        let secret = Secret::new("s");
        let webhook = Webhook::new(secret.clone());
        let parse = |body: &[u8]| webhook.parse(body, Some(&signature(&secret, body)));

        let unknown = br#"{"type":"brand.new.event","n":1}"#;
        assert_eq!(parse(unknown).unwrap().event_type(), "brand.new.event");

        for not_event in [&b"[1]"[..], b"{}", br#"{"type":3}"#, b"not json"] {
            assert!(matches!(parse(not_event), Err(WebhookError::Json(_))));
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let error = WebhookError::BodyTooLarge { limit: 5 };
        assert_eq!(
            error.to_string(),
            "webhook body is larger than the limit of 5 bytes"
        );
        assert!(WebhookError::MissingSignature.is_unauthenticated());
        assert!(!error.is_unauthenticated());
        let debug = format!("{:?}", Webhook::new("top-secret"));
        assert!(!debug.contains("top-secret"), "{debug}");
    }
}
