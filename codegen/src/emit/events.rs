//! The `Event` enum, dispatched on the JSON `type` field, and the table of event types.
//!
//! With no events in the spec every event is `Unknown`, and the methods' bodies skip the
//! single-arm matches, which would be noise.

use super::rustdoc::{code, prose};
use super::tokens::{cfg_feature, doc, ident};
use crate::model::{Api, Event};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit(api: &Api) -> TokenStream {
    let event_enum = event_enum(api);
    let methods = methods(api);
    let serialize = serialize_impl(api);
    let decode = decode_impl(api);
    let table = type_table(api);
    quote! {
        #![doc = " Websocket and webhook events."]
        #![allow(deprecated, reason = "deprecated payloads still decode")]

        #event_enum
        #methods
        #serialize
        #decode

        #[doc = " Reads the event's JSON text as it is and decodes it with [`Event::from_slice`]"]
        #[doc = " (deserializers other than serde_json's cannot give the text)."]
        impl<'de> serde::Deserialize<'de> for Event {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let json = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
                Self::from_slice(json.get().as_bytes()).map_err(serde::de::Error::custom)
            }
        }

        #table
    }
}

/// The events with a `type` of their own: all but the `*` fallback.
fn typed(api: &Api) -> impl Iterator<Item = &Event> {
    api.events.iter().filter(|event| !event.fallback)
}

/// The `*` event, which takes the types no other event matches.
fn fallback(api: &Api) -> Option<&Event> {
    api.events.iter().find(|event| event.fallback)
}

/// `pub enum Event`: one boxed variant per event, then `Unknown`.
fn event_enum(api: &Api) -> TokenStream {
    let variants = api.events.iter().map(variant);
    let unknown_doc = unknown_doc(api);
    let unknown_doc = unknown_doc.iter().map(|line| quote! { #[doc = #line] });
    quote! {
        #[doc = " An event from a websocket connection or a webhook, dispatched on its `type`."]
        #[doc = ""]
        #(#unknown_doc)*
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
            #[doc = " An event type this version of the client does not know, as raw JSON."]
            Unknown(serde_json::Value),
        }
    }
}

/// One event's variant: its boxed payload, or the raw keys of an undocumented one.
fn variant(event: &Event) -> TokenStream {
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
}

/// The lines of `Event`'s doc that say where unknown event types go.
fn unknown_doc(api: &Api) -> Vec<String> {
    match fallback(api) {
        Some(event) => {
            let variant = &event.variant;
            let feature = event
                .feature
                .as_deref()
                .map(|feature| format!(" (without the `{feature}` feature, as [`Event::Unknown`])"))
                .unwrap_or_default();
            vec![
                format!(" Event types this version of the client does not know arrive as [`Event::{variant}`] with"),
                " their type and every key kept, so a new event type on the server never breaks".to_owned(),
                format!(" decoding{feature};"),
                " either way the decoded event records an `unknown_event_type` mismatch.".to_owned(),
            ]
        }
        None => vec![
            " Event types this version of the client does not know arrive as [`Event::Unknown`] with".to_owned(),
            " their JSON intact, so a new event type on the server never breaks decoding.".to_owned(),
        ],
    }
}

/// `impl Event`: the event's type, decoding, its payload and its mismatches.
fn methods(api: &Api) -> TokenStream {
    let event_type_body = event_type_body(api);
    let from_slice_body = from_slice_body(api);
    let payload_body = payload_body(api);
    let mismatches_body = mismatches_body(api);
    quote! {
        impl Event {
            #[doc = " The event's `type` string, e.g. `channel.deleted`."]
            pub fn event_type(&self) -> &str {
                #event_type_body
            }

            #[doc = " Decodes an event from its JSON text (a websocket frame, a webhook body), by the"]
            #[doc = " crate's decoding rule: a payload that departs from the spec still decodes, and says"]
            #[doc = " where it departed ([`Event::mismatches`])."]
            #[doc = ""]
            #[doc = " # Errors"]
            #[doc = ""]
            #[doc = " Fails when the text is not JSON, or its objects nest too deep."]
            pub fn from_slice(json: &[u8]) -> Result<Self, serde_json::Error> {
                #from_slice_body
            }

            #[doc = " Decodes an event from a JSON value, as [`Event::from_slice`] does from text."]
            #[doc = ""]
            #[doc = " # Errors"]
            #[doc = ""]
            #[doc = " Fails when the value's objects nest too deep."]
            pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                Self::from_slice(&serde_json::to_vec(&value)?)
            }

            #[doc = " The typed payload, to read what decoding kept: absent fields, unknown keys, values"]
            #[doc = " kept as sent (see [`WireObject`](crate::WireObject)). `None` for undocumented"]
            #[doc = " payloads and unknown events."]
            pub fn payload(&self) -> Option<&dyn crate::WireObject> {
                #payload_body
            }

            #[doc = " Where the event departed from the spec (see [`crate::mismatch`]): its payload's"]
            #[doc = " records, and an `unknown_event_type` record for a type the spec does not list"]
            #[doc = " ([`Event::Unknown`], and an app's custom events)."]
            pub fn mismatches(&self) -> std::borrow::Cow<'_, [crate::Mismatch]> {
                #mismatches_body
            }
        }
    }
}

