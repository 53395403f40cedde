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

/// An RFC 3339 date-time (`2019-12-27T18:11:19.117Z`). It is written back exactly as it was
/// received (`36.000Z` stays `36.000Z`, `+00:00` stays `+00:00`); comparisons, ordering and
/// hashing are by the instant, and the parsed value is there as an [`OffsetDateTime`]
/// (`Deref`, [`DateTime::value`]). One made from an `OffsetDateTime` is written in the shortest
/// form: no trailing zeros in its fraction, `Z` for UTC.
#[derive(Clone)]
pub struct DateTime {
    value: OffsetDateTime,
    form: Form,
}

/// How a [`DateTime`] is written.
#[derive(Clone, PartialEq, Eq)]
enum Form {
    /// `YYYY-MM-DDTHH:MM:SS`, then `digits` digits of fraction (none: no `.`), then `Z` or the
    /// offset as `+HH:MM`.
    Plain { digits: u8, zulu: bool },
    /// Any other spelling RFC 3339 allows (`t` or `z` in lower case, `-00:00`, more than nine
    /// digits of fraction, a leap second): the text as received.
    Text(Box<str>),
}

impl DateTime {
    /// `value`, written in the shortest form.
    pub fn new(value: OffsetDateTime) -> Self {
        let mut digits = 9;
        let mut nanos = value.nanosecond();
        while digits > 0 && nanos % 10 == 0 {
            nanos /= 10;
            digits -= 1;
        }
        let zulu = value.offset().is_utc();
        DateTime { value, form: Form::Plain { digits, zulu } }
    }

    /// The current time.
    pub fn now_utc() -> Self {
        DateTime::new(OffsetDateTime::now_utc())
    }

    /// The parsed value.
    pub fn value(&self) -> OffsetDateTime {
        self.value
    }

    /// The form `text` (which parsed as RFC 3339) is written in, when [`Form::Plain`] gives
    /// it back byte for byte.
    fn plain_form(text: &[u8], value: &OffsetDateTime) -> Option<Form> {
        // `YYYY-MM-DDTHH:MM:SS`: parsed already, but for the separator and a leap second.
        if text.len() < 20 || text[10] != b'T' || &text[17..19] == b"60" {
            return None;
        }
        let rest = &text[19..];
        let digits = match rest.first() {
            Some(b'.') => rest[1..].iter().take_while(|b| b.is_ascii_digit()).count(),
            _ => 0,
        };
        let offset = &rest[if digits > 0 { digits + 1 } else { 0 }..];
        let zulu = match offset {
            b"Z" => true,
            [b'-', ..] if value.offset().is_utc() => return None,
            [b'+' | b'-', _, _, b':', _, _] => false,
            _ => return None,
        };
        (digits <= 9).then_some(Form::Plain { digits: digits as u8, zulu })
    }

    /// The text, in its form, built in `out`; `None` when the value has no RFC 3339 form (a
    /// year outside 0..=9999, an offset with seconds).
    fn write<'b>(&'b self, out: &'b mut Text) -> Option<&'b str> {
        let (digits, zulu) = match &self.form {
            Form::Text(text) => return Some(text),
            Form::Plain { digits, zulu } => (u32::from(*digits), *zulu),
        };
        let v = &self.value;
        let offset = v.offset();
        let year = u32::try_from(v.year()).ok().filter(|year| *year <= 9999)?;
        if offset.seconds_past_minute() != 0 {
            return None;
        }
        out.number(year, 4);
        out.push(b'-');
        out.number(u32::from(u8::from(v.month())), 2);
        out.push(b'-');
        out.number(v.day().into(), 2);
        out.push(b'T');
        out.number(v.hour().into(), 2);
        out.push(b':');
        out.number(v.minute().into(), 2);
        out.push(b':');
        out.number(v.second().into(), 2);
        if digits > 0 {
            out.push(b'.');
            out.number(v.nanosecond() / 10u32.pow(9 - digits), digits);
        }
        if zulu {
            out.push(b'Z');
        } else {
            out.push(if offset.is_negative() { b'-' } else { b'+' });
            out.number(offset.whole_hours().unsigned_abs().into(), 2);
            out.push(b':');
            out.number(offset.minutes_past_hour().unsigned_abs().into(), 2);
        }
        out.as_str()
    }
}

