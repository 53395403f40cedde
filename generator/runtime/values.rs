//! How generated types are read and written: the helpers behind the `*_impls!` macros of
//! `macros.rs` (unknown fields kept, tags read from the raw text, the path of a failure kept),
//! and query-string values.

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
    if let Some(found) = scan_tag(raw, tag) {
        return Ok(found.map(str::to_string));
    }
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

/// The string value of the top-level property `tag` of the JSON object `raw` (text serde_json
/// has read whole, so valid JSON), found by scanning its bytes, which is several times faster
/// than decoding: `Some(None)` when the object has no such property, `None` when the scan
/// cannot tell without decoding (an escape in a key or in the value, a value that is not a
/// string).
fn scan_tag<'a>(raw: &'a str, tag: &str) -> Option<Option<&'a str>> {
    let bytes = raw.as_bytes();
    let mut i = skip_space(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_space(bytes, i);
        match bytes.get(i)? {
            b'}' => return Some(None),
            b'"' => {}
            _ => return None,
        }
        let end = string_end(bytes, i);
        let key = bytes.get(i + 1..end.checked_sub(1)?)?;
        if key.contains(&b'\\') {
            return None;
        }
        i = skip_space(bytes, end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(bytes, i + 1);
        if key == tag.as_bytes() {
            if bytes.get(i) != Some(&b'"') {
                return None;
            }
            let value = raw.get(i + 1..string_end(bytes, i).checked_sub(1)?)?;
            return (!value.contains('\\')).then_some(Some(value));
        }
        i = skip_space(bytes, skip_value(bytes, i)?);
        match bytes.get(i)? {
            b',' => i += 1,
            b'}' => return Some(None),
            _ => return None,
        }
    }
}

/// The index of the first byte at or after `i` that is not JSON white space.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just past the JSON value that starts at `i`, if the text holds it whole.
fn skip_value(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => Some(string_end(bytes, i)),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = string_end(bytes, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let rest = &bytes[i..];
            let len = rest
                .iter()
                .position(|c| c.is_ascii_whitespace() || matches!(c, b',' | b'}' | b']'))
                .unwrap_or(rest.len());
            Some(i + len)
        }
    }
}

/// Decodes a value from JSON text held by a union, with the path of a failure inside it in
/// the message.
pub(crate) fn from_raw<T: serde::de::DeserializeOwned, E: serde::de::Error>(raw: &str) -> Result<T, E> {
    serde_json::from_str(raw).map_err(|error| inner_failure(raw, error))
}

/// Decodes a generated struct from JSON text held by a union, ignoring the property `skip`,
/// with the path of a failure inside it in the message.
pub(crate) fn object_from_raw<T: crate::fields::Object, E: serde::de::Error>(raw: &str, skip: Option<&'static str>) -> Result<T, E> {
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    T::read_object(&mut deserializer, skip).map_err(|error| inner_failure(raw, error))
}

/// The error of a union whose inner text failed to decode: the path inside it, then the
/// failure. Its position in the inner text is left out (serde_json would read it as one in
/// the outer text): the outer decoder gives the position of the union's value.
fn inner_failure<E: serde::de::Error>(raw: &str, error: serde_json::Error) -> E {
    let (path, message) = failure(raw, &error);
    if path == "." {
        E::custom(message)
    } else {
        E::custom(format_args!("{path}: {message}"))
    }
}

/// Decodes `T` from the JSON text of a body; a failure comes with the JSON path of the value
/// it is about (`result.items[2].name`, `.` for the whole body).
///
/// Every typed decode of the crate reads from `&str` through this function or the two
/// above, and the path is found from the failure's position in the text: so each type's
/// decoding is compiled once, for one reader, and costs nothing extra when it succeeds.
pub(crate) fn from_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, serde_json::Error)> {
    forget_failed_union();
    serde_json::from_str(text).map_err(|error| located(text, error))
}

/// A decode `error` of `text` with the path of the value it is about.
fn located(text: &str, error: serde_json::Error) -> (String, serde_json::Error) {
    (failure(text, &error).0, error)
}

