//! Decoding by the crate's one rule (crate docs, "Decoding"), with mismatch records.
//!
//! A document is decoded straight from its bytes, strictly: missing fields, `null`s and unknown
//! keys are handled there, by [`ObjectReader`], at the cost of a few comparisons. Only when that
//! fails (a value of the wrong type somewhere) is it decoded again, tolerantly: each field's
//! value is read as raw JSON first and decoded from it, and a value that does not fit is kept as
//! sent. A document that fails even then (not JSON, not an object, objects nested too deep) is
//! an error naming where it failed.
//!
//! Where each object sits in the document (for the paths of the records) and the records of the
//! decode under way live in thread-locals: decoding is synchronous, so they describe exactly the
//! decode on this thread. The records move to the outermost object when it is complete.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::fields::{Fields, Key};
use crate::mismatch::{JsonType, Mismatch, MismatchKind};
use crate::object::{Kept, WireState};
use crate::timestamp::Timestamp;

/// How deep generated objects may nest in one decoded document.
///
/// Recursive schemas (a message quoting a message, ...) let a response nest objects as deep as
/// serde_json's limit of 128 levels, and each level takes stack (several kilobytes per object in
/// a debug build, more when decoding tolerantly): 50 nested quoted messages overflowed a 2 MiB
/// thread stack (a Tokio worker's), which aborts the process. Real responses nest generated
/// objects fewer than ten deep.
pub(crate) const MAX_NESTING: u32 = 32;

/// No field is being read at this level.
const NO_FIELD: u16 = u16::MAX;

/// Where the decode on this thread is.
struct Context {
    /// Generated objects being decoded, outermost first.
    depth: Cell<u32>,
    /// The table of the object at each level.
    objects: [Cell<Option<&'static Fields>>; MAX_NESTING as usize],
    /// The field each level is reading, when that field holds generated objects or enums.
    fields: [Cell<u16>; MAX_NESTING as usize],
    /// Records pushed to [`RECORDS`] by the decode under way.
    pending: Cell<usize>,
    /// Fields are read as raw JSON first (the second, tolerant pass).
    tolerant: Cell<bool>,
    /// The document nests objects too deep: where, once found (the error's path).
    too_deep: Cell<bool>,
    /// A key of the next outermost object that is not one of its fields: the `type` tag of an
    /// event payload.
    tag: Cell<Option<&'static str>>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            depth: Cell::new(0),
            objects: [const { Cell::new(None) }; MAX_NESTING as usize],
            fields: [const { Cell::new(NO_FIELD) }; MAX_NESTING as usize],
            pending: Cell::new(0),
            tolerant: Cell::new(false),
            too_deep: Cell::new(false),
            tag: Cell::new(None),
        }
    };
    /// The records of the decode under way.
    static RECORDS: RefCell<Vec<Mismatch>> = const { RefCell::new(Vec::new()) };
    /// Where the document got too deep, for the error.
    static TOO_DEEP_AT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The path through the first `levels` levels: the root's spec name (with `root`), then the field
/// each level reads, with its suffix (`[]`, `{}`).
fn path(context: &Context, levels: u32, root: bool) -> String {
    let mut path = String::new();
    if root {
        if let Some(fields) = context.objects[0].get() {
            path.push_str(fields.schema);
        }
    }
    for level in 0..levels as usize {
        let (Some(fields), index) = (context.objects[level].get(), context.fields[level].get())
        else {
            break;
        };
        let Some(field) = fields.fields.get(usize::from(index)) else {
            break;
        };
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field.name);
        path.push_str(field.nested.unwrap_or_default());
    }
    path
}

fn push_record(context: &Context, mismatch: Mismatch) {
    if context.depth.get() == 0 {
        // Outside any object (an enum decoded on its own): nothing holds it.
        mismatch.trace();
        return;
    }
    RECORDS.with(|records| records.borrow_mut().push(mismatch));
    context.pending.set(context.pending.get() + 1);
}

/// The records of the decode under way, taken out.
fn take_records(context: &Context) -> Vec<Mismatch> {
    context.pending.set(0);
    RECORDS.with(|records| std::mem::take(&mut *records.borrow_mut()))
}