/// The text of a [`Form::Plain`] date-time, on the stack: `YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM`
/// is 35 bytes.
struct Text {
    bytes: [u8; 35],
    len: usize,
}

impl Text {
    fn new() -> Self {
        Text { bytes: [0; 35], len: 0 }
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// `number` in `width` decimal digits, zero-padded.
    fn number(&mut self, number: u32, width: u32) {
        for place in (0..width).rev() {
            self.push(b'0' + (number / 10u32.pow(place) % 10) as u8);
        }
    }

    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes.get(..self.len)?).ok()
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.write(&mut Text::new()) {
            Some(text) => f.debug_tuple("DateTime").field(&text).finish(),
            None => f.debug_tuple("DateTime").field(&self.value).finish(),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.write(&mut Text::new()) {
            Some(text) => f.write_str(text),
            None => Err(fmt::Error),
        }
    }
}

impl FromStr for DateTime {
    type Err = time::error::Parse;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = OffsetDateTime::parse(s, &Rfc3339)?;
        let form = DateTime::plain_form(s.as_bytes(), &value).unwrap_or_else(|| Form::Text(s.into()));
        Ok(DateTime { value, form })
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl std::hash::Hash for DateTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(value: OffsetDateTime) -> Self {
        DateTime::new(value)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.value
    }
}

impl std::ops::Deref for DateTime {
    type Target = OffsetDateTime;
    fn deref(&self) -> &OffsetDateTime {
        &self.value
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.write(&mut Text::new()) {
            Some(text) => serializer.serialize_str(text),
            None => Err(serde::ser::Error::custom(format_args!("{:?} has no RFC 3339 form", self.value))),
        }
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

    #[test]
    fn date_times_are_written_back_exactly_as_received() {
        let texts = [
            "2011-01-26T19:01:36.000Z",
            "2011-01-26T19:01:36.100Z",
            "2011-01-26T19:01:36.000000000Z",
            "2011-01-26T19:01:36+00:00",
            "2011-01-26T19:01:36-00:00",
            "2011-01-26T19:01:36.50-00:30",
            "2011-01-26T19:01:36+05:30",
            "2011-01-26t19:01:36z",
            "2011-01-26T19:01:36.123456789012Z",
            "2016-12-31T23:59:60Z",
            "0001-01-01T00:00:00Z",
        ];
        for text in texts {
            let parsed: DateTime = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
            let json = format!("\"{text}\"");
            let decoded: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
            assert_eq!(format!("{decoded:?}"), format!("DateTime({json})"));
        }
        let a: DateTime = "2011-01-26T19:01:36.000Z".parse().unwrap();
        let b: DateTime = "2011-01-26T20:01:36+01:00".parse().unwrap();
        let later: DateTime = "2011-01-26T19:01:36.001Z".parse().unwrap();
        assert_eq!(a, b, "the same instant");
        assert!(a < later && b < later);
        assert_eq!(a.year(), 2011);
        assert_eq!(b.hour(), 20);
        assert_eq!(a.value(), OffsetDateTime::from(b.clone()));
    }

    #[test]
    fn date_times_made_from_values_take_the_shortest_form() {
        let value = OffsetDateTime::parse("2011-01-26T19:01:36.120Z", &Rfc3339).unwrap();
        assert_eq!(DateTime::from(value).to_string(), "2011-01-26T19:01:36.12Z");
        let offset = value.to_offset(time::UtcOffset::from_hms(-3, -30, 0).unwrap());
        assert_eq!(DateTime::new(offset).to_string(), "2011-01-26T15:31:36.12-03:30");
        let whole = value.replace_nanosecond(0).unwrap();
        assert_eq!(DateTime::new(whole).to_string(), "2011-01-26T19:01:36Z");
        let far = value.replace_year(10_000);
        if let Ok(far) = far {
            assert!(serde_json::to_string(&DateTime::new(far)).is_err());
        }
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
