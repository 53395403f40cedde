//! Macros that give generated enums and unions their serde impls, so the generated types
//! stay short and every one behaves the same way.

/// A string enum that keeps values it does not know in `Unknown`, so a value the API adds
/// tomorrow still decodes today and is written back unchanged.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the client does not know; kept as received.
            Unknown(String),
        }

        impl $name {
            /// The value as it appears in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                deserializer.deserialize_str($crate::macros::StrVisitor::new(|value: &str| Self::from(value)))
            }
        }
    };
}

/// A union whose variants are objects with one distinct key each (`{"email": {...}}`).
/// An unknown key is kept in `Unknown` as the whole object.
macro_rules! external_union {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident($ty:ty) = $key:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $($(#[$vmeta])* $variant($ty),)*
            /// A kind this version of the client does not know; the whole object, as received.
            Unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap;
                match self {
                    $(Self::$variant(value) => {
                        let mut map = serializer.serialize_map(Some(1))?;
                        map.serialize_entry($key, value)?;
                        map.end()
                    })*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object with one key (", stringify!($name), ")"))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<$name, __A::Error> {
                        let Some(key) = map.next_key::<$crate::macros::Key<'de>>()? else {
                            return Ok($name::Unknown(::serde_json::Value::Object(::serde_json::Map::new())));
                        };
                        let known = match key.as_str() {
                            $($key => Some($name::$variant(map.next_value::<$ty>()?)),)*
                            _ => None,
                        };
                        match known {
                            Some(value) => {
                                // A second key makes it something this client does not know.
                                match map.next_key::<$crate::macros::Key<'de>>()? {
                                    None => Ok(value),
                                    Some(extra) => {
                                        let mut object = ::serde_json::Map::new();
                                        object.insert(key.as_str().to_string(), ::serde_json::to_value(&value).map_err(::serde::de::Error::custom)?);
                                        object.insert(extra.as_str().to_string(), map.next_value()?);
                                        while let Some((k, v)) = map.next_entry::<String, ::serde_json::Value>()? {
                                            object.insert(k, v);
                                        }
                                        Ok($name::Unknown(::serde_json::Value::Object(object)))
                                    }
                                }
                            }
                            None => {
                                let mut object = ::serde_json::Map::new();
                                object.insert(key.as_str().to_string(), map.next_value()?);
                                while let Some((k, v)) = map.next_entry::<String, ::serde_json::Value>()? {
                                    object.insert(k, v);
                                }
                                Ok($name::Unknown(::serde_json::Value::Object(object)))
                            }
                        }
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}

/// A union whose variant is chosen by the string value of one property (`tag`). A variant
/// may be the default when the tag is absent; an unknown tag value is kept in `Unknown`.
macro_rules! internal_union {
    ($(#[$meta:meta])* $name:ident tag $tag:literal $(default $default:ident)? { $($(#[$vmeta:meta])* $variant:ident($ty:ty) = [$($value:literal),+],)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $($(#[$vmeta])* $variant($ty),)*
            /// A kind this version of the client does not know; the whole object, as received.
            Unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    $(Self::$variant(value) => ::serde::Serialize::serialize(value, serializer),)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                // The object's text is kept (no tree is built), its tag read, then the variant
                // decoded from the text: three fast passes instead of a `Value` in between.
                let raw = <::std::boxed::Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = $crate::macros::read_tag(raw.get(), $tag)?;
                match tag.as_deref() {
                    $($(Some($value))|+ => $crate::macros::from_raw(raw.get()).map(Self::$variant),)*
                    Some(_) => $crate::macros::from_raw(raw.get()).map(Self::Unknown),
                    None => {
                        $(return $crate::macros::from_raw(raw.get()).map(Self::$default);)?
                        #[allow(unreachable_code)]
                        Err(<__D::Error as ::serde::de::Error>::missing_field($tag))
                    }
                }
            }
        }
    };
}

