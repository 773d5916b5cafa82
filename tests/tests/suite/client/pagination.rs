//! The generated `*_pages` streams against a local HTTP server: cursor pages (each request
//! carries the previous `next`), offset pages (the offset advances, stops at the API's cap),
//! the page-size cap, the stops on an empty page and on a repeated cursor, an error mid-way,
//! laziness, `Pages::items`, and paging fields inside the JSON `payload` query parameter.

use futures_util::StreamExt;
use serde_json::{json, Value};
use stream_chat_client::models::{
    GetReactionsQuery, QueryBannedUsersFilter, QueryBannedUsersPayload, QueryBannedUsersQuery,
    QueryChannelsRequest, QueryReactionsRequest, QueryUsersFilter, QueryUsersPayload,
    QueryUsersQuery, ReactionResponse, SearchFilter, SearchPayload, SearchQuery,
};
use stream_chat_client::{Error, Pages};
use stream_chat_tests::{message_json, server_client, user_json, Prepared, RecordingServer};

fn reaction_json(kind: &str) -> Value {
    json!({
        "message_id": "m/1",
        "user_id": "jack",
        "user": user_json("jack", "Jack"),
        "type": kind,
        "score": 1,
        "created_at": "2024-03-05T09:31:00Z",
        "updated_at": "2024-03-05T09:31:00Z"
    })
}

/// A page of `QueryReactions`: reactions of these types, and the cursor if any.
fn reactions_page(kinds: &[&str], next: Option<&str>) -> Prepared {
    let mut page = json!({
        "reactions": kinds.iter().map(|kind| reaction_json(kind)).collect::<Vec<_>>(),
        "duration": "1ms"
    });
    if let Some(next) = next {
        page["next"] = json!(next);
    }
    Prepared::json(201, page)
}

/// A page of `QueryChannels` with `count` channels, told apart by `watcher_count`.
fn channels_page(first: i32, count: i32) -> Prepared {
    let channels: Vec<Value> = (first..first + count)
        .map(|n| {
            json!({
                "messages": [], "pinned_messages": [], "members": [], "threads": [],
                "watcher_count": n
            })
        })
        .collect();
    Prepared::json(201, json!({ "channels": channels, "duration": "1ms" }))
}

fn kinds(page: &[ReactionResponse]) -> Vec<&str> {
    page.iter()
        .map(|reaction| reaction.type_.as_str())
        .collect()
}

fn reactions_request(limit: i32) -> QueryReactionsRequest {
    QueryReactionsRequest {
        limit: Some(limit),
        ..QueryReactionsRequest::default()
    }
}

fn assert_send<T: Send>(_: &T) {}

