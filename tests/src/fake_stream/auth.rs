//! Who is calling: the `api_key`, the auth type and the HS256 token, checked as Stream's REST
//! docs describe ("Authentication", "Websocket and Authentication").
//!
//! REST calls carry `api_key` as a query parameter and the `Stream-Auth-Type` (`jwt` or
//! `anonymous`) and `Authorization` headers; the websocket carries the same three as query
//! parameters. A `jwt` token must be signed with the app's secret (HS256); with a `user_id`
//! claim it is a user token, without one a server token. `exp`, `nbf` and `iat` are checked
//! against the current time (whole seconds, no leeway): an expired token gives code 40, one
//! not valid yet 41, one issued in the future 42, a malformed or wrongly signed one 43.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::error::ApiError;

/// Who a request or a websocket acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A server token: any action, for any user, without permission checks.
    Server,
    /// A user token for this user ID.
    User(String),
    /// `Stream-Auth-Type: anonymous`: reading only.
    Anonymous,
}

/// The credentials as sent, before any check.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Credentials<'a> {
    /// The `api_key` query parameter.
    pub(crate) api_key: Option<&'a str>,
    /// `Stream-Auth-Type` (REST header) or `stream-auth-type` (websocket parameter).
    pub(crate) auth_type: Option<&'a str>,
    /// `Authorization` (REST header) or `authorization` (websocket parameter).
    pub(crate) token: Option<&'a str>,
}

/// Checks `credentials` against the app's API key and secret.
pub(crate) fn authenticate(
    api_key: &str,
    secret: &str,
    credentials: Credentials<'_>,
) -> Result<Caller, ApiError> {
    match credentials.api_key {
        None | Some("") => {
            return Err(ApiError::access_key(
                "api_key is missing: every request needs the api_key query parameter",
            ))
        }
        Some(sent) if sent != api_key => {
            return Err(ApiError::access_key(format!(
                "api_key {sent:?} is not valid for this app"
            )))
        }
        Some(_) => {}
    }
    match (credentials.auth_type, credentials.token) {
        (Some("jwt"), Some(token)) if !token.is_empty() => verify(secret, token),
        (Some("jwt"), _) => Err(ApiError::authentication(
            "Stream-Auth-Type is jwt but the Authorization token is missing",
        )),
        (Some("anonymous"), None) => Ok(Caller::Anonymous),
        (Some("anonymous"), Some(_)) => Err(ApiError::authentication(
            "anonymous requests must not send an Authorization token",
        )),
        (None, _) => Err(ApiError::authentication(
            "the Stream-Auth-Type header is missing: jwt or anonymous",
        )),
        (Some(other), _) => Err(ApiError::authentication(format!(
            "Stream-Auth-Type {other:?} is not supported: jwt or anonymous"
        ))),
    }
}

/// Verifies an HS256 JWT and reads who it is for.
fn verify(secret: &str, token: &str) -> Result<Caller, ApiError> {
    let malformed = |why: &str| {
        ApiError::token_signature(format!(
            "JWTAuth error: malformed token ({why}); send the bare JWT, no \"Bearer\" prefix"
        ))
    };
    let mut parts = token.split('.');
    let (Some(header_part), Some(claims_part), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("a JWT has three dot-separated parts"));
    };
    let header =
        decode_object(header_part).ok_or_else(|| malformed("the header is not base64url JSON"))?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(ApiError::token_signature(
            "JWTAuth error: the token must be signed with HS256",
        ));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64url"))?;
    // What the signature covers: `header.claims`.
    let signed = &token[..header_part.len() + 1 + claims_part.len()];
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(signed.as_bytes());
    if mac.verify_slice(&signature).is_err() {
        return Err(ApiError::token_signature(
            "JWTAuth error: signature is not valid; was the token signed with this app's secret?",
        ));
    }
    let claims =
        decode_object(claims_part).ok_or_else(|| malformed("the claims are not base64url JSON"))?;
    check_times(&claims, super::state::now().timestamp())?;
    match claims.get("user_id") {
        None => Ok(Caller::Server),
        Some(Value::String(user_id)) if !user_id.is_empty() => Ok(Caller::User(user_id.clone())),
        Some(_) => Err(ApiError::authentication(
            "the token's user_id claim must be a non-empty string",
        )),
    }
}

/// The `exp`, `nbf` and `iat` claims against `now` (Unix seconds).
fn check_times(claims: &Map<String, Value>, now: i64) -> Result<(), ApiError> {
    let time = |name: &str| claims.get(name).and_then(Value::as_f64);
    if time("exp").is_some_and(|exp| now as f64 >= exp) {
        return Err(ApiError::token_expired("JWTAuth error: token is expired"));
    }
    if time("nbf").is_some_and(|nbf| (now as f64) < nbf) {
        return Err(ApiError::token_not_valid_yet(
            "JWTAuth error: token is not valid yet (nbf)",
        ));
    }
    if time("iat").is_some_and(|iat| (now as f64) < iat) {
        return Err(ApiError::token_issued_later(
            "JWTAuth error: token used before issue at (iat)",
        ));
    }
    Ok(())
}

