//! Which resource and method each spec operation becomes: operations that differ only in
//! their scope prefix are grouped into one method; the resource comes from the config's
//! `[[resources]]` (longest prefix) or the path; the name from the default rules or the
//! config's `[methods]`.

use std::collections::{BTreeMap, BTreeSet};

use super::{HttpMethod, Operation, PathTemplate, Segment};
use crate::config::{Config, MethodOverride};
use crate::error::{Result, Warning};
use crate::ir::names;
use crate::load::spec::{escape_token, Spec, SpecOperation};

/// A method on its way: the spec operations behind it, and its resource and name.
pub(super) struct Draft<'a> {
    /// The spec operations, with the scope whose prefix each has (`""` for none).
    pub spec_ops: Vec<(String, SpecOperation<'a>)>,
    /// The path after the scope prefix.
    pub rest: String,
    pub method: HttpMethod,
    pub resource: Vec<String>,
    pub name: String,
    /// The name comes from the config, not from the default rules.
    pub explicit: bool,
}

impl Draft<'_> {
    /// The path after the scope prefix, as `[methods]` keys and `[[resources]]` prefixes use
    /// it.
    pub fn scoped_rest(&self) -> String {
        if self.spec_ops.iter().all(|(s, _)| !s.is_empty()) {
            self.rest.clone()
        } else {
            self.spec_ops[0].1.path.to_string()
        }
    }

    /// The `[methods]` key of this method: `"GET /access/apps"`.
    fn key(&self) -> String {
        format!("{} {}", self.method, self.scoped_rest())
    }
}

/// Every `[methods]` key names a selected operation, every `[[resources]]` prefix matches one,
/// and every `[types.rename]` key is a component schema: a name for something that does not
/// exist is a mistake (or a spec change) to fix, not to ignore.
pub(super) fn check_config_names(drafts: &[Draft], spec: &Spec, config: &Config) -> Result<()> {
    let keys: BTreeSet<String> = drafts.iter().map(Draft::key).collect();
    for key in config.methods.keys() {
        if !keys.contains(key) {
            return Err(config.error(format!(
                "[methods] `{key}` names no selected operation (keys are \"<METHOD> <path after the scope prefix>\")"
            )));
        }
    }
    for resource in &config.resources {
        if !drafts
            .iter()
            .any(|d| prefix_len(&resource.prefix, &d.scoped_rest()).is_some())
        {
            return Err(config.error(format!(
                "[[resources]] prefix `{}` ({}) matches no selected operation",
                resource.prefix, resource.path
            )));
        }
    }
    let schemas = spec.raw.pointer("/components/schemas");
    for name in config.types.rename.keys() {
        if schemas.and_then(|s| s.get(name)).is_none() {
            return Err(config.error(format!(
                "[types.rename] `{name}` is not a schema under #/components/schemas"
            )));
        }
    }
    Ok(())
}

/// The scope whose prefix `path` starts with, and the rest of the path.
fn split_scope<'c>(path: &str, config: &'c Config) -> Option<(&'c str, String)> {
    config.scopes.iter().find_map(|(name, prefix)| {
        let rest = path.strip_prefix(prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then(|| (name.as_str(), rest.to_string()))
    })
}

/// One draft per (method, path after the scope prefix), in the order of first appearance;
/// within a draft the spec operations are in the config's scope order.
pub(super) fn group_by_scope<'a>(
    selected: Vec<SpecOperation<'a>>,
    config: &Config,
) -> Vec<Draft<'a>> {
    let mut groups: BTreeMap<(String, String), Draft<'a>> = BTreeMap::new();
    let mut order = Vec::new();
    for op in selected {
        let Some(method) = HttpMethod::parse(op.method) else {
            continue;
        };
        let (scope, rest) = match split_scope(op.path, config) {
            Some((scope, rest)) => (scope.to_string(), rest),
            None => (String::new(), op.path.to_string()),
        };
        let path_key = if scope.is_empty() {
            op.path.to_string()
        } else {
            rest.clone()
        };
        let key = (op.method.to_string(), path_key);
        let draft = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Draft {
                spec_ops: Vec::new(),
                rest: rest.clone(),
                method,
                resource: Vec::new(),
                name: String::new(),
                explicit: false,
            }
        });
        if !scope.is_empty() && draft.spec_ops.iter().any(|(s, _)| s.is_empty()) {
            continue;
        }
        draft.spec_ops.push((scope, op));
    }
    let scope_rank = |s: &str| {
        config
            .scopes
            .keys()
            .position(|k| k == s)
            .unwrap_or(usize::MAX)
    };
    order
        .into_iter()
        .filter_map(|key| groups.remove(&key))
        .map(|mut draft| {
            draft.spec_ops.sort_by_key(|(scope, _)| scope_rank(scope));
            draft
        })
        .collect()
}

