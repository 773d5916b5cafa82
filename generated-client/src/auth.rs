//! Authentication: the API secret, JWT creation (HS256) and the client's auth modes.
//!
//! Stream signs every token with the app's API secret using HMAC-SHA256. A server-side token has
//! no claims (`{}`); a user token has a `user_id` claim and optionally `exp` and `iat`.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far [`UserToken::issued_now`] back-dates the `iat` claim, so that a server whose clock
/// is a little behind does not reject the token as issued in the future.
pub const DEFAULT_IAT_LEEWAY: Duration = Duration::from_secs(5);

/// The JOSE header of every token: exactly these bytes, as the official SDKs send them.
const JWT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// A sensitive string: an API secret or a token.
///
/// Its `Debug` never shows the value (it prints `Secret(<redacted>)`) and it has no `Display`, so a
/// [`Client`](crate::Client) or an error can be logged safely. Read the value with
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Take care not to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// How a [`Client`](crate::Client) authenticates its requests.
///
/// Usually chosen with [`ClientBuilder::server_side`](crate::ClientBuilder::server_side),
/// [`ClientBuilder::user_token`](crate::ClientBuilder::user_token) or
/// [`ClientBuilder::anonymous`](crate::ClientBuilder::anonymous); [`ClientBuilder::auth`](crate::ClientBuilder::auth)
/// takes this enum directly.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// Server-side authentication with the app's API secret: the client signs a server token
    /// (no claims) once when it is built. No permission checks apply; never use this in an app
    /// that runs on a user's device.
    ServerSide(Secret),
    /// Client-side authentication with a user token that your back end made (see
    /// [`UserToken`]). The API checks the user's permissions on every call.
    UserToken(Secret),
    /// Anonymous access: no `Authorization` header, only a small subset of the API works.
    Anonymous,
}

impl Auth {
    /// The value of the `Stream-Auth-Type` header for this mode: `jwt` or `anonymous`.
    pub fn auth_type(&self) -> &'static str {
        match self {
            Auth::ServerSide(_) | Auth::UserToken(_) => "jwt",
            Auth::Anonymous => "anonymous",
        }
    }

    /// A short name of the mode, for logs: `server-side`, `user-token` or `anonymous`.
    pub fn mode(&self) -> &'static str {
        match self {
            Auth::ServerSide(_) => "server-side",
            Auth::UserToken(_) => "user-token",
            Auth::Anonymous => "anonymous",
        }
    }

    /// The token sent in the `Authorization` header, `None` for anonymous access.
    pub(crate) fn token(&self) -> Option<Secret> {
        match self {
            Auth::ServerSide(secret) => Some(Secret(server_token(secret))),
            Auth::UserToken(token) => Some(token.clone()),
            Auth::Anonymous => None,
        }
    }
}

/// Creates the server-side token for an API secret: an HS256 JWT with empty claims (`{}`).
///
/// The client does this itself in server-side mode; the function is public for tools that need
/// the token elsewhere.
///
/// ```
/// use stream_chat_client::{server_token, Secret};
///
/// let token = server_token(&Secret::new("top-secret"));
/// assert_eq!(
///     token,
///     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc"
/// );
/// ```
pub fn server_token(secret: &Secret) -> String {
    sign_claims("{}", secret)
}

/// The claims of a user token, and the means to sign it: your back end gives the signed token
/// to the app of user `user_id`, which uses it with
/// [`ClientBuilder::user_token`](crate::ClientBuilder::user_token).
///
/// The claims are written in the order `user_id`, `exp`, `iat`, leaving out those not set, so
/// the token matches the ones that the official SDKs make.
///
/// ```
/// use std::time::SystemTime;
///
/// use chrono::{DateTime, Duration, Utc};
/// use stream_chat_client::{Secret, UserToken};
///
/// let secret = Secret::new("top-secret");
/// let token = UserToken::new("jack").sign(&secret);
/// assert_eq!(
///     token,
///     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiamFjayJ9.pO3Fa8TJnPXsl62-XHK94S8hFk6dUz_2Q9au6H5xBSQ"
/// );
///
/// // A token that expires in an hour.
/// let now: DateTime<Utc> = SystemTime::now().into();
/// let token = UserToken::new("jack")
///     .issued_at(now)
///     .expires_at(now + Duration::hours(1))
///     .sign(&secret);
/// # let _ = token;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserToken {
    user_id: String,
    expires_at: Option<DateTime<Utc>>,
    issued_at: Option<DateTime<Utc>>,
}

