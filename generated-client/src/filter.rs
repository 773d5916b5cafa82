//! Typed query filters: Stream's MongoDB-style filter objects, checked by the compiler.
//!
//! Each query with a documented filter has a generated marker type (for example
//! [`QueryChannelsFilter`](crate::models::QueryChannelsFilter)) with one function per field the
//! API accepts. A field offers only the operators the API accepts on it, and takes only values
//! of its type:
//!
//! ```
//! use stream_chat_client::models::QueryChannelsFilter as F;
//!
//! let filter = F::type_().eq("messaging") & F::members().in_(["alice", "bob"]);
//! assert_eq!(
//!     serde_json::to_string(&filter).unwrap(),
//!     r#"{"$and":[{"type":{"$eq":"messaging"}},{"members":{"$in":["alice","bob"]}}]}"#
//! );
//! ```
//!
//! `F::member_count().autocomplete("x")` (no `$autocomplete` on that field) or
//! `F::frozen().eq("yes")` (a bool field) do not compile. Custom data stays reachable through
//! the query's `custom(name)` field (when the API filters on custom data) and, for anything
//! else, through [`Filter::raw`].
//!
//! A filter serializes to exactly the JSON the API expects: every condition as
//! `{"field": {"$op": value}}`, combinations as `{"$and": [...]}`, `{"$or": [...]}` and
//! `{"$nor": [...]}`, and [`Filter::all`] as `{}`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A filter of the query `Q` (a generated marker type such as `QueryUsersFilter`): a JSON
/// object in Stream's query language.
///
/// Built from the marker's fields, combined with [`and`](Filter::and) (`&`),
/// [`or`](Filter::or) (`|`) and [`nor`](Filter::nor); [`Filter::raw`] takes any JSON object.
/// Decoding accepts any JSON object, so a filter read back (say, from a predefined filter)
/// keeps every key.
pub struct Filter<Q> {
    map: Map<String, Value>,
    query: PhantomData<fn() -> Q>,
}

impl<Q> Filter<Q> {
    /// The empty filter `{}`: matches everything.
    pub fn all() -> Self {
        Self::raw(Map::new())
    }

    /// A filter written as raw JSON: the escape hatch for conditions the typed fields do not
    /// cover. The object is sent as it is.
    pub fn raw(map: Map<String, Value>) -> Self {
        Self {
            map,
            query: PhantomData,
        }
    }

    /// The JSON object the filter sends.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The JSON object the filter sends, by value.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// True for [`Filter::all`] (`{}`).
    pub fn is_all(&self) -> bool {
        self.map.is_empty()
    }

    /// Both filters: `{"$and": [self, other]}`. An `$and` on the left is extended rather than
    /// nested, and [`Filter::all`] on either side leaves the other one.
    pub fn and(self, other: Self) -> Self {
        self.join("$and", other)
    }

    /// Either filter: `{"$or": [self, other]}`. An `$or` on the left is extended rather than
    /// nested; [`Filter::all`] on either side gives [`Filter::all`].
    pub fn or(self, other: Self) -> Self {
        if self.is_all() || other.is_all() {
            return Self::all();
        }
        self.join("$or", other)
    }

    /// Neither filter: `{"$nor": [self, other]}` (never flattened, as `$nor` does not nest
    /// associatively).
    pub fn nor(self, other: Self) -> Self {
        Self::nor_all([self, other])
    }

    /// All of `filters`: `{"$and": [...]}`; [`Filter::all`] when there are none.
    pub fn and_all(filters: impl IntoIterator<Item = Self>) -> Self {
        filters.into_iter().fold(Self::all(), Self::and)
    }

    /// Any of `filters`: `{"$or": [...]}`, always written out (an empty list matches nothing).
    pub fn or_any(filters: impl IntoIterator<Item = Self>) -> Self {
        Self::combine("$or", filters)
    }

    /// None of `filters`: `{"$nor": [...]}`.
    pub fn nor_all(filters: impl IntoIterator<Item = Self>) -> Self {
        Self::combine("$nor", filters)
    }

