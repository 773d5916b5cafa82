//! Typed query filters and sorts: golden JSON for the filters and sorts of several queries (the
//! exact bytes the API receives), and the same filters sent through the client to a local
//! server, in a JSON body (`POST`) and in the `payload` query parameter (`GET`).
//!
//! The compile-fail half (wrong fields, operators, value types, another query's fields) is
//! `filters_compile_fail.rs`.

use chrono::{TimeZone, Utc};
use serde_json::json;
use stream_chat_client::models::{
    QueryChannelsFilter as Channels, QueryChannelsRequest, QueryMembersFilter as Members,
    QueryMembersPayload, QueryMembersQuery, QueryMembersSort, QueryPollsFilter as Polls,
    QueryPollsSort, QueryThreadsFilter as Threads, QueryThreadsRequest, QueryThreadsSort,
    QueryUsersFilter as Users, QueryUsersPayload, QueryUsersQuery, SearchFilter,
    SearchMessageFilter, SearchPayload, SearchQuery, SortParamRequest,
};
use stream_chat_client::Filter;
use stream_chat_tests::{server_client, Prepared, RecordingServer};

/// The exact JSON text a value serializes to.
fn text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("serializes")
}

fn day(d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, d, 12, 30, 0).unwrap()
}

#[test]
fn query_channels_filter_is_stream_json() {
    let filter = Channels::type_().eq("messaging")
        & Channels::members().in_(["jack", "jill"])
        & (Channels::last_message_at().gte(day(1)) | Channels::frozen().eq(true))
        & Channels::member_count().lt(10)
        & Channels::custom("priority").eq("high");
    assert_eq!(
        text(&filter),
        concat!(
            r#"{"$and":[{"type":{"$eq":"messaging"}},{"members":{"$in":["jack","jill"]}},"#,
            r#"{"$or":[{"last_message_at":{"$gte":"2024-05-01T12:30:00Z"}},{"frozen":{"$eq":true}}]},"#,
            r#"{"member_count":{"$lt":10}},{"priority":{"$eq":"high"}}]}"#
        )
    );
}

#[test]
fn query_users_filter_uses_every_value_kind() {
    let filter = Filter::and_all([
        Users::id().autocomplete("ja"),
        Users::banned().ne(true),
        Users::last_active().exists(true),
        Users::created_at().gt(day(2)),
        Users::teams().contains("red"),
        Users::id().nin(["admin".to_owned(), "guest".to_owned()]),
        Users::custom("age").gte(json!(21)),
        Users::custom("tags").contains(json!(["a", "b"])),
    ]);
    assert_eq!(
        text(&filter),
        concat!(
            r#"{"$and":[{"id":{"$autocomplete":"ja"}},{"banned":{"$ne":true}},"#,
            r#"{"last_active":{"$exists":true}},{"created_at":{"$gt":"2024-05-02T12:30:00Z"}},"#,
            r#"{"teams":{"$contains":"red"}},{"id":{"$nin":["admin","guest"]}},"#,
            r#"{"age":{"$gte":21}},{"tags":{"$contains":["a","b"]}}]}"#
        )
    );
}

#[test]
fn a_single_condition_is_not_wrapped_and_nor_never_flattens() {
    assert_eq!(
        text(&Members::banned().eq(false)),
        r#"{"banned":{"$eq":false}}"#
    );
    assert_eq!(text(&Filter::<Members>::all()), "{}");
    let nor = Members::channel_role()
        .eq("channel_moderator")
        .nor(Members::is_moderator().eq(true))
        .nor(Members::cid().eq("messaging:a"));
    assert_eq!(
        text(&nor),
        concat!(
            r#"{"$nor":[{"$nor":[{"channel_role":{"$eq":"channel_moderator"}},"#,
            r#"{"is_moderator":{"$eq":true}}]},{"cid":{"$eq":"messaging:a"}}]}"#
        )
    );
    let raw = json!({"name": {"$q": "free text"}});
    let Some(raw) = raw.as_object().cloned() else {
        unreachable!("a JSON object literal")
    };
    assert_eq!(
        text(&(Filter::<Members>::raw(raw) & Members::joined().eq(true))),
        r#"{"$and":[{"name":{"$q":"free text"}},{"joined":{"$eq":true}}]}"#
    );
}

#[test]
fn search_has_a_channel_and_a_message_filter() {
    let channels = SearchFilter::cid().in_(["messaging:a", "messaging:b"]);
    let messages = SearchMessageFilter::text().q("hello world")
        & SearchMessageFilter::user_object_id().in_(["jack", "jill"])
        & SearchMessageFilter::attachments().exists(true)
        & SearchMessageFilter::mentioned_users_id().contains("jack")
        & SearchMessageFilter::reply_count().gte(1u8);
    assert_eq!(
        text(&channels),
        r#"{"cid":{"$in":["messaging:a","messaging:b"]}}"#
    );
    assert_eq!(
        text(&messages),
        concat!(
            r#"{"$and":[{"text":{"$q":"hello world"}},{"user.id":{"$in":["jack","jill"]}},"#,
            r#"{"attachments":{"$exists":true}},{"mentioned_users.id":{"$contains":"jack"}},"#,
            r#"{"reply_count":{"$gte":1}}]}"#
        )
    );
}

