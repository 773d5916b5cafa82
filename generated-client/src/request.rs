//! Requests as the generated endpoint methods build them.
//!
//! A generated method creates a [`Request`] for its [`OperationInfo`] and its path parameters
//! (each escaped with [`path_segment`]), adds query parameters with [`Request::query`]
//! and a body with [`Request::json_body`] or the `multipart_part_*` methods, then hands it
//! to `Client::execute`.

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::OperationInfo;

/// Everything outside the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment: every byte of the UTF-8 encoding outside the unreserved
/// characters `A-Z a-z 0-9 - . _ ~` is escaped, so `/`, `?`, `#`, `%`, spaces and non-ASCII
/// characters can never change the shape of the URL.
///
/// A segment that is exactly `.` or `..` is escaped too (`%2E`), though URL parsers still treat
/// those as dot segments: [`Request::new`] refuses such path parameters (and empty ones), so
/// the call fails with `Error::Encode` instead of reaching another endpoint.
pub fn path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, PATH_SEGMENT).to_string(),
    }
}

/// A value that can be sent as a query parameter.
///
/// Implemented for `bool` (`true`/`false`), the integer and float types (decimal), `str` and
/// `String` (as is), [`chrono::DateTime<Utc>`] (RFC 3339), `Option<T>` (nothing when `None`),
/// `Vec<T>` and slices (the items' values joined with commas; nothing when empty), references,
/// and [`JsonQuery`] (JSON-encoded). The generated string enums implement it by appending
/// their wire string (`as_str()`).
pub trait QueryValue {
    /// Appends zero or more `(name, value)` pairs for this value to `pairs`. The values are
    /// plain text; the client percent-encodes them.
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>);

    /// Like [`QueryValue::append`], for values whose encoding can fail (only [`JsonQuery`]).
    /// The default calls `append` and never fails; wrappers forward it to their items.
    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        self.append(name, pairs);
        Ok(())
    }
}

macro_rules! display_query_value {
    ($($ty:ty),* $(,)?) => {
        $(
            impl QueryValue for $ty {
                fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
                    pairs.push((name, self.to_string()));
                }
            }
        )*
    };
}

display_query_value!(
    bool, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

impl QueryValue for str {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        pairs.push((name, self.to_owned()));
    }
}

impl QueryValue for String {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        pairs.push((name, self.clone()));
    }
}

impl QueryValue for DateTime<Utc> {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        pairs.push((name, self.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        (**self).append(name, pairs);
    }

    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        (**self).try_append(name, pairs)
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        if let Some(value) = self {
            value.append(name, pairs);
        }
    }

    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        match self {
            Some(value) => value.try_append(name, pairs),
            None => Ok(()),
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        let mut items = Vec::with_capacity(self.len());
        for item in self {
            item.append(name, &mut items);
        }
        push_joined(name, items, pairs);
    }

    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        let mut items = Vec::with_capacity(self.len());
        for item in self {
            item.try_append(name, &mut items)?;
        }
        push_joined(name, items, pairs);
        Ok(())
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        self.as_slice().append(name, pairs);
    }

    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        self.as_slice().try_append(name, pairs)
    }
}

/// Joins the items' values with commas into one pair; an empty list adds nothing.
fn push_joined(
    name: &'static str,
    items: Vec<(&'static str, String)>,
    pairs: &mut Vec<(&'static str, String)>,
) {
    if items.is_empty() {
        return;
    }
    let joined = items
        .into_iter()
        .map(|(_, value)| value)
        .collect::<Vec<_>>()
        .join(",");
    pairs.push((name, joined));
}

/// A query parameter whose value is a JSON document, such as the `payload` parameter of
/// Stream's `GET` query endpoints: `request.query("payload", &JsonQuery(&body))`.
#[derive(Clone, Copy, Debug)]
#[allow(
    dead_code,
    reason = "only generated endpoint methods use it; a spec or build without an endpoint that needs it has none"
)]
pub struct JsonQuery<'a, T: Serialize + ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> QueryValue for JsonQuery<'_, T> {
    /// Appends the JSON encoding; a value that fails to serialize appends nothing here, but
    /// [`Request::query`] uses [`QueryValue::try_append`] and reports the failure.
    fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
        let _ = self.try_append(name, pairs);
    }

    fn try_append(
        &self,
        name: &'static str,
        pairs: &mut Vec<(&'static str, String)>,
    ) -> Result<(), serde_json::Error> {
        pairs.push((name, serde_json::to_string(self.0)?));
        Ok(())
    }
}

/// A file to upload in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The file's content.
    pub bytes: Bytes,
    /// The file name sent in the part's `Content-Disposition`.
    pub file_name: String,
    /// The MIME type of the content, e.g. `"image/png"`.
    pub content_type: String,
}

