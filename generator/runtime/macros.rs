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

/// A union whose variant is chosen by the string value of one property (`tag`); an unknown
/// tag value is kept in `Unknown`. An object without the tag is an error, unless `tagless`
/// lists the variants that may go without it.
///
/// The union owns its tag: it writes the tag when it serializes, first, whatever the variant's
/// struct holds, and the struct's own fields never write a second one. A variant listed
/// `in field` has a struct that keeps the tag (several values are possible, or the struct is
/// used elsewhere too): its value is written when it is one of the variant's, else the first.
macro_rules! internal_union {
    ($(#[$meta:meta])* $name:ident tag $tag:literal $(tagless [$($tagless:ident),*])? { $($(#[$vmeta:meta])* $variant:ident($ty:ty) = [$($value:literal),+] $(in $field:ident)?,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $($(#[$vmeta])* $variant($ty),)*
            /// A kind this version of the client does not know; the whole object, as received.
            Unknown(::serde_json::Value),
        }

        impl $name {
            #[doc = concat!("The `", $tag, "` of this value as it is written: its variant's, or for an unknown variant the one received (if it is a string).")]
            pub fn tag(&self) -> ::std::option::Option<&str> {
                match self {
                    $(Self::$variant(value) => {
                        let _ = value;
                        Some($crate::macros::internal_union!(@tag value [$($value),+] $($field)?))
                    })*
                    Self::Unknown(value) => value.get($tag).and_then(::serde_json::Value::as_str),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap;
                match self {
                    $(Self::$variant(value) => {
                        let mut map = serializer.serialize_map(None)?;
                        map.serialize_entry($tag, $crate::macros::internal_union!(@tag value [$($value),+] $($field)?))?;
                        $crate::macros::Object::write_fields(value, &mut map, Some($tag))?;
                        map.end()
                    })*
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
                    $($(Some($value))|+ => $crate::macros::object_from_raw::<$ty, _>(raw.get(), $crate::macros::internal_union!(@skip $tag $($field)?)).map(Self::$variant),)*
                    Some(_) => $crate::macros::from_raw(raw.get()).map(Self::Unknown),
                    None => {
                        // Without its tag, an object is the first of the variants listed after
                        // `tagless` that accepts it (each rejects the values of those after
                        // it); with an empty list it is kept whole; with none it is an error.
                        $(
                            #[allow(unused_mut)]
                            let mut first_error: ::std::option::Option<__D::Error> = None;
                            $(
                                match $crate::macros::object_from_raw(raw.get(), Some($tag)) {
                                    Ok(value) => return Ok(Self::$tagless(value)),
                                    Err(error) => {
                                        first_error.get_or_insert(error);
                                    }
                                }
                            )*
                            return match first_error {
                                Some(error) => Err(error),
                                None => $crate::macros::from_raw(raw.get()).map(Self::Unknown),
                            };
                        )?
                        #[allow(unreachable_code)]
                        Err(<__D::Error as ::serde::de::Error>::missing_field($tag))
                    }
                }
            }
        }
    };
    (@tag $value_ident:ident [$($value:literal),+]) => {
        [$($value),+][0]
    };
    (@tag $value_ident:ident [$($value:literal),+] $field:ident) => {
        $crate::macros::tag_in(&$value_ident.$field, &[$($value),+])
    };
    (@skip $tag:literal) => {
        Some($tag)
    };
    (@skip $tag:literal $field:ident) => {
        None
    };
}

/// A union whose variants accept some of the same values, so that no variant can be chosen
/// without a guess: the value is kept as received (and written back unchanged), and each
/// variant is a typed view (`as_...`) and a way to build the value (`from_...`). `secrets`
/// are property names whose values `Debug` hides.
macro_rules! raw_union {
    ($(#[$meta:meta])* $name:ident secrets [$($secret:literal),*] { $($(#[$vmeta:meta])* $variant:ident($ty:ty) as $as_fn:ident from $from_fn:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq)]
        pub struct $name(::serde_json::Value);

        impl $name {
            $(
                $(#[$vmeta])*
                pub fn $as_fn(&self) -> ::std::result::Result<$ty, ::serde_json::Error> {
                    <$ty as ::serde::Deserialize>::deserialize(&self.0)
                }

                #[doc = concat!("The value of a `", stringify!($variant), "`; see [`Self::", stringify!($as_fn), "`].")]
                pub fn $from_fn(value: $ty) -> ::std::result::Result<Self, ::serde_json::Error> {
                    ::serde_json::to_value(value).map(Self)
                }
            )*

            /// The value as received (or as built).
            pub fn as_json(&self) -> &::serde_json::Value {
                &self.0
            }

            /// The value as received (or as built).
            pub fn into_json(self) -> ::serde_json::Value {
                self.0
            }
        }

        impl ::std::convert::From<::serde_json::Value> for $name {
            fn from(value: ::serde_json::Value) -> Self {
                Self(value)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name))
                    .field(&$crate::macros::Redacted(&self.0, &[$($secret),*]))
                    .finish()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                ::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer).map(Self)
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
                $crate::macros::Object::write_fields(self, &mut map, None)?;
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::macros::Object::read_object(deserializer, None)
            }
        }

        impl $crate::macros::Object for $name {
            fn write_fields<__M: ::serde::ser::SerializeMap>(&self, map: &mut __M, skip: ::std::option::Option<&str>) -> ::std::result::Result<(), __M::Error> {
                $(if skip != Some($key) {
                    $crate::macros::object!(@serialize $kind map $key &self.$field);
                })*
                for (key, value) in &self.$additional {
                    if skip != Some(key.as_str()) {
                        map.serialize_entry(key, value)?;
                    }
                }
                Ok(())
            }

            fn read_object<'de, __D: ::serde::Deserializer<'de>>(deserializer: __D, skip: ::std::option::Option<&'static str>) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor {
                    skip: ::std::option::Option<&'static str>,
                }
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
                                _ if Some(key.as_str()) == self.skip => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
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
                deserializer.deserialize_map(__Visitor { skip })
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

pub(crate) use {external_union, internal_union, object, raw_union, request_builder, string_enum};

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

    object! {
        /// A variant struct without its tag: the union owns it.
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct Puppy {
            /// Optional.
            optional name: Option<String> = "name",
            ..additional_properties: serde_json::Map<String, serde_json::Value>,
        }
    }

    internal_union! {
        /// A test union.
        Animal tag "type" tagless [Cat] {
            /// Dogs: the union owns the tag.
            Dog(Puppy) = ["dog"],
            /// Cats: two tag values, kept in the struct's `type`.
            Cat(Pet) = ["cat", "kitten"] in r#type,
        }
    }

    internal_union! {
        /// Without its tag, an object is kept whole.
        Kept tag "type" tagless [] {
            /// Dogs.
            Dog(Puppy) = ["dog"],
        }
    }

    internal_union! {
        /// Without its tag, an object is an error.
        Strict tag "type" {
            /// Dogs.
            Dog(Box<Puppy>) = ["dog"],
        }
    }

    raw_union! {
        /// Overlapping variants.
        Contact secrets ["secret"] {
            /// By phone.
            Phone(Puppy) as as_phone from from_phone,
            /// By mail.
            Mail(Pet) as as_mail from from_mail,
        }
    }

    #[test]
    fn unions_write_their_tag_whatever_the_struct_holds() {
        // Built in code: the tag comes from the variant, first.
        let dog = Animal::Dog(Puppy { name: Some("Rex".into()), ..Default::default() });
        assert_eq!(serde_json::to_string(&dog).unwrap(), r#"{"type":"dog","name":"Rex"}"#);
        assert_eq!(dog.tag(), Some("dog"));
        // A tag smuggled into the unknown fields is not written twice, nor instead.
        let mut puppy = Puppy::default();
        puppy.additional_properties.insert("type".into(), json!("cat"));
        assert_eq!(serde_json::to_string(&Animal::Dog(puppy)).unwrap(), r#"{"type":"dog"}"#);
        // Decoded: the tag is the union's, not an unknown field of the struct.
        let dog: Animal = serde_json::from_str(r#"{"name":"Rex","type":"dog"}"#).unwrap();
        assert!(matches!(&dog, Animal::Dog(p) if p.additional_properties.is_empty()), "{dog:?}");
        // A struct that keeps its tag field: its value when it is the variant's, else the first.
        let kitten: Animal = serde_json::from_str(r#"{"name":"Tom","owner":null,"type":"kitten"}"#).unwrap();
        assert_eq!(serde_json::to_string(&kitten).unwrap(), r#"{"type":"kitten","name":"Tom","owner":null}"#);
        let mut pet = Pet { name: "Tom".into(), owner: None, age: None, tag: crate::Nullable::Missing, r#type: Some("dog".into()), additional_properties: Default::default() };
        assert_eq!(serde_json::to_string(&Animal::Cat(pet.clone())).unwrap(), r#"{"type":"cat","name":"Tom","owner":null}"#);
        pet.r#type = None;
        assert_eq!(Animal::Cat(pet).tag(), Some("cat"));
    }

    #[test]
    fn objects_without_the_tag() {
        let cat: Animal = serde_json::from_str(r#"{"name":"Tom"}"#).unwrap();
        assert!(matches!(cat, Animal::Cat(_)));
        let kept: Kept = serde_json::from_str(r#"{"name":"Tom"}"#).unwrap();
        assert_eq!(kept, Kept::Unknown(json!({"name": "Tom"})));
        let error = serde_json::from_str::<Strict>(r#"{"name":"Tom"}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `type`"), "{error}");
        let strict: Strict = serde_json::from_str(r#"{"type":"dog","name":"Rex"}"#).unwrap();
        assert_eq!(serde_json::to_string(&strict).unwrap(), r#"{"type":"dog","name":"Rex"}"#);
    }

    #[test]
    fn overlapping_unions_keep_the_value_and_offer_each_view() {
        let text = r#"{"name":"Rex","owner":null,"secret":"hunter2"}"#;
        let contact: Contact = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&contact).unwrap(), text);
        assert_eq!(contact.as_phone().unwrap().name.as_deref(), Some("Rex"));
        assert_eq!(contact.as_mail().unwrap().name, "Rex");
        let built = Contact::from_phone(Puppy { name: Some("Max".into()), ..Default::default() }).unwrap();
        assert_eq!(built.as_json(), &json!({"name": "Max"}));
        assert!(Contact::from(json!({"x": 1})).as_mail().is_err());
        let debug = format!("{contact:?}");
        assert!(debug.contains("<redacted>") && !debug.contains("hunter2"), "{debug}");
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
            assert!(matches!(&animal, Animal::Dog(pet) if pet.name.as_deref() == Some("Rex")), "{animal:?}");
            assert_eq!(serde_json::to_string(&animal).unwrap(), r#"{"type":"dog","name":"Rex"}"#);
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
        let mut deserializer = serde_json::Deserializer::from_str(r#"[{"type":"cat","name":"Rex","age":"old"}]"#);
        let error = serde_path_to_error::deserialize::<_, Vec<Animal>>(&mut deserializer).unwrap_err();
        assert_eq!(error.path().to_string(), "[0]");
        assert!(error.inner().to_string().contains("age: invalid type"), "{error}");
    }
}
