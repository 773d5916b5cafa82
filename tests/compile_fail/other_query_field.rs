// A channel filter does not fit a user query.
use stream_chat_client::models::{QueryChannelsFilter, QueryUsersPayload};

fn main() {
    let _ = QueryUsersPayload::new(QueryChannelsFilter::cid().eq("messaging:general"));
}