impl FilePart {
    /// A file part from its content, file name and MIME type.
    pub fn new(
        bytes: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
        }
    }
}

/// One part of a multipart body.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "only generated endpoint methods use it; a spec or build without an endpoint that needs it has none"
)]
pub(crate) enum Part {
    Text { name: &'static str, value: String },
    File { name: &'static str, file: FilePart },
}

/// The body of a request.
#[derive(Debug, Default)]
#[allow(
    dead_code,
    reason = "only generated endpoint methods use it; a spec or build without an endpoint that needs it has none"
)]
pub(crate) enum Body {
    #[default]
    None,
    Json(Vec<u8>),
    Multipart(Vec<Part>),
}

/// An API request, built by a generated endpoint method and sent by `Client::execute`.
#[derive(Debug)]
pub struct Request {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// The first encoding failure, reported by `execute` as `Error::Encode`.
    pub(crate) encode_error: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[allow(
    dead_code,
    reason = "only generated endpoint methods use it; a spec or build without an endpoint that needs it has none"
)]
impl Request {
    /// A request for `operation`: its path template with each `{placeholder}` replaced, in
    /// order, by the next of `path_params`, escaped with [`path_segment`]. A placeholder
    /// without a parameter is left empty (the generator always passes one per placeholder).
    /// An empty, `.` or `..` parameter makes `Client::execute` fail with `Error::Encode`
    /// before anything is sent.
    pub fn new(operation: &'static OperationInfo, path_params: &[&str]) -> Request {
        let template = operation.path;
        let mut path = String::with_capacity(template.len() + 16 * path_params.len());
        let mut params = path_params.iter();
        let mut invalid = None;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            if let Some(param) = params.next() {
                path.push_str(&path_segment(param));
                if matches!(*param, "" | "." | "..") {
                    // URL parsers drop or resolve such segments: the call would reach another
                    // endpoint (`..` in `/channels/{type}/{id}/query` makes `/channels/query`).
                    invalid = Some(format!(
                        "the path parameter {:?} of `{}` would change the request's path",
                        param, operation.path
                    ));
                }
            }
            rest = rest[open..]
                .find('}')
                .map_or("", |close| &rest[open + close + 1..]);
        }
        path.push_str(rest);
        Request {
            operation,
            path,
            query: Vec::new(),
            body: Body::None,
            encode_error: invalid.map(Into::into),
        }
    }

