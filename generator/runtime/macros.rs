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
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
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
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
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
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object with one key (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
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
                deserializer.deserialize_map(Visitor)
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
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => ::serde::Serialize::serialize(value, serializer),)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get($tag).and_then(::serde_json::Value::as_str);
                match tag {
                    $($(Some($value))|+ => $crate::macros::from_value(value).map(Self::$variant),)*
                    Some(_) => Ok(Self::Unknown(value)),
                    None => {
                        $(return $crate::macros::from_value(value).map(Self::$default);)?
                        #[allow(unreachable_code)]
                        Err(<D::Error as ::serde::de::Error>::missing_field($tag))
                    }
                }
            }
        }
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

pub(crate) use {external_union, internal_union, request_builder, string_enum};

/// Decode a buffered JSON value, keeping the path of a failure in the message.
pub(crate) fn from_value<T: serde::de::DeserializeOwned, E: serde::de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            E::custom(error.into_inner())
        } else {
            E::custom(format_args!("{path}: {}", error.into_inner()))
        }
    })
}

/// A map key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
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