/// `Event::event_type`: the variant's type string, the fallback's and `Unknown`'s own.
fn event_type_body(api: &Api) -> TokenStream {
    if api.events.is_empty() {
        return quote! { let Self::Unknown(value) = self; value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default() };
    }
    let type_field = ident(&naming::field_name("type"));
    let arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let cfg = cfg_feature(event.feature.as_deref());
        if event.fallback {
            return quote! { #cfg Self::#variant(payload) => &payload.#type_field, };
        }
        let event_type = &event.event_type;
        quote! { #cfg Self::#variant(_) => #event_type, }
    });
    quote! {
        match self {
            #(#arms)*
            Self::Unknown(value) => value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default(),
        }
    }
}

/// `Event::from_slice`: dispatch on the `type` through [`decode_impl`].
fn from_slice_body(api: &Api) -> TokenStream {
    if api.events.is_empty() {
        return quote! { Ok(Self::Unknown(crate::decode::unknown_event(json)?)) };
    }
    quote! {
        match crate::decode::event_type(json)? {
            Some(event_type) => Ok(crate::decode::event(json, &event_type)?),
            None => Ok(Self::Unknown(crate::decode::unknown_event(json)?)),
        }
    }
}

/// `Event::payload`: the typed payload, if the variant has one.
fn payload_body(api: &Api) -> TokenStream {
    if api.events.is_empty() {
        return quote! { None };
    }
    let arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let cfg = cfg_feature(event.feature.as_deref());
        match &event.payload {
            Some(_) => quote! { #cfg Self::#variant(payload) => Some(payload.as_ref()), },
            None => quote! { #cfg Self::#variant(_) => None, },
        }
    });
    quote! {
        match self {
            #(#arms)*
            Self::Unknown(_) => None,
        }
    }
}

/// `Event::mismatches`: the payload's records, or one for an unknown type.
fn mismatches_body(api: &Api) -> TokenStream {
    if api.events.is_empty() {
        return quote! { std::borrow::Cow::Owned(vec![crate::Mismatch::unknown_event_type(self.event_type())]) };
    }
    quote! {
        // A guard, not a pattern on `self`: with some features off, every variant left
        // is `Unknown` or has a payload, and a third pattern would be unreachable.
        match self.payload() {
            Some(payload) => std::borrow::Cow::Borrowed(payload.mismatches()),
            None if matches!(self, Self::Unknown(_)) => {
                std::borrow::Cow::Owned(vec![crate::Mismatch::unknown_event_type(self.event_type())])
            }
            None => std::borrow::Cow::Borrowed(&[]),
        }
    }
}

