//! Rust names from spec names: types, fields, variants, methods. One rule for keywords:
//! a raw identifier (`r#type`) where Rust allows one, a trailing underscore (`self_`) where not.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Words for symbols, so that `<=` becomes `LessEqual`.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '<' => " less ",
        '>' => " greater ",
        '=' => " equal ",
        '!' => " not ",
        '*' => " star ",
        '+' => " plus ",
        '/' => " slash ",
        '\\' => " backslash ",
        '@' => " at ",
        '#' => " hash ",
        '$' => " dollar ",
        '%' => " percent ",
        '&' => " and ",
        '|' => " or ",
        '^' => " caret ",
        '~' => " tilde ",
        '?' => " question ",
        ':' => " colon ",
        ',' => " comma ",
        ';' => " semicolon ",
        '(' | ')' | '[' | ']' | '{' | '}' => " ",
        _ => return None,
    })
}

/// Spell symbols out when a name has nothing else (`<=` -> `less equal`), otherwise drop them.
fn words(raw: &str) -> String {
    let alnum = raw.chars().any(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match symbol_word(c) {
            Some(word) if !alnum => out.push_str(word),
            Some(_) => out.push(' '),
            None if c.is_alphanumeric() => out.push(c),
            None => out.push(' '),
        }
    }
    out
}

fn ascii_only(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// `UpperCamelCase` type or variant name; never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_only(&words(raw).to_upper_camel_case());
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// `snake_case` identifier for a field, parameter or method, keyword-safe.
pub fn field_name(raw: &str) -> String {
    let mut name = ascii_only(&words(raw).to_snake_case());
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    keyword_safe(name)
}

/// Make a snake_case identifier safe: raw identifier for keywords, `_` suffix where raw is impossible.
pub fn keyword_safe(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for building other names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A component schema name with vendor prefixes and `components-schemas-` noise removed.
pub fn component_stem(name: &str, strip_prefixes: &[String]) -> String {
    let mut stem = name;
    for prefix in strip_prefixes {
        if let Some(rest) = stem.strip_prefix(prefix.as_str()) {
            if !rest.is_empty() {
                stem = rest;
                break;
            }
        }
    }
    let cleaned = stem
        .replace("components-schemas-", "")
        .replace("schemas-", "");
    let cleaned = cleaned.trim_matches(|c: char| c == '_' || c == '-');
    if cleaned.is_empty() {
        stem.to_string()
    } else {
        cleaned.to_string()
    }
}

/// A crude singular for resource names (`policies` -> `policy`, `apps` -> `app`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.ends_with("us") || word.ends_with("settings") {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

/// Hands out unique names: the first claim of a name gets it, later ones get a qualified form.
#[derive(Debug, Default)]
pub struct NameTable {
    taken: std::collections::HashSet<String>,
}

impl NameTable {
    /// Reserve a name that must not be handed out (`Client`, `Error`, ...).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// Whether `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claim the first free name among `candidates`, then `last + suffix` for growing suffixes.
    pub fn claim(&mut self, candidates: &[String]) -> String {
        for candidate in candidates {
            if !candidate.is_empty() && self.taken.insert(candidate.clone()) {
                return candidate.clone();
            }
        }
        let base = candidates.last().cloned().unwrap_or_else(|| "Type".into());
        // Last resort: a deterministic, still-readable suffix.
        for suffix in ["Alt", "Other", "Extra"] {
            let name = format!("{base}{suffix}");
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
        let mut n = 2usize;
        loop {
            let name = format!("{base}{n}");
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("<="), "LessEqual");
        assert_eq!(type_name("=="), "EqualEqual");
        assert_eq!(type_name("self_hosted"), "SelfHosted");
        assert_eq!(
            type_name("urn:oasis:names:tc:SAML:2.0:attrname-format:basic"),
            "UrnOasisNamesTcSaml20AttrnameFormatBasic"
        );
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("allowCredentials"), "allow_credentials");
        assert_eq!(field_name("X-Auth-Email"), "x_auth_email");
        assert_eq!(
            component_stem("access_apps_components-schemas-name", &["access_".into()]),
            "apps_name"
        );
        assert_eq!(
            component_stem("access_schemas-apps", &["access_".into()]),
            "apps"
        );
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("access"), "access");
    }
}