/// Drops the records pushed since the decode had `mark` of them.
fn truncate_records(context: &Context, mark: usize) {
    if context.pending.get() > mark {
        context.pending.set(mark);
        RECORDS.with(|records| records.borrow_mut().truncate(mark));
    }
}

/// Records an enum value the spec does not list, at the field that holds it.
pub(crate) fn unknown_enum_value(schema: &'static str, value: &str) {
    CONTEXT.with(|context| {
        let depth = context.depth.get();
        let holder = depth
            .checked_sub(1)
            .and_then(|level| context.objects[level as usize].get())
            .zip(
                depth
                    .checked_sub(1)
                    .map(|level| context.fields[level as usize].get()),
            )
            .and_then(|(fields, index)| Some((fields, fields.fields.get(usize::from(index))?)));
        let mismatch = match holder {
            Some((fields, field)) => Mismatch::new(
                fields.schema,
                field.name,
                path(context, depth, true),
                MismatchKind::UnknownEnumValue,
            ),
            None => Mismatch::new(schema, "", schema, MismatchKind::UnknownEnumValue),
        };
        push_record(context, mismatch.with_value(value));
    });
}

/// Decodes one generated object's entries into a default value of the object; driven by a
/// [`FieldReader`], which reads the keys with [`next_key`](Self::next_key), calls
/// [`value`](Self::value) or [`option`](Self::option) for each key that is a field and
/// [`unknown`](Self::unknown) for the others, then [`finish`](Self::finish). Absent fields keep
/// their defaults; `finish` records the required ones.
///
/// The first error is kept and ends the reading (`next_key` returns `None`), and `finish`
/// returns it: the generated code needs no `?` per field, which keeps it small to compile.
///
/// It is also the nesting guard: it counts one level of nested objects while it lives, and
/// fails past [`MAX_NESTING`], so that a deep document is an error, not a stack overflow.
pub(crate) struct ObjectReader<E> {
    state: ObjectState,
    error: Option<E>,
}

/// What an [`ObjectReader`] knows that does not depend on the deserializer.
struct ObjectState {
    fields: &'static Fields,
    /// This object's level, from 1 for the outermost object; 0 when it could not start.
    depth: u32,
    tolerant: bool,
    tag: Option<&'static str>,
    /// The fields read, by index (beyond 128 in `seen_more`).
    seen: u128,
    seen_more: Vec<u16>,
    /// How many required fields were read.
    required_read: u16,
    /// Custom data, or unknown keys.
    unknown: serde_json::Map<String, Value>,
    kept: Option<Box<Kept>>,
    finished: bool,
}

impl<E: de::Error> ObjectReader<E> {
    /// Starts decoding an object with these fields, one level deeper.
    pub(crate) fn enter(fields: &'static Fields) -> ObjectReader<E> {
        let state = ObjectState::enter(fields);
        let error = (state.depth == 0)
            .then(|| E::custom(format_args!("objects nested more than {MAX_NESTING} deep")));
        ObjectReader { state, error }
    }