/// A struct of named fields that keeps properties it does not know in its last field, so
/// nothing the API sends is lost and it is written back unchanged. Fields marked `optional`
/// default when absent and are not written when absent; `required` ones must be present
/// (an `Option` one may be `null`, or absent like serde's derive allows).
macro_rules! object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* $kind:ident $field:ident: $ty:ty = $key:literal,)*
            ..$additional:ident: $aty:ty,
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Properties other than the fields above (properties the spec does not describe, or
            /// its `additionalProperties`), kept as received so they are written back unchanged.
            pub $additional: $aty,
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $($crate::macros::object!(@serialize $kind map $key &self.$field);)*
                for (key, value) in &self.$additional {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<$name, __A::Error> {
                        $(let mut $field: ::std::option::Option<$ty> = None;)*
                        let mut $additional: $aty = ::std::default::Default::default();
                        while let Some(key) = map.next_key::<$crate::macros::Key<'de>>()? {
                            match key.as_str() {
                                $($key => {
                                    if $field.is_some() {
                                        return Err(<__A::Error as ::serde::de::Error>::duplicate_field($key));
                                    }
                                    $field = Some(map.next_value()?);
                                })*
                                _ => {
                                    $additional.insert(key.into_string(), map.next_value()?);
                                }
                            }
                        }
                        Ok($name {
                            $($field: $crate::macros::object!(@finish $kind $field $key),)*
                            $additional,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (@serialize required $map:ident $key:literal $value:expr) => {
        $map.serialize_entry($key, $value)?
    };
    (@serialize optional $map:ident $key:literal $value:expr) => {
        if !$crate::macros::Absent::is_absent($value) {
            $map.serialize_entry($key, $value)?
        }
    };
    (@finish required $field:ident $key:literal) => {
        match $field {
            Some(value) => value,
            None => $crate::macros::missing($key)?,
        }
    };
    (@finish optional $field:ident $key:literal) => {
        $field.unwrap_or_default()
    };
}

/// The part of a generated request builder that is the same for every method: per-request
/// options, sending, and (for lists) walking the pages.
macro_rules! request_builder {
    ($name:ident, $out:ty) => {
        impl $name {
            /// Time limit of each attempt of this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call = self.call.timeout(timeout);
                self
            }

            /// How many times this request may be retried.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.call = self.call.max_retries(retries);
                self
            }

            /// An extra header for this request.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.call = self.call.header(name, value);
                self
            }

            /// An extra query parameter for this request.
            pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.call = self.call.query_param(name, value);
                self
            }

            /// The request as a [`crate::Call`].
            pub fn into_call(self) -> crate::Call<$out> {
                self.call
            }

            /// Send the request.
            pub async fn send(self) -> crate::Result<$out> {
                self.call.send().await
            }

            /// Send the request; the result comes with status, headers and envelope.
            pub async fn send_with_response(self) -> crate::Result<crate::Response<$out>> {
                self.call.send_with_response().await
            }

            /// Send the request and wait for the result, without an async runtime of your own
            /// (the `blocking` feature).
            #[cfg(feature = "blocking")]
            pub fn send_blocking(self) -> crate::Result<$out> {
                self.call.send_blocking()
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = crate::Result<$out>;
            type IntoFuture = <crate::Call<$out> as ::std::future::IntoFuture>::IntoFuture;
            fn into_future(self) -> Self::IntoFuture {
                self.call.into_future()
            }
        }
    };
    ($name:ident, page $item:ty) => {
        $crate::macros::request_builder!($name, crate::Page<$item>);

        impl $name {
            /// Every item of every page, fetched one page after the other, without an async
            /// runtime of your own (the `blocking` feature).
            #[cfg(feature = "blocking")]
            pub fn items_blocking(self) -> crate::Result<::std::vec::Vec<$item>> {
                self.call.items_blocking()
            }

            /// Every page, fetched as the stream is read.
            pub fn pages(self) -> impl ::futures_util::Stream<Item = crate::Result<crate::Page<$item>>> + Send + 'static {
                self.call.pages()
            }

            /// Every item of every page, fetched as the stream is read.
            pub fn items(self) -> impl ::futures_util::Stream<Item = crate::Result<$item>> + Send + 'static {
                self.call.items()
            }
        }
    };
}

