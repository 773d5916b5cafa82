// The API accepts only `$eq` on a member's `banned` flag.
use stream_chat_client::models::QueryMembersFilter;

fn main() {
    let _ = QueryMembersFilter::banned().ne(true);
}
