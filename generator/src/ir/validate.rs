//! A small structural check of a JSON value against a schema of the spec: `type` (and
//! `nullable`), `enum`, `required`, `properties`, `additionalProperties`, `items`, `allOf`,
//! `oneOf`/`anyOf` (one variant must fit; a `discriminator`'s property must be there), and,
//! for [`fits_strictly`], patterns and bounds; and the formats the generated types read
//! (`date-time`, `date`, `int32`, `int64`). Enough to tell a spec's `example` that does not
//! fit its own schema (a string where an array is expected, a number for a string), which is
//! the spec's error and not something a client should be tested against.

use serde_json::Value;

/// How deep the check follows a value and its schema's references before it gives up (and
/// accepts: the check finds mistakes, it does not prove values right).
const DEPTH: usize = 64;

/// Why a value does not fit its schema: where in the value (a JSON pointer, `` for the
/// value itself) and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The place in the value.
    pub at: String,
    /// What the schema asks for there, and what was found.
    pub message: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        write!(f, "at `{at}`: {}", self.message)
    }
}

/// Checks `value` against the schema at `pointer` (`#/components/schemas/...`) of `raw`.
pub fn check(raw: &Value, pointer: &str, value: &Value) -> Result<(), Mismatch> {
    match crate::ir::pointer::lookup(raw, pointer) {
        Some(schema) => fits(raw, schema, value),
        None => Ok(()),
    }
}

/// Checks `value` against `schema`, a schema of `raw` (whose references it follows).
pub fn fits<'s>(raw: &'s Value, schema: &'s Value, value: &Value) -> Result<(), Mismatch> {
    Checker { raw, strict: false }.value(schema, value, "", 0)
}

/// [`fits`], and the bounds a validating server checks too: a string's `pattern`,
/// `minLength` and `maxLength`, a number's `minimum` and `maximum`, an array's `minItems` and
/// `maxItems`. What a sample sent to such a server must meet.
pub fn fits_strictly<'s>(raw: &'s Value, schema: &'s Value, value: &Value) -> Result<(), Mismatch> {
    Checker { raw, strict: true }.value(schema, value, "", 0)
}

struct Checker<'s> {
    raw: &'s Value,
    /// Check bounds and patterns too.
    strict: bool,
}

impl<'s> Checker<'s> {
    /// The schema `schema` refers to (itself when it is no reference), following chains.
    fn resolve(&self, mut schema: &'s Value) -> Option<&'s Value> {
        for _ in 0..DEPTH {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return Some(schema);
            };
            schema = crate::ir::pointer::lookup(self.raw, reference)?;
        }
        None
    }

    fn value(
        &self,
        schema: &'s Value,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> Result<(), Mismatch> {
        let Some(schema) = self.resolve(schema).filter(|_| depth < DEPTH) else {
            return Ok(());
        };
        if value.is_null() && accepts_null(self, schema, depth) {
            return Ok(());
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.iter().any(|v| same(v, value)) {
                return Err(mismatch(
                    at,
                    format!("{value} is none of the values of the enum"),
                ));
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.value(part, value, at, depth + 1)?;
            }
        }
        tag_present(schema, value, at)?;
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                let mut first = None;
                let fits = variants.iter().any(|variant| {
                    let result = self.value(variant, value, at, depth + 1);
                    let fits = result.is_ok();
                    first = first.take().or(result.err());
                    fits
                });
                if !fits && !variants.is_empty() {
                    let why = first
                        .map(|m| format!(" (the first: {m})"))
                        .unwrap_or_default();
                    return Err(mismatch(
                        at,
                        format!("fits none of the {key} variants{why}"),
                    ));
                }
            }
        }
        // `properties` without a `type` describe an object, as the generated types read them.
        let implied = schema.get("properties").map(|_| "object");
        if let Some(expected) = schema.get("type").and_then(Value::as_str).or(implied) {
            type_fits(
                expected,
                schema.get("format").and_then(Value::as_str),
                value,
                at,
            )?;
        }
        if self.strict {
            bounds(schema, value, at)?;
        }
        match value {
            Value::Object(object) => self.object(schema, object, at, depth),
            Value::Array(items) => match schema.get("items") {
                Some(item) => items.iter().enumerate().try_for_each(|(index, v)| {
                    self.value(item, v, &format!("{at}/{index}"), depth + 1)
                }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn object(
        &self,
        schema: &'s Value,
        object: &serde_json::Map<String, Value>,
        at: &str,
        depth: usize,
    ) -> Result<(), Mismatch> {
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                return Err(mismatch(
                    at,
                    format!("the required property `{name}` is missing"),
                ));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, v) in object {
            let place = format!("{at}/{}", crate::load::spec::escape_token(name));
            match (
                properties.and_then(|p| p.get(name)),
                schema.get("additionalProperties"),
            ) {
                (Some(property), _) => self.value(property, v, &place, depth + 1)?,
                (None, Some(Value::Bool(false))) => {
                    return Err(mismatch(
                        &place,
                        "a property the schema does not allow".into(),
                    ))
                }
                (None, Some(extra @ Value::Object(_))) => {
                    self.value(extra, v, &place, depth + 1)?
                }
                (None, _) => {}
            }
        }
        Ok(())
    }
}

/// Whether `null` fits `schema` (resolved): it is `nullable`, its enum lists `null`, it
/// constrains nothing, or a variant or part of it takes `null`.
fn accepts_null(checker: &Checker<'_>, schema: &Value, depth: usize) -> bool {
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return true;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().any(Value::is_null);
    }
    let shaping = ["type", "properties", "items", "allOf", "oneOf", "anyOf"];
    if !shaping.iter().any(|key| schema.get(key).is_some()) {
        return true;
    }
    ["allOf", "oneOf", "anyOf"].iter().any(|key| {
        let variants = schema.get(key).and_then(Value::as_array);
        variants.into_iter().flatten().any(|variant| {
            depth < DEPTH
                && checker
                    .resolve(variant)
                    .is_some_and(|v| accepts_null(checker, v, depth + 1))
        })
    })
}

