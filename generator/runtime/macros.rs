//! Macros that give the generated types their serde impls (the types themselves are plain Rust
//! items in `types.rs`), so every one behaves the same way, and the common part of request
//! builders. The helpers they call are in `fields.rs` and `values.rs`.

/// `Display`, `FromStr`, `From<&str>`, `as_str` and serde impls of a string enum whose last
/// variant is `Unknown(String)`: a value the API adds tomorrow still decodes today, into
/// `Unknown`, and is written back unchanged.
macro_rules! string_enum_impls {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
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
                deserializer.deserialize_str($crate::values::StrVisitor::new(|value: &str| Self::from(value)))
            }
        }
    };
}

/// Serde impls of a union whose variants are objects with one distinct key each
/// (`{"email": {...}}`), and whose last variant is `Unknown(serde_json::Value)`: an unknown
/// key, or a second key, keeps the whole object there.
macro_rules! external_union_impls {
    ($name:ident { $($variant:ident = $key:literal,)* }) => {
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
                        let Some(key) = map.next_key::<$crate::values::Key<'de>>()? else {
                            return Ok($name::Unknown(::serde_json::Value::Object(::serde_json::Map::new())));
                        };
                        let known = match key.as_str() {
                            $($key => Some($name::$variant(map.next_value()?)),)*
                            _ => None,
                        };
                        let Some(value) = known else {
                            let first = map.next_value()?;
                            return $crate::values::rest_of_object(map, key.into_string(), first).map($name::Unknown);
                        };
                        // A second key makes it something this client does not know.
                        match map.next_key::<$crate::values::Key<'de>>()? {
                            None => Ok(value),
                            Some(extra) => {
                                // The union writes `{key: payload}`: the payload is the first entry.
                                let mut object = match ::serde_json::to_value(&value).map_err(::serde::de::Error::custom)? {
                                    ::serde_json::Value::Object(object) => object,
                                    _ => ::serde_json::Map::new(),
                                };
                                let second = map.next_value()?;
                                object.insert(extra.into_string(), second);
                                $crate::values::rest_into(map, object).map($name::Unknown)
                            }
                        }
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}

/// Serde impls and `tag()` of a union whose variant is chosen by the string value of one
/// property (`tag`), with a last variant `Unknown(serde_json::Value)` for tag values it does
/// not know. An object without the tag is an error, unless `tagless` lists the variants that
/// may go without it (tried in order; an empty list keeps it as `Unknown`).
///
/// The union owns its tag: it writes the tag first when it serializes, whatever the variant's
/// struct holds, and the struct's own fields never write a second one. A variant listed
/// `in field` has a struct that keeps the tag (several values are possible, or the struct is
/// used elsewhere too): its value is written when it is one of the variant's, else the first.
macro_rules! internal_union_impls {
    ($name:ident tag $tag:literal $(tagless [$($tagless:ident),*])? { $($variant:ident = [$($value:literal),+] $(in $field:ident)?,)* }) => {
        impl $name {
            #[doc = concat!("The `", $tag, "` of this value as it is written: its variant's, or for an unknown variant the one received (if it is a string).")]
            pub fn tag(&self) -> ::std::option::Option<&str> {
                match self {
                    $(Self::$variant(value) => {
                        let _ = value;
                        Some($crate::macros::internal_union_impls!(@tag value [$($value),+] $($field)?))
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
                        map.serialize_entry($tag, $crate::macros::internal_union_impls!(@tag value [$($value),+] $($field)?))?;
                        $crate::fields::Object::write_fields(value, &mut map, Some($tag))?;
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
                let decoded: ::std::result::Result<Self, __D::Error> = (|| {
                let tag = $crate::values::read_tag(raw.get(), $tag)?;
                match tag.as_deref() {
                    $($(Some($value))|+ => $crate::values::object_from_raw(raw.get(), $crate::macros::internal_union_impls!(@skip $tag $($field)?)).map(Self::$variant),)*
                    Some(_) => $crate::values::from_raw(raw.get()).map(Self::Unknown),
                    None => {
                        $(
                            #[allow(unused_mut)]
                            let mut first_error: ::std::option::Option<__D::Error> = None;
                            $(
                                match $crate::values::object_from_raw(raw.get(), Some($tag)) {
                                    Ok(value) => return Ok(Self::$tagless(value)),
                                    Err(error) => {
                                        first_error.get_or_insert(error);
                                    }
                                }
                            )*
                            return match first_error {
                                Some(error) => Err(error),
                                None => $crate::values::from_raw(raw.get()).map(Self::Unknown),
                            };
                        )?
                        #[allow(unreachable_code)]
                        Err(<__D::Error as ::serde::de::Error>::missing_field($tag))
                    }
                }
                })();
                $crate::values::union_decoded(raw.get(), decoded)
            }
        }
    };
    (@tag $value_ident:ident [$($value:literal),+]) => {
        [$($value),+][0]
    };
    (@tag $value_ident:ident [$($value:literal),+] $field:ident) => {
        $crate::values::tag_in(&$value_ident.$field, &[$($value),+])
    };
    (@skip $tag:literal) => {
        Some($tag)
    };
    (@skip $tag:literal $field:ident) => {
        None
    };
}

/// `Debug` and serde impls of a union whose variants overlap: a newtype around the value as
/// received, written back unchanged. `secrets` are property names whose values `Debug` hides.
macro_rules! raw_union_impls {
    ($name:ident secrets [$($secret:literal),*] kinds [$($kind:literal),*]) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name))
                    .field(&$crate::values::Redacted(&self.0, &[$($secret),*]))
                    .finish()
            }
        }

        impl ::std::convert::From<::serde_json::Value> for $name {
            fn from(value: ::serde_json::Value) -> Self {
                Self(value)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                ::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                // Kept as received, but only a value of a JSON kind some variant accepts.
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                $crate::values::of_kinds(&value, &[$($kind),*])?;
                Ok(Self(value))
            }
        }
    };
}

