//! The `Event` enum, dispatched on the JSON `type` field, and the table of event types.

use super::rustdoc::{code, prose};
use super::{cfg_feature, doc, ident};
use crate::model::Api;
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit(api: &Api) -> TokenStream {
    let fallback = api.events.iter().find(|e| e.fallback);
    let typed = || api.events.iter().filter(|e| !e.fallback);
    let variants = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let (text, payload) = match &event.payload {
            Some(payload) => {
                let text = if event.fallback {
                    format!("Any other type (an app's custom event): {}", prose(&event.doc))
                } else {
                    format!("{}: {}", code(&event.event_type), prose(&event.doc))
                };
                let payload = payload_path(&payload.rust_name);
                (text, quote! { Box<#payload> })
            }
            None => (
                format!(
                    "{}: {}\n\nThe API does not document this payload: the keys beside `type`, as sent.",
                    code(&event.event_type),
                    prose(&event.doc)
                ),
                quote! { serde_json::Map<String, serde_json::Value> },
            ),
        };
        let docs = doc(&text);
        let cfg = cfg_feature(event.feature.as_deref());
        quote! { #docs #cfg #variant(#payload), }
    });
    let type_field = ident(&naming::field_name("type"));
    let type_arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let cfg = cfg_feature(event.feature.as_deref());
        if event.fallback {
            return quote! { #cfg Self::#variant(payload) => &payload.#type_field, };
        }
        let event_type = &event.event_type;
        quote! { #cfg Self::#variant(_) => #event_type, }
    });
    let decode_arms = typed().map(|event| {
        let variant = ident(&event.variant);
        let event_type = &event.event_type;
        let cfg = cfg_feature(event.feature.as_deref());
        if event.payload.is_some() {
            quote! { #cfg #event_type => Self::#variant(Box::new(serde_json::from_value(serde_json::Value::Object(object))?)), }
        } else {
            quote! { #cfg #event_type => Self::#variant(object), }
        }
    });
    let other_arm = match fallback {
        Some(event) => {
            let variant = ident(&event.variant);
            let payload = payload_path(&event.payload.as_ref().expect("validated").rust_name);
            let custom = quote! {
                match <#payload as serde::Deserialize>::deserialize(&value) {
                    Ok(payload) => Self::#variant(Box::new(payload)),
                    Err(_) => Self::Unknown(value),
                }
            };
            match event.feature.as_deref() {
                None => custom,
                Some(feature) => quote! {
                    {
                        #[cfg(feature = #feature)]
                        let event = #custom;
                        #[cfg(not(feature = #feature))]
                        let event = Self::Unknown(value);
                        event
                    }
                },
            }
        }
        None => quote! { Self::Unknown(value) },
    };
    let encode_arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let event_type = &event.event_type;
        let cfg = cfg_feature(event.feature.as_deref());
        match (&event.payload, event.fallback) {
            (_, true) => quote! { #cfg Self::#variant(payload) => serde::Serialize::serialize(payload.as_ref(), serializer), },
            (Some(_), false) => quote! { #cfg Self::#variant(payload) => serialize_tagged(serializer, #event_type, payload.as_ref()), },
            (None, false) => quote! { #cfg Self::#variant(payload) => serialize_tagged(serializer, #event_type, payload), },
        }
    });
    let mut tagged_features: Vec<Option<&str>> = typed().map(|e| e.feature.as_deref()).collect();
    tagged_features.sort();
    tagged_features.dedup();
    let tagged_cfg = match tagged_features.as_slice() {
        features if features.contains(&None) => quote! {},
        [Some(feature)] => quote! { #[cfg(feature = #feature)] },
        features => {
            let features = features.iter().flatten();
            quote! { #[cfg(any(#(feature = #features),*))] }
        }
    };
    let tagged_helper = if typed().next().is_none() {
        quote! {}
    } else {
        quote! {
            #[doc = " Writes a payload with its `type` key first."]
            #tagged_cfg
            fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
                serializer: S,
                event_type: &str,
                payload: &T,
            ) -> Result<S::Ok, S::Error> {
                #[derive(serde::Serialize)]
                struct Tagged<'a, T> {
                    #[serde(rename = "type")]
                    event_type: &'a str,
                    #[serde(flatten)]
                    payload: &'a T,
                }
                serde::Serialize::serialize(&Tagged { event_type, payload }, serializer)
            }
        }
    };
    let infos = api.events.iter().map(|event| {
        let event_type = &event.event_type;
        let client_side = event.client_side;
        let description = &event.doc;
        quote! { EventTypeInfo { event_type: #event_type, client_side: #client_side, description: #description }, }
    });
    // With no known events, every event is `Unknown`; single-arm matches would be noise.
    let (event_type_body, from_value, serialize_body) = if api.events.is_empty() {
        (
            quote! { let Self::Unknown(value) = self; value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default() },
            quote! {
                pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                    Ok(Self::Unknown(value))
                }
            },
            quote! { let Self::Unknown(value) = self; serde::Serialize::serialize(value, serializer) },
        )
    } else {
        (
            quote! {
                match self {
                    #(#type_arms)*
                    Self::Unknown(value) => value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default(),
                }
            },
            quote! {
                pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                    let mut object = match value {
                        serde_json::Value::Object(object) => object,
                        other => return Ok(Self::Unknown(other)),
                    };
                    let event_type = match object.remove("type") {
                        Some(serde_json::Value::String(event_type)) => event_type,
                        other => {
                            if let Some(other) = other {
                                object.insert("type".to_owned(), other);
                            }
                            return Ok(Self::Unknown(serde_json::Value::Object(object)));
                        }
                    };
                    Ok(match event_type.as_str() {
                        #(#decode_arms)*
                        _ => {
                            object.insert("type".to_owned(), serde_json::Value::String(event_type));
                            let value = serde_json::Value::Object(object);
                            #other_arm
                        }
                    })
                }
            },
            quote! {
                match self {
                    #(#encode_arms)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            },
        )
    };
    quote! {
        #![doc = " Websocket and webhook events."]
        #![allow(deprecated, reason = "deprecated payloads still decode")]

        #[doc = " An event from a websocket connection or a webhook, dispatched on its `type`."]
        #[doc = ""]
        #[doc = " Event types this version of the client does not know arrive as [`Event::Unknown`] with"]
        #[doc = " their JSON intact, so a new event type on the server never breaks decoding."]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
            #[doc = " An event type this version of the client does not know, as raw JSON."]
            Unknown(serde_json::Value),
        }

        impl Event {
            #[doc = " The event's `type` string, e.g. `channel.deleted`."]
            pub fn event_type(&self) -> &str {
                #event_type_body
            }

            #[doc = " Decodes an event from a JSON value."]
            #[doc = ""]
            #[doc = " # Errors"]
            #[doc = ""]
            #[doc = " Fails when the type is known but the payload does not match its schema."]
            #from_value
        }

        impl serde::Serialize for Event {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize_body
            }
        }

        #tagged_helper

        impl<'de> serde::Deserialize<'de> for Event {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                Self::from_value(value).map_err(serde::de::Error::custom)
            }
        }

        #[doc = " What the spec says about one event type."]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct EventTypeInfo {
            #[doc = " The `type` string."]
            pub event_type: &'static str,
            #[doc = " Client websockets receive it, not only webhooks."]
            pub client_side: bool,
            #[doc = " What happened."]
            pub description: &'static str,
        }

        #[doc = " Every event type the spec describes, in spec order."]
        pub static EVENT_TYPES: &[EventTypeInfo] = &[
            #(#infos)*
        ];
    }
}

/// A payload type by its path, `crate::models::X`: never imported, so a payload named like an
/// item of this file (`Event`, `EventTypeInfo`) shadows nothing.
fn payload_path(rust_name: &str) -> TokenStream {
    let name = ident(rust_name);
    quote! { crate::models::#name }
}