/// A discriminator's property must be in an object (OpenAPI's rule, beyond JSON Schema's): a
/// tagged union is read by it.
fn tag_present(schema: &Value, value: &Value, at: &str) -> Result<(), Mismatch> {
    let tag = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str);
    match (tag, value) {
        (Some(tag), Value::Object(object)) if !object.contains_key(tag) => Err(mismatch(
            at,
            format!("the discriminator property `{tag}` is missing"),
        )),
        _ => Ok(()),
    }
}

/// Whether `value` keeps within the bounds and the pattern of `schema` (resolved).
fn bounds(schema: &Value, value: &Value, at: &str) -> Result<(), Mismatch> {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let (size, least, most) = match value {
        Value::String(text) => {
            let pattern = schema.get("pattern").and_then(Value::as_str);
            if let Some(pattern) = pattern {
                if super::pattern::matches(pattern, text) == Some(false) {
                    return Err(mismatch(
                        at,
                        format!("{value} does not match the pattern `{pattern}`"),
                    ));
                }
            }
            let length = text.chars().count() as f64;
            (length, bound("minLength"), bound("maxLength"))
        }
        Value::Number(number) => {
            let number = number.as_f64().unwrap_or(0.0);
            (number, bound("minimum"), bound("maximum"))
        }
        Value::Array(items) => (items.len() as f64, bound("minItems"), bound("maxItems")),
        _ => return Ok(()),
    };
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let below = least.is_some_and(|least| {
        size < least || (value.is_number() && exclusive("exclusiveMinimum") && size == least)
    });
    let above = most.is_some_and(|most| {
        size > most || (value.is_number() && exclusive("exclusiveMaximum") && size == most)
    });
    if below || above {
        return Err(mismatch(
            at,
            format!("{value} is out of the schema's bounds"),
        ));
    }
    Ok(())
}

/// Whether a value of the JSON `type` `expected` (with `format`) is `value`.
fn type_fits(
    expected: &str,
    format: Option<&str>,
    value: &Value,
    at: &str,
) -> Result<(), Mismatch> {
    let fits = match expected {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !fits {
        return Err(mismatch(
            at,
            format!("{} where {} is expected", kind(value), article(expected)),
        ));
    }
    let fits = match (format, value) {
        (Some("date-time"), Value::String(text)) => is_date_time(text),
        (Some("date"), Value::String(text)) => is_date(text.as_bytes()),
        (Some("int32"), _) if expected == "integer" => {
            value.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
        }
        (Some("int64") | None, _) if expected == "integer" => value.is_i64(),
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        let format = format.unwrap_or("int64");
        Err(mismatch(
            at,
            format!("{value} is not of the format `{format}`"),
        ))
    }
}

fn mismatch(at: &str, message: String) -> Mismatch {
    Mismatch {
        at: at.to_string(),
        message,
    }
}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// `a string`, `an array`: what `value` is.
fn kind(value: &Value) -> String {
    let name = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    format!("{} ({value})", article(name))
}

fn article(name: &str) -> String {
    let an = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if an { "an" } else { "a" })
}