impl UserToken {
    /// Claims for the user `user_id`, with no expiry and no issue time.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            expires_at: None,
            issued_at: None,
        }
    }

    /// Sets the expiry (`exp` claim, whole Unix seconds).
    #[must_use]
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Sets the issue time (`iat` claim, whole Unix seconds). The API rejects tokens issued in
    /// the future, so mind clock skew.
    #[must_use]
    pub fn issued_at(mut self, at: DateTime<Utc>) -> Self {
        self.issued_at = Some(at);
        self
    }

    /// Sets the issue time to now minus [`DEFAULT_IAT_LEEWAY`] (5 s).
    #[must_use]
    pub fn issued_now(self) -> Self {
        self.issued_now_with_leeway(DEFAULT_IAT_LEEWAY)
    }

    /// Sets the issue time to now minus `leeway`: the API rejects a token whose `iat` is in
    /// its future, which a clock ahead of the server's by a few seconds would cause.
    #[must_use]
    pub fn issued_now_with_leeway(self, leeway: Duration) -> Self {
        let now = SystemTime::now();
        let at = now.checked_sub(leeway).unwrap_or(SystemTime::UNIX_EPOCH);
        self.issued_at(at.into())
    }

    /// Sets the expiry to `lifetime` from now (whole seconds, rounded down).
    #[must_use]
    pub fn expires_in(self, lifetime: Duration) -> Self {
        let now: DateTime<Utc> = SystemTime::now().into();
        let lifetime = chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::MAX);
        let at = now
            .checked_add_signed(lifetime)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.expires_at(at)
    }

    /// The user the token is for.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The expiry (`exp` claim), if set.
    pub fn expiry(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// The issue time (`iat` claim), if set.
    pub fn issue_time(&self) -> Option<DateTime<Utc>> {
        self.issued_at
    }

    /// Whether the token has expired at `now`: it has an expiry, and `now` is at or past it
    /// (in the whole seconds that the `exp` claim carries). A token without expiry never does.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .is_some_and(|exp| now.timestamp() >= exp.timestamp())
    }

    /// The claims as JSON, in the order `user_id`, `exp`, `iat`.
    pub fn claims_json(&self) -> String {
        let mut claims = String::from("{\"user_id\":");
        // Serializing a `&str` to JSON cannot fail.
        claims.push_str(&serde_json::Value::from(self.user_id.as_str()).to_string());
        if let Some(exp) = self.expires_at {
            claims.push_str(",\"exp\":");
            claims.push_str(&exp.timestamp().to_string());
        }
        if let Some(iat) = self.issued_at {
            claims.push_str(",\"iat\":");
            claims.push_str(&iat.timestamp().to_string());
        }
        claims.push('}');
        claims
    }

    /// Signs the claims with the API secret (HS256) and returns the JWT.
    pub fn sign(&self, secret: &Secret) -> String {
        sign_claims(&self.claims_json(), secret)
    }
}