/// The length of `prefix` in segments when `path` starts with it (a parameter matches any
/// parameter, a segment mixing text and parameters any of the same text).
pub(super) fn prefix_len(prefix: &str, path: &str) -> Option<usize> {
    let prefix = PathTemplate::parse(prefix).segments;
    let path = PathTemplate::parse(path).segments;
    if prefix.len() > path.len() {
        return None;
    }
    prefix
        .iter()
        .zip(&path)
        .all(|(a, b)| a.same_shape(b))
        .then_some(prefix.len())
}

/// Resources and names for every draft; collisions are resolved by operationId (and said so).
pub(super) fn name_methods<'a>(
    mut drafts: Vec<Draft<'a>>,
    config: &Config,
    warnings: &mut Vec<Warning>,
) -> Vec<Draft<'a>> {
    let known_paths: BTreeSet<String> = drafts.iter().map(Draft::scoped_rest).collect();
    for draft in &mut drafts {
        name_one(draft, config, &known_paths);
    }
    // A method named like a child resource (`POST /apps/{id}/ca` beside `GET /apps/{id}/ca`)
    // moves into that resource, named by the default rules.
    let resources: BTreeSet<Vec<String>> = drafts.iter().map(|d| d.resource.clone()).collect();
    for draft in &mut drafts {
        let mut child = draft.resource.clone();
        child.push(names::bare(&draft.name).to_string());
        if !draft.explicit && resources.iter().any(|r| r.starts_with(&child)) {
            draft.resource = child;
            draft.name = default_name(draft.method, false);
        }
    }
    // A GET "list" whose result is not an array is a "get"; decided later with types, so here
    // only resolve collisions deterministically by operationId.
    let mut seen: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for draft in &mut drafts {
        let key = (draft.resource.clone(), draft.name.clone());
        if seen.insert(key) {
            continue;
        }
        let op = &draft.spec_ops[0].1;
        let fallback = format!("{} {}", draft.method, draft.rest);
        let wanted = op.op.operation_id.as_deref().unwrap_or(&fallback);
        let alternative = free_name(&seen, &draft.resource, wanted, &fallback);
        warnings.push(taken_notice(
            op.pointer.to_string(),
            &format!("{}.{}", draft.resource.join("."), draft.name),
            &alternative,
        ));
        draft.name = alternative;
        seen.insert((draft.resource.clone(), draft.name.clone()));
    }
    drafts
}

/// The resource and name of one draft, by the config or by the default rules.
fn name_one(draft: &mut Draft, config: &Config, known_paths: &BTreeSet<String>) {
    let scoped_rest = draft.scoped_rest();
    let best = config
        .resources
        .iter()
        .filter_map(|r| Some((prefix_len(&r.prefix, &scoped_rest)?, r)))
        .max_by_key(|(len, _)| *len);
    let all = PathTemplate::parse(&scoped_rest).segments;
    let (resource, remainder): (Vec<String>, Vec<Segment>) = match best {
        Some((len, r)) => (
            r.path.split('.').map(str::to_string).collect(),
            all[len..].to_vec(),
        ),
        None => resource_from_path(draft.method, &all, known_paths),
    };
    draft.resource = resource;
    draft.name = match remainder.last() {
        None => default_name(draft.method, false),
        Some(Segment::Param(_) | Segment::Mixed(_)) => default_name(draft.method, true),
        Some(Segment::Literal(word)) => names::field_name(word),
    };
    if let Some(o) = config.methods.get(&draft.key()) {
        draft.explicit = true;
        match o {
            MethodOverride::Name(name) => draft.name = name.clone(),
            MethodOverride::Full { resource, name } => {
                if let Some(resource) = resource {
                    draft.resource = resource.split('.').map(str::to_string).collect();
                }
                draft.name = name.clone();
            }
        }
    }
    draft.name = names::keyword_safe(draft.name.clone());
}

