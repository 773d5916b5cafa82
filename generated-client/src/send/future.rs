//! [`ResponseFuture`], what every generated method returns, and its per-call settings
//! ([`CallOptions`]); `Client::execute`, which the generated methods call, makes one.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::options::CallOptions;
use super::orchestrator;
use super::raw_response::RawResponse;
use crate::client::Client;
use crate::error::Error;
use crate::request::Request;
use crate::response::ApiResponse;
use crate::retry::RetryPolicy;

/// The future every generated method returns: it sends the request when first polled, then
/// decodes a 2xx body as `T`.
///
/// It borrows only the [`Client`], not the method's arguments, and it is `Send`, so it can be
/// spawned or stored (its type can be named, unlike an `async fn`'s).
///
/// Before it is awaited, its builder methods change this one call: [`timeout`](Self::timeout),
/// [`max_body_size`](Self::max_body_size), [`retry_policy`](Self::retry_policy),
/// [`no_retry`](Self::no_retry), [`idempotent`](Self::idempotent) and
/// [`connection_id`](Self::connection_id). Once polled, the call is under way and they have no
/// effect.
///
/// ```no_run
/// use std::time::Duration;
///
/// use stream_chat_client::{Client, Error, RetryPolicy};
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let app = client
///     .get_app()
///     .timeout(Duration::from_secs(2))
///     .retry_policy(RetryPolicy::new().max_attempts(2))
///     .await?;
/// println!("took {} attempt(s)", app.attempts());
/// # Ok(())
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ResponseFuture<'a, T> {
    state: State<'a>,
    body: PhantomData<fn() -> T>,
}

/// A call not sent yet, then sending.
#[expect(
    clippy::large_enum_variant,
    reason = "the pending call moves into the sending future once; boxing it would cost an allocation per call"
)]
enum State<'a> {
    Pending {
        client: &'a Client,
        request: Request,
        options: CallOptions,
    },
    Sending(Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>),
    Done,
}

impl<'a, T> ResponseFuture<'a, T> {
    pub(crate) fn new(client: &'a Client, request: Request) -> Self {
        Self {
            state: State::Pending {
                client,
                request,
                options: CallOptions::default(),
            },
            body: PhantomData,
        }
    }

    fn options(&mut self) -> Option<&mut CallOptions> {
        match &mut self.state {
            State::Pending { options, .. } => Some(options),
            State::Sending(_) | State::Done => None,
        }
    }

    /// Sets the timeout of this call's whole request, replacing the client's
    /// [`timeout`](crate::ClientBuilder::timeout) (or, for an upload, its
    /// [`upload_timeout`](crate::ClientBuilder::upload_timeout)). With retries, each attempt
    /// gets this timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Some(options) = self.options() {
            options.timeout = Some(timeout);
        }
        self
    }

    /// Sets the largest response body this call reads (after decompression), replacing the
    /// client's [`max_body_size`](crate::ClientBuilder::max_body_size); past it the call fails
    /// with [`Error::BodyTooLarge`].
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        if let Some(options) = self.options() {
            options.max_body_size = Some(bytes);
        }
        self
    }

    /// Uses this retry policy for this call instead of the client's
    /// [`retry_policy`](crate::ClientBuilder::retry_policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        if let Some(options) = self.options() {
            options.retry = Some(policy);
        }
        self
    }

    /// Sends this call once, whatever the client's retry policy.
    pub fn no_retry(self) -> Self {
        self.retry_policy(RetryPolicy::none())
    }

    /// Sends `id` as the ID of the caller's real-time connection, for an operation that takes
    /// one ([`OperationInfo::connection_id_param`](crate::OperationInfo::connection_id_param):
    /// the `connection_id` query parameter of `QueryChannels`, `GetOrCreateChannel`,
    /// `QueryThreads`, ...), so that `watch: true` and `presence: true` in the request apply
    /// to that connection. It replaces the ID of a connection the client is bound to
    /// (`Client::with_connection`, feature `ws`), which is usually the simpler way.
    ///
    /// An operation that takes no connection ID fails with [`Error::Encode`], before anything
    /// is sent.
    ///
    /// ```no_run
    /// use stream_chat_client::models::ChannelGetOrCreateRequest;
    /// # async fn run(client: stream_chat_client::Client, id_from_my_websocket: String) -> Result<(), stream_chat_client::Error> {
    /// let body = ChannelGetOrCreateRequest::default().watch(true);
    /// let state = client
    ///     .get_or_create_channel("messaging", "general", &body)
    ///     .connection_id(id_from_my_websocket)
    ///     .await?;
    /// # drop(state);
    /// # Ok(())
    /// # }
    /// ```
    pub fn connection_id(mut self, id: impl Into<String>) -> Self {
        if let Some(options) = self.options() {
            options.connection_id = Some(id.into());
        }
        self
    }

    /// Marks this call as safe to send more than once, so that the retry policy may retry a
    /// `POST` or `PATCH` (e.g. an upsert or an update with the same data). `GET`, `PUT` and
    /// `DELETE` calls are retried without it.
    pub fn idempotent(mut self) -> Self {
        if let Some(options) = self.options() {
            options.idempotent = true;
        }
        self
    }
}

impl<T: DeserializeOwned> Future for ResponseFuture<'_, T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if matches!(this.state, State::Pending { .. }) {
            if let State::Pending {
                client,
                request,
                options,
            } = std::mem::replace(&mut this.state, State::Done)
            {
                this.state = State::Sending(Box::pin(orchestrator::send(client, request, options)));
            }
        }
        let State::Sending(inner) = &mut this.state else {
            // Polled again after it completed: a caller bug that futures may answer with a panic.
            panic!("ResponseFuture polled after completion");
        };
        let result = ready!(inner.as_mut().poll(cx));
        this.state = State::Done;
        Poll::Ready(result.and_then(RawResponse::decode))
    }
}

impl<T> fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ResponseFuture");
        debug.field("body", &std::any::type_name::<T>());
        if let State::Pending {
            request, options, ..
        } = &self.state
        {
            debug
                .field("operation", &request.operation.name)
                .field("options", options);
        }
        debug.finish_non_exhaustive()
    }
}

impl Client {
    /// Prepares a request built by a generated endpoint method; the future sends it when first
    /// polled and decodes a 2xx body as `T`.
    ///
    /// Only the decoding is generic: sending is one non-generic async function behind a boxed
    /// future, so each of the ~150 response types adds a small `poll` and a decoder instead of
    /// a copy of the whole request path, and each method returns a plain, nameable type.
    #[allow(
        dead_code,
        reason = "the generated endpoint methods call it; a build with no API area (`--no-default-features`) has none"
    )]
    pub(crate) fn execute<T: DeserializeOwned>(&self, request: Request) -> ResponseFuture<'_, T> {
        ResponseFuture::new(self, request)
    }
}