    /// The next key, or `None` at the end of the object or after an error.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn next_key<'de, A: MapAccess<'de, Error = E>>(
        &mut self,
        map: &mut A,
    ) -> Option<Key<'de>> {
        if self.error.is_some() {
            return None;
        }
        match map.next_key() {
            Ok(key) => key,
            Err(error) => {
                self.error = Some(error);
                None
            }
        }
    }

    /// The index of the field whose wire name is `key`; [`NO_FIELD`] for a key that is not a
    /// field. (A lookup here instead of a `match` on strings in every object's decoder keeps
    /// the generated code small.)
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn field_index(&self, key: &Key<'_>) -> u16 {
        self.state.fields.index_of(key.as_str()).unwrap_or(NO_FIELD)
    }

    /// Reads the value of the field at `index` (of a plain type: required, not nullable) into
    /// `slot`. A `null` leaves the default there, and is kept to be written back and recorded;
    /// so is, in the tolerant pass, a value that does not fit.
    ///
    /// This and [`option`](Self::option) are instantiated for every field type: only what
    /// needs the type is here, the rest is in non-generic methods.
    #[allow(
        dead_code,
        reason = "only generated objects with a field of a plain (non-`Option`) type call it; a spec without one has none"
    )]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn value<'de, A: MapAccess<'de, Error = E>, T: DeserializeOwned>(
        &mut self,
        map: &mut A,
        index: u16,
        slot: &mut T,
    ) {
        self.read(map, index, Place(slot));
    }

    /// Reads the value of the field at `index` (an `Option` field) into `slot`, as
    /// [`value`](Self::value) does.
    #[allow(
        dead_code,
        reason = "only generated objects with an `Option` field call it; a spec without one has none"
    )]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn option<'de, A: MapAccess<'de, Error = E>, T: DeserializeOwned>(
        &mut self,
        map: &mut A,
        index: u16,
        slot: &mut Option<T>,
    ) {
        self.read(map, index, OptionPlace(slot));
    }

    /// Reads a field's value with `place`, which writes it into the field (`true` for `null`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn read<'de, A, S>(&mut self, map: &mut A, index: u16, place: S)
    where
        A: MapAccess<'de, Error = E>,
        S: for<'x> DeserializeSeed<'x, Value = bool>,
    {
        self.state.start_field(index);
        if self.state.tolerant {
            self.tolerant(map, index, place);
            return;
        }
        match map.next_value_seed(place) {
            Ok(false) => {}
            Ok(true) => self.state.null(index),
            Err(error) => self.error = Some(error),
        }
    }

    /// A field's value in the tolerant pass: read as raw JSON, then decoded from it with the
    /// same code as in the strict pass (tolerantly too, so only its own type can fail to fit).
    /// `null`, and a value that does not fit, leave the field as it is, and are kept to be
    /// written back.
    #[cold]
    fn tolerant<'de, A, S>(&mut self, map: &mut A, index: u16, place: S)
    where
        A: MapAccess<'de, Error = E>,
        S: for<'x> DeserializeSeed<'x, Value = bool>,
    {
        let Some(raw) = self.raw(map, index) else {
            return;
        };
        let mark = self.state.mark();
        let mut deserializer = serde_json::Deserializer::from_slice(raw.get().as_bytes());
        if place.deserialize(&mut deserializer).is_err() {
            self.unfit(&raw, index, mark);
        }
    }

    /// A field's raw JSON; `None` for `null` (kept) or after an error (kept for `finish`).
    fn raw<'de, A: MapAccess<'de, Error = E>>(
        &mut self,
        map: &mut A,
        index: u16,
    ) -> Option<Box<RawValue>> {
        match map.next_value::<Box<RawValue>>() {
            Ok(raw) if raw.get() == "null" => {
                self.state.null(index);
                None
            }
            Ok(raw) => Some(raw),
            Err(error) => {
                self.error = Some(error);
                None
            }
        }
    }

    /// A value that does not fit its field: kept and recorded, or, when the document nests too
    /// deep, the error.
    fn unfit(&mut self, raw: &RawValue, index: u16, mark: usize) {
        if let Err(error) = self.state.unfit(raw, index, mark) {
            self.error = Some(E::custom(error));
        }
    }

    /// Reads a key that is not a field: custom data, or an unknown key (kept and recorded).
    pub(crate) fn unknown<'de, A: MapAccess<'de, Error = E>>(
        &mut self,
        map: &mut A,
        key: Key<'de>,
    ) {
        if self.state.tag == Some(key.as_str()) {
            if let Err(error) = map.next_value::<IgnoredAny>() {
                self.error = Some(error);
            }
            return;
        }
        match map.next_value::<Value>() {
            Ok(value) => self.state.keep_unknown(key.into_string(), value),
            Err(error) => self.error = Some(error),
        }
    }

    /// The custom data read (objects with custom data).
    #[allow(
        dead_code,
        reason = "only generated objects with custom data (users, channels, ...) call it; a spec without them has none"
    )]
    pub(crate) fn custom(&mut self) -> serde_json::Map<String, Value> {
        std::mem::take(&mut self.state.unknown)
    }

    /// Ends the object: the first error, or what it kept (see [`ObjectState::finish`]).
    pub(crate) fn finish(self) -> Result<WireState, E> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.state.finish()),
        }
    }
}

