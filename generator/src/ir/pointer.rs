//! JSON pointers into the spec (RFC 6901, as URI fragments: `#/components/schemas/x`).

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::load::spec::escape_token;

/// The node of `root` at the JSON pointer `pointer`, as a URI fragment (`#/a/b`) or plain
/// (`/a/b`; `""` or `#` for the root). Like [`Value::pointer`] (`~1` is `/`, `~0` is `~`, an
/// array index is decimal without a sign or leading zero), without a new string for each
/// token that holds no `~`: the IR looks pointers up at every turn.
pub fn lookup<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(root, |node, token| {
        let token = match token.contains('~') {
            true => Cow::Owned(token.replace("~1", "/").replace("~0", "~")),
            false => Cow::Borrowed(token),
        };
        match node {
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => {
                let index_like =
                    !token.starts_with('+') && (token.len() == 1 || !token.starts_with('0'));
                index_like
                    .then(|| token.parse::<usize>().ok())
                    .flatten()
                    .and_then(|index| items.get(index))
            }
            _ => None,
        }
    })
}

/// Where something is in the spec: a JSON pointer as a URI fragment (`#/paths/~1apps/get`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// A pointer from its text (`#/...`).
    pub fn new(text: impl Into<String>) -> Self {
        Pointer(text.into())
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pointer one level down, at `key` (escaped as RFC 6901 says: `~` and `/`).
    pub fn child(&self, key: &str) -> Pointer {
        Pointer(format!("{}/{}", self.0, escape_token(key)))
    }

    /// Whether it points nowhere (no schema).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Pointer {
    fn from(text: String) -> Self {
        Pointer(text)
    }
}

impl From<&str> for Pointer {
    fn from(text: &str) -> Self {
        Pointer(text.to_string())
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_escaped() {
        let paths = Pointer::new("#/paths");
        assert_eq!(paths.child("/a/{b}").as_str(), "#/paths/~1a~1{b}");
        assert_eq!(paths.child("x~y").to_string(), "#/paths/x~0y");
    }

    #[test]
    fn lookups_find_what_serde_json_finds() {
        let root = serde_json::json!({
            "paths": {"/a/{b}": {"get": [10, 11, {"x~y": true}]}},
            "": {"empty": 1},
            "0": "zero",
        });
        for pointer in [
            "",
            "/",
            "/paths",
            "/paths/~1a~1{b}/get",
            "/paths/~1a~1{b}/get/1",
            "/paths/~1a~1{b}/get/2/x~0y",
            "/paths/~1a~1{b}/get/01",
            "/paths/~1a~1{b}/get/+1",
            "/paths/~1a~1{b}/get/3",
            "/paths/~1a~1{b}/get/x",
            "//empty",
            "/0",
            "/missing/x",
            "paths",
            "/paths/~1a~1{b}/get/0/deeper",
        ] {
            assert_eq!(lookup(&root, pointer), root.pointer(pointer), "{pointer:?}");
            let fragment = format!("#{pointer}");
            assert_eq!(
                lookup(&root, &fragment),
                root.pointer(pointer),
                "{fragment:?}"
            );
        }
    }
}