std::thread_local! {
    /// The text of the last union value that failed to decode on this thread, and its error.
    static FAILED_UNION: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// `decoded`, the result of decoding a union from its text `raw`. A failure is noted: the
/// union reads its value whole before decoding it, so serde_json gives its error the
/// position of the object or array around it, and [`failure`] finds the value by its text.
pub(crate) fn union_decoded<T, E: std::fmt::Display>(raw: &str, decoded: Result<T, E>) -> Result<T, E> {
    if let Err(error) = &decoded {
        note_failed_union(raw, error.to_string());
    }
    decoded
}

/// Notes the text of a union value that failed to decode, and its error's message.
fn note_failed_union(raw: &str, message: String) {
    FAILED_UNION.with(|failed| *failed.borrow_mut() = Some((raw.to_string(), message)));
}

/// Forgets a failed union noted by an earlier decode.
fn forget_failed_union() {
    FAILED_UNION.with(|failed| failed.borrow_mut().take());
}

/// The path in `text` of the value a decode `error` is about, and the error's message
/// without its position.
fn failure(text: &str, error: &serde_json::Error) -> (String, String) {
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&position).unwrap_or(&full).to_string();
    // The text ended early: in the value it ends in (a string cut short), or after an object
    // or array that closed, in the one still open around it.
    let trimmed = text.trim_end();
    let offset = match (error.is_eof(), trimmed.as_bytes().last()) {
        (true, Some(b'}' | b']')) => Some(text.len()),
        (true, _) => Some(trimmed.len().saturating_sub(1)),
        (false, _) => error_offset(text, error.line(), error.column()),
    };
    let union = FAILED_UNION
        .with(|failed| failed.borrow_mut().take())
        .filter(|(_, failed)| *failed == message)
        .and_then(|(raw, _)| {
            let before = text.get(..offset.map_or(text.len(), |o| (o + 1).min(text.len())))?;
            before.rfind(&raw)
        });
    let path = match (union, offset) {
        (Some(start), _) => path_at_offset(text, start),
        (None, Some(offset)) => path_at_offset(text, offset),
        (None, None) => ".".into(),
    };
    (path, message)
}

/// The byte of `text` at the position serde_json gives for an error (`line` from 1, `column`
/// the bytes of that line read; `line` 0 for none): the last byte read, or when that one
/// only leads to a value (a space, `:`, `,`, an opening `[`), the start of the value it leads
/// to, as a value of the wrong kind is refused before it is read.
fn error_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let line_start = match line {
        0 => return None,
        1 => 0,
        _ => bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(i, _)| i + 1),
    };
    let mut offset = match column {
        // Nothing read of the line yet: the error is about the value it starts with.
        0 => line_start,
        // An array just opened: the error is about its first value.
        _ if bytes.get(line_start + column - 1) == Some(&b'[') => line_start + column,
        _ => line_start + column - 1,
    };
    while bytes.get(offset).is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b':' | b',')) {
        offset += 1;
    }
    Some(offset)
}

/// A key or an index on a JSON path.
enum Step {
    Key(String),
    Index(usize),
}

/// An object or array being read by [`path_at`]: its kind, the number of values seen in it
/// (for arrays), and the step to the member being read.
struct Open {
    array: bool,
    count: usize,
    step: Option<Step>,
    wants_key: bool,
}

/// The JSON path, as `a.b[0].c` (`.` for the whole text), of the innermost value of `text`
/// that holds the byte at `target`, or of the object or array around it when that byte is
/// between members or in a key, or past the end (the text ended inside it).
pub(crate) fn path_at_offset(text: &str, target: usize) -> String {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() || b == b':' {
            if i == target {
                return render(&stack, false);
            }
            i += 1;
            continue;
        }
        match b {
            b'}' | b']' | b',' => {
                if i == target {
                    return render(&stack, false);
                }
                if b == b',' {
                    if let Some(open) = stack.last_mut() {
                        open.wants_key = !open.array;
                    }
                } else {
                    stack.pop();
                }
                i += 1;
            }
            b'"' if stack.last().is_some_and(|open| open.wants_key) => {
                let end = string_end(bytes, i);
                if target < end {
                    return render(&stack, false);
                }
                let key = serde_json::from_str::<String>(&text[i..end]).unwrap_or_else(|_| text[i + 1..end - 1].to_string());
                if let Some(open) = stack.last_mut() {
                    open.step = Some(Step::Key(key));
                    open.wants_key = false;
                }
                i = end;
            }
            _ => {
                // A value starts: it is the next member of the array around it.
                if let Some(open) = stack.last_mut().filter(|open| open.array) {
                    open.step = Some(Step::Index(open.count));
                    open.count += 1;
                }
                let end = match b {
                    b'{' | b'[' => i + 1,
                    b'"' => string_end(bytes, i),
                    _ => bytes[i..]
                        .iter()
                        .position(|c| c.is_ascii_whitespace() || matches!(c, b',' | b']' | b'}' | b':'))
                        .map_or(bytes.len(), |n| i + n),
                };
                if target < end {
                    return render(&stack, true);
                }
                if matches!(b, b'{' | b'[') {
                    stack.push(Open { array: b == b'[', count: 0, step: None, wants_key: b == b'{' });
                }
                i = end;
            }
        }
    }
    render(&stack, false)
}