/// An [`ObjectReader`] with the map it reads: what an object's generated decoder drives. It
/// reads the keys itself, keeps those that are no field (custom data or unknown keys) and hands
/// the decoder only field indexes, so each field costs the generated code one short call.
pub(crate) struct FieldReader<'de, A: MapAccess<'de>> {
    reader: ObjectReader<A::Error>,
    map: A,
    /// The index of the field whose value is next.
    index: u16,
}

#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
impl<'de, A: MapAccess<'de>> FieldReader<'de, A> {
    /// Starts decoding an object with these fields from `map`, one level deeper.
    pub(crate) fn enter(map: A, fields: &'static Fields) -> Self {
        FieldReader {
            reader: ObjectReader::enter(fields),
            map,
            index: NO_FIELD,
        }
    }

    /// The index of the next field in the map; `None` at the end of the object or after an
    /// error. Keys that are no field are read and kept on the way. (Inlined in release
    /// builds, as the key reading and lookup it calls are: it runs once per key.)
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn next_field(&mut self) -> Option<u16> {
        loop {
            let key = self.reader.next_key(&mut self.map)?;
            match self.reader.field_index(&key) {
                NO_FIELD => self.reader.unknown(&mut self.map, key),
                index => {
                    self.index = index;
                    return Some(index);
                }
            }
        }
    }

    /// Reads the value of the field [`next_field`](Self::next_field) returned (of a plain
    /// type) into `slot`, as [`ObjectReader::value`] does.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn value<T: DeserializeOwned>(&mut self, slot: &mut T) {
        self.reader.value(&mut self.map, self.index, slot);
    }

    /// Reads the value of the field [`next_field`](Self::next_field) returned (an `Option`
    /// field) into `slot`, as [`ObjectReader::option`] does.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn option<T: DeserializeOwned>(&mut self, slot: &mut Option<T>) {
        self.reader.option(&mut self.map, self.index, slot);
    }

    /// Reads a date-time field's value into `slot`, as [`value`](Self::value) does, with the
    /// fast parser of [`Timestamp`].
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn date_time(&mut self, slot: &mut DateTime<Utc>) {
        let mut value = Timestamp(*slot);
        self.reader.value(&mut self.map, self.index, &mut value);
        *slot = value.0;
    }

    /// Reads an `Option` date-time field's value into `slot`, as [`option`](Self::option)
    /// does, with the fast parser of [`Timestamp`].
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn option_date_time(&mut self, slot: &mut Option<DateTime<Utc>>) {
        let mut value = slot.map(Timestamp);
        self.reader.option(&mut self.map, self.index, &mut value);
        *slot = value.map(|at| at.0);
    }

    /// The custom data read (objects with custom data).
    pub(crate) fn custom(&mut self) -> serde_json::Map<String, Value> {
        self.reader.custom()
    }

    /// Ends the object: the first error, or what it kept.
    pub(crate) fn finish(self) -> Result<WireState, A::Error> {
        self.reader.finish()
    }
}

impl ObjectState {
    /// Starts an object one level deeper; at depth 0 (not counted) when that is too deep.
    fn enter(fields: &'static Fields) -> ObjectState {
        CONTEXT.with(|context| {
            let mut depth = context.depth.get() + 1;
            if depth > MAX_NESTING {
                if !context.too_deep.replace(true) {
                    let at = path(context, depth - 1, false);
                    TOO_DEEP_AT.with(|path| *path.borrow_mut() = at);
                }
                depth = 0;
            } else {
                context.depth.set(depth);
                let level = depth as usize - 1;
                context.objects[level].set(Some(fields));
                context.fields[level].set(NO_FIELD);
            }
            ObjectState {
                fields,
                depth,
                tolerant: context.tolerant.get(),
                tag: if depth == 1 { context.tag.take() } else { None },
                seen: 0,
                seen_more: Vec::new(),
                required_read: 0,
                unknown: serde_json::Map::new(),
                kept: None,
                finished: false,
            }
        })
    }

