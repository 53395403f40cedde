//! Value codecs shared by the generated types: RFC 3339 date-times, optional-and-nullable
//! fields, and percent-encoding of path segments.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Everything but RFC 3986 unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encode one path segment. `.` and `..` are encoded too, so an identifier can never
/// climb out of its segment (`../../zones` stays one segment).
pub(crate) fn path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        _ => utf8_percent_encode(value, SEGMENT).to_string(),
    }
}

/// An RFC 3339 date-time (`2019-12-27T18:11:19.117Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub OffsetDateTime);

impl DateTime {
    /// The current time.
    pub fn now_utc() -> Self {
        DateTime(OffsetDateTime::now_utc())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl FromStr for DateTime {
    type Err = time::error::Parse;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OffsetDateTime::parse(s, &Rfc3339).map(DateTime)
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(value: OffsetDateTime) -> Self {
        DateTime(value)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl std::ops::Deref for DateTime {
    type Target = OffsetDateTime;
    fn deref(&self) -> &OffsetDateTime {
        &self.0
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
                v.parse().map_err(|e| E::custom(format_args!("invalid RFC 3339 date-time `{v}`: {e}")))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A field that is both optional and nullable: absent, explicitly `null`, or a value. The
/// three are different to the API (absent leaves a setting alone, `null` clears it), so they
/// stay different here. Use it with
/// `#[serde(default, skip_serializing_if = "Nullable::is_missing")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The field is absent.
    #[default]
    Missing,
    /// The field is `null`.
    Null,
    /// The field has a value.
    Present(T),
}

impl<T> Nullable<T> {
    /// Whether the field is absent.
    pub fn is_missing(&self) -> bool {
        matches!(self, Nullable::Missing)
    }

    /// Whether the field is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Present(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Present(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes an explicit `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Present(value),
            None => Nullable::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Present(value) => value.serialize(serializer),
            // `Missing` is skipped by `skip_serializing_if`; written on its own it is `null`.
            Nullable::Null | Nullable::Missing => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Present(value),
            None => Nullable::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(path_segment("../../zones"), "..%2F..%2Fzones");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
        assert_eq!(path_segment("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(path_segment("abc-123_x.y~z"), "abc-123_x.y~z");
    }

    #[test]
    fn date_times_round_trip() {
        for text in ["2014-01-01T05:20:00.12345Z", "2019-12-27T18:11:19.117Z", "2020-07-01T05:20:00Z"] {
            let parsed: DateTime = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(serde_json::to_string(&parsed).unwrap(), format!("\"{text}\""));
        }
        assert!(serde_json::from_str::<DateTime>("\"yesterday\"").is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Nullable::is_missing")]
        field: Nullable<u32>,
    }

    #[test]
    fn nullable_keeps_missing_null_and_value_apart() {
        for (json, value) in [("{}", Nullable::Missing), (r#"{"field":null}"#, Nullable::Null), (r#"{"field":3}"#, Nullable::Present(3))] {
            let holder: Holder = serde_json::from_str(json).unwrap();
            assert_eq!(holder.field, value);
            assert_eq!(serde_json::to_string(&holder).unwrap(), json);
        }
    }
}