    fn combine(operator: &str, filters: impl IntoIterator<Item = Self>) -> Self {
        let list = filters.into_iter().map(|f| Value::Object(f.map)).collect();
        Self::raw(Map::from_iter([(operator.to_owned(), Value::Array(list))]))
    }

    fn join(mut self, operator: &str, other: Self) -> Self {
        if other.is_all() {
            return self;
        }
        if self.is_all() {
            return other;
        }
        if self.map.len() == 1 {
            if let Some(Value::Array(list)) = self.map.get_mut(operator) {
                list.push(Value::Object(other.map));
                return self;
            }
        }
        Self::combine(operator, [self, other])
    }
}

impl<Q> Default for Filter<Q> {
    fn default() -> Self {
        Self::all()
    }
}

impl<Q> Clone for Filter<Q> {
    fn clone(&self) -> Self {
        Self::raw(self.map.clone())
    }
}

impl<Q> PartialEq for Filter<Q> {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl<Q> fmt::Debug for Filter<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Filter").field(&self.map).finish()
    }
}

impl<Q> std::ops::BitAnd for Filter<Q> {
    type Output = Self;
    /// [`Filter::and`].
    fn bitand(self, other: Self) -> Self {
        self.and(other)
    }
}

impl<Q> std::ops::BitOr for Filter<Q> {
    type Output = Self;
    /// [`Filter::or`].
    fn bitor(self, other: Self) -> Self {
        self.or(other)
    }
}

impl<Q> From<Filter<Q>> for Value {
    fn from(filter: Filter<Q>) -> Value {
        Value::Object(filter.map)
    }
}

impl<Q> Serialize for Filter<Q> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de, Q> Deserialize<'de> for Filter<Q> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::raw)
    }
}

/// A field of a query's filter, described by a generated marker type.
pub trait FilterField {
    /// The query's marker type (`QueryUsersFilter`).
    type Query;
    /// What the field's values are: [`value::Text`], [`value::Bool`], [`value::Time`],
    /// [`value::Number`] or [`value::Json`].
    type Kind;
    /// The field's name on the wire; empty for custom data, whose name is given at run time.
    const NAME: &'static str;
}

/// A field of the filter of a query, with the operators the API accepts on it.
///
/// Made by the generated marker types (`QueryUsersFilter::id()`); each operator method
/// returns a [`Filter`] of the query.
pub struct Field<F> {
    name: Cow<'static, str>,
    field: PhantomData<fn() -> F>,
}