    /// Marks the field at `index` read, and tells the thread's context which field this
    /// object reads if its value nests generated objects or enums (for the paths of their
    /// records).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn start_field(&mut self, index: u16) {
        let field = self.fields.field(index);
        let first = match 1u128.checked_shl(u32::from(index)) {
            Some(bit) => {
                let first = self.seen & bit == 0;
                self.seen |= bit;
                first
            }
            None if self.seen_more.contains(&index) => false,
            None => {
                self.seen_more.push(index);
                true
            }
        };
        if first && field.is_required() {
            self.required_read += 1;
        }
        if field.is_nested() {
            let level = self.depth as usize - 1;
            CONTEXT.with(|context| context.fields[level].set(index));
        }
    }

    fn was_read(&self, index: u16) -> bool {
        match 1u128.checked_shl(u32::from(index)) {
            Some(bit) => self.seen & bit != 0,
            None => self.seen_more.contains(&index),
        }
    }

    /// The number of records so far, to drop those of a failed decode.
    fn mark(&self) -> usize {
        CONTEXT.with(|context| context.pending.get())
    }

    /// A value that does not fit its field: kept as sent and recorded; an error only when the
    /// document nests too deep.
    #[cold]
    fn unfit(&mut self, raw: &RawValue, index: u16, mark: usize) -> Result<(), serde_json::Error> {
        let too_deep = CONTEXT.with(|context| {
            truncate_records(context, mark);
            context.too_deep.get()
        });
        if too_deep {
            return Err(de::Error::custom(format_args!(
                "objects nested more than {MAX_NESTING} deep"
            )));
        }
        let value: Value = serde_json::from_str(raw.get())?;
        let json_type = JsonType::of(&value);
        self.record(index, MismatchKind::WrongType, Some(json_type));
        self.kept().raw.push((index, value));
        Ok(())
    }

    /// Keeps a key that is not a field, recorded unless it is custom data.
    fn keep_unknown(&mut self, key: String, value: Value) {
        if !self.fields.custom {
            let mismatch = Mismatch::new(
                self.fields.schema,
                key.clone(),
                self.path_to(&key),
                MismatchKind::UnknownField,
            )
            .with_json_type(JsonType::of(&value));
            CONTEXT.with(|context| push_record(context, mismatch));
        }
        self.unknown.insert(key, value);
    }

    /// Ends the object: records the required fields that were absent, and returns what it
    /// kept; on the outermost object, with the records of the decode (each logged as a
    /// `tracing` event).
    fn finish(mut self) -> WireState {
        self.finished = true;
        if self.required_read < self.fields.required {
            for (index, field) in (0..).zip(self.fields.fields) {
                if field.is_required() && !self.was_read(index) {
                    self.record(index, MismatchKind::Missing, None);
                    self.kept().absent.push(index);
                }
            }
        }
        if !self.unknown.is_empty() {
            let unknown = std::mem::take(&mut self.unknown);
            self.kept().unknown = unknown;
        }
        if self.depth == 1 {
            let records =
                CONTEXT.with(|context| (context.pending.get() > 0).then(|| take_records(context)));
            if let Some(records) = records {
                for record in &records {
                    record.trace();
                }
                self.kept().mismatches = records;
            }
        }
        WireState(self.kept.take())
    }

    fn kept(&mut self) -> &mut Kept {
        self.kept
            .get_or_insert_with(|| Box::new(Kept::new(self.fields)))
    }

    /// A `null` for the field at `index`: kept, and recorded unless it is nullable.
    #[cold]
    fn null(&mut self, index: u16) {
        if !self.fields.field(index).is_nullable() {
            self.record(index, MismatchKind::Null, None);
        }
        self.kept().raw.push((index, Value::Null));
    }

    fn record(&mut self, index: u16, kind: MismatchKind, json_type: Option<JsonType>) {
        let name = self.fields.field(index).name;
        let mut mismatch = Mismatch::new(self.fields.schema, name, self.path_to(name), kind);
        if let Some(json_type) = json_type {
            mismatch = mismatch.with_json_type(json_type);
        }
        CONTEXT.with(|context| push_record(context, mismatch));
    }

    /// The path of this object's key `name`.
    fn path_to(&self, name: &str) -> String {
        let mut path = CONTEXT.with(|context| path(context, self.depth - 1, true));
        path.push('.');
        path.push_str(name);
        path
    }
}