/// Serde impls of a struct of named fields whose last field (`additional`, of type `$aty`)
/// keeps the properties it does not know, so nothing the API sends is lost and it is written
/// back unchanged. Fields marked `optional` default when absent and are not written when
/// absent; `required` ones must be present (an `Option` one may be `null`, or absent like
/// serde's derive allows).
macro_rules! object_impls {
    ($name:ident { $($kind:ident $field:ident: $fty:ty = $key:literal,)* ..$additional:ident: $aty:ty }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $crate::fields::Object::write_fields(self, &mut map, None)?;
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::fields::Object::read_object(deserializer, None)
            }
        }

        impl $crate::fields::Object for $name {
            fn write_fields<__M: ::serde::ser::SerializeMap>(&self, map: &mut __M, skip: ::std::option::Option<&str>) -> ::std::result::Result<(), __M::Error> {
                $crate::fields::Fields::new(map, skip)
                    $(.$kind($key, &self.$field))*
                    .end(&self.$additional)
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
                        // Each slot has its type written out and each arm is one call, with one
                        // `?` for the match: what the compiler checks per field of every struct
                        // is kept small (a slot typed only by its use below costs it a pending
                        // obligation per field until the end of the function).
                        $(let mut $field: ::std::option::Option<$fty> = None;)*
                        let mut $additional: $aty = ::std::default::Default::default();
                        while let Some(key) = map.next_key::<$crate::values::Key<'de>>()? {
                            match key.as_str() {
                                $($key => $crate::fields::read_field(&mut map, &mut $field, $key),)*
                                _ => $crate::fields::Additional::read_one(&mut $additional, &mut map, key, self.skip),
                            }?;
                        }
                        Ok($name {
                            $($field: $crate::macros::object_impls!(@finish $kind $field $key),)*
                            $additional,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor { skip })
            }
        }
    };
    (@finish required $field:ident $key:literal) => {
        $crate::fields::required_field($field, $key)?
    };
    (@finish optional $field:ident $key:literal) => {
        $field.unwrap_or_default()
    };
}

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

            /// Send the request (the same as awaiting the builder itself).
            pub fn send(self) -> crate::Pending<$out> {
                self.call.pending()
            }

            /// Send the request; the result comes with status, headers and envelope.
            pub fn send_with_response(self) -> crate::Pending<crate::Response<$out>> {
                self.call.pending_with_response()
            }

            /// Send the request and keep a success body as received, not decoded (see
            /// [`crate::Call::send_raw`]).
            pub fn send_raw(self) -> crate::Pending<crate::Response<bytes::Bytes>> {
                self.call.pending_raw()
            }

            /// Send the request and wait for the result, without an async runtime of your own
            /// (the `blocking` feature).
            #[cfg(feature = "blocking")]
            pub fn send_blocking(self) -> crate::Result<$out> {
                self.call.send_blocking()
            }
        }

        impl ::std::convert::From<$name> for crate::Call<$out> {
            fn from(request: $name) -> Self {
                request.call
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = crate::Result<$out>;
            type IntoFuture = crate::Pending<$out>;
            fn into_future(self) -> Self::IntoFuture {
                self.call.pending()
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

pub(crate) use {
    external_union_impls, internal_union_impls, object_impls, raw_union_impls, request_builder,
    string_enum_impls,
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fields::Object as _;
    use crate::Nullable;

    /// A test object.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Pet {
        pub name: String,
        pub owner: Option<String>,
        pub age: Option<u32>,
        pub tag: Nullable<String>,
        pub r#type: Option<String>,
        pub additional_properties: serde_json::Map<String, serde_json::Value>,
    }
    object_impls!(Pet {
        required name: String = "name",
        required owner: Option<String> = "owner",
        optional age: Option<u32> = "age",
        optional tag: Nullable<String> = "tag",
        optional r#type: Option<String> = "type",
        ..additional_properties: serde_json::Map<String, serde_json::Value>
    });

    /// A variant struct without its tag: the union owns it.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Puppy {
        pub name: Option<String>,
        pub additional_properties: serde_json::Map<String, serde_json::Value>,
    }
    object_impls!(Puppy {
        optional name: Option<String> = "name",
        ..additional_properties: serde_json::Map<String, serde_json::Value>
    });

    /// An object whose other properties have a type (`additionalProperties: integer`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Scores {
        pub name: Option<String>,
        pub additional_properties: std::collections::BTreeMap<String, u32>,
    }
    object_impls!(Scores {
        optional name: Option<String> = "name",
        ..additional_properties: std::collections::BTreeMap<String, u32>
    });

    /// A test union.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Animal {
        Dog(Puppy),
        Cat(Pet),
        Unknown(serde_json::Value),
    }
    internal_union_impls!(Animal tag "type" tagless [Cat] {
        Dog = ["dog"],
        Cat = ["cat", "kitten"] in r#type,
    });

    /// Without its tag, an object is kept whole.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Kept {
        Dog(Puppy),
        Unknown(serde_json::Value),
    }
    internal_union_impls!(Kept tag "type" tagless [] { Dog = ["dog"], });

    /// Without its tag, an object is an error.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Strict {
        Dog(Box<Puppy>),
        Unknown(serde_json::Value),
    }
    internal_union_impls!(Strict tag "type" { Dog = ["dog"], });

    /// Overlapping variants.
    #[derive(Clone, PartialEq)]
    pub struct Contact(serde_json::Value);
    raw_union_impls!(Contact secrets ["secret"] kinds ["object"]);
    impl Contact {
        fn as_phone(&self) -> Result<Puppy, serde_json::Error> {
            serde::Deserialize::deserialize(&self.0)
        }
        fn as_mail(&self) -> Result<Pet, serde_json::Error> {
            serde::Deserialize::deserialize(&self.0)
        }
        fn from_phone(value: Puppy) -> Result<Self, serde_json::Error> {
            serde_json::to_value(value).map(Self)
        }
        fn as_json(&self) -> &serde_json::Value {
            &self.0
        }
    }

    /// An enum that keeps values it does not know.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Colour {
        Red,
        Unknown(String),
    }
    string_enum_impls!(Colour { Red = "red", });

    /// Access rules: one key each.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Rule {
        Email(Puppy),
        Unknown(serde_json::Value),
    }
    external_union_impls!(Rule { Email = "email", });

    #[test]
    fn string_enums_keep_unknown_values() {
        let red: Colour = serde_json::from_str(r#""red""#).unwrap();
        assert_eq!((red.as_str(), red.to_string()), ("red", "red".to_string()));
        let blue: Colour = serde_json::from_str(r#""blue""#).unwrap();
        assert_eq!(blue, Colour::Unknown("blue".into()));
        assert_eq!(serde_json::to_string(&blue).unwrap(), r#""blue""#);
        assert_eq!("red".parse::<Colour>(), Ok(Colour::Red));
    }

    #[test]
    fn external_unions_keep_what_they_do_not_know() {
        let rule: Rule = serde_json::from_str(r#"{"email":{"name":"a"}}"#).unwrap();
        assert!(matches!(&rule, Rule::Email(p) if p.name.as_deref() == Some("a")));
        assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"email":{"name":"a"}}"#);
        for text in [r#"{"geo":{"country_code":"PT"}}"#, r#"{"email":{"name":"a"},"geo":{}}"#, "{}"] {
            let rule: Rule = serde_json::from_str(text).unwrap();
            assert_eq!(rule, Rule::Unknown(serde_json::from_str(text).unwrap()), "{text}");
            assert_eq!(serde_json::to_value(&rule).unwrap(), serde_json::from_str::<serde_json::Value>(text).unwrap());
        }
    }

    #[test]
    fn objects_skip_a_tag_read_by_their_union() {
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"type":"dog","name":"Rex"}"#);
        let puppy = Puppy::read_object(&mut deserializer, Some("type")).unwrap();
        assert!(puppy.additional_properties.is_empty());
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
        let mut pet = Pet { name: "Tom".into(), owner: None, age: None, tag: Nullable::Missing, r#type: Some("dog".into()), additional_properties: Default::default() };
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
        // A value of a kind no variant accepts is not kept.
        let error = serde_json::from_str::<Contact>("1.5").unwrap_err();
        assert!(error.to_string().contains("a number where an object is expected"), "{error}");
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
        assert_eq!(pet.tag, Nullable::Null);
        assert_eq!(pet.additional_properties["x"], json!({"y": [1, 2]}));
        let back: serde_json::Value = serde_json::to_value(&pet).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
        // A required `Option` may be absent (as with serde's derive); an absent optional is
        // not written back.
        let pet: Pet = serde_json::from_str(r#"{"name":"Rex"}"#).unwrap();
        assert_eq!((pet.owner.clone(), pet.tag.clone()), (None, Nullable::Missing));
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
    fn typed_additional_properties_are_read_checked_and_written_back() {
        let scores: Scores = serde_json::from_str(r#"{"b":2,"name":"x","a":1}"#).unwrap();
        assert_eq!(scores.name.as_deref(), Some("x"));
        let others: Vec<(&str, u32)> =
            scores.additional_properties.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(others, [("a", 1), ("b", 2)]);
        assert_eq!(serde_json::to_string(&scores).unwrap(), r#"{"name":"x","a":1,"b":2}"#);
        // Their values have the spec's type: a string where a number is expected is an error.
        let error = serde_json::from_str::<Scores>(r#"{"a":"one"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type: string"), "{error}");
        // The tag a union has read is neither kept nor type-checked.
        let mut input = serde_json::Deserializer::from_str(r#"{"kind":"s","a":1}"#);
        let read = Scores::read_object(&mut input, Some("kind")).unwrap();
        assert_eq!(read.additional_properties.keys().collect::<Vec<_>>(), ["a"]);
        let error = serde_json::from_str::<Scores>(r#"{"kind":"s","a":1}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type: string"), "{error}");
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
        let text = r#"[{"type":"dog","name":"Rex"}, {"type":"cat","name":"Rex","age":"old"}]"#;
        let (path, error) = crate::values::from_text::<Vec<Animal>>(text).unwrap_err();
        assert_eq!(path, "[1]");
        assert!(error.to_string().starts_with("age: invalid type"), "{error}");
    }
}
