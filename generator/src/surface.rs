//! The public surface of a generated crate as sorted lines (`api-surface.txt`), and what
//! changed between two of them: methods, types, fields, enum values and union variants added,
//! removed or changed, with a semver verdict. `cargo xtask regen` prints the summary against
//! the committed crate; a pull request shows it as Markdown (`--summary-md FILE`).
//!
//! Line kinds, one item each, sorted:
//!
//! ```text
//! method zero_trust.access.tags.get(account_id, tag_name) -> result Tag
//! type Tag struct
//! field Tag.name: String (required)
//! value ApplicationType: "self_hosted"
//! variant Application: SelfHosted(ApplicationSelfHosted) tags [self_hosted]
//! alias GroupUpdateRequest = GroupCreateRequest
//! feature tags = zero_trust.access.tags
//! gate Tag: tags
//! ```
//!
//! `feature` lines are the crate's resource-group Cargo features; `gate` lines say which of
//! them compile a type (a type without one is always compiled).

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::render::{Render, Root};
use crate::ir::ops::{
    FieldEncoding, JsonShape, Operation, ParamLocation, RequestBody, ResponseBody,
};
use crate::ir::types::{Tagging, Ty, TypeDef, TypeKind, TypeSpace};
use crate::ir::Api;

/// File name of the surface listing in the generated crate.
pub const FILE: &str = "api-surface.txt";

fn ty_text(space: &TypeSpace, ty: &Ty) -> String {
    Render::with_root(space, Root::Bare).ty(ty).to_string()
}