impl Drop for ObjectState {
    fn drop(&mut self) {
        if self.depth == 0 {
            return; // Never entered: too deep.
        }
        CONTEXT.with(|context| {
            context.depth.set(self.depth - 1);
            if self.depth == 1 && !self.finished {
                // The outermost object failed: its records describe nothing the caller gets.
                let _ = take_records(context);
            }
        });
    }
}

/// A plain field's value, deserialized into its place (no `Option` to build and move); `null`
/// (for which the value is `true`) leaves the place as it is.
struct Place<'a, T>(&'a mut T);

/// An `Option` field's value, deserialized into its place; `null` (for which the value is
/// `true`) leaves `None`.
struct OptionPlace<'a, T>(&'a mut Option<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Place<'_, T> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: DeserializeOwned> de::Visitor<'de> for Place<'_, T> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<X: de::Error>(self) -> Result<bool, X> {
        Ok(true)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        *self.0 = T::deserialize(deserializer)?;
        Ok(false)
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for OptionPlace<'_, T> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: DeserializeOwned> de::Visitor<'de> for OptionPlace<'_, T> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<X: de::Error>(self) -> Result<bool, X> {
        *self.0 = None;
        Ok(true)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        *self.0 = Some(T::deserialize(deserializer)?);
        Ok(false)
    }
}

/// A document that does not decode even tolerantly.
#[derive(Debug)]
pub(crate) struct DecodeError {
    /// Where it failed, e.g. `message.quoted_message` or `channels[2]`; `.` for the document.
    pub(crate) path: String,
    pub(crate) source: serde_json::Error,
}

/// Events report the JSON error alone.
impl From<DecodeError> for serde_json::Error {
    fn from(error: DecodeError) -> Self {
        error.source
    }
}

/// Decodes `bytes` as `T` by the decoding rule (see the module docs); `tag` is a key of the
/// outermost object that is not one of its fields (an event's `type`).
pub(crate) fn from_slice<T: DeserializeOwned>(
    bytes: &[u8],
    tag: Option<&'static str>,
) -> Result<T, DecodeError> {
    decode_with(bytes, tag, PhantomData::<T>)
}

/// Decodes JSON text as `T` (a response, an event payload, any generated type) by the crate's
/// decoding rule, exactly as the client decodes responses (see the crate docs, "Decoding"):
/// fields absent, `null` or of the wrong type, unknown keys and unknown enum values do not fail,
/// and are recorded ([`WireObject::mismatches`](crate::WireObject::mismatches)).
///
/// `serde_json::from_slice` decodes generated types too, by the same rule but for one thing: a
/// value of the wrong type is an error there, since keeping it takes a second pass.
///
/// # Errors
///
/// When the text is not JSON, is not of the type's shape (an array for an object), or nests
/// objects too deep.
///
/// ```
/// use stream_chat_client::models::ChannelConfigWithInfo;
/// use stream_chat_client::WireObject as _;
///
/// let json = br#"{"name": "messaging", "max_message_length": "5000"}"#;
/// let config: ChannelConfigWithInfo = stream_chat_client::decode_json(json).unwrap();
/// assert_eq!(config.raw("max_message_length"), Some(&"5000".into()));
/// assert!(serde_json::from_slice::<ChannelConfigWithInfo>(json).is_err());
/// ```
pub fn decode_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, serde_json::Error> {
    Ok(from_slice(json, None)?)
}

