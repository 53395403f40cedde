//! `API.md` (every method with its HTTP method, path and Rust call) and the generated
//! `README.md`, and the table of the crate's resource-group features they share with a
//! supplied README.

use super::{calls, EmitOptions};
use crate::ir::names;
use crate::ir::ops::{JsonShape, ResponseBody};
use crate::ir::Api;

/// A line of a supplied Markdown file that is replaced by the table of the crate's Cargo
/// features ([`features_table`]).
pub const FEATURES_MARKER: &str = "<!-- openapi-forge: features -->";

/// A supplied file as it goes into the crate: a Markdown file gets the features table in
/// place of its [`FEATURES_MARKER`] line.
pub fn with_features_table(api: &Api, path: &str, text: &str) -> String {
    match text.find(FEATURES_MARKER) {
        Some(at) if path.ends_with(".md") => format!(
            "{}{}{}",
            &text[..at],
            features_table(api),
            &text[at + FEATURES_MARKER.len()..]
        ),
        _ => text.to_string(),
    }
}

/// The crate's resource-group features as a Markdown table (empty when it has none).
pub fn features_table(api: &Api) -> String {
    let features = &api.features;
    if features.groups.is_empty() {
        return String::new();
    }
    let mut out = String::from("| Feature | Resource | Methods |\n|---|---|---|\n");
    for (name, path) in &features.groups {
        let count = features.method_count(name);
        out.push_str(&format!("| `{name}` | `{path}` and below | {count} |\n"));
    }
    let ungated = features.operations.iter().filter(|f| f.is_none()).count();
    if ungated > 0 {
        out.push_str(&format!("| (always) | everything else | {ungated} |\n"));
    }
    out
}

fn response_note(response: &ResponseBody) -> String {
    match response {
        ResponseBody::Json { shape, .. } => match shape {
            JsonShape::Page => "page",
            JsonShape::Result => "result",
            JsonShape::Plain => "body",
        }
        .into(),
        ResponseBody::Empty => "none".into(),
        ResponseBody::Binary { .. } => "bytes".into(),
        ResponseBody::Text { .. } => "text".into(),
        ResponseBody::Several(bodies) => {
            let each: Vec<String> = bodies
                .iter()
                .map(|b| format!("{} {}", b.variant, response_note(&b.body)))
                .collect();
            format!("one of: {}", each.join(", "))
        }
    }
}

pub fn api_md(api: &Api, options: &EmitOptions) -> String {
    let mut out = format!(
        "<!-- {} -->\n# {} API\n\nEvery method of the client: its SDK-style dotted path, the HTTP method and path, \
         and the Rust call.",
        options.provenance, options.name
    );
    if !api.scopes.is_empty() {
        let constructors: Vec<String> = api
            .scopes
            .iter()
            .map(|(name, prefix)| {
                format!(
                    "`Scope::{}(..)` for `{prefix}`",
                    names::bare(&names::field_name(name))
                )
            })
            .collect();
        out.push_str(&format!(
            " `scope` is a `Scope` ({}) for operations that exist under each of these prefixes; \
             `{{scope}}` marks them in the path.",
            constructors.join(", ")
        ));
    }
    out.push_str("\n\n| Method | HTTP | Path | Rust | Returns |\n|---|---|---|---|---|\n");
    let mut rows: Vec<(String, String)> = api
        .operations
        .iter()
        .map(|op| {
            let path = if op.scoped {
                format!("{{scope}}{}", op.path)
            } else {
                op.path.to_string()
            };
            let mut dotted = op.dotted();
            if op.name.starts_with("r#") {
                dotted.push_str(" (Rust: raw identifier)");
            }
            let row = format!(
                "| `{}` | {} | `{}` | `{}` | {} |\n",
                dotted,
                op.method,
                path,
                calls::call_example(op),
                response_note(&op.response)
            );
            (op.dotted(), row)
        })
        .collect();
    rows.sort();
    if !api.features.groups.is_empty() {
        let mut features = String::from(
            "With `default-features = false`, a resource is compiled only with its Cargo feature:\n\n",
        );
        features.push_str(&features_table(api));
        features.push('\n');
        let at = out.find("| Method |").unwrap_or(out.len());
        out.insert_str(at, &features);
    }
    for (_, row) in rows {
        out.push_str(&row);
    }
    out
}

pub fn readme(api: &Api, options: &EmitOptions) -> String {
    let mut out = format!(
        "<!-- {provenance} -->\n# {name}\n\n{description}\n\n\
         {count} methods, {types} types; every method is listed in [API.md](API.md).\n\n\
         ```toml\n[dependencies]\n{name} = {{ path = \"path/to/{name}\" }}\n```\n\n",
        provenance = options.provenance,
        name = options.name,
        description = options.description,
        count = api.operations.len(),
        types = api.types.types.len(),
    );
    if let Some(example) = super::librs::usage_example(api, options) {
        let visible: String = example
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        match super::spec::env_summary(&api.service) {
            Some(vars) => out.push_str(&format!(
                "A first call (credentials from {vars}):\n\n```rust\n"
            )),
            None => out.push_str("A first call:\n\n```rust\n"),
        }
        out.push_str(&visible);
        out.push_str("```\n");
    }
    if let Some(docs) = &options.docs {
        out.push_str(&format!("\n{}\n", docs.trim_end()));
    }
    if !api.features.groups.is_empty() {
        out.push_str(
            "\n## Cargo features\n\nThe default feature `full` compiles every resource. To compile only \
             the resources you call, turn it off and name their groups: \
             `default-features = false, features = [\"...\"]`.\n\n",
        );
        out.push_str(&features_table(api));
    }
    out
}
