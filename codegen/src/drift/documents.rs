//! Stream publishes two documents: the server-side `chat-openapi.json` and the client-side
//! `chat-openapi-clientside.json`. This module merges what they say into one `Shape`:
//!
//! - an operation in both, or only in the client-side document, can be called with a user
//!   token; one only in the server-side document is `server_side_only`, one only in the
//!   client-side document `client_side_only`;
//! - parameters and fields are the union of both (the client-side document alone has
//!   `connection_id`, `watch` and `presence`; the server-side one alone `user_id`); what only
//!   the client-side one has, of an operation or schema both have, is `client_side_only`;
//! - a field is required only where every document that lists it requires it;
//! - events come from the webhook union, the websocket union (`client_side`) and the
//!   `Sends events:` lists of the operations.
//!
//! What a single document cannot establish (server-side and client-side only, client-side
//! events) is left out of the comparison, and the shape's `Knowledge` says so.

use super::openapi::Document;
use super::shape::{Field, Knowledge, Schema, Shape};
use std::collections::BTreeSet;

/// Which of Stream's two documents a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// `chat-openapi.json`: every operation, as a server-side client sees them.
    Server,
    /// `chat-openapi-clientside.json`: what a user-token client may call, and the websocket.
    Client,
}

impl Side {
    /// `server` or `client`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Server => "server",
            Side::Client => "client",
        }
    }

    /// The side of a document from its file name: Stream names the client-side one
    /// `chat-openapi-clientside.json`.
    pub fn from_file_name(name: &str) -> Side {
        let name = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .to_lowercase();
        if ["clientside", "client-side", "client_side"]
            .iter()
            .any(|marker| name.contains(marker))
        {
            Side::Client
        } else {
            Side::Server
        }
    }
}

/// Merges the documents (at most one per side) into one shape.
pub(crate) fn merge(mut documents: Vec<(Side, Document)>) -> Shape {
    documents.sort_by_key(|(side, _)| *side);
    let sides: BTreeSet<Side> = documents.iter().map(|(side, _)| *side).collect();
    let both = sides.len() == 2;
    let mut shape = Shape {
        knows: Knowledge {
            both_sides: both,
            client_side: sides.contains(&Side::Client),
        },
        ..Shape::default()
    };
    let (mut client_operations, mut server_operations) = (BTreeSet::new(), BTreeSet::new());
    let mut sent = Vec::new();
    for (side, document) in &documents {
        shape.api_version = shape.api_version.take().or(document.version.clone());
        for (key, theirs) in &document.shape.operations {
            match side {
                Side::Client => client_operations.insert(key.clone()),
                Side::Server => server_operations.insert(key.clone()),
            };
            sent.extend(theirs.events.iter().cloned());
            let Some(ours) = shape.operations.get_mut(key) else {
                shape.operations.insert(key.clone(), theirs.clone());
                continue;
            };
            for (name, param) in &theirs.query {
                match ours.query.get_mut(name) {
                    Some(known) => known.required &= param.required,
                    None => {
                        let client_side_only = *side == Side::Client;
                        ours.query.insert(
                            name.clone(),
                            Field {
                                client_side_only,
                                ..param.clone()
                            },
                        );
                    }
                }
            }
            for event in &theirs.events {
                if !ours.events.contains(event) {
                    ours.events.push(event.clone());
                }
            }
        }
        for (name, theirs) in &document.shape.schemas {
            let Some(ours) = shape.schemas.get_mut(name) else {
                shape.schemas.insert(name.clone(), theirs.clone());
                continue;
            };
            match (ours, theirs) {
                (Schema::Object(ours), Schema::Object(theirs)) => {
                    ours.custom_data |= theirs.custom_data;
                    for (field, def) in &theirs.fields {
                        match ours.fields.get_mut(field) {
                            Some(known) => known.required &= def.required,
                            None => {
                                let client_side_only = *side == Side::Client;
                                ours.fields.insert(
                                    field.clone(),
                                    Field {
                                        client_side_only,
                                        ..def.clone()
                                    },
                                );
                            }
                        }
                    }
                }
                (Schema::Enum(ours), Schema::Enum(theirs)) => {
                    for value in theirs {
                        if !ours.contains(value) {
                            ours.push(value.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if both {
        for (key, operation) in shape.operations.iter_mut() {
            operation.server_side_only = !client_operations.contains(key);
            operation.client_side_only = !server_operations.contains(key);
        }
    }
    for (_, document) in &documents {
        for (event_type, payload) in document.webhook.iter().chain(&document.websocket) {
            let event = shape.events.entry(event_type.clone()).or_default();
            event.payload.get_or_insert_with(|| payload.clone());
        }
        for event_type in document.websocket.keys() {
            if let Some(event) = shape.events.get_mut(event_type) {
                event.client_side = true;
            }
        }
    }
    for event_type in sent {
        shape.events.entry(event_type).or_default();
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_side_document_is_known_by_its_name() {
        assert_eq!(
            Side::from_file_name("/x/chat-openapi-clientside.json"),
            Side::Client
        );
        assert_eq!(Side::from_file_name("chat-openapi.json"), Side::Server);
        assert_eq!(Side::from_file_name("client-side.yaml"), Side::Client);
    }
}
