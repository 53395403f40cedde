//! Reading a spec whose config selects some of its paths: the path items it does not select
//! are skimmed, not built. Of each one only what the rest of loading reads is kept (its
//! `$ref`, and the `operationId` of each operation, which must be unique across the whole
//! spec), so a config that selects a hundred of 1,500 operations does not build a JSON tree
//! of the other 1,400.
//!
//! The result differs from the whole document only inside path items that are not selected,
//! which nothing emitted reads. Where that could matter, the caller reads the whole document
//! instead (see [`crate::Generator::generate`]): a reference into `#/paths`, an overlay
//! whose target matches nothing in the skimmed document or reads the document from its root
//! inside a filter, or any text this reader refuses (the whole reader then gives the error).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The methods of a path item whose operations have an `operationId`.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The spec `text` with the path items that `selected` refuses skimmed to their `$ref` and
/// operation ids; `None` when the text is not an object holding a `paths` object of objects
/// (the whole reader says what is wrong).
pub fn read(text: &str, selected: &dyn Fn(&str) -> bool) -> Option<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Document {
        selected,
        paths: false,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// Whether `text` may refer into `#/paths` (a reference to an operation or path item, which
/// skimming could remove): any `#/paths` in it, also written with an escaped `/` or an
/// escape for `#`, which JSON allows.
pub fn refers_into_paths(text: &str) -> bool {
    text.contains("#/paths") || text.contains("#\\/paths") || text.contains("\\u0023")
}

/// An object read whole but for some members: the top-level one (`paths` read as the paths
/// object) and the `paths` object (a path item `selected` refuses read through
/// [`Skimmed`]).
#[derive(Clone, Copy)]
struct Document<'a> {
    selected: &'a dyn Fn(&str) -> bool,
    paths: bool,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.paths {
            true => "the paths object",
            false => "an OpenAPI document",
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match (self.paths, key.as_str()) {
                (false, "paths") => map.next_value_seed(Document {
                    paths: true,
                    ..self
                })?,
                (true, path) if !(self.selected)(path) => map.next_value_seed(Skimmed::Item)?,
                _ => map.next_value::<Value>()?,
            };
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// What is kept of a path item that is not selected (its `$ref` and its operations), and of
/// each of its operations (its `operationId`).
#[derive(Clone, Copy)]
enum Skimmed {
    Item,
    Operation,
}

impl<'de> DeserializeSeed<'de> for Skimmed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Skimmed {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Skimmed::Item => "a path item",
            Skimmed::Operation => "an operation",
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match (self, key.as_str()) {
                (Skimmed::Item, "$ref") | (Skimmed::Operation, "operationId") => {
                    let value = map.next_value::<Value>()?;
                    kept.insert(key, value);
                }
                (Skimmed::Item, method) if METHODS.contains(&method) => {
                    let value = map.next_value_seed(Skimmed::Operation)?;
                    kept.insert(key, value);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unselected_items_keep_their_ref_and_operation_ids() {
        let text = json!({
            "openapi": "3.0.3",
            "paths": {
                "/kept": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}},
                "/skimmed": {
                    "parameters": [{"name": "x", "in": "query"}],
                    "get": {"operationId": "b", "tags": ["t"], "responses": {}},
                    "post": {"responses": {}},
                    "x-extension": {"get": {"operationId": "not an operation"}}
                },
                "/referring": {"$ref": "other.json#/x", "summary": "s"}
            },
            "components": {"schemas": {"S": {"type": "string"}}}
        })
        .to_string();
        let read = read(&text, &|path| path == "/kept").expect("a valid document");
        let whole: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(read["paths"]["/kept"], whole["paths"]["/kept"]);
        assert_eq!(read["components"], whole["components"]);
        assert_eq!(read["openapi"], whole["openapi"]);
        assert_eq!(
            read["paths"]["/skimmed"],
            json!({"get": {"operationId": "b"}, "post": {}})
        );
        assert_eq!(
            read["paths"]["/referring"],
            json!({"$ref": "other.json#/x"})
        );
        let order: Vec<&String> = read["paths"].as_object().unwrap().keys().collect();
        assert_eq!(order, ["/kept", "/skimmed", "/referring"]);
    }

    #[test]
    fn text_it_cannot_skim_is_left_to_the_whole_reader() {
        let all = |_: &str| false;
        assert!(read("[1, 2]", &all).is_none());
        assert!(read(r#"{"paths": []}"#, &all).is_none());
        assert!(read(r#"{"paths": {"/a": null}}"#, &all).is_none());
        assert!(read(r#"{"paths": {"/a": {"get": 3}}}"#, &all).is_none());
        // Skimmed text is still checked as JSON.
        assert!(read(r#"{"paths": {"/a": {"get": {"x": [1, }}}}"#, &all).is_none());
        assert!(read(r#"{"paths": {}} trailing"#, &all).is_none());
        assert!(read(r#"{"paths": {"/a": {"get": {"x": [1]}}}}"#, &all).is_some());
    }

    #[test]
    fn references_into_paths_are_seen_however_written() {
        assert!(refers_into_paths(r##"{"$ref": "#/paths/~1a/get"}"##));
        assert!(refers_into_paths(r##"{"$ref": "#\/paths\/~1a"}"##));
        assert!(refers_into_paths(r#"{"$ref": "\u0023/paths/~1a"}"#));
        assert!(!refers_into_paths(
            r##"{"$ref": "#/components/schemas/paths"}"##
        ));
    }
}