#[tokio::test]
async fn cursor_pages_carry_the_previous_next_until_the_last_page() {
    let server = RecordingServer::with([
        reactions_page(&["like", "love"], Some("c1")),
        reactions_page(&["wow"], Some("c2")),
        reactions_page(&["sad"], None),
    ])
    .await;
    let client = server_client(&server.url());
    // 500 is above the API's maximum of 100: the stream asks for 100.
    let mut pages = client.query_reactions_pages("m/1", &reactions_request(500));
    assert_send(&pages);

    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        seen.push(kinds(&page.expect("page")).join(","));
    }
    assert_eq!(seen, ["like,love", "wow", "sad"]);
    assert!(pages.next().await.is_none(), "an ended stream stays ended");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let cursors: Vec<Value> = requests.iter().map(|r| r.json()["next"].clone()).collect();
    assert_eq!(cursors, [Value::Null, json!("c1"), json!("c2")]);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/messages/m%2F1/reactions");
        assert_eq!(request.json()["limit"], 100);
    }
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    let server = RecordingServer::with([
        reactions_page(&["like"], Some("c1")),
        reactions_page(&["love"], Some("c1")),
    ])
    .await;
    let client = server_client(&server.url());
    let pages: Vec<_> = client
        .query_reactions_pages("m1", &reactions_request(10))
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_even_with_a_cursor() {
    let server = RecordingServer::with([
        reactions_page(&["like"], Some("c1")),
        reactions_page(&[], Some("c2")),
    ])
    .await;
    let client = server_client(&server.url());
    let pages: Vec<Vec<ReactionResponse>> = client
        .query_reactions_pages("m1", &reactions_request(10))
        .map(|page| page.expect("page"))
        .collect()
        .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1, 0]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_mid_way_is_yielded_once_then_the_stream_ends() {
    let server = RecordingServer::with([
        reactions_page(&["like"], Some("c1")),
        Prepared::json(
            500,
            json!({"code": -1, "message": "internal", "StatusCode": 500, "duration": "1ms"}),
        ),
        reactions_page(&["never"], None),
    ])
    .await;
    let client = server_client(&server.url());
    let mut pages = client.query_reactions_pages("m1", &reactions_request(10));

    assert_eq!(
        kinds(&pages.next().await.expect("a page").expect("ok")),
        ["like"]
    );
    let error = pages
        .next()
        .await
        .expect("the error")
        .expect_err("an error");
    assert!(matches!(error, Error::Api { status: 500, .. }), "{error:?}");
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none());
    assert_eq!(server.requests().len(), 2, "no request after the error");
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled() {
    let server = RecordingServer::with([reactions_page(&["like"], None)]).await;
    let client = server_client(&server.url());
    let mut pages = client.query_reactions_pages("m1", &reactions_request(10));
    // Let the server task run: a request sent eagerly would be recorded by now.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(server.requests().is_empty());
    assert!(pages.next().await.expect("a page").is_ok());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn items_flatten_the_pages_and_end_with_the_error() {
    let server = RecordingServer::with([
        reactions_page(&["like", "love"], Some("c1")),
        reactions_page(&["wow"], Some("c2")),
        Prepared::json(
            429,
            json!({"code": 9, "message": "Too many requests", "StatusCode": 429, "duration": "1ms"}),
        ),
    ])
    .await;
    let client = server_client(&server.url());
    let items: Vec<Result<ReactionResponse, Error>> = client
        .query_reactions_pages("m1", &reactions_request(10))
        .items()
        .collect()
        .await;
    let (ok, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    let ok: Vec<ReactionResponse> = ok.into_iter().map(Result::unwrap).collect();
    assert_eq!(kinds(&ok), ["like", "love", "wow"]);
    assert_eq!(errors.len(), 1);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn offset_pages_advance_by_the_items_received_until_a_short_page() {
    let server = RecordingServer::with([
        channels_page(0, 2),
        channels_page(2, 2),
        channels_page(4, 1),
    ])
    .await;
    let client = server_client(&server.url());
    let request = QueryChannelsRequest {
        limit: Some(2),
        ..QueryChannelsRequest::default()
    };
    let pages: Pages<'_, _, _> = client.query_channels_pages(&request);
    let counts: Vec<Option<i32>> = pages
        .items()
        .map(|channel| channel.expect("channel").watcher_count)
        .collect()
        .await;
    assert_eq!(counts, [Some(0), Some(1), Some(2), Some(3), Some(4)]);

    assert_eq!(
        body_values(&server, "offset"),
        [Value::Null, json!(2), json!(4)]
    );
}

#[tokio::test]
async fn offset_pages_stop_before_passing_the_api_offset_cap() {
    // QueryChannels accepts offsets up to 1000.
    let server = RecordingServer::with([
        channels_page(996, 2),
        channels_page(998, 2),
        channels_page(1000, 2),
        channels_page(1002, 2),
    ])
    .await;
    let client = server_client(&server.url());
    let request = QueryChannelsRequest {
        limit: Some(2),
        offset: Some(996),
        ..QueryChannelsRequest::default()
    };
    let pages: Vec<_> = client.query_channels_pages(&request).collect().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(
        body_values(&server, "offset"),
        [json!(996), json!(998), json!(1000)]
    );
}

#[tokio::test]
async fn an_offset_stream_without_a_limit_ends_on_an_empty_page() {
    let server = RecordingServer::with([channels_page(0, 3), channels_page(3, 0)]).await;
    let client = server_client(&server.url());
    let pages: Vec<_> = client
        .query_channels_pages(&QueryChannelsRequest::default())
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(body_values(&server, "offset"), [Value::Null, json!(3)]);
}

#[tokio::test]
async fn offset_pages_in_the_query_string() {
    let server = RecordingServer::with([
        Prepared::json(
            201,
            json!({"reactions": [reaction_json("a"), reaction_json("b")], "duration": "1ms"}),
        ),
        Prepared::json(
            201,
            json!({"reactions": [reaction_json("c")], "duration": "1ms"}),
        ),
        Prepared::json(201, json!({"reactions": [], "duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());
    let query = GetReactionsQuery {
        limit: Some(2),
        offset: Some(10),
    };
    let items: Vec<ReactionResponse> = client
        .get_reactions_pages("m1", &query)
        .items()
        .map(|item| item.expect("reaction"))
        .collect()
        .await;
    assert_eq!(kinds(&items), ["a", "b", "c"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the short second page is the last");
    let paging: Vec<Vec<(&str, &str)>> = requests
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .filter(|(name, _)| matches!(*name, "limit" | "offset"))
                .collect()
        })
        .collect();
    assert_eq!(
        paging,
        [
            vec![("limit", "2"), ("offset", "10")],
            vec![("limit", "2"), ("offset", "12")]
        ]
    );
    assert!(requests
        .iter()
        .all(|r| r.method == "GET" && r.path == "/messages/m1/reactions"));
}

/// The JSON document in a recorded request's `payload` query parameter.
fn sent_payload(request: &stream_chat_tests::Recorded) -> Value {
    let (_, text) = request
        .query_pairs()
        .into_iter()
        .find(|(name, _)| *name == "payload")
        .expect("a payload parameter");
    serde_json::from_str(text).expect("the payload is JSON")
}

/// The value at `key` in the JSON body of each recorded request, in order.
fn body_values(server: &RecordingServer, key: &str) -> Vec<Value> {
    server
        .requests()
        .iter()
        .map(|request| request.json()[key].clone())
        .collect()
}

/// The values at `keys` in the `payload` parameter of each recorded request, in order.
fn payload_values<const N: usize>(server: &RecordingServer, keys: [&str; N]) -> Vec<[Value; N]> {
    server
        .requests()
        .iter()
        .map(|request| {
            let payload = sent_payload(request);
            keys.map(|key| payload[key].clone())
        })
        .collect()
}

/// A page of `QueryUsers` with users `u<first>` to `u<first + count - 1>`.
fn users_page(first: usize, count: usize) -> Prepared {
    let users: Vec<Value> = (first..first + count)
        .map(|n| user_json(&format!("u{n}"), "User"))
        .collect();
    Prepared::json(200, json!({ "users": users, "duration": "1ms" }))
}

#[tokio::test]
async fn offset_pages_inside_the_json_payload_parameter() {
    let server =
        RecordingServer::with([users_page(0, 2), users_page(2, 2), users_page(4, 1)]).await;
    let client = server_client(&server.url());
    let mut payload = QueryUsersPayload::new(QueryUsersFilter::role().eq("admin"));
    payload.limit = Some(2);
    let query = QueryUsersQuery {
        payload: Some(payload),
    };
    let ids: Vec<String> = client
        .query_users_pages(&query)
        .items()
        .map(|user| user.expect("user").id)
        .collect()
        .await;
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "the short third page is the last");
    for (request, offset) in requests.iter().zip([Value::Null, json!(2), json!(4)]) {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/users")
        );
        let payload = sent_payload(request);
        assert_eq!(payload["offset"], offset);
        assert_eq!(payload["limit"], 2);
        // The rest of the query travels unchanged with every page.
        assert_eq!(
            payload["filter_conditions"],
            json!({"role": {"$eq": "admin"}})
        );
    }
}

#[tokio::test]
async fn payload_pages_lower_the_limit_and_stop_at_the_offset_cap() {
    // QueryUsers takes at most 100 users per page and offsets up to 1000.
    let server = RecordingServer::with([
        users_page(0, 100),
        users_page(100, 100),
        users_page(200, 100),
    ])
    .await;
    let client = server_client(&server.url());
    let mut payload = QueryUsersPayload::new(QueryUsersFilter::custom("team").eq("red"));
    payload.limit = Some(250);
    payload.offset = Some(800);
    let pages: Vec<_> = client
        .query_users_pages(&QueryUsersQuery {
            payload: Some(payload),
        })
        .collect()
        .await;
    assert_eq!(
        pages.len(),
        3,
        "offsets 800, 900 and 1000; 1100 is past the cap"
    );
    assert_eq!(
        payload_values(&server, ["limit", "offset"]),
        [
            [json!(100), json!(800)],
            [json!(100), json!(900)],
            [json!(100), json!(1000)]
        ]
    );
}

#[tokio::test]
async fn cursor_pages_inside_the_json_payload_parameter() {
    let result = |id: &str| json!({ "message": message_json(id, "messaging:general") });
    let server = RecordingServer::with([
        Prepared::json(
            200,
            json!({"results": [result("m1"), result("m2")], "next": "n1", "duration": "1ms"}),
        ),
        Prepared::json(200, json!({"results": [result("m3")], "duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());
    let mut payload = SearchPayload::new(SearchFilter::cid().in_(["messaging:general"]));
    payload.query = Some("hello".to_owned());
    payload.limit = Some(2);
    let pages: Vec<usize> = client
        .search_pages(&SearchQuery {
            payload: Some(payload),
        })
        .map(|page| page.expect("page").len())
        .collect()
        .await;
    assert_eq!(pages, [2, 1]);
    assert_eq!(
        payload_values(&server, ["next", "query"]),
        [[Value::Null, json!("hello")], [json!("n1"), json!("hello")]]
    );
}

#[tokio::test]
async fn an_error_mid_way_ends_a_payload_stream() {
    let ban = json!({"created_at": "2024-03-05T09:31:00Z"});
    let server = RecordingServer::with([
        Prepared::json(
            200,
            json!({"bans": [ban.clone(), ban.clone()], "duration": "1ms"}),
        ),
        Prepared::text(502, "Bad Gateway"),
        Prepared::json(200, json!({"bans": [ban], "duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());
    let mut payload =
        QueryBannedUsersPayload::new(QueryBannedUsersFilter::channel_cid().eq("messaging:general"));
    payload.limit = Some(2);
    let pages: Vec<_> = client
        .query_banned_users_pages(&QueryBannedUsersQuery {
            payload: Some(payload),
        })
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].as_ref().expect("first page").len(), 2);
    let error = pages[1].as_ref().expect_err("the error");
    assert!(
        matches!(error, Error::Http { status: 502, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 2, "no request after the error");
    assert_eq!(sent_payload(&server.requests()[1])["offset"], 2);
}
