//! What went wrong, grouped by cause: the compiler's diagnostics of a cargo run
//! (`--message-format=json`) and the generator's warnings, each group with its count and a first
//! example. Uses no other module of xtask.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A group of findings with one cause: the same level, code and message once the names in it
/// are blanked out.
#[derive(Debug, Default)]
pub struct Group {
    /// How many distinct findings (a place reported for several targets counts once).
    pub count: usize,
    /// The cargo targets that reported it (`lib`, `test e2e`, ...); empty for the generator's.
    pub targets: BTreeSet<String>,
    /// The first finding: where it is, and what it says.
    pub example: String,
    /// The source line of the first finding (compiler diagnostics only).
    pub code: Option<String>,
}

/// Groups by their kind (`error[E0599]: no method named `…` found ...`), most frequent first
/// when listed with [`by_count`].
pub type Groups = BTreeMap<String, Group>;

/// A message with the names in it blanked out, so that messages of one cause read the same:
/// text in backticks, in double quotes and in brackets, numbers, and a parenthesis that lists
/// names.
pub fn kind(message: &str) -> String {
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        let close = match c {
            '`' => Some('`'),
            '"' => Some('"'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = close {
            out.push(c);
            out.push('…');
            for inner in chars.by_ref() {
                if inner == close {
                    break;
                }
            }
            out.push(close);
        } else if c.is_ascii_digit() {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('N');
        } else {
            out.push(c);
        }
    }
    blank_listing_parentheses(&out)
}

/// `(`…` and `…`, `…` and `…`)` becomes `(…)`: lists of names differ in length, not in
/// cause.
fn blank_listing_parentheses(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match after.find(')') {
            Some(close) if after[..close].contains('`') => {
                out.push_str("(…)");
                rest = &after[close + 1..];
            }
            _ => {
                out.push('(');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Add a finding of `kind_key` to `groups`.
fn add(groups: &mut Groups, kind_key: String, target: Option<String>, example: String) -> bool {
    let group = groups.entry(kind_key).or_default();
    if group.count == 0 {
        group.example = example;
    }
    group.count += 1;
    group.targets.extend(target);
    group.count == 1
}

/// The compiler's errors and warnings in the JSON lines of a cargo run, grouped by level, code
/// and message kind. A place reported for several targets (a library and its unit tests) counts
/// once; the closing "aborting due to" lines are left out.
pub fn compiler(json_lines: &str) -> Groups {
    let mut groups = Groups::new();
    let mut seen = BTreeSet::new();
    for line in json_lines.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let diagnostic = &message["message"];
        let level = diagnostic["level"].as_str().unwrap_or("");
        let text = diagnostic["message"].as_str().unwrap_or("");
        if !matches!(level, "error" | "warning") || text.starts_with("aborting due to") {
            continue;
        }
        let primary = diagnostic["spans"]
            .as_array()
            .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true));
        let place = primary.map_or_else(String::new, |s| {
            format!(
                "{}:{}:{}",
                s["file_name"].as_str().unwrap_or("?"),
                s["line_start"],
                s["column_start"]
            )
        });
        let target = target_label(&message["target"]);
        let key = match diagnostic["code"]["code"].as_str() {
            Some(code) => format!("{level}[{code}]: {}", kind(text)),
            None => format!("{level}: {}", kind(text)),
        };
        if !seen.insert((place.clone(), text.to_string())) {
            if let Some(group) = groups.get_mut(&key) {
                group.targets.insert(target);
            }
            continue;
        }
        if add(
            &mut groups,
            key.clone(),
            Some(target),
            format!("{place}: {text}"),
        ) {
            groups.get_mut(&key).expect("just added").code = primary.and_then(source_line);
        }
    }
    groups
}

/// `lib`, `test e2e`, `example basic`: the kind and name of a cargo target.
fn target_label(target: &Value) -> String {
    let kind = target["kind"][0].as_str().unwrap_or("?");
    let name = target["name"].as_str().unwrap_or("?");
    if kind == "lib" {
        "lib".into()
    } else {
        format!("{kind} {name}")
    }
}

/// The source line a span points into, trimmed.
fn source_line(span: &Value) -> Option<String> {
    let text = span["text"][0]["text"].as_str()?;
    Some(text.trim().to_string())
}

/// The generator's warnings (`(pointer, message)`), grouped by message kind.
pub fn warnings<'a>(found: impl IntoIterator<Item = (&'a str, &'a str)>) -> Groups {
    let mut groups = Groups::new();
    for (pointer, message) in found {
        add(
            &mut groups,
            kind(message),
            None,
            format!("{pointer}: {message}"),
        );
    }
    groups
}