/// The surface of `api`, one line per item, sorted.
pub fn lines(api: &Api) -> Vec<String> {
    let space = &api.types;
    let mut out = Vec::new();
    for op in &api.operations {
        method_lines(space, op, &mut out);
    }
    for def in &space.types {
        type_lines(space, def, &mut out);
    }
    impl_lines(api, &mut out);
    for (name, path) in &api.features.groups {
        out.push(format!("feature {name} = {path}"));
    }
    for (def, needed) in space.types.iter().zip(&api.features.types) {
        if !needed.is_empty() && !matches!(def.kind, TypeKind::Pending) {
            let list: Vec<&str> = needed.iter().map(String::as_str).collect();
            out.push(format!("gate {}: {}", def.name, list.join(", ")));
        }
    }
    alias_lines(api, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The lines of each alias: those of its target (type, fields, setters, conversions, gate),
/// under its own name, since code uses it as it would the target, and an `alias` line.
fn alias_lines(api: &Api, out: &mut Vec<String>) {
    let space = &api.types;
    if space.aliases.is_empty() {
        return;
    }
    // The lines that name a type as their subject, by that type's name.
    let mut by_type: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for line in out.iter() {
        if let Some(name) = line.strip_prefix("setters ") {
            by_type.entry(name).or_default().push(("setters ", ""));
        } else if let Some((name, rest)) =
            line.strip_prefix("gate ").and_then(|l| l.split_once(": "))
        {
            by_type.entry(name).or_default().push(("gate ", rest));
        } else if let Some((from, to)) = line
            .strip_prefix("convert ")
            .and_then(|l| l.split_once(" -> "))
        {
            if let Some((name, kind)) = to.split_once(": ") {
                by_type.entry(name).or_default().push((from, kind));
            }
        }
    }
    let mut extra = Vec::new();
    for alias in &space.aliases {
        let target = space.get(alias.target);
        let mut def = target.clone();
        def.name = alias.name.clone();
        type_lines(space, &def, &mut extra);
        for (what, rest) in by_type.get(target.name.as_str()).into_iter().flatten() {
            extra.push(match *what {
                "setters " => format!("setters {}", alias.name),
                "gate " => format!("gate {}: {rest}", alias.name),
                from => format!("convert {from} -> {}: {rest}", alias.name),
            });
        }
        extra.push(format!("alias {} = {}", alias.name, target.name));
    }
    out.extend(extra);
}

/// The `type` line of a type, and its `field`, `value` or `variant` lines.
fn type_lines(space: &TypeSpace, def: &TypeDef, out: &mut Vec<String>) {
    let name = &def.name;
    match &def.kind {
        TypeKind::Pending => {}
        TypeKind::Struct(s) => {
            out.push(format!("type {name} struct"));
            for field in &s.fields {
                let mut ty = ty_text(space, &field.ty);
                if field.nullable {
                    ty = format!("Nullable<{ty}>");
                }
                let presence = if field.required {
                    "required"
                } else {
                    "optional"
                };
                out.push(format!("field {name}.{}: {ty} ({presence})", field.ident));
            }
        }
        TypeKind::Enum(e) => {
            out.push(format!("type {name} enum"));
            for value in &e.values {
                out.push(format!("value {name}: {:?}", value.value));
            }
        }
        TypeKind::Union(u) => {
            let tagging = match &u.tagging {
                Tagging::Internal { property, .. } => format!("tagged by `{property}`"),
                Tagging::External => "externally tagged".into(),
                Tagging::Untagged => "untagged, in order".into(),
                Tagging::Overlapping => "overlapping, kept as received".into(),
            };
            out.push(format!("type {name} union {tagging}"));
            for (position, variant) in u.variants.iter().enumerate() {
                // The decoding order of an untagged union is part of its behaviour.
                let tags = match u.tagging {
                    Tagging::Untagged => format!("tried {}", position + 1),
                    _ => format!("tags [{}]", variant.tags.join(", ")),
                };
                out.push(format!(
                    "variant {name}: {}({}) {tags}",
                    variant.ident,
                    ty_text(space, &variant.ty),
                ));
            }
        }
    }
}

/// The `accessor`, `setters` and `convert` lines: what `impls.rs` adds to the types.
fn impl_lines(api: &Api, out: &mut Vec<String>) {
    let space = &api.types;
    for def in &space.types {
        if let TypeKind::Union(u) = &def.kind {
            for field in space.shared_fields(u) {
                out.push(format!(
                    "accessor {}.{}: Option<&{}>",
                    def.name,
                    field.ident,
                    ty_text(space, &field.ty)
                ));
            }
        }
    }
    for id in api.request_types() {
        out.push(format!("setters {}", space.get(id).name));
    }
    for conversion in &api.conversions {
        let kind = if conversion.fallible {
            "TryFrom"
        } else {
            "From"
        };
        out.push(format!(
            "convert {} -> {}: {kind}",
            space.get(conversion.from).name,
            space.get(conversion.to).name
        ));
    }
}

/// What a method returns, as the surface writes it.
fn returns(space: &TypeSpace, response: &ResponseBody) -> String {
    match response {
        ResponseBody::Json { ty, shape } => {
            let shape = match shape {
                JsonShape::Result => "result",
                JsonShape::Page => "page",
                JsonShape::Plain => "raw",
            };
            format!("{shape} {}", ty_text(space, ty))
        }
        ResponseBody::Empty => "nothing".into(),
        ResponseBody::Binary { .. } => "bytes".into(),
        ResponseBody::Text { .. } => "text".into(),
        ResponseBody::Several(bodies) => {
            let each: Vec<String> = bodies
                .iter()
                .map(|b| format!("{} {}", b.variant, returns(space, &b.body)))
                .collect();
            format!("one of ({})", each.join(", "))
        }
    }
}

/// The `method` line of `op` and an `option` line per optional parameter.
fn method_lines(space: &TypeSpace, op: &Operation, out: &mut Vec<String>) {
    let mut args = Vec::new();
    if op.scoped {
        args.push("scope".to_string());
    }
    for p in op.arguments() {
        args.push(match p.location {
            ParamLocation::Path => p.ident.clone(),
            ParamLocation::Field(FieldEncoding::File) => format!("{}: file", p.ident),
            ParamLocation::Field(FieldEncoding::Files) => format!("{}: files", p.ident),
            _ => format!("{}: {}", p.ident, ty_text(space, &p.ty)),
        });
    }
    if let Some(body) = op.json_body() {
        args.push(format!("body: {}", ty_text(space, &body.ty)));
    }
    match &op.body {
        RequestBody::Raw { text: true, .. } => args.push("body: text".into()),
        RequestBody::Raw { text: false, .. } => args.push("body: bytes".into()),
        RequestBody::None | RequestBody::Json(_) | RequestBody::Form { .. } => {}
    }
    let returns = returns(space, &op.response);
    out.push(format!(
        "method {}({}) -> {returns}",
        op.dotted(),
        args.join(", ")
    ));
    for option in op.options() {
        out.push(format!(
            "option {}.{}: {}",
            op.dotted(),
            option.ident,
            ty_text(space, &option.ty)
        ));
    }
}

/// The file's text: a header, then the lines.
pub fn text(api: &Api, header: &str) -> String {
    let mut text = format!(
        "# {header}\n# The public surface of the crate, one item per line; `cargo xtask regen` compares it\n# with the previous version to say what changed and whether the change is breaking.\n"
    );
    for line in lines(api) {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// "method", "option", "type", "field", "value", "variant", "accessor", "setters",
    /// "convert", "alias", "feature", "gate".
    pub kind: &'static str,
    /// The item (`zero_trust.access.tags.get`, `Tag.name`, `ApplicationType: "rdp"`).
    pub item: String,
    /// Before, when there was one.
    pub old: Option<String>,
    /// After, when there is one.
    pub new: Option<String>,
    /// Whether code written against the old crate may stop compiling or behave differently.
    pub breaking: bool,
    /// Why it is (or is not) breaking.
    pub reason: &'static str,
}

/// What changed between two surfaces.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every change, grouped by kind, sorted.
    pub changes: Vec<Change>,
}

/// Split a line into (kind, key, rest): the key identifies the item across versions.
fn key(line: &str) -> Option<(&'static str, String, String)> {
    let (kind, rest) = line.split_once(' ')?;
    let kind: &'static str = match kind {
        "method" => "method",
        "option" => "option",
        "type" => "type",
        "field" => "field",
        "value" => "value",
        "variant" => "variant",
        "feature" => "feature",
        "gate" => "gate",
        "accessor" => "accessor",
        "setters" => "setters",
        "convert" => "convert",
        "alias" => "alias",
        _ => return None,
    };
    let split_at = match kind {
        "method" => rest.find('('),
        "option" | "field" | "gate" | "accessor" | "convert" => rest.find(": "),
        "feature" | "alias" => rest.find(" = "),
        "variant" => rest.find('('),
        "type" => rest.find(' '),
        _ => None,
    };
    Some(match split_at {
        Some(at) => (kind, rest[..at].to_string(), rest[at..].to_string()),
        None => (kind, rest.to_string(), String::new()),
    })
}

/// The features of a `gate` line's rest (`: a, b`).
fn gate_features(rest: &str) -> BTreeSet<&str> {
    rest.trim_start_matches(':')
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

fn verdict(kind: &str, old: Option<&str>, new: Option<&str>) -> (bool, &'static str) {
    let (added, removed) = (old.is_none(), new.is_none());
    if kind == "gate" {
        return match (old, new) {
            (None, _) => (
                true,
                "a type now compiled only with some features: code built without them stops compiling",
            ),
            (_, None) => (false, "a type now compiled with any features"),
            (Some(old), Some(new)) if gate_features(old).is_subset(&gate_features(new)) => {
                (false, "a type now compiled with more features")
            }
            _ => (
                true,
                "a type no longer compiled with some features: code built with only those stops compiling",
            ),
        };
    }
    match (kind, added, removed) {
        ("feature", true, _) => (false, "a new Cargo feature (part of `full`, on by default)"),
        ("method", true, _) => (false, "a new method"),
        ("type", true, _) => (false, "a new type"),
        ("option", true, _) => (false, "a new optional query parameter, set through the builder"),
        ("accessor", true, _) => (false, "a new accessor on a union"),
        ("setters", true, _) => (false, "new `with_...` setters"),
        ("convert", true, _) => (false, "a new conversion"),
        ("alias", true, _) => (
            false,
            "a type is now a second name of an identical one: code using either name compiles",
        ),
        ("alias", _, true) => (
            true,
            "a type is no longer the same type as the one it named: code mixing the two stops compiling",
        ),
        ("field", true, _) if new.is_some_and(|n| n.ends_with("(optional)")) => (
            true,
            "a new public field: struct literals that list every field stop compiling (code using `new` or `..Default::default()` does not)",
        ),
        ("field", true, _) => (
            true,
            "a new required field: struct literals and `new` calls stop compiling",
        ),
        ("value", true, _) => (
            true,
            "a new enum variant: exhaustive matches stop compiling, and the value no longer arrives as `Unknown`",
        ),
        ("variant", true, _) => (
            true,
            "a new union variant: exhaustive matches stop compiling, and such objects no longer arrive as `Unknown`",
        ),
        (_, _, true) => (true, "removed: code using it stops compiling"),
        _ => (true, "its signature or type changed"),
    }
}

/// `text` with every type name that is an alias in `aliases` replaced by the type it names.
fn through_aliases(text: &str, aliases: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().map(Some).chain([None]) {
        if let Some(c) = c.filter(|c| c.is_alphanumeric() || *c == '_') {
            word.push(c);
            continue;
        }
        out.push_str(aliases.get(word.as_str()).copied().unwrap_or(&word));
        word.clear();
        out.extend(c);
    }
    out
}

/// Compare the surface lines of the old and the new crate.
pub fn diff(old: &[String], new: &[String]) -> Summary {
    let index = |lines: &[String]| -> BTreeMap<(&'static str, String), String> {
        lines
            .iter()
            .filter_map(|l| key(l.trim()))
            .map(|(kind, key, rest)| ((kind, key), rest))
            .collect()
    };
    let old = index(old);
    let new = index(new);
    let keys: BTreeSet<&(&'static str, String)> = old.keys().chain(new.keys()).collect();
    let order = [
        "method", "option", "type", "field", "value", "variant", "accessor", "setters", "convert",
        "alias", "feature", "gate",
    ];
    // The new crate's aliases: name -> the type it names.
    let aliases: BTreeMap<&str, &str> = new
        .iter()
        .filter(|((kind, _), _)| *kind == "alias")
        .map(|((_, name), rest)| (name.as_str(), rest.trim_start_matches(" = ")))
        .collect();
    let mut changes = Vec::new();
    for (kind, item) in keys {
        let before = old.get(&(*kind, item.clone()));
        let after = new.get(&(*kind, item.clone()));
        if before == after {
            continue;
        }
        // A field, value or variant of a type that is itself added or removed is part of that
        // change, not a change of its own.
        if matches!(
            *kind,
            "field" | "value" | "variant" | "gate" | "accessor" | "setters"
        ) {
            let owner = item
                .split(['.', ':'])
                .next()
                .unwrap_or_default()
                .to_string();
            let owner_old = old.contains_key(&("type", owner.clone()));
            let owner_new = new.contains_key(&("type", owner));
            if owner_old != owner_new {
                continue;
            }
        }
        let (mut breaking, mut reason) =
            verdict(kind, before.map(String::as_str), after.map(String::as_str));
        if let (Some(before), Some(after)) = (before, after) {
            if breaking && through_aliases(before, &aliases) == *after {
                (breaking, reason) = (
                    false,
                    "a type now named by the type its old name is an alias of: code using either name compiles",
                );
            }
        }
        changes.push(Change {
            kind,
            item: item.clone(),
            old: before.cloned(),
            new: after.cloned(),
            breaking,
            reason,
        });
    }
    changes.sort_by_key(|c| (order.iter().position(|k| *k == c.kind), c.item.clone()));
    Summary { changes }
}

impl Summary {
    /// No change at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    fn count(&self, kind: &str, what: fn(&Change) -> bool) -> usize {
        self.changes
            .iter()
            .filter(|c| c.kind == kind && what(c))
            .count()
    }

    /// The verdict: the version bump it needs from `version` (semver; for 0.x the minor
    /// number is the breaking one).
    pub fn verdict(&self, version: &str) -> String {
        if self.is_empty() {
            return "no change to the public surface".into();
        }
        let parts: Vec<u64> = version
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .chain(std::iter::repeat(0))
            .take(3)
            .collect();
        let (major, minor, patch) = (parts[0], parts[1], parts[2]);
        let next = match (self.is_breaking(), major) {
            (true, 0) => format!("{major}.{}.0", minor + 1),
            (true, _) => format!("{}.0.0", major + 1),
            (false, 0) => format!("{major}.{minor}.{}", patch + 1),
            (false, _) => format!("{major}.{}.0", minor + 1),
        };
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        if self.is_breaking() {
            format!("BREAKING ({breaking} breaking change(s)): bump {version} -> {next}")
        } else {
            format!("not breaking (additions only): bump {version} -> {next}")
        }
    }

    /// Counts per kind: "methods +2 -0 ~1, types +3 -0, ...".
    pub fn counts(&self) -> String {
        let added = |c: &Change| c.old.is_none();
        let removed = |c: &Change| c.new.is_none();
        let changed = |c: &Change| c.old.is_some() && c.new.is_some();
        [
            ("methods", "method"),
            ("query options", "option"),
            ("types", "type"),
            ("fields", "field"),
            ("enum values", "value"),
            ("union variants", "variant"),
            ("union accessors", "accessor"),
            ("setters", "setters"),
            ("conversions", "convert"),
            ("features", "feature"),
            ("feature gates", "gate"),
        ]
        .iter()
        // These are reported when they change (most crates have none of some of them).
        .filter(|(_, kind)| {
            !matches!(
                *kind,
                "feature" | "gate" | "accessor" | "setters" | "convert"
            ) || self.changes.iter().any(|c| c.kind == *kind)
        })
        .map(|(label, kind)| {
            format!(
                "{label} +{} -{} ~{}",
                self.count(kind, added),
                self.count(kind, removed),
                self.count(kind, changed)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
    }

    fn describe(change: &Change) -> String {
        match (&change.old, &change.new) {
            (None, Some(new)) => format!("added `{}{}`", change.item, new),
            (Some(old), None) => format!("removed `{}{}`", change.item, old),
            (Some(old), Some(new)) => {
                format!(
                    "changed `{}`: `{}` -> `{}`",
                    change.item,
                    old.trim(),
                    new.trim()
                )
            }
            (None, None) => String::new(),
        }
    }

    /// The summary for a terminal.
    pub fn text(&self, version: &str) -> String {
        let mut text = format!("API changes: {}\n", self.verdict(version));
        if self.is_empty() {
            return text;
        }
        text.push_str(&format!("  {}\n", self.counts()));
        for change in &self.changes {
            let mark = if change.breaking { "!" } else { "+" };
            text.push_str(&format!(
                "  {mark} {} {}\n",
                change.kind,
                Self::describe(change)
            ));
        }
        let reasons: BTreeSet<&str> = self
            .changes
            .iter()
            .filter(|c| c.breaking)
            .map(|c| c.reason)
            .collect();
        if !reasons.is_empty() {
            text.push_str("  why breaking:\n");
            for reason in reasons {
                text.push_str(&format!("    - {reason}\n"));
            }
        }
        text
    }

    /// The summary as Markdown, for a pull request.
    pub fn markdown(&self, version: &str) -> String {
        let mut md = format!("### API changes\n\n**{}**\n\n", self.verdict(version));
        if self.is_empty() {
            return md;
        }
        md.push_str(&format!("{}\n\n", self.counts()));
        md.push_str("| | Kind | Change | Why |\n|---|---|---|---|\n");
        for change in &self.changes {
            let mark = if change.breaking {
                "breaking"
            } else {
                "additive"
            };
            md.push_str(&format!(
                "| {mark} | {} | {} | {} |\n",
                change.kind,
                Self::describe(change).replace('|', "\\|"),
                change.reason
            ));
        }
        md
    }
}
