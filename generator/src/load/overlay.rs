//! OpenAPI Overlay 1.0: ordered actions with JSONPath (RFC 9535) targets, each an `update`
//! (recursive merge: objects key by key, arrays concatenated, scalars replaced) or a `remove`.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
struct OverlayDoc {
    overlay: String,
    #[serde(default)]
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
struct Action {
    target: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// Apply the overlay file at `path` to `doc`.
pub fn apply_file(doc: &mut Value, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    apply_str(doc, &text, &path.display().to_string())
}

/// Apply the overlay file at `path` to a document whose unselected path items were skimmed
/// ([`super::selected`]). It is refused where the whole document could give another result:
/// a target that matches nothing (it may match in a skimmed item), or one that reads the
/// document from its root inside a filter (a `$` after the first character).
pub fn apply_file_to_skimmed(doc: &mut Value, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    apply(doc, &text, &path.display().to_string(), true)
}

/// Apply an overlay given as JSON text; `file` names it in errors.
pub fn apply_str(doc: &mut Value, text: &str, file: &str) -> Result<()> {
    apply(doc, text, file, false)
}

/// [`apply_str`]; `skimmed` as in [`apply_file_to_skimmed`].
fn apply(doc: &mut Value, text: &str, file: &str, skimmed: bool) -> Result<()> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let overlay: OverlayDoc = serde_path_to_error::deserialize(de).map_err(|e| {
        Error::spec(
            file,
            pointer_of(&e.path().to_string()),
            crate::error::json_error_message(e.inner()),
        )
    })?;
    if !overlay.overlay.starts_with("1.") {
        return Err(Error::spec(
            file,
            "#/overlay",
            format!(
                "overlay version {} is not supported (1.x is)",
                overlay.overlay
            ),
        ));
    }
    for (index, action) in overlay.actions.iter().enumerate() {
        let from_root = skimmed
            && action
                .target
                .get(1..)
                .is_some_and(|rest| rest.contains('$'));
        let applied = match from_root {
            true => Err("the target reads the whole document".to_string()),
            false => apply_action(doc, action),
        };
        applied.map_err(|message| Error::Overlay {
            file: file.to_string(),
            action: index,
            target: action.target.clone(),
            message,
        })?;
    }
    Ok(())
}

fn pointer_of(serde_path: &str) -> String {
    if serde_path == "." {
        "#".to_string()
    } else {
        format!("#/{}", serde_path.replace(['.', '['], "/").replace(']', ""))
    }
}

fn apply_action(doc: &mut Value, action: &Action) -> std::result::Result<(), String> {
    if action.description.as_deref().is_none_or(str::is_empty) {
        return Err("every action must say why in a `description`".into());
    }
    let path = JsonPath::parse(&action.target).map_err(|e| format!("invalid JSONPath: {e}"))?;
    let mut pointers: Vec<String> = path
        .query_located(doc)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect();
    if pointers.is_empty() {
        return Err("the target matches nothing".into());
    }
    match (&action.update, action.remove) {
        (Some(update), false) => {
            for pointer in &pointers {
                let node = doc
                    .pointer_mut(pointer)
                    .ok_or_else(|| format!("node {pointer} vanished"))?;
                merge(node, update.clone());
            }
            Ok(())
        }
        (None, true) => {
            // Remove later array items first so earlier indices stay valid.
            pointers.sort_by(|a, b| b.cmp(a));
            for pointer in &pointers {
                remove(doc, pointer)?;
            }
            Ok(())
        }
        _ => Err("an action needs exactly one of `update` or `remove: true`".into()),
    }
}

/// Overlay merge: objects merged key by key, arrays concatenated, anything else replaced.
fn merge(target: &mut Value, update: Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update),
        (target, update) => *target = update,
    }
}

fn remove(doc: &mut Value, pointer: &str) -> std::result::Result<(), String> {
    let (parent, last) = match pointer.rfind('/') {
        Some(split) => (&pointer[..split], &pointer[split + 1..]),
        None => return Err("the document root cannot be removed".into()),
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index: usize = key.parse().map_err(|_| format!("bad index in {pointer}"))?;
            if index < items.len() {
                items.remove(index);
            }
            Ok(())
        }
        _ => Err(format!("parent of {pointer} is not a container")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_merges_and_concatenates() {
        let mut doc = json!({"paths": {"/a": {"get": {"security": [{"k": []}], "x": 1}}}});
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.paths['/a'].get", "description": "d", "update": {"security": [{"t": []}], "x": 2}}
        ]});
        apply_str(&mut doc, &overlay.to_string(), "o.json").unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"],
            json!({"security": [{"k": []}, {"t": []}], "x": 2})
        );
    }

    #[test]
    fn remove_and_unmatched_target() {
        let mut doc = json!({"a": {"b": [1, 2, 3], "c": true}});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.a.c", "description": "d", "remove": true}
        ]});
        apply_str(&mut doc, &overlay.to_string(), "o.json").unwrap();
        assert_eq!(doc, json!({"a": {"b": [1, 2, 3]}}));
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.nothing", "description": "d", "remove": true}
        ]});
        let err = apply_str(&mut doc, &overlay.to_string(), "o.json").unwrap_err();
        assert!(err.to_string().contains("matches nothing"), "{err}");
    }
}