/// `impl Serialize for Event`, and the helper that writes a payload behind its `type` key.
fn serialize_impl(api: &Api) -> TokenStream {
    let body = if api.events.is_empty() {
        quote! { let Self::Unknown(value) = self; serde::Serialize::serialize(value, serializer) }
    } else {
        let arms = api.events.iter().map(|event| {
            let variant = ident(&event.variant);
            let event_type = &event.event_type;
            let cfg = cfg_feature(event.feature.as_deref());
            match (&event.payload, event.fallback) {
                (_, true) => quote! { #cfg Self::#variant(payload) => serde::Serialize::serialize(payload.as_ref(), serializer), },
                (Some(_), false) => quote! { #cfg Self::#variant(payload) => serialize_tagged(serializer, #event_type, payload.as_ref()), },
                (None, false) => quote! { #cfg Self::#variant(payload) => serialize_tagged(serializer, #event_type, payload), },
            }
        });
        quote! {
            match self {
                #(#arms)*
                Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
            }
        }
    };
    let tagged_helper = tagged_helper(api);
    quote! {
        impl serde::Serialize for Event {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #body
            }
        }

        #tagged_helper
    }
}

/// `serialize_tagged`, compiled only with the features of the events that call it.
fn tagged_helper(api: &Api) -> TokenStream {
    if typed(api).next().is_none() {
        return quote! {};
    }
    let mut features: Vec<Option<&str>> = typed(api).map(|e| e.feature.as_deref()).collect();
    features.sort();
    features.dedup();
    let cfg = match features.as_slice() {
        features if features.contains(&None) => quote! {},
        [Some(feature)] => quote! { #[cfg(feature = #feature)] },
        features => {
            let features = features.iter().flatten();
            quote! { #[cfg(any(#(feature = #features),*))] }
        }
    };
    quote! {
        #[doc = " Writes a payload with its `type` key first."]
        #cfg
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
}

/// `impl crate::decode::Events for Event`: each type's payload decoder, and what the rest
/// becomes. Nothing when the spec has no events.
fn decode_impl(api: &Api) -> TokenStream {
    if api.events.is_empty() {
        return quote! {};
    }
    let arms = typed(api).map(|event| {
        let variant = ident(&event.variant);
        let event_type = &event.event_type;
        let cfg = cfg_feature(event.feature.as_deref());
        if event.payload.is_some() {
            quote! { #cfg #event_type => Self::#variant(Box::new(crate::serde_support::Object::decode(map)?)), }
        } else {
            quote! { #cfg #event_type => Self::#variant(crate::decode::untyped_payload(map)?), }
        }
    });
    let other = other_arm(api);
    quote! {
        #[doc = " Each event type's payload decoder, for [`Event::from_slice`]."]
        impl crate::decode::Events for Event {
            fn payload<'de, A: serde::de::MapAccess<'de>>(event_type: &str, map: A) -> Result<Self, A::Error> {
                Ok(match event_type {
                    #(#arms)*
                    _ => #other,
                })
            }
        }
    }
}

/// The decoder of a type no event names: the `*` event's (`Unknown` where its feature is off),
/// or `Unknown`.
fn other_arm(api: &Api) -> TokenStream {
    let Some(event) = fallback(api) else {
        return quote! { Self::Unknown(crate::decode::unknown_payload(event_type, map)?) };
    };
    let variant = ident(&event.variant);
    let payload = payload_path(&event.payload.as_ref().expect("validated").rust_name);
    let custom = quote! {
        let mut payload: #payload = crate::serde_support::Object::decode(map)?;
        crate::decode::unknown_event_type(&mut payload.__wire, event_type);
        Self::#variant(Box::new(payload))
    };
    match event.feature.as_deref() {
        None => quote! { { #custom } },
        Some(feature) => quote! {
            {
                #[cfg(feature = #feature)]
                let event = { #custom };
                #[cfg(not(feature = #feature))]
                let event = Self::Unknown(crate::decode::unknown_payload(event_type, map)?);
                event
            }
        },
    }
}

/// `EventTypeInfo` and `EVENT_TYPES`, one entry per event in spec order.
fn type_table(api: &Api) -> TokenStream {
    let infos = api.events.iter().map(|event| {
        let event_type = &event.event_type;
        let client_side = event.client_side;
        let description = &event.doc;
        quote! { EventTypeInfo { event_type: #event_type, client_side: #client_side, description: #description }, }
    });
    quote! {
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