impl<F: FilterField> Field<F> {
    /// The documented field `F`.
    #[allow(
        dead_code,
        reason = "only generated filters call it; a spec or build without filters has none"
    )]
    pub(crate) fn documented() -> Self {
        Self {
            name: Cow::Borrowed(F::NAME),
            field: PhantomData,
        }
    }

    /// A custom-data field named `name`, with the operators `F` allows.
    #[allow(
        dead_code,
        reason = "only generated filters call it; a spec or build without filters has none"
    )]
    pub(crate) fn named(name: impl Into<Cow<'static, str>>) -> Self {
        Self {
            name: name.into(),
            field: PhantomData,
        }
    }

    /// The field's name on the wire.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn condition(self, operator: &str, value: Value) -> Filter<F::Query> {
        let condition = Map::from_iter([(operator.to_owned(), value)]);
        Filter::raw(Map::from_iter([(
            self.name.into_owned(),
            Value::Object(condition),
        )]))
    }

    fn list<V: FilterValue<F::Kind>>(values: impl IntoIterator<Item = V>) -> Value {
        Value::Array(values.into_iter().map(FilterValue::into_value).collect())
    }

    /// `{"field": {"$eq": value}}`: equal to `value`.
    pub fn eq(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Eq,
    {
        self.condition("$eq", value.into_value())
    }

    /// `{"field": {"$ne": value}}`: not equal to `value`.
    pub fn ne(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Ne,
    {
        self.condition("$ne", value.into_value())
    }

    /// `{"field": {"$in": [values]}}`: equal to one of `values`.
    pub fn in_<V: FilterValue<F::Kind>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Filter<F::Query>
    where
        F: ops::In,
    {
        self.condition("$in", Self::list(values))
    }

    /// `{"field": {"$nin": [values]}}`: equal to none of `values`.
    pub fn nin<V: FilterValue<F::Kind>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Filter<F::Query>
    where
        F: ops::Nin,
    {
        self.condition("$nin", Self::list(values))
    }

    /// `{"field": {"$gt": value}}`: greater than `value`.
    pub fn gt(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Gt,
    {
        self.condition("$gt", value.into_value())
    }

    /// `{"field": {"$gte": value}}`: greater than or equal to `value`.
    pub fn gte(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Gte,
    {
        self.condition("$gte", value.into_value())
    }

    /// `{"field": {"$lt": value}}`: less than `value`.
    pub fn lt(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Lt,
    {
        self.condition("$lt", value.into_value())
    }

    /// `{"field": {"$lte": value}}`: less than or equal to `value`.
    pub fn lte(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Lte,
    {
        self.condition("$lte", value.into_value())
    }

    /// `{"field": {"$exists": exists}}`: the field is set (or not).
    pub fn exists(self, exists: bool) -> Filter<F::Query>
    where
        F: ops::Exists,
    {
        self.condition("$exists", Value::Bool(exists))
    }

    /// `{"field": {"$autocomplete": prefix}}`: a word of the field starts with `prefix`.
    pub fn autocomplete(self, prefix: impl Into<String>) -> Filter<F::Query>
    where
        F: ops::Autocomplete,
    {
        self.condition("$autocomplete", Value::String(prefix.into()))
    }

    /// `{"field": {"$q": text}}`: full-text search for `text`.
    pub fn q(self, text: impl Into<String>) -> Filter<F::Query>
    where
        F: ops::Q,
    {
        self.condition("$q", Value::String(text.into()))
    }

    /// `{"field": {"$contains": value}}`: the field (a list) contains `value`.
    pub fn contains(self, value: impl FilterValue<F::Kind>) -> Filter<F::Query>
    where
        F: ops::Contains,
    {
        self.condition("$contains", value.into_value())
    }
}

impl<F> Clone for Field<F> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            field: PhantomData,
        }
    }
}

impl<F> fmt::Debug for Field<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Field").field(&self.name).finish()
    }
}

/// The kinds of values a filter field takes (the `K` of [`FilterValue<K>`]).
pub mod value {
    /// Strings: `&str`, `String`, `&String`, `Cow<str>`.
    #[derive(Debug)]
    pub enum Text {}
    /// `bool`.
    #[derive(Debug)]
    pub enum Bool {}
    /// Date-times: `chrono::DateTime<Utc>` (sent as RFC 3339).
    #[derive(Debug)]
    pub enum Time {}
    /// Numbers: the integer and floating-point types.
    #[derive(Debug)]
    pub enum Number {}
    /// Custom data: any JSON value (anything `Into<serde_json::Value>`).
    #[derive(Debug)]
    pub enum Json {}
}

/// A value that a filter field of kind `K` accepts.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value this filter field takes",
    label = "this field takes values of kind `{K}`",
    note = "the kinds: `Text` (strings), `Bool`, `Time` (`chrono::DateTime<Utc>`), `Number`, `Json` (custom data)"
)]
pub trait FilterValue<K> {
    /// The value as JSON.
    fn into_value(self) -> Value;
}