/// [`from_slice`] with a seed.
///
/// Instantiated for every type decoded: what does not need the type is in [`Pass`].
fn decode_with<T, S>(bytes: &[u8], tag: Option<&'static str>, seed: S) -> Result<T, DecodeError>
where
    S: for<'de> DeserializeSeed<'de, Value = T> + Copy,
{
    let mut pass = Pass::Strict;
    loop {
        pass.begin(tag);
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let result = match seed.deserialize(&mut deserializer) {
            Ok(value) => deserializer.end().map(|()| value),
            Err(error) => Err(error),
        };
        pass.end();
        match result {
            Ok(value) => return Ok(value),
            Err(error) => pass = pass.after(error, bytes)?,
        }
    }
}

/// A pass of [`from_slice`] over a document.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Strict,
    Tolerant,
}

impl Pass {
    /// Sets the thread's context up for the pass.
    fn begin(self, tag: Option<&'static str>) {
        CONTEXT.with(|context| {
            context.tolerant.set(self == Pass::Tolerant);
            context.too_deep.set(false);
            context.tag.set(tag);
        });
    }

    /// Resets the thread's context (keeping whether the document got too deep).
    fn end(self) {
        CONTEXT.with(|context| {
            context.tolerant.set(false);
            context.tag.set(None);
        });
    }

    /// After the pass failed: the tolerant pass, when worth one (a strict pass that met a value
    /// of the wrong type: a data error), or the error, with where it failed.
    fn after(self, error: serde_json::Error, bytes: &[u8]) -> Result<Pass, DecodeError> {
        let too_deep = CONTEXT.with(|context| context.too_deep.replace(false));
        if self == Pass::Strict && error.is_data() && !too_deep {
            return Ok(Pass::Tolerant);
        }
        let path = if too_deep {
            TOO_DEEP_AT.with(|path| std::mem::take(&mut *path.borrow_mut()))
        } else {
            syntax_error_path(bytes)
        };
        Err(DecodeError {
            path,
            source: error,
        })
    }
}

/// Where a document stops being JSON (`.` when it is JSON): serde_path_to_error over a decode
/// that accepts any JSON (a `Value`), so a single instance serves every type.
fn syntax_error_path(bytes: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, Value>(&mut deserializer) {
        Err(error) => error.path().to_string(),
        Ok(_) => ".".to_owned(),
    }
}

// ---- events: what the generated `Event::from_slice` calls ----

/// Some top-level keys of a JSON text, read without building the rest (see [`top_level`]).
pub(crate) trait TopLevel: Default {
    /// Reads the value of `key` from `map` (skipping it, with `IgnoredAny`, if not wanted).
    fn entry<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Reads a JSON text's top-level keys into `T`; `T::default()` when the text is JSON but not an
/// object.
pub(crate) fn top_level<T: TopLevel>(json: &[u8]) -> Result<T, serde_json::Error> {
    struct Reader<T>(T);
    impl<'de, T: TopLevel> de::Deserialize<'de> for Reader<T> {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(Reader(T::default()))
        }
    }
    impl<'de, T: TopLevel> de::Visitor<'de> for Reader<T> {
        type Value = Reader<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self, A::Error> {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                self.0.entry(key.as_str(), &mut map)?;
            }
            Ok(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(self)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
            Ok(self)
        }
    }
    Ok(serde_json::from_slice::<Reader<T>>(json)?.0)
}

/// The text of a JSON string value.
pub(crate) fn string(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

/// The `type` of an event's JSON text: `None` when the text is not an object or its `type` is
/// not a string. Reads the text once without building it (the payload is decoded after).
pub(crate) fn event_type(json: &[u8]) -> Result<Option<String>, serde_json::Error> {
    #[derive(Default)]
    struct EventType(Option<String>);
    impl TopLevel for EventType {
        fn entry<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            if key == "type" {
                self.0 = string(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    Ok(top_level::<EventType>(json)?.0)
}

/// The event enum (the generated `Event`): decodes the payload of an event of a given type
/// from the entries of the event's object, whose `type` is the tag, not a key of the payload.
#[allow(
    dead_code,
    reason = "only the generated `Event` uses it; a spec without events (most test fixtures) has none"
)]
pub(crate) trait Events: Sized {
    /// The event of type `event_type` whose object `map` reads.
    fn payload<'de, A: MapAccess<'de>>(event_type: &str, map: A) -> Result<Self, A::Error>;
}

/// Decodes an event whose `type` is `event_type` (a string) from its JSON text by the decoding
/// rule: one root decoder for every event type, which hands the object's entries to the
/// payload's decoder.
#[allow(
    dead_code,
    reason = "only the generated `Event` uses it; a spec without events (most test fixtures) has none"
)]
pub(crate) fn event<T: Events>(json: &[u8], event_type: &str) -> Result<T, DecodeError> {
    decode_with(json, Some("type"), EventSeed(event_type, PhantomData))
}