/// The index just past the string that starts (with its quote) at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The path to the innermost open object or array (`member`: to the member it is reading).
fn render(stack: &[Open], member: bool) -> String {
    use std::fmt::Write;
    let depth = if member { stack.len() } else { stack.len().saturating_sub(1) };
    let mut path = String::new();
    for open in &stack[..depth] {
        match &open.step {
            Some(Step::Key(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Some(Step::Index(index)) => {
                let _ = write!(path, "[{index}]");
            }
            None => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        size: Option<u8>,
        tags: Vec<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        result: Vec<Item>,
        #[serde(rename = "odd key")]
        odd: Option<bool>,
    }

    /// The path found from the failure's position is the one a decoder that tracks every
    /// step finds.
    #[test]
    fn paths_from_positions_are_those_tracked_step_by_step() {
        let bodies = [
            r#"{"result": [{"name": "a", "tags": []}, {"name": 5, "tags": []}]}"#,
            r#"{"result": [{"name": "a", "tags": ["x", 7]}]}"#,
            r#"{"result": [{"name": "a", "tags": []}, {"tags": []}]}"#,
            "{\n  \"result\": [\n    {\"name\": \"a\", \"size\": 300, \"tags\": []}\n  ]\n}",
            r#"{"result": [{"name": "a", "tags": {"x": 1}}]}"#,
            r#"{"result": [], "odd key": "yes"}"#,
            r#"{"result": [{"name": "a\"]}", "tags": [], "size": -1}]}"#,
            r#"{"result": {}}"#,
            r#"{"result": [{"name": "a", "tags": []}"#,
            r#"{"result": [{"name": "a", "tags": ["x", "y"#,
            "{\"result\": [{\"name\": \"a\", \"tags\": [  \n",
            r#"[]"#,
            r#"{"result":[{"name":"a","tags":[{"x":1}]}]}"#,
            r#"{"result":[{"name":"a","tags":["x",[]]}]}"#,
            r#"{"result":[{"name":"a","tags":{}}]}"#,
            r#"{"result":[{"name":"a","tags":[]}],"odd key":[true]}"#,
            r#"{"result":{"name":"a"}}"#,
            r#"{"result":[[]]}"#,
            r#"{"result":[{"name":"a","tags":[]}, []]}"#,
            // An error at the start of a line (nothing of it read yet).
            "{\"result\": [], \"odd key\":\n[true]}",
            "{\"result\":\n[{\"name\":\"a\",\"tags\":\n[1]}]}",
        ];
        for body in bodies {
            let tracked = serde_path_to_error::deserialize::<_, Body>(&mut serde_json::Deserializer::from_str(body))
                .expect_err(body);
            let (path, error) = from_text::<Body>(body).expect_err(body);
            assert_eq!(path, tracked.path().to_string(), "{body}: {error}");
            assert_eq!(error.to_string(), tracked.inner().to_string(), "{body}");
        }
    }

    #[test]
    fn tags_are_found_by_scanning_as_by_decoding() {
        let objects = [
            r#"{"type": "dog", "name": "Rex"}"#,
            r#"{"name": "Rex", "x": {"type": "cat", "a": [1, {"type": "z"}]}, "type" : "dog"}"#,
            r#"{"name": "Rex \"type\": \"cat\"", "type": "dog"}"#,
            r#"{"name": "Rex"}"#,
            r#"{}"#,
            r#" { "n": -1.5e3 , "b": true, "type": "dog" } "#,
            r#"{"type": 5}"#,
            r#"{"type": "d\u006fg"}"#,
            r#"{"ty\u0070e": "dog"}"#,
            r#"{"type": "dog", "type": "cat"}"#,
            r#"{"a": "\\", "type": "dog"}"#,
        ];
        for object in objects {
            let scanned = scan_tag(object, "type");
            // The first of two tags counts (a map keeps the last).
            let first = object.contains(r#""type": "dog", "type": "cat""#).then(|| "dog".to_string());
            let decoded: Option<String> = first.or_else(|| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(object)
                .ok()
                .and_then(|map| map.get("type").cloned())
                .map(|value| value.as_str().map_or_else(|| value.to_string(), str::to_string)));
            match scanned {
                Some(found) => assert_eq!(found.map(str::to_string), decoded, "{object}"),
                None => assert!(object.contains('\\') || object.contains("5"), "{object}"),
            }
            let read: Option<String> = read_tag::<serde_json::Error>(object, "type").unwrap();
            assert_eq!(read, decoded, "{object}");
        }
    }

    #[test]
    fn a_path_names_the_value_at_an_offset() {
        let text = r#"{"a": [1, {"b": "xy"}], "c": null}"#;
        let at = |needle: &str| path_at_offset(text, text.find(needle).unwrap());
        assert_eq!(at("1"), "a[0]");
        assert_eq!(at("{\"b"), "a[1]");
        assert_eq!(at("xy"), "a[1].b");
        assert_eq!(at("null"), "c");
        assert_eq!(at("\"c"), ".");
        assert_eq!(at(", \"c"), ".");
        assert_eq!(path_at_offset(text, 1000), ".");
        assert_eq!(path_at_offset("", 0), ".");
        assert_eq!(path_at_offset("[[1, 2", 1000), "[0]");
        assert_eq!(path_at_offset("[[1, 2], [3]]", 10), "[1][0]");
    }
}