fn decode_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

impl Caller {
    /// The user an action acts as: a user token's user, or for a server token the `user_id`
    /// (or `user.id`) of `request`, which server-side calls must give. Anonymous callers may
    /// not act.
    pub(crate) fn acting_user(&self, request: &Value) -> Result<String, ApiError> {
        let named = request
            .get("user_id")
            .and_then(Value::as_str)
            .or_else(|| request.pointer("/user/id").and_then(Value::as_str))
            .filter(|id| !id.is_empty());
        match (self, named) {
            (Caller::User(id), None) => Ok(id.clone()),
            (Caller::User(id), Some(named)) if named == id => Ok(id.clone()),
            (Caller::User(id), Some(named)) => Err(ApiError::not_allowed(format!(
                "user {id:?} cannot act for {named:?}: only server-side requests name another user"
            ))),
            (Caller::Server, Some(named)) => Ok(named.to_owned()),
            (Caller::Server, None) => Err(ApiError::field(
                "user_id",
                "either user or user_id must be provided when using server side auth",
            )),
            (Caller::Anonymous, _) => Err(ApiError::not_allowed(
                "anonymous users cannot perform this action",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The tokens of Stream's REST docs for the secret "top-secret".
    use crate::{JACK_TOKEN, SECRET, SERVER_TOKEN};

    fn jwt(api_key: &str, token: &str) -> Result<Caller, ApiError> {
        let credentials = Credentials {
            api_key: Some(api_key),
            auth_type: Some("jwt"),
            token: Some(token),
        };
        authenticate("key", SECRET, credentials)
    }

    #[test]
    fn the_documented_tokens_pass() {
        assert_eq!(jwt("key", SERVER_TOKEN), Ok(Caller::Server));
        assert_eq!(jwt("key", JACK_TOKEN), Ok(Caller::User("jack".into())));
    }

    #[test]
    fn keys_types_and_tokens_are_refused_with_their_codes() {
        assert_eq!(jwt("other", JACK_TOKEN).unwrap_err().code, 2);
        let code = |credentials| authenticate("key", SECRET, credentials).unwrap_err().code;
        assert_eq!(code(Credentials::default()), 2);
        let keyed = Credentials {
            api_key: Some("key"),
            ..Credentials::default()
        };
        assert_eq!(code(keyed), 5);
        assert_eq!(
            code(Credentials {
                auth_type: Some("jwt"),
                ..keyed
            }),
            5
        );
        assert_eq!(
            code(Credentials {
                auth_type: Some("JWT"),
                ..keyed
            }),
            5
        );
        let anonymous = Credentials {
            auth_type: Some("anonymous"),
            ..keyed
        };
        assert_eq!(
            authenticate("key", SECRET, anonymous),
            Ok(Caller::Anonymous)
        );
        assert_eq!(
            code(Credentials {
                token: Some(JACK_TOKEN),
                ..anonymous
            }),
            5
        );

        let tampered = JACK_TOKEN.replace("pO3F", "pO3G");
        assert_eq!(jwt("key", &tampered).unwrap_err().code, 43);
        assert_eq!(
            jwt("key", &format!("Bearer {JACK_TOKEN}"))
                .unwrap_err()
                .code,
            43
        );
        assert_eq!(jwt("key", "a.b").unwrap_err().code, 43);
        assert_eq!(jwt("key", "not a token").unwrap_err().code, 43);
    }

    #[test]
    fn times_are_checked() {
        let claims = |text: &str| match serde_json::from_str(text).unwrap() {
            Value::Object(object) => object,
            _ => unreachable!(),
        };
        assert_eq!(
            check_times(&claims(r#"{"exp":100}"#), 100)
                .unwrap_err()
                .code,
            40
        );
        assert!(check_times(&claims(r#"{"exp":101}"#), 100).is_ok());
        assert_eq!(
            check_times(&claims(r#"{"nbf":101}"#), 100)
                .unwrap_err()
                .code,
            41
        );
        assert_eq!(
            check_times(&claims(r#"{"iat":101}"#), 100)
                .unwrap_err()
                .code,
            42
        );
        assert!(check_times(&claims(r#"{"iat":100,"nbf":100}"#), 100).is_ok());
    }

    #[test]
    fn acting_users() {
        let user = Caller::User("jack".into());
        let body = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(user.acting_user(&body("{}")).unwrap(), "jack");
        assert_eq!(
            user.acting_user(&body(r#"{"user_id":"jack"}"#)).unwrap(),
            "jack"
        );
        assert_eq!(
            user.acting_user(&body(r#"{"user":{"id":"jill"}}"#))
                .unwrap_err()
                .code,
            17
        );
        assert_eq!(
            Caller::Server
                .acting_user(&body(r#"{"user":{"id":"jill"}}"#))
                .unwrap(),
            "jill"
        );
        assert_eq!(Caller::Server.acting_user(&body("{}")).unwrap_err().code, 4);
        assert_eq!(
            Caller::Anonymous.acting_user(&body("{}")).unwrap_err().code,
            17
        );
    }
}
