//! Static metadata of the API's operations, emitted by the code generator.

use std::fmt;

/// An HTTP method used by the Stream Chat API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name in upper case, e.g. `"GET"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the API specification says about one operation (endpoint).
///
/// The generated code has one `static` of this type per endpoint in
/// [`operations`](crate::operations); errors name the operation that failed. New facts may be
/// added in minor releases, so it cannot be built outside this crate.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The operation's name in PascalCase, e.g. `"DeleteChannel"`.
    pub name: &'static str,
    /// A short title, e.g. `"Delete channel"`.
    pub summary: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `"/channels/{type}/{id}"`.
    pub path: &'static str,
    /// The documented success status (200 or 201); any 2xx status is accepted at run time.
    pub success_status: u16,
    /// Whether only a server-side client (signed with the API secret) may call it.
    pub server_side_only: bool,
    /// Whether only a client-side client (with a user token) may call it, such as
    /// `StopWatchingChannel`: the server refuses it from a server-side client.
    pub client_side_only: bool,
    /// The query parameter that takes the ID of the caller's real-time connection (e.g.
    /// `"connection_id"` of `QueryChannels`), if the operation has one. The runtime fills it
    /// in: see [`ResponseFuture::connection_id`](crate::ResponseFuture::connection_id).
    pub connection_id_param: Option<&'static str>,
    /// The types of the events that the call makes the server send, e.g. `"channel.deleted"`.
    pub events: &'static [&'static str],
    /// The permissions that the API checks for client-side callers.
    pub permissions: &'static [crate::Permission],
    /// Whether the operation is deprecated.
    pub deprecated: bool,
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.name, self.method, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        assert_eq!(Method::Get.as_str(), "GET");
        assert_eq!(Method::Delete.to_string(), "DELETE");
        assert_eq!(Method::Patch.to_reqwest(), reqwest::Method::PATCH);
    }
}