macro_rules! filter_values {
    ($kind:ty => $($ty:ty),*) => {$(
        impl FilterValue<$kind> for $ty {
            fn into_value(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}

filter_values!(value::Text => &str, String, Cow<'_, str>);
filter_values!(value::Bool => bool);
filter_values!(value::Number => i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);

impl FilterValue<value::Text> for &String {
    fn into_value(self) -> Value {
        Value::String(self.clone())
    }
}

impl FilterValue<value::Time> for chrono::DateTime<chrono::Utc> {
    fn into_value(self) -> Value {
        // As chrono's serde writes it, like every date-time the client sends.
        Value::String(self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl<T: Into<Value>> FilterValue<value::Json> for T {
    fn into_value(self) -> Value {
        self.into()
    }
}

/// The operators, one marker trait each: a generated field type implements those the API
/// accepts on the field, and [`Field`]'s method for any other one does not compile.
pub mod ops {
    // `diagnostic::on_unimplemented` takes only string literals (no `concat!`), so the
    // traits are written out.

    /// The field accepts `$eq`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$eq`",
        label = "`$eq` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Eq {}

    /// The field accepts `$ne`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$ne`",
        label = "`$ne` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Ne {}

    /// The field accepts `$in`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$in`",
        label = "`$in` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait In {}

    /// The field accepts `$nin`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$nin`",
        label = "`$nin` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Nin {}

    /// The field accepts `$gt`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$gt`",
        label = "`$gt` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Gt {}

    /// The field accepts `$gte`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$gte`",
        label = "`$gte` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Gte {}

    /// The field accepts `$lt`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$lt`",
        label = "`$lt` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Lt {}

    /// The field accepts `$lte`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$lte`",
        label = "`$lte` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Lte {}

    /// The field accepts `$exists`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$exists`",
        label = "`$exists` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Exists {}

    /// The field accepts `$autocomplete`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$autocomplete`",
        label = "`$autocomplete` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Autocomplete {}

    /// The field accepts `$q`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$q`",
        label = "`$q` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Q {}

    /// The field accepts `$contains`.
    #[diagnostic::on_unimplemented(
        message = "the filter field `{Self}` does not accept `$contains`",
        label = "`$contains` is not allowed on this field",
        note = "the field's documentation lists the operators the API accepts on it"
    )]
    pub trait Contains {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    enum Query {}
    enum Name {}
    impl FilterField for Name {
        type Query = Query;
        type Kind = value::Text;
        const NAME: &'static str = "name";
    }
    impl ops::Eq for Name {}
    impl ops::In for Name {}

    fn name() -> Field<Name> {
        Field::documented()
    }

    fn json(filter: Filter<Query>) -> Value {
        filter.into()
    }

    #[test]
    fn combinators_flatten_only_where_it_keeps_the_meaning() {
        let a = || name().eq("a");
        let b = || name().in_(["b", "c"]);
        assert_eq!(json(Filter::all()), json!({}));
        assert_eq!(json(a() & Filter::all()), json!({"name": {"$eq": "a"}}));
        assert_eq!(
            json(a() & b() & a()),
            json!({"$and": [{"name": {"$eq": "a"}}, {"name": {"$in": ["b", "c"]}}, {"name": {"$eq": "a"}}]})
        );
        assert_eq!(
            json(a() | b()),
            json!({"$or": [{"name": {"$eq": "a"}}, {"name": {"$in": ["b", "c"]}}]})
        );
        assert_eq!(json(a() | Filter::all()), json!({}));
        assert_eq!(
            json(a().nor(b()).nor(a())),
            json!({"$nor": [{"$nor": [{"name": {"$eq": "a"}}, {"name": {"$in": ["b", "c"]}}]}, {"name": {"$eq": "a"}}]})
        );
        assert_eq!(json(Filter::or_any([])), json!({"$or": []}));
        assert_eq!(json(Filter::and_all([])), json!({}));
    }

    #[test]
    fn decoding_keeps_any_object_and_refuses_the_rest() {
        let text = r#"{"b":{"$weird":[1]},"a":1}"#;
        let filter: Filter<Query> = serde_json::from_str(text).unwrap();
        assert_eq!(filter.as_map().len(), 2);
        assert!(serde_json::from_str::<Filter<Query>>("[1]").is_err());
    }
}