#[test]
fn sorts_are_field_and_direction() {
    let sort = vec![
        QueryThreadsSort::HasUnread.desc(),
        QueryThreadsSort::LastMessageAt.desc(),
        QueryThreadsSort::ParentMessageId.asc(),
    ];
    assert_eq!(
        text(&sort),
        concat!(
            r#"[{"field":"has_unread","direction":-1},{"field":"last_message_at","direction":-1},"#,
            r#"{"field":"parent_message_id","direction":1}]"#
        )
    );
    assert_eq!(QueryPollsSort::IsClosed.name(), "is_closed");
    assert_eq!(
        QueryMembersSort::CreatedAt.asc(),
        SortParamRequest {
            field: Some("created_at".to_owned()),
            direction: Some(1),
            ..Default::default()
        }
    );
}

#[test]
fn decoding_keeps_the_filter_exactly() {
    let original = r#"{"$or":[{"is_closed":{"$eq":true}},{"zeta":{"$weird":[1,2]}},{"max_votes_allowed":{"$lte":3}}]}"#;
    let filter: Filter<Polls> = serde_json::from_str(original).expect("any object decodes");
    assert_eq!(text(&filter), original);
    let typed = Polls::is_closed().eq(true) | Polls::max_votes_allowed().lte(3);
    let back: Filter<Polls> = serde_json::from_str(&text(&typed)).expect("decodes");
    assert_eq!(back, typed);
    assert!(serde_json::from_str::<Filter<Polls>>(r#"["not", "an", "object"]"#).is_err());
}

#[tokio::test]
async fn query_channels_sends_the_filter_and_sort_in_its_body() {
    let server = RecordingServer::with([Prepared::json(
        201,
        json!({"channels": [], "duration": "1ms"}),
    )])
    .await;
    let client = server_client(&server.url());
    let body = QueryChannelsRequest {
        filter_conditions: Some(
            Channels::type_().eq("messaging") & Channels::members().in_(["jack"]),
        ),
        sort: Some(vec![SortParamRequest {
            field: Some("last_message_at".to_owned()),
            direction: Some(-1),
            ..Default::default()
        }]),
        limit: Some(10),
        ..Default::default()
    };
    client
        .query_channels(&body)
        .await
        .expect("the server answers 201");
    let request = server.single_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/channels")
    );
    assert_eq!(
        String::from_utf8(request.body).expect("UTF-8"),
        concat!(
            r#"{"filter_conditions":{"$and":[{"type":{"$eq":"messaging"}},{"members":{"$in":["jack"]}}]},"#,
            r#""sort":[{"field":"last_message_at","direction":-1}],"limit":10}"#
        )
    );
}

#[tokio::test]
async fn query_threads_sends_the_typed_sort() {
    let server = RecordingServer::with([Prepared::json(
        200,
        json!({"threads": [], "duration": "1ms"}),
    )])
    .await;
    let client = server_client(&server.url());
    let body = QueryThreadsRequest {
        filter: Some(Threads::channel_cid().eq("messaging:a") & Threads::reply_count().gt(2)),
        sort: Some(vec![QueryThreadsSort::ReplyCount.desc()]),
        ..Default::default()
    };
    client
        .query_threads(&body)
        .await
        .expect("the server answers 200");
    assert_eq!(
        server.single_request().json(),
        json!({
            "filter": {"$and": [{"channel_cid": {"$eq": "messaging:a"}}, {"reply_count": {"$gt": 2}}]},
            "sort": [{"field": "reply_count", "direction": -1}]
        })
    );
}

/// The `payload` query parameter of the one request the server received.
fn payload(server: &RecordingServer) -> String {
    let request = server.single_request();
    let mut values = request
        .query
        .iter()
        .filter(|(name, _)| name == "payload")
        .map(|(_, value)| value.clone());
    let value = values.next().expect("a payload parameter");
    assert_eq!(values.next(), None, "one payload parameter");
    value
}

#[tokio::test]
async fn get_queries_send_the_filter_in_the_payload_parameter() {
    let server = RecordingServer::with([
        Prepared::json(200, json!({"users": [], "duration": "1ms"})),
        Prepared::json(200, json!({"members": [], "duration": "1ms"})),
        Prepared::json(200, json!({"results": [], "duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());

    let users = QueryUsersPayload::new(Users::role().eq("admin") & Users::banned().eq(false));
    client
        .query_users(&QueryUsersQuery {
            payload: Some(users),
        })
        .await
        .expect("users");
    assert_eq!(
        payload(&server),
        r#"{"filter_conditions":{"$and":[{"role":{"$eq":"admin"}},{"banned":{"$eq":false}}]}}"#
    );
    server.take_requests();

    let mut members = QueryMembersPayload::new("messaging", Members::user_id().in_(["jack"]));
    members.id = Some("general".to_owned());
    members.sort = Some(vec![QueryMembersSort::CreatedAt.desc()]);
    client
        .query_members(&QueryMembersQuery {
            payload: Some(members),
        })
        .await
        .expect("members");
    assert_eq!(
        payload(&server),
        concat!(
            r#"{"type":"messaging","id":"general","filter_conditions":{"user_id":{"$in":["jack"]}},"#,
            r#""sort":[{"field":"created_at","direction":-1}]}"#
        )
    );
    server.take_requests();

    let mut search = SearchPayload::new(SearchFilter::members().in_(["jack"]));
    search.message_filter_conditions = Some(SearchMessageFilter::text().autocomplete("hel"));
    client
        .search(&SearchQuery {
            payload: Some(search),
        })
        .await
        .expect("search");
    assert_eq!(
        payload(&server),
        concat!(
            r#"{"filter_conditions":{"members":{"$in":["jack"]}},"#,
            r#""message_filter_conditions":{"text":{"$autocomplete":"hel"}}}"#
        )
    );
}
