// Members sort only by `created_at`; `reply_count` is a sort field of threads.
use stream_chat_client::models::QueryMembersSort;

fn main() {
    let _ = vec![QueryMembersSort::ReplyCount.desc()];
}