/// `YYYY-MM-DD` with a month and a day that exist in some year.
fn is_date(text: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| {
        text.get(range)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(_), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    text.len() == 10
        && text[4] == b'-'
        && text[7] == b'-'
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `+HH:MM` (`t` and `z`
/// in either case).
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !is_date(&bytes[..10]) || !matches!(bytes[10], b'T' | b't') {
        return false;
    }
    let time = &bytes[11..19];
    let two = |i: usize| {
        time.get(i..i + 2)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
    };
    let fields = (two(0), two(3), two(6));
    let (Some(h), Some(m), Some(s)) = fields else {
        return false;
    };
    let number = |d: &[u8]| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0');
    if time[2] != b':' || time[5] != b':' || number(h) > 23 || number(m) > 59 || number(s) > 60 {
        return false;
    }
    let mut rest = &bytes[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
                && number(&[*h1, *h2]) <= 23
                && number(&[*m1, *m2]) <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Owners": {"type": "array", "items": {"type": "string"}},
            "Version": {"type": "string"},
            "When": {"type": "string", "format": "date-time"},
            "Count": {"type": "integer"},
            "Small": {"type": "integer", "format": "int32"},
            "Cwe": {
                "type": "object",
                "required": ["cwe_id"],
                "properties": {
                    "cwe_id": {"type": "string"},
                    "level": {"type": "string", "enum": ["low", "high"], "nullable": true},
                    "seen": {"$ref": "#/components/schemas/When"}
                }
            },
            "Either": {"oneOf": [{"$ref": "#/components/schemas/Count"}, {"$ref": "#/components/schemas/Owners"}]},
            "Both": {"allOf": [{"$ref": "#/components/schemas/Cwe"}, {"type": "object", "required": ["extra"]}]},
            "Closed": {"type": "object", "additionalProperties": false, "properties": {"a": {}}},
            "Scores": {"type": "object", "additionalProperties": {"type": "number"}},
            "Route": {"properties": {"url": {"type": "string"}}}
        }}})
    }

    fn fits(schema: &str, value: Value) -> Result<(), String> {
        check(&spec(), &format!("#/components/schemas/{schema}"), &value).map_err(|m| m.to_string())
    }

    #[test]
    fn values_that_fit_their_schema_pass() {
        assert_eq!(fits("Owners", json!(["octocat"])), Ok(()));
        assert_eq!(fits("When", json!("2011-01-26T19:01:36.000Z")), Ok(()));
        assert_eq!(fits("When", json!("2011-01-26t19:01:36+05:30")), Ok(()));
        assert_eq!(fits("Count", json!(1367712000)), Ok(()));
        assert_eq!(
            fits("Cwe", json!({"cwe_id": "CWE-1", "level": null, "more": 1})),
            Ok(())
        );
        assert_eq!(fits("Either", json!(["a"])), Ok(()));
        assert_eq!(fits("Both", json!({"cwe_id": "x", "extra": true})), Ok(()));
        assert_eq!(fits("Scores", json!({"a": 1.5})), Ok(()));
        assert_eq!(
            fits("Missing", json!(1)),
            Ok(()),
            "no schema: nothing to check"
        );
    }

    #[test]
    fn the_examples_a_spec_gets_wrong_are_found() {
        let cases = [
            ("Owners", json!("owner[]=octocat1,owner[]=octocat2"), "at `/`: a string (\"owner[]=octocat1,owner[]=octocat2\") where an array is expected"),
            ("Version", json!(20.04), "at `/`: a number (20.04) where a string is expected"),
            ("When", json!("\"2011-01-26T19:01:36Z\""), "at `/`: \"\\\"2011-01-26T19:01:36Z\\\"\" is not of the format `date-time`"),
            ("When", json!("2011-01-26 19:01"), "at `/`: \"2011-01-26 19:01\" is not of the format `date-time`"),
            ("Count", json!("1367712000"), "at `/`: a string (\"1367712000\") where an integer is expected"),
            ("Count", json!(1.5), "at `/`: a number (1.5) where an integer is expected"),
            ("Small", json!(4_000_000_000u64), "at `/`: 4000000000 is not of the format `int32`"),
            ("Cwe", json!({"level": "low"}), "at `/`: the required property `cwe_id` is missing"),
            ("Cwe", json!({"cwe_id": "x", "level": "mid"}), "at `/level`: \"mid\" is none of the values of the enum"),
            ("Cwe", json!({"cwe_id": "x", "seen": "now"}), "at `/seen`: \"now\" is not of the format `date-time`"),
            ("Cwe", json!(null), "at `/`: null where an object is expected"),
            ("Either", json!("a"), "at `/`: fits none of the oneOf variants (the first: at `/`: a string (\"a\") where an integer is expected)"),
            ("Both", json!({"cwe_id": "x"}), "at `/`: the required property `extra` is missing"),
            ("Closed", json!({"b": 1}), "at `/b`: a property the schema does not allow"),
            ("Scores", json!({"a": "high"}), "at `/a`: a string (\"high\") where a number is expected"),
            ("Route", json!("on"), "at `/`: a string (\"on\") where an object is expected"),
        ];
        for (schema, value, expected) in cases {
            assert_eq!(
                fits(schema, value.clone()),
                Err(expected.to_string()),
                "{schema}: {value}"
            );
        }
    }
}