    /// Adds the query parameter `name` (zero or more pairs, see [`QueryValue`]).
    pub fn query<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        if let Err(error) = value.try_append(name, &mut self.query) {
            self.record(error);
        }
    }

    /// Sets a JSON body. A serialization failure is reported by `execute` as `Error::Encode`.
    pub fn json_body<B: Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Body::Json(bytes),
            Err(error) => self.record(error),
        }
    }

    /// Adds a text part to a multipart body: the value's JSON encoding, except that a value
    /// that serializes to a plain JSON string is sent as that string, unquoted.
    pub fn multipart_part_json(&mut self, name: &'static str, value: &impl Serialize) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => self.push_part(Part::Text { name, value: text }),
            Ok(json) => self.push_part(Part::Text {
                name,
                value: json.to_string(),
            }),
            Err(error) => self.record(error),
        }
    }

    /// Adds a file part (with file name and content type) to a multipart body.
    pub fn multipart_part_file(&mut self, name: &'static str, file: &FilePart) {
        self.push_part(Part::File {
            name,
            file: file.clone(),
        });
    }

    fn push_part(&mut self, part: Part) {
        match &mut self.body {
            Body::Multipart(parts) => parts.push(part),
            body => *body = Body::Multipart(vec![part]),
        }
    }

    fn record(&mut self, error: impl Into<Box<dyn std::error::Error + Send + Sync>>) {
        if self.encode_error.is_none() {
            self.encode_error = Some(error.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Method;

    static OP: OperationInfo = OperationInfo {
        name: "Test",
        summary: "Test",
        method: Method::Get,
        path: "/test",
        success_status: 200,
        server_side_only: false,
        client_side_only: false,
        connection_id_param: None,
        events: &[],
        permissions: &[],
        deprecated: false,
    };

    fn pairs<V: QueryValue + ?Sized>(value: &V) -> Vec<(&'static str, String)> {
        let mut request = Request::new(&OP, &[]);
        request.query("p", value);
        assert!(request.encode_error.is_none());
        request.query
    }

    fn one(value: &str) -> Vec<(&'static str, String)> {
        vec![("p", value.to_owned())]
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment("messaging"), "messaging");
        assert_eq!(path_segment("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(path_segment("a/b"), "a%2Fb");
        assert_eq!(path_segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(path_segment("100%"), "100%25");
        assert_eq!(path_segment("hello world"), "hello%20world");
        assert_eq!(
            path_segment("!*'();:@&=+$,[]"),
            "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%5B%5D"
        );
        assert_eq!(path_segment("é"), "%C3%A9");
        assert_eq!(path_segment("😀"), "%F0%9F%98%80");
        assert_eq!(path_segment(""), "");
        assert_eq!(path_segment("."), "%2E");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("..."), "...");
    }

    #[test]
    fn path_templates_are_filled_in_order() {
        static CHANNEL: OperationInfo = OperationInfo {
            path: "/channels/{type}/{id}/query",
            ..OP
        };
        let request = Request::new(&CHANNEL, &["messaging", "a/b c"]);
        assert_eq!(request.path, "/channels/messaging/a%2Fb%20c/query");
        assert_eq!(Request::new(&OP, &[]).path, "/test");
        static TRAILING: OperationInfo = OperationInfo {
            path: "/users/{id}",
            ..OP
        };
        assert_eq!(Request::new(&TRAILING, &["é?"]).path, "/users/%C3%A9%3F");
    }

    #[test]
    fn scalars() {
        assert_eq!(pairs(&true), one("true"));
        assert_eq!(pairs(&false), one("false"));
        assert_eq!(pairs(&-42i32), one("-42"));
        assert_eq!(pairs(&u64::MAX), one("18446744073709551615"));
        assert_eq!(pairs(&1.5f64), one("1.5"));
        assert_eq!(pairs(&2.0f32), one("2"));
        assert_eq!(pairs("a b&c"), one("a b&c"));
        assert_eq!(pairs(&String::from("x")), one("x"));
        assert_eq!(pairs(&&"ref"), one("ref"));
    }

    #[test]
    fn datetimes_are_rfc3339() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(pairs(&at), one("2023-11-14T22:13:20Z"));
        let at = DateTime::from_timestamp(1_700_000_000, 123_000_000).unwrap();
        assert_eq!(pairs(&at), one("2023-11-14T22:13:20.123Z"));
    }

    #[test]
    fn options_and_lists() {
        assert_eq!(pairs(&None::<i32>), vec![]);
        assert_eq!(pairs(&Some(3)), one("3"));
        assert_eq!(pairs(&vec!["a", "b", "c"]), one("a,b,c"));
        assert_eq!(pairs(&[1, 2][..]), one("1,2"));
        assert_eq!(pairs(&Vec::<String>::new()), vec![]);
        assert_eq!(pairs(&Some(vec![true, false])), one("true,false"));
        assert_eq!(pairs(&vec![None, Some(1), None, Some(2)]), one("1,2"));
    }

    #[test]
    fn json_query() {
        let payload = serde_json::json!({"filter_conditions": {"type": "messaging"}, "limit": 10});
        assert_eq!(
            pairs(&JsonQuery(&payload)),
            one(r#"{"filter_conditions":{"type":"messaging"},"limit":10}"#)
        );
        assert_eq!(pairs(&Some(JsonQuery(&"s"))), one(r#""s""#));
    }

    #[test]
    fn json_query_failures_are_recorded() {
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(vec![1u8], 1);
        let mut request = Request::new(&OP, &[]);
        request.query("payload", &JsonQuery(&bad));
        assert!(request.query.is_empty());
        assert!(request.encode_error.is_some());

        let mut request = Request::new(&OP, &[]);
        request.json_body(&bad);
        assert!(matches!(request.body, Body::None));
        assert!(request.encode_error.is_some());
    }

    #[test]
    fn pairs_keep_order() {
        let mut request = Request::new(&OP, &[]);
        request.query("a", &1);
        request.query("b", &None::<bool>);
        request.query("c", "x");
        assert_eq!(request.query, vec![("a", "1".into()), ("c", "x".into())]);
    }

    #[test]
    fn multipart_parts() {
        let mut request = Request::new(&OP, &[]);
        request.multipart_part_json("user", &serde_json::json!({"id": "jack"}));
        request.multipart_part_json("name", &"plain text");
        request.multipart_part_json("count", &3);
        request.multipart_part_file(
            "file",
            &FilePart::new(vec![1u8, 2], "a.bin", "application/octet-stream"),
        );
        let Body::Multipart(parts) = &request.body else {
            panic!("not multipart: {:?}", request.body);
        };
        let texts: Vec<_> = parts
            .iter()
            .filter_map(|part| match part {
                Part::Text { name, value } => Some((*name, value.as_str())),
                Part::File { .. } => None,
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                ("user", r#"{"id":"jack"}"#),
                ("name", "plain text"),
                ("count", "3")
            ]
        );
        assert!(
            matches!(&parts[3], Part::File { name: "file", file } if file.file_name == "a.bin")
        );
    }
}