pub(crate) use {external_union, internal_union, object, request_builder, string_enum};

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    object! {
        /// A test object.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Pet {
            /// Required.
            required name: String = "name",
            /// Required, nullable.
            required owner: Option<String> = "owner",
            /// Optional.
            optional age: Option<u32> = "age",
            /// Optional, nullable.
            optional tag: crate::Nullable<String> = "tag",
            /// Renamed.
            optional r#type: Option<String> = "type",
            ..additional_properties: serde_json::Map<String, serde_json::Value>,
        }
    }

    internal_union! {
        /// A test union.
        Animal tag "type" default Cat {
            /// Dogs.
            Dog(Pet) = ["dog"],
            /// Cats.
            Cat(Pet) = ["cat", "kitten"],
        }
    }

    #[test]
    fn objects_keep_unknown_fields_and_absence() {
        let text = r#"{"name":"Rex","owner":null,"tag":null,"x":{"y":[1,2]},"age":3}"#;
        let pet: Pet = serde_json::from_str(text).unwrap();
        assert_eq!(pet.name, "Rex");
        assert_eq!(pet.owner, None);
        assert_eq!(pet.age, Some(3));
        assert_eq!(pet.tag, crate::Nullable::Null);
        assert_eq!(pet.additional_properties["x"], json!({"y": [1, 2]}));
        let back: serde_json::Value = serde_json::to_value(&pet).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
        // A required `Option` may be absent (as with serde's derive); an absent optional is
        // not written back.
        let pet: Pet = serde_json::from_str(r#"{"name":"Rex"}"#).unwrap();
        assert_eq!((pet.owner.clone(), pet.tag.clone()), (None, crate::Nullable::Missing));
        assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"name":"Rex","owner":null}"#);
    }

    #[test]
    fn objects_report_missing_and_duplicate_fields() {
        let error = serde_json::from_str::<Pet>(r#"{"age":3}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `name`"), "{error}");
        let error = serde_json::from_str::<Pet>(r#"{"name":"a","name":"b"}"#).unwrap_err();
        assert!(error.to_string().contains("duplicate field `name`"), "{error}");
        let error = serde_json::from_str::<Pet>(r#"{"name":"a","age":"three"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
        assert!(serde_json::from_str::<Pet>("[1]").is_err());
    }

    #[test]
    fn unions_find_their_tag_anywhere() {
        for text in [r#"{"type":"dog","name":"Rex"}"#, r#"{"name":"Rex","type":"dog"}"#] {
            let animal: Animal = serde_json::from_str(text).unwrap();
            assert!(matches!(&animal, Animal::Dog(pet) if pet.name == "Rex"), "{animal:?}");
            assert_eq!(serde_json::to_string(&animal).unwrap().len(), text.len() + r#","owner":null"#.len());
        }
        let kitten: Animal = serde_json::from_str(r#"{"name":"Tom","type":"kitten"}"#).unwrap();
        assert!(matches!(kitten, Animal::Cat(_)));
        // No tag: the default variant; an unknown tag: kept whole.
        let untagged: Animal = serde_json::from_str(r#"{"name":"Tom"}"#).unwrap();
        assert!(matches!(untagged, Animal::Cat(_)));
        let text = r#"{"name":"Nemo","type":"fish","fins":{"count":3}}"#;
        let fish: Animal = serde_json::from_str(text).unwrap();
        assert_eq!(fish, Animal::Unknown(serde_json::from_str(text).unwrap()));
        // A nested tag with the same name is not the union's tag.
        let nested: Animal = serde_json::from_str(r#"{"x":{"type":"dog"},"name":"Tom"}"#).unwrap();
        assert!(matches!(nested, Animal::Cat(_)));
    }

    #[test]
    fn unions_decode_from_values_and_name_the_failing_field() {
        let animal: Animal = serde_json::from_value(json!({"type": "dog", "name": "Rex"})).unwrap();
        assert!(matches!(animal, Animal::Dog(_)));
        let mut deserializer = serde_json::Deserializer::from_str(r#"[{"type":"dog","name":"Rex","age":"old"}]"#);
        let error = serde_path_to_error::deserialize::<_, Vec<Animal>>(&mut deserializer).unwrap_err();
        assert_eq!(error.path().to_string(), "[0]");
        assert!(error.inner().to_string().contains("age: invalid type"), "{error}");
    }
}