#[allow(
    dead_code,
    reason = "only the generated `Event` uses it; a spec without events (most test fixtures) has none"
)]
struct EventSeed<'a, T>(&'a str, PhantomData<fn() -> T>);

impl<T> Clone for EventSeed<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for EventSeed<'_, T> {}

impl<'de, T: Events> DeserializeSeed<'de> for EventSeed<'_, T> {
    type Value = T;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Events> de::Visitor<'de> for EventSeed<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a `{}` event", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::payload(self.0, map)
    }
}

/// The payload of an event the spec documents no payload for: its keys but `type`.
#[allow(
    dead_code,
    reason = "only generated events without a payload schema call it; a spec or build without such events has none"
)]
pub(crate) fn untyped_payload<'de, A: MapAccess<'de>>(
    mut map: A,
) -> Result<serde_json::Map<String, Value>, A::Error> {
    let mut object = serde_json::Map::new();
    while let Some((key, value)) = map.next_entry::<String, Value>()? {
        if key != "type" {
            object.insert(key, value);
        }
    }
    Ok(object)
}

/// An event of a type the spec does not list (or whose area is not compiled), kept as JSON
/// (with its `type`); the type is logged as unknown.
#[allow(
    dead_code,
    reason = "the generated `Event` calls it only when the custom-event schema is not compiled (this crate without feature `users`, a spec without one)"
)]
pub(crate) fn unknown_payload<'de, A: MapAccess<'de>>(
    event_type: &str,
    mut map: A,
) -> Result<Value, A::Error> {
    let mut object = serde_json::Map::new();
    while let Some((key, value)) = map.next_entry::<String, Value>()? {
        object.insert(key, value);
    }
    Mismatch::unknown_event_type(event_type).trace();
    Ok(Value::Object(object))
}

/// Records (and logs) an event type the spec does not list, on its payload.
#[allow(
    dead_code,
    reason = "the generated `Event` calls it only when the custom-event schema is compiled (feature `users` in this crate); other builds and specs have none"
)]
pub(crate) fn unknown_event_type(state: &mut WireState, event_type: &str) {
    let mismatch = Mismatch::unknown_event_type(event_type);
    mismatch.trace();
    state.push_mismatch(mismatch);
}

/// An event kept as JSON because it is not an object or has no string `type`; logged as an
/// unknown event type.
pub(crate) fn unknown_event(json: &[u8]) -> Result<Value, serde_json::Error> {
    let value: Value = serde_json::from_slice(json)?;
    Mismatch::unknown_event_type("").trace();
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_is_clean_after_every_decode() {
        for bytes in [&b"{}"[..], b"[1]", b"{", b"not json"] {
            let _ = from_slice::<Value>(bytes, Some("type"));
            CONTEXT.with(|context| {
                assert_eq!(context.depth.get(), 0);
                assert_eq!(context.pending.get(), 0);
                assert!(!context.tolerant.get());
                assert_eq!(context.tag.get(), None);
            });
        }
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let error = from_slice::<Value>(br#"{"a": {"b": [1, 2, }"#, None).unwrap_err();
        assert_eq!(error.path, "a.b[2]");
        assert!(error.source.is_syntax());
        let error = from_slice::<Value>(b"{} trailing", None).unwrap_err();
        assert_eq!(error.path, ".");
    }
}