/// `base64url(header) . base64url(claims) . base64url(HMAC-SHA256(secret, first two parts))`.
fn sign_claims(claims_json: &str, secret: &Secret) -> String {
    let mut token = URL_SAFE_NO_PAD.encode(JWT_HEADER);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims_json));
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(token.as_bytes());
    let signature = mac.finalize().into_bytes();
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER_TOKEN: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc";
    const JACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiamFjayJ9.pO3Fa8TJnPXsl62-XHK94S8hFk6dUz_2Q9au6H5xBSQ";

    #[test]
    fn server_token_matches_the_docs() {
        assert_eq!(server_token(&Secret::new("top-secret")), SERVER_TOKEN);
    }

    #[test]
    fn user_token_matches_the_docs() {
        assert_eq!(
            UserToken::new("jack").sign(&"top-secret".into()),
            JACK_TOKEN
        );
    }

    fn decode_part(part: &str) -> String {
        String::from_utf8(URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn user_token_claims_are_in_order() {
        let exp = DateTime::from_timestamp(1_700_003_600, 0).unwrap();
        let iat = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let token = UserToken::new("jack")
            .issued_at(iat)
            .expires_at(exp)
            .sign(&Secret::new("top-secret"));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(decode_part(parts[0]), r#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(
            decode_part(parts[1]),
            r#"{"user_id":"jack","exp":1700003600,"iat":1700000000}"#
        );
        assert!(!token.contains('='));

        let only_iat = UserToken::new("jack").issued_at(iat).claims_json();
        assert_eq!(only_iat, r#"{"user_id":"jack","iat":1700000000}"#);
    }

    fn now() -> DateTime<Utc> {
        SystemTime::now().into()
    }

    #[test]
    fn leeway_back_dates_iat() {
        let before = now().timestamp();
        let token = UserToken::new("jack").issued_now();
        let after = now().timestamp();
        let iat = token.issue_time().unwrap().timestamp();
        assert!(
            (before - 5..=after - 5).contains(&iat),
            "{iat} {before} {after}"
        );

        let token = UserToken::new("jack").issued_now_with_leeway(Duration::from_secs(60));
        let iat = token.issue_time().unwrap().timestamp();
        assert!(iat <= now().timestamp() - 60);
        // A leeway beyond the epoch clamps instead of panicking.
        let far = UserToken::new("jack").issued_now_with_leeway(Duration::MAX);
        assert_eq!(far.issue_time().unwrap().timestamp(), 0);
    }

    #[test]
    fn expiry() {
        let exp = DateTime::from_timestamp(1_700_003_600, 0).unwrap();
        let token = UserToken::new("jack").expires_at(exp);
        assert_eq!(token.expiry(), Some(exp));
        assert_eq!(token.issue_time(), None);
        assert!(!token.is_expired_at(DateTime::from_timestamp(1_700_003_599, 999_000_000).unwrap()));
        assert!(token.is_expired_at(exp));
        assert!(token.is_expired_at(DateTime::from_timestamp(1_700_003_601, 0).unwrap()));
        assert!(!UserToken::new("jack").is_expired_at(DateTime::<Utc>::MAX_UTC));

        let start = now().timestamp();
        let hour = UserToken::new("jack").expires_in(Duration::from_secs(3600));
        let exp = hour.expiry().unwrap().timestamp();
        assert!((start + 3600..=now().timestamp() + 3600).contains(&exp));
        assert!(!hour.is_expired_at(now()));
        let forever = UserToken::new("jack").expires_in(Duration::MAX);
        assert!(!forever.is_expired_at(now()));
        // The claims keep the documented order and the signature its test vector's shape.
        let signed = UserToken::new("jack")
            .expires_at(DateTime::from_timestamp(1_700_003_600, 0).unwrap())
            .issued_at(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        assert_eq!(
            signed.claims_json(),
            r#"{"user_id":"jack","exp":1700003600,"iat":1700000000}"#
        );
    }

    #[test]
    fn user_id_is_json_escaped() {
        let claims = UserToken::new("a\"b\\c\n").claims_json();
        let value: serde_json::Value = serde_json::from_str(&claims).unwrap();
        assert_eq!(value["user_id"], "a\"b\\c\n");
    }

    #[test]
    fn secrets_are_redacted() {
        let secret = Secret::new("top-secret");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        let auth = Auth::UserToken(Secret::new(JACK_TOKEN));
        let debug = format!("{auth:?}");
        assert!(!debug.contains(JACK_TOKEN), "{debug}");
        assert!(!format!("{:?}", Auth::ServerSide(secret)).contains("top-secret"));
    }

    #[test]
    fn auth_types() {
        assert_eq!(Auth::Anonymous.auth_type(), "anonymous");
        assert_eq!(Auth::UserToken("t".into()).auth_type(), "jwt");
        assert_eq!(Auth::Anonymous.token(), None);
        assert_eq!(
            Auth::ServerSide("top-secret".into())
                .token()
                .unwrap()
                .expose(),
            SERVER_TOKEN
        );
    }
}
