//! Whether a value writes a given key when serialized, without serializing it: how
//! [`WireObject::is_absent`](crate::WireObject::is_absent) asks a generated object about one
//! of its fields. Depends on no other module of the crate.

use std::fmt;

use serde::ser::{self, Serialize, SerializeMap, Serializer};

/// True when `value` writes a map key `name` when serialized: a serializer that reads only the
/// keys of the outermost map, so it costs one comparison per key and never visits the values.
pub(crate) fn writes_key<T: Serialize + ?Sized>(value: &T, name: &str) -> bool {
    matches!(value.serialize(KeyProbe(name)), Err(Probe::Found))
}

/// The serializer of [`writes_key`].
struct KeyProbe<'a>(&'a str);

/// Why [`KeyProbe`] stopped: it found the key, or the value is not a map.
#[derive(Debug)]
enum Probe {
    Found,
    Other,
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("key probe")
    }
}

impl std::error::Error for Probe {}

impl ser::Error for Probe {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Probe::Other
    }
}

/// The entries of the probed map: compares each key, skips each value.
struct ProbeMap<'a>(&'a str);

impl SerializeMap for ProbeMap<'_> {
    type Ok = ();
    type Error = Probe;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Probe> {
        match key.serialize(KeyText) {
            Ok(text) if text == self.0 => Err(Probe::Found),
            _ => Ok(()),
        }
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Probe> {
        Ok(())
    }

    fn end(self) -> Result<(), Probe> {
        Ok(())
    }
}

/// Turns a map key into its text (keys of generated objects are strings).
struct KeyText;

macro_rules! refuse {
    ($ok:ty; $($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, Probe> { Err(Probe::Other) })*
    };
}

macro_rules! refuse_compounds {
    ($ok:ty) => {
        type SerializeSeq = ser::Impossible<$ok, Probe>;
        type SerializeTuple = ser::Impossible<$ok, Probe>;
        type SerializeTupleStruct = ser::Impossible<$ok, Probe>;
        type SerializeTupleVariant = ser::Impossible<$ok, Probe>;
        type SerializeStruct = ser::Impossible<$ok, Probe>;
        type SerializeStructVariant = ser::Impossible<$ok, Probe>;

        refuse!($ok;
            serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
            serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
            serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
            serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
            serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str),
        );

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Probe> {
            Err(Probe::Other)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Probe> {
            Err(Probe::Other)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Probe> {
            Err(Probe::Other)
        }
    };
}

impl<'a> Serializer for KeyProbe<'a> {
    type Ok = ();
    type Error = Probe;
    type SerializeMap = ProbeMap<'a>;
    refuse_compounds!(());
    refuse!((); serialize_str(&str));

    fn serialize_map(self, _: Option<usize>) -> Result<ProbeMap<'a>, Probe> {
        Ok(ProbeMap(self.0))
    }
}

impl Serializer for KeyText {
    type Ok = String;
    type Error = Probe;
    type SerializeMap = ser::Impossible<String, Probe>;
    refuse_compounds!(String);

    fn serialize_str(self, text: &str) -> Result<String, Probe> {
        Ok(text.to_owned())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Probe> {
        Err(Probe::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::writes_key;
    use serde_json::json;

    #[test]
    fn the_key_probe_reads_only_top_level_keys() {
        let value = json!({"a": 1, "b": {"c": 2}});
        assert!(writes_key(&value, "a"));
        assert!(writes_key(&value, "b"));
        assert!(!writes_key(&value, "c"));
        assert!(!writes_key(&json!([1]), "a"));
        assert!(!writes_key(&json!("a"), "a"));
    }
}
