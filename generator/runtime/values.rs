//! How generated types are read and written: the helpers behind the `*_impls!` macros of
//! `macros.rs` (unknown fields kept, tags read from the raw text, the path of a failure kept),
//! and query-string values.

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

/// The rest of the object a map is reading, added to `object` (whose entries were taken
/// already): an object of a kind this client does not know, kept whole.
pub(crate) fn rest_into<'de, A: serde::de::MapAccess<'de>>(
    mut map: A,
    mut object: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Value, A::Error> {
    while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
        object.insert(key, value);
    }
    Ok(serde_json::Value::Object(object))
}

/// [`rest_into`] an object that starts with `key: first`.
pub(crate) fn rest_of_object<'de, A: serde::de::MapAccess<'de>>(
    map: A,
    key: String,
    first: serde_json::Value,
) -> Result<serde_json::Value, A::Error> {
    let mut object = serde_json::Map::new();
    object.insert(key, first);
    rest_into(map, object)
}

/// The tag to write for a variant whose struct keeps its tag field: the field's value when it
/// is one of the variant's `values`, else the first of them.
pub(crate) fn tag_in<T: serde::Serialize>(field: &T, values: &[&'static str]) -> &'static str {
    let held = match serde_json::to_value(field) {
        Ok(serde_json::Value::String(text)) => Some(text),
        _ => None,
    };
    values
        .iter()
        .find(|value| held.as_deref() == Some(**value))
        .or(values.first())
        .copied()
        .unwrap_or_default()
}

/// JSON in `Debug` output, with the values of the properties named in `.1` hidden.
pub(crate) struct Redacted<'a>(pub(crate) &'a serde_json::Value, pub(crate) &'a [&'a str]);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            serde_json::Value::Object(map) => {
                let mut out = f.debug_map();
                for (key, value) in map {
                    if self.1.contains(&key.as_str()) {
                        out.entry(key, &"<redacted>");
                    } else {
                        out.entry(key, &Redacted(value, self.1));
                    }
                }
                out.finish()
            }
            serde_json::Value::Array(items) => f
                .debug_list()
                .entries(items.iter().map(|item| Redacted(item, self.1)))
                .finish(),
            other => write!(f, "{other}"),
        }
    }
}

/// Reads the string value of the top-level property `tag` of a JSON object, skipping the
/// rest without building anything.
pub(crate) fn read_tag<E: serde::de::Error>(raw: &str, tag: &'static str) -> Result<Option<String>, E> {
    struct Tag(&'static str);
    impl<'de> serde::de::DeserializeSeed<'de> for Tag {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Tag {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if key.as_str() == self.0 && found.is_none() {
                    // A tag that is not a string names no variant: the object is kept whole.
                    found = Some(match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    });
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    serde::de::DeserializeSeed::deserialize(Tag(tag), &mut deserializer).map_err(E::custom)
}

/// Decodes a value from JSON text held by a union, keeping the path of a failure inside it
/// in the message. The path is only tracked once a plain decode has failed.
pub(crate) fn from_raw<T: serde::de::DeserializeOwned, E: serde::de::Error>(raw: &str) -> Result<T, E> {
    if let Ok(value) = serde_json::from_str(raw) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            E::custom(error.into_inner())
        } else {
            E::custom(format_args!("{path}: {}", error.into_inner()))
        }
    })
}

/// Decodes a generated struct from JSON text held by a union, ignoring the property `skip`,
/// with the path of a failure inside it in the message (tracked only once a plain decode has
/// failed).
pub(crate) fn object_from_raw<T: Object, E: serde::de::Error>(raw: &str, skip: Option<&'static str>) -> Result<T, E> {
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    if let Ok(value) = T::read_object(&mut deserializer, skip) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    let mut track = serde_path_to_error::Track::new();
    let result = T::read_object(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track), skip);
    result.map_err(|error| {
        let path = track.path().to_string();
        if path == "." {
            E::custom(error)
        } else {
            E::custom(format_args!("{path}: {error}"))
        }
    })
}

/// The value of an optional field that a conversion needs (a request requires what the
/// fetched value may leave out); an error naming the field when it is absent.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> crate::Result<T> {
    value.ok_or_else(|| {
        crate::Error::InvalidRequest(format!(
            "`{field}` is required, and the value it comes from does not have it; set it first"
        ))
    })
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

/// A map key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Visits a string without allocating and maps it with `F`.
pub(crate) struct StrVisitor<F>(F);

impl<F> StrVisitor<F> {
    pub(crate) fn new(f: F) -> Self {
        StrVisitor(f)
    }
}

impl<T, F: FnOnce(&str) -> T> serde::de::Visitor<'_> for StrVisitor<F> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// A query parameter value as sent: strings as they are, anything else as its JSON text.
pub(crate) fn query_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The text of a form field: a scalar as [`query_value`] writes it, each item of a list as
/// one value (the field repeated), anything else as its JSON text.
#[allow(dead_code)] // used by the generated methods with form bodies
pub(crate) fn field_texts<T: serde::Serialize + ?Sized>(value: &T) -> Vec<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(query_value).collect(),
        Ok(serde_json::Value::String(text)) => vec![text],
        Ok(other) => vec![other.to_string()],
        Err(_) => Vec::new(),
    }
}

/// Repeated query parameters (`?id=a&id=b`).
#[allow(dead_code)] // used by the generated methods with array query parameters
pub(crate) trait QueryAll: Sized {
    /// Append `name=value` for every value.
    fn query_all<I: IntoIterator<Item = String>>(self, name: &'static str, values: I) -> Self;
}

impl<T> QueryAll for crate::Call<T> {
    fn query_all<I: IntoIterator<Item = String>>(mut self, name: &'static str, values: I) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }
}

/// `Ok` when `value` is of one of the JSON `kinds` (`"null"`, `"boolean"`, `"integer"`,
/// `"number"` (which takes integers too), `"string"`, `"array"`, `"object"`; none listed: any).
pub(crate) fn of_kinds<E: serde::de::Error>(value: &serde_json::Value, kinds: &[&str]) -> Result<(), E> {
    use serde_json::Value;
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let accepted = kinds.is_empty() || kinds.contains(&kind) || (kind == "integer" && kinds.contains(&"number"));
    if accepted {
        return Ok(());
    }
    let article = |word: &str| if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    let expected: Vec<String> = kinds.iter().map(|k| format!("{} {k}", article(k))).collect();
    Err(E::custom(format!("{} {kind} where {} is expected", article(kind), expected.join(" or "))))
}
