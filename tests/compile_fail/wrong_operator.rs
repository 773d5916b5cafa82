// `member_count` is a number: no `$autocomplete` on it.
use stream_chat_client::models::QueryChannelsFilter;

fn main() {
    let _ = QueryChannelsFilter::member_count().autocomplete("1");
}
