// `frozen` is a bool, `created_at` a date-time, `reply_count` a number.
use stream_chat_client::models::{QueryChannelsFilter, QueryThreadsFilter};

fn main() {
    let _ = QueryChannelsFilter::frozen().eq("yes");
    let _ = QueryChannelsFilter::created_at().gt("2024-05-01");
    let _ = QueryThreadsFilter::reply_count().gt("two");
}
