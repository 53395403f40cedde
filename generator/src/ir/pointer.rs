//! JSON pointers into the spec (RFC 6901, as URI fragments: `#/components/schemas/x`).

use std::fmt;

use crate::load::spec::escape_token;

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
}
