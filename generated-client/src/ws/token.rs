//! The token provider: an async function that gives a fresh user token when the server says
//! the current one expired.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{BoxError, RealtimeError};
use crate::auth::Secret;

type TokenFuture = Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send>>;

/// A shareable async token source.
#[derive(Clone)]
pub(crate) struct TokenProvider(Arc<dyn Fn() -> TokenFuture + Send + Sync>);

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider")
    }
}

impl TokenProvider {
    pub(crate) fn new<F, Fut, T, E>(provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Into<Secret>,
        E: Into<BoxError>,
    {
        Self(Arc::new(move || {
            let future = provider();
            Box::pin(async move { future.await.map(Into::into).map_err(Into::into) })
        }))
    }

    /// Asks for a new token; a `Bearer ` prefix is removed, as for
    /// [`ClientBuilder::user_token`](crate::ClientBuilder::user_token).
    pub(crate) async fn fetch(&self) -> Result<Secret, RealtimeError> {
        let token = (self.0)().await.map_err(RealtimeError::TokenProvider)?;
        Ok(match token.expose().strip_prefix("Bearer ") {
            Some(bare) => Secret::new(bare.trim()),
            None => token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fetches_and_strips_bearer() {
        let provider = TokenProvider::new(|| async { Ok::<_, BoxError>("Bearer abc") });
        assert_eq!(provider.fetch().await.unwrap().expose(), "abc");
        let failing = TokenProvider::new(|| async { Err::<String, _>("backend down") });
        let error = failing.fetch().await.unwrap_err();
        assert_eq!(error.to_string(), "the token provider failed: backend down");
        assert_eq!(format!("{failing:?}"), "TokenProvider");
    }
}