/// The groups, most frequent first (then by kind).
pub fn by_count(groups: &Groups) -> Vec<(&String, &Group)> {
    let mut list: Vec<(&String, &Group)> = groups.iter().collect();
    list.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    list
}

/// The number of findings in all groups.
pub fn total(groups: &Groups) -> usize {
    groups.values().map(|g| g.count).sum()
}

/// The groups as indented text: `count  kind  [targets]`, then the example and its code.
pub fn render(groups: &Groups, indent: &str) -> String {
    let mut text = String::new();
    for (kind, group) in by_count(groups) {
        let targets = if group.targets.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = group.targets.iter().map(String::as_str).collect();
            format!("  [{}]", names.join(", "))
        };
        text.push_str(&format!("{indent}{:>5}  {kind}{targets}\n", group.count));
        text.push_str(&format!(
            "{indent}       e.g. {}\n",
            clip(&group.example, 300)
        ));
        if let Some(code) = &group.code {
            text.push_str(&format!("{indent}            | {}\n", clip(code, 200)));
        }
    }
    text
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_listings_are_blanked() {
        assert_eq!(
            kind(
                "`gists.get` is taken by another operation; this one is named `gists_get_revision`"
            ),
            "`…` is taken by another operation; this one is named `…`"
        );
        assert_eq!(
            kind("several success responses with different bodies; decoding the 201 one"),
            "several success responses with different bodies; decoding the N one"
        );
        assert_eq!(
            kind(r#"request body media type ["text/plain"] is not supported yet"#),
            "request body media type […] is not supported yet"
        );
        assert_eq!(
            kind("the variants overlap (`A` and `B`, `C` and `D` and 3 more pairs); `U` keeps it"),
            "the variants overlap (…); `…` keeps it"
        );
        assert_eq!(
            kind("named `x` (set a name in the config)"),
            "named `…` (set a name in the config)"
        );
    }

    /// One line of `cargo --message-format=json` output.
    fn message(target: &str, level: &str, code: Option<&str>, text: &str, line: u32) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "target": {"kind": [target], "name": "crate"},
            "message": {
                "level": level,
                "message": text,
                "code": code.map(|c| serde_json::json!({"code": c})),
                "spans": [{
                    "file_name": "src/lib.rs",
                    "line_start": line,
                    "column_start": 5,
                    "is_primary": true,
                    "text": [{"text": "    client.get()"}]
                }]
            }
        })
        .to_string()
    }

    #[test]
    fn compiler_messages_are_grouped_once_per_place() {
        let lines = [
            message(
                "lib",
                "error",
                Some("E0599"),
                "no method named `get` found",
                3,
            ),
            message(
                "test",
                "error",
                Some("E0599"),
                "no method named `get` found",
                3,
            ),
            message(
                "lib",
                "error",
                Some("E0599"),
                "no method named `put` found",
                9,
            ),
            message("lib", "error", None, "aborting due to 2 previous errors", 0),
            r#"{"reason":"compiler-artifact"}"#.to_string(),
            "not json".to_string(),
        ]
        .join("\n");
        let groups = compiler(&lines);
        assert_eq!(groups.len(), 1);
        let group = &groups["error[E0599]: no method named `…` found"];
        assert_eq!(group.count, 2);
        assert_eq!(
            group.targets.iter().collect::<Vec<_>>(),
            ["lib", "test crate"]
        );
        assert_eq!(group.example, "src/lib.rs:3:5: no method named `get` found");
        assert_eq!(group.code.as_deref(), Some("client.get()"));
        assert_eq!(total(&groups), 2);
    }

    #[test]
    fn warnings_are_grouped_and_listed_most_frequent_first() {
        let groups = warnings([
            ("#/a", "decoding the 200 one"),
            ("#/b", "decoding the 201 one"),
            ("#/c", "`x` is taken"),
        ]);
        let order: Vec<(&str, usize)> = by_count(&groups)
            .into_iter()
            .map(|(k, g)| (k.as_str(), g.count))
            .collect();
        assert_eq!(order, [("decoding the N one", 2), ("`…` is taken", 1)]);
        assert!(render(&groups, "").contains("e.g. #/a: decoding the 200 one"));
    }
}