/// Without a configured resource: the resource is the path's literal segments, and what
/// names the method (an item parameter, or an action's last segment) is left over.
fn resource_from_path(
    method: HttpMethod,
    all: &[Segment],
    known_paths: &BTreeSet<String>,
) -> (Vec<String>, Vec<Segment>) {
    let mut statics: Vec<String> = all
        .iter()
        .filter_map(|s| match s {
            Segment::Literal(text) => Some(names::bare(&names::field_name(text)).to_string()),
            Segment::Param(_) | Segment::Mixed(_) => None,
        })
        .collect();
    let parent = PathTemplate {
        segments: all[..all.len().saturating_sub(1)].to_vec(),
    }
    .to_string();
    let last = all.last();
    let is_action = method == HttpMethod::Post
        && matches!(last, Some(Segment::Literal(_)))
        && known_paths.contains(&parent);
    let remainder = match last {
        Some(segment @ (Segment::Param(_) | Segment::Mixed(_))) => vec![segment.clone()],
        // `POST /keys/rotate` beside `/keys`: an action of `keys`, not a resource.
        Some(segment) if is_action => {
            statics.pop();
            vec![segment.clone()]
        }
        _ => Vec::new(),
    };
    (statics, remainder)
}

/// The method name by HTTP method, on a collection or on an item.
pub(super) fn default_name(method: HttpMethod, item: bool) -> String {
    match (method, item) {
        (HttpMethod::Get, false) => "list".into(),
        (HttpMethod::Get, true) => "get".into(),
        (HttpMethod::Post, _) => "create".into(),
        (HttpMethod::Put, _) => "update".into(),
        (HttpMethod::Patch, _) => "edit".into(),
        (HttpMethod::Delete, _) => "delete".into(),
        (other, _) => other.as_str().to_lowercase(),
    }
}

/// After types decided `list` vs `get`, make (resource, name) unique again, by operationId.
pub(super) fn dedup_names(operations: &mut [Operation], warnings: &mut Vec<Warning>) {
    let mut seen: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for op in operations.iter_mut() {
        if seen.insert((op.resource.clone(), op.name.clone())) {
            continue;
        }
        let operation_id = op
            .sources
            .first()
            .map(|s| s.operation_id.clone())
            .unwrap_or_default();
        let fallback = format!("{} {}", op.method.as_str(), op.path);
        let alternative = free_name(&seen, &op.resource, &operation_id, &fallback);
        let pointer = op
            .sources
            .first()
            .map(|s| format!("#/paths/{}", escape_token(&s.path)))
            .unwrap_or_default();
        warnings.push(taken_notice(pointer, &op.dotted(), &alternative));
        op.name = alternative;
        seen.insert((op.resource.clone(), op.name.clone()));
    }
}

/// The name for an operation whose default name is taken in `resource`: its operationId
/// (`wanted`) as a Rust name, else `fallback` (method and path), numbered when that is taken too.
fn free_name(
    seen: &BTreeSet<(Vec<String>, String)>,
    resource: &[String],
    wanted: &str,
    fallback: &str,
) -> String {
    let mut base = names::field_name(wanted);
    if base.is_empty() || base == "_" {
        base = names::field_name(fallback);
    }
    let free = |name: &String| !seen.contains(&(resource.to_vec(), name.clone()));
    std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(free)
        .unwrap_or(base)
}

/// The notice that `taken` went to another operation and this one is `alternative`: nothing is
/// lost (the method exists under the operationId's name), but the name is not the default one.
fn taken_notice(pointer: String, taken: &str, alternative: &str) -> Warning {
    Warning::notice(
        pointer,
        format!(
            "`{taken}` is taken by another operation; this one is named `{alternative}` after its \
             operationId (a config can name it)"
        ),
    )
}

/// The base of the names of an operation's inline types: `ApplicationList`.
pub(super) fn hint_base(draft: &Draft<'_>) -> String {
    let resource = draft
        .resource
        .last()
        .map(|r| names::singular(r))
        .unwrap_or_else(|| "Api".into());
    format!(
        "{}{}",
        names::type_name(&resource),
        names::type_name(names::bare(&draft.name))
    )
}
