// A field the API does not filter users on.
use stream_chat_client::models::QueryUsersFilter;

fn main() {
    let _ = QueryUsersFilter::favourite_colour().eq("blue");
}
