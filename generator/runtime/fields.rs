//! The fields of generated structs: how `object_impls!` (in `macros.rs`) reads and writes
//! them, one helper call per field, with the properties no field names kept.

use crate::values::Key;

/// The fields of a generated struct, written into and read from a map that a union around it
/// shares (the union writes its tag beside them).
pub(crate) trait Object: Sized {
    /// Writes every field and every unknown property, except the property `skip`.
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M, skip: Option<&str>) -> Result<(), M::Error>;

    /// Decodes from a JSON object, ignoring the property `skip` (a tag its union has read).
    fn read_object<'de, D: serde::Deserializer<'de>>(deserializer: D, skip: Option<&'static str>) -> Result<Self, D::Error>;
}

impl<T: Object> Object for Box<T> {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M, skip: Option<&str>) -> Result<(), M::Error> {
        T::write_fields(self, map, skip)
    }

    fn read_object<'de, D: serde::Deserializer<'de>>(deserializer: D, skip: Option<&'static str>) -> Result<Self, D::Error> {
        T::read_object(deserializer, skip).map(Box::new)
    }
}

/// Whether an optional field is absent (and so not written).
pub(crate) trait Absent {
    /// `true` when the field holds nothing to write.
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for crate::Nullable<T> {
    fn is_absent(&self) -> bool {
        self.is_missing()
    }
}

/// Writes the fields of a struct into a map: one chained call per field and no `?` (less for
/// the compiler to check in each struct's impl); the first error stops the writing and is
/// what [`Fields::end`] returns.
pub(crate) struct Fields<'a, M: serde::ser::SerializeMap> {
    map: &'a mut M,
    /// A property not to write (a union's tag, which the union writes).
    skip: Option<&'a str>,
    error: Option<M::Error>,
}

impl<'a, M: serde::ser::SerializeMap> Fields<'a, M> {
    pub(crate) fn new(map: &'a mut M, skip: Option<&'a str>) -> Self {
        Fields {
            map,
            skip,
            error: None,
        }
    }

    /// Writes the required field `key` (unless it is the skipped one).
    #[inline]
    pub(crate) fn required<T: serde::Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if self.error.is_none() && self.skip != Some(key) {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
        self
    }

    /// Writes the optional field `key` unless it is absent (or the skipped one).
    #[inline]
    pub(crate) fn optional<T: serde::Serialize + Absent>(self, key: &'static str, value: &T) -> Self {
        if value.is_absent() {
            self
        } else {
            self.required(key, value)
        }
    }

    /// The first error, or the other properties written after the fields.
    pub(crate) fn end(self, additional: &impl Additional) -> Result<(), M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => additional.write_all(self.map, self.skip),
        }
    }
}

/// Reads the value of the field `key` into `slot`; an error if it was already read.
#[inline]
pub(crate) fn read_field<'de, A: serde::de::MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value read for the required field `key`, or what [`missing`] makes of its absence.
#[inline]
pub(crate) fn required_field<'de, T: serde::Deserialize<'de>, E: serde::de::Error>(
    slot: Option<T>,
    key: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => missing(key),
    }
}

/// The properties of a struct that its fields do not name: a JSON object, or a map of the
/// spec's `additionalProperties` type.
pub(crate) trait Additional {
    /// Reads the value of the property `key` (ignored when it is `skip`, a tag a union has
    /// read).
    fn read_one<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: Key<'de>,
        skip: Option<&'static str>,
    ) -> Result<(), A::Error>;

    /// Writes every property except `skip`.
    fn write_all<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
        skip: Option<&str>,
    ) -> Result<(), M::Error>;
}

/// `Additional` for a map type whose keys are `String`s: both impls read and write alike.
macro_rules! additional_map {
    (impl $([$($generics:tt)*])? for $map:ty) => {
        impl $(<$($generics)*>)? Additional for $map {
            #[inline]
            fn read_one<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                map: &mut A,
                key: Key<'de>,
                skip: Option<&'static str>,
            ) -> Result<(), A::Error> {
                if let Some(value) = read_entry(map, &key, skip)? {
                    self.insert(key.into_string(), value);
                }
                Ok(())
            }

            fn write_all<M: serde::ser::SerializeMap>(
                &self,
                map: &mut M,
                skip: Option<&str>,
            ) -> Result<(), M::Error> {
                write_entries(self.iter(), map, skip)
            }
        }
    };
}

additional_map!(impl for serde_json::Map<String, serde_json::Value>);
additional_map!(impl [V: serde::Serialize + for<'de> serde::Deserialize<'de>] for std::collections::BTreeMap<String, V>);

/// The value of the property `key`, or `None` (its value skipped) when it is `skip`.
#[inline]
fn read_entry<'de, A: serde::de::MapAccess<'de>, V: serde::Deserialize<'de>>(
    map: &mut A,
    key: &Key<'de>,
    skip: Option<&'static str>,
) -> Result<Option<V>, A::Error> {
    if Some(key.as_str()) == skip {
        map.next_value::<serde::de::IgnoredAny>()?;
        Ok(None)
    } else {
        map.next_value().map(Some)
    }
}

/// Writes the entries of a map of properties, except `skip`.
fn write_entries<'a, V: serde::Serialize + 'a, M: serde::ser::SerializeMap>(
    entries: impl Iterator<Item = (&'a String, &'a V)>,
    map: &mut M,
    skip: Option<&str>,
) -> Result<(), M::Error> {
    for (key, value) in entries {
        if skip != Some(key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

/// The value of a required field that is absent: `None` for an `Option`, otherwise the
/// error naming the field (as serde's derive does).
pub(crate) fn missing<'de, T: serde::Deserialize<'de>, E: serde::de::Error>(key: &'static str) -> Result<T, E> {
    struct Missing<E>(&'static str, std::marker::PhantomData<E>);
    impl<'de, E: serde::de::Error> serde::Deserializer<'de> for Missing<E> {
        type Error = E;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
            Err(E::missing_field(self.0))
        }
        fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
            visitor.visit_none()
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
            ignored_any
        }
    }
    T::deserialize(Missing(key, std::marker::PhantomData))
}

