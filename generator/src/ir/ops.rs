//! Operations and the resource tree: which method of which resource each operation becomes.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::names;
use super::types::{Ty, TypeBuilder, TypeSpace};
use crate::config::{Config, MethodOverride};
use crate::error::{Result, Warning};
use crate::load::spec::{escape_token, Spec, SpecOperation};

/// The whole client: operations, types, scopes.
#[derive(Debug)]
pub struct Api {
    /// API title from `info`.
    pub title: String,
    /// API description from `info`.
    pub description: Option<String>,
    /// Methods, in spec order.
    pub operations: Vec<Operation>,
    /// All generated types.
    pub types: TypeSpace,
    /// Scope names and their path prefixes (`account` -> `/accounts/{account_id}`).
    pub scopes: Vec<(String, String)>,
    /// Resource docs by dotted path.
    pub resource_docs: BTreeMap<String, String>,
    /// What was skipped or simplified.
    pub warnings: Vec<Warning>,
    /// A schema-valid sample of every generated type, for the generated round-trip test.
    pub samples: Vec<(super::types::TypeId, serde_json::Value)>,
    /// Cargo features: resource groups and what they gate.
    pub features: super::features::Features,
    /// Conversions from fetched resources to their update requests (and what they need).
    pub conversions: Vec<super::convert::Conversion>,
}

/// One method of the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Dotted resource path segments (`["zero_trust", "access", "applications"]`).
    pub resource: Vec<String>,
    /// Method identifier (`list`).
    pub name: String,
    /// HTTP method, uppercase.
    pub http: String,
    /// Path template after the scope prefix.
    pub path: String,
    /// The spec operations behind it: (scope or "", full path, operationId).
    pub sources: Vec<(String, String, String)>,
    /// Takes a `Scope` (the operation exists under several scope prefixes).
    pub scoped: bool,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Path parameters in path order (excluding the scope).
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query: Vec<Param>,
    /// JSON request body.
    pub body: Option<Body>,
    /// What a successful response decodes to.
    pub response: ResponseKind,
    /// Schema-valid sample arguments, for the generated end-to-end test.
    pub sample: Sample,
}

/// Sample arguments of a method: path parameters, required query parameters, body.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// One per path parameter, in order.
    pub path: Vec<serde_json::Value>,
    /// One per required query parameter, in order.
    pub query: Vec<serde_json::Value>,
    /// The request body.
    pub body: Option<serde_json::Value>,
}

/// A path or query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name in the spec.
    pub name: String,
    /// Rust identifier.
    pub ident: String,
    /// Type.
    pub ty: Ty,
    /// Must be given.
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// JSON pointer of the parameter's schema.
    pub schema: String,
}

/// A JSON request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Type.
    pub ty: Ty,
    /// Must be given.
    pub required: bool,
    /// JSON pointer of the body's schema (empty when it has none).
    pub schema: String,
}

/// How a successful response is decoded.
#[derive(Debug, Clone)]
pub enum ResponseKind {
    /// Envelope: the `result`.
    Result(Ty),
    /// Envelope with `result_info`: a page of items.
    Page(Ty),
    /// The body itself, no envelope.
    Raw(Ty),
    /// No body.
    Empty,
}

impl Operation {
    /// The types of its parameters, body and response.
    pub fn types(&self) -> impl Iterator<Item = &Ty> {
        let response = match &self.response {
            ResponseKind::Result(ty) | ResponseKind::Page(ty) | ResponseKind::Raw(ty) => Some(ty),
            ResponseKind::Empty => None,
        };
        self.path_params
            .iter()
            .chain(&self.query)
            .map(|p| &p.ty)
            .chain(self.body.as_ref().map(|b| &b.ty))
            .chain(response)
    }

    /// [`Operation::types`], to change them.
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut Ty> {
        let response = match &mut self.response {
            ResponseKind::Result(ty) | ResponseKind::Page(ty) | ResponseKind::Raw(ty) => Some(ty),
            ResponseKind::Empty => None,
        };
        self.path_params
            .iter_mut()
            .chain(&mut self.query)
            .map(|p| &mut p.ty)
            .chain(self.body.as_mut().map(|b| &mut b.ty))
            .chain(response)
    }

    /// `zero_trust.access.applications.list`
    pub fn dotted(&self) -> String {
        let mut path = self.resource.join(".");
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(names::bare(&self.name));
        path
    }
}

struct Draft<'a> {
    spec_ops: Vec<(String, SpecOperation<'a>)>,
    rest: String,
    http: String,
    resource: Vec<String>,
    name: String,
    /// The name comes from the config, not from the default rules.
    explicit: bool,
}

/// Build the IR for the operations `config` selects.
pub fn build(spec: &Spec, config: &Config) -> Result<Api> {
    let mut warnings = Vec::new();
    let selected = spec.operations(config)?;
    let drafts = group_by_scope(selected, config);
    check_config_names(&drafts, spec, config)?;
    let mut drafts = name_methods(drafts, config, &mut warnings);
    drafts.sort_by_key(|d| {
        d.spec_ops
            .first()
            .map(|(_, op)| op.pointer.clone())
            .unwrap_or_default()
    });
    let order: BTreeMap<String, usize> = spec
        .operations(config)?
        .iter()
        .enumerate()
        .map(|(i, op)| (op.pointer.clone(), i))
        .collect();
    drafts.sort_by_key(|d| {
        d.spec_ops
            .first()
            .and_then(|(_, op)| order.get(&op.pointer).copied())
    });

    let roots: Vec<String> = drafts
        .iter()
        .flat_map(|d| d.spec_ops.iter().map(|(_, op)| op.pointer.clone()))
        .collect();
    let reserved = [
        "Client",
        "ClientBuilder",
        "Credentials",
        "Error",
        "Result",
        "Scope",
        "Page",
        "Envelope",
        "ResultInfo",
        "DateTime",
        "Nullable",
        "Call",
        "ApiError",
    ];
    let mut types = TypeBuilder::new(
        &spec.raw,
        &roots,
        &config.types.strip_prefixes,
        &config.types.rename,
        &reserved,
    );
    let mut operations = Vec::new();
    for draft in &drafts {
        operations.push(operation(spec, draft, &mut types, &mut warnings)?);
    }
    dedup_names(&mut operations, &mut warnings);
    let mut sampler = super::sample::Sampler::new(&spec.raw);
    for op in &mut operations {
        op.sample = Sample {
            path: op
                .path_params
                .iter()
                .map(|p| sampler.sample(&p.schema))
                .collect(),
            query: op
                .query
                .iter()
                .filter(|q| q.required)
                .map(|q| sampler.sample(&q.schema))
                .collect(),
            body: op.body.as_ref().map(|b| {
                if b.schema.is_empty() {
                    serde_json::json!({})
                } else {
                    sampler.sample(&b.schema)
                }
            }),
        };
    }
    let (mut space, type_warnings) = types.finish();
    super::types::tags::check_internal(&mut space);
    let roots: Vec<Ty> = operations
        .iter()
        .flat_map(Operation::types)
        .cloned()
        .collect();
    super::types::tags::own_tags(&mut space, &roots.iter().collect::<Vec<_>>());
    let mut roots: Vec<&mut Ty> = operations
        .iter_mut()
        .flat_map(Operation::types_mut)
        .collect();
    space.retain_reachable(&mut roots);
    let overlap_is_problem = config.unions.overlapping == crate::config::OverlapPolicy::Error;
    let (_, union_warnings) = super::types::soundness::settle(&mut space, overlap_is_problem);
    warnings.extend(union_warnings);
    let samples = space
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| !matches!(def.kind, super::types::TypeKind::Pending))
        .map(|(index, def)| (super::types::TypeId(index), sampler.sample(&def.pointer)))
        .collect();
    warnings.extend(type_warnings);
    warnings.sort();
    warnings.dedup();
    // The same problem seen twice at one pointer (once while resolving, once with the fallback
    // chosen) is reported once, with the fallback.
    let mut index = 0;
    while index + 1 < warnings.len() {
        let (a, b) = (&warnings[index], &warnings[index + 1]);
        if a.pointer == b.pointer && b.message.starts_with(&a.message) {
            warnings.remove(index);
        } else {
            index += 1;
        }
    }
    let resource_docs = config
        .resources
        .iter()
        .filter_map(|r| Some((r.path.clone(), r.doc.clone()?)))
        .collect();
    let features = super::features::Features::build(&operations, &space, config)?;
    let conversions = super::convert::conversions(&space, &operations);
    Ok(Api {
        title: spec.api.info.title.clone(),
        description: spec.api.info.description.clone(),
        operations,
        types: space,
        scopes: config
            .scopes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        resource_docs,
        warnings,
        samples,
        features,
        conversions,
    })
}

/// The path after the scope prefix, as `[methods]` keys and `[[resources]]` prefixes use it.
fn scoped_rest(draft: &Draft) -> String {
    if draft.spec_ops.iter().all(|(s, _)| !s.is_empty()) {
        draft.rest.clone()
    } else {
        draft.spec_ops[0].1.path.to_string()
    }
}

/// Every `[methods]` key names a selected operation, every `[[resources]]` prefix matches one,
/// and every `[types.rename]` key is a component schema: a name for something that does not
/// exist is a mistake (or a spec change) to fix, not to ignore.
fn check_config_names(drafts: &[Draft], spec: &Spec, config: &Config) -> Result<()> {
    let keys: BTreeSet<String> = drafts
        .iter()
        .map(|d| format!("{} {}", d.http, scoped_rest(d)))
        .collect();
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
            .any(|d| prefix_len(&resource.prefix, &scoped_rest(d)).is_some())
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

fn split_scope<'c>(path: &str, config: &'c Config) -> Option<(&'c str, String)> {
    config.scopes.iter().find_map(|(name, prefix)| {
        let rest = path.strip_prefix(prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then(|| (name.as_str(), rest.to_string()))
    })
}

fn group_by_scope<'a>(selected: Vec<SpecOperation<'a>>, config: &Config) -> Vec<Draft<'a>> {
    let mut groups: BTreeMap<(String, String), Draft<'a>> = BTreeMap::new();
    let mut order = Vec::new();
    for op in selected {
        let (scope, rest) = match split_scope(op.path, config) {
            Some((scope, rest)) => (scope.to_string(), rest),
            None => (String::new(), op.path.to_string()),
        };
        let key = (
            op.method.to_string(),
            if scope.is_empty() {
                op.path.to_string()
            } else {
                rest.clone()
            },
        );
        let draft = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Draft {
                spec_ops: Vec::new(),
                rest: rest.clone(),
                http: op.method.to_uppercase(),
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

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn prefix_len(prefix: &str, path: &str) -> Option<usize> {
    let prefix = segments(prefix);
    let path = segments(path);
    if prefix.len() > path.len() {
        return None;
    }
    prefix
        .iter()
        .zip(&path)
        .all(|(a, b)| a == b || (is_param(a) && is_param(b)))
        .then_some(prefix.len())
}

fn name_methods<'a>(
    mut drafts: Vec<Draft<'a>>,
    config: &Config,
    warnings: &mut Vec<Warning>,
) -> Vec<Draft<'a>> {
    let known_paths: BTreeSet<String> = drafts.iter().map(scoped_rest).collect();
    for draft in &mut drafts {
        let scoped_rest = scoped_rest(draft);
        let best = config
            .resources
            .iter()
            .filter_map(|r| Some((prefix_len(&r.prefix, &scoped_rest)?, r)))
            .max_by_key(|(len, _)| *len);
        let all = segments(&scoped_rest);
        let (resource, remainder): (Vec<String>, Vec<&str>) = match best {
            Some((len, r)) => (
                r.path.split('.').map(str::to_string).collect(),
                all[len..].to_vec(),
            ),
            None => {
                let mut statics: Vec<String> = all
                    .iter()
                    .filter(|s| !is_param(s))
                    .map(|s| names::field_name(s))
                    .map(|s| names::bare(&s).to_string())
                    .collect();
                let parent = format!("/{}", all[..all.len().saturating_sub(1)].join("/"));
                let is_action = draft.http == "POST"
                    && all.last().is_some_and(|s| !is_param(s))
                    && known_paths.contains(&parent);
                let remainder = if all.last().is_some_and(|s| is_param(s)) {
                    vec![*all.last().unwrap_or(&"")]
                } else if is_action {
                    // `POST /keys/rotate` beside `/keys`: an action of `keys`, not a resource.
                    statics.pop();
                    vec![*all.last().unwrap_or(&"")]
                } else {
                    Vec::new()
                };
                (statics, remainder)
            }
        };
        let name = match remainder.last() {
            None => default_name(&draft.http, false),
            Some(last) if is_param(last) => default_name(&draft.http, true),
            Some(word) => names::field_name(word),
        };
        draft.resource = resource;
        draft.name = name;
        let key = format!("{} {}", draft.http, scoped_rest);
        if let Some(o) = config.methods.get(&key) {
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
    // A method named like a child resource (`POST /apps/{id}/ca` beside `GET /apps/{id}/ca`)
    // moves into that resource, named by the default rules.
    let resources: BTreeSet<Vec<String>> = drafts.iter().map(|d| d.resource.clone()).collect();
    for draft in &mut drafts {
        let mut child = draft.resource.clone();
        child.push(names::bare(&draft.name).to_string());
        if !draft.explicit && resources.iter().any(|r| r.starts_with(&child)) {
            draft.resource = child;
            draft.name = default_name(&draft.http, false);
        }
    }
    // A GET "list" whose result is not an array is a "get"; decided later with types, so here
    // only resolve collisions deterministically by operationId.
    let mut seen: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for draft in &mut drafts {
        let key = (draft.resource.clone(), draft.name.clone());
        if !seen.insert(key) {
            let op = &draft.spec_ops[0].1;
            let alternative = op
                .op
                .operation_id
                .as_deref()
                .map(names::field_name)
                .unwrap_or_else(|| names::field_name(&format!("{} {}", draft.http, draft.rest)));
            warnings.push(Warning::problem(op.pointer.clone(), format!(
                    "`{}.{}` is taken by another operation; this one is named `{alternative}` (set a name in the config)",
                    draft.resource.join("."),
                    draft.name
                ),));
            draft.name = alternative;
            seen.insert((draft.resource.clone(), draft.name.clone()));
        }
    }
    drafts
}

/// The method name by HTTP method, on a collection or on an item.
fn default_name(http: &str, item: bool) -> String {
    match (http, item) {
        ("GET", false) => "list".into(),
        ("GET", true) => "get".into(),
        ("POST", _) => "create".into(),
        ("PUT", _) => "update".into(),
        ("PATCH", _) => "edit".into(),
        ("DELETE", _) => "delete".into(),
        (other, _) => other.to_lowercase(),
    }
}

/// After types decided `list` vs `get`, make (resource, name) unique again, by operationId.
fn dedup_names(operations: &mut [Operation], warnings: &mut Vec<Warning>) {
    let mut seen: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for op in operations.iter_mut() {
        if seen.insert((op.resource.clone(), op.name.clone())) {
            continue;
        }
        let operation_id = op
            .sources
            .first()
            .map(|(_, _, id)| id.clone())
            .unwrap_or_default();
        let alternative = names::field_name(&operation_id);
        warnings.push(Warning::problem(
            op.sources
                .first()
                .map(|(_, path, _)| format!("#/paths/{}", escape_token(path)))
                .unwrap_or_default(),
            format!(
                "`{}` is taken by another operation; this one is named `{alternative}`",
                op.dotted()
            ),
        ));
        op.name = alternative;
        seen.insert((op.resource.clone(), op.name.clone()));
    }
}

fn hint_base(draft: &Draft<'_>) -> String {
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

fn operation(
    spec: &Spec,
    draft: &Draft<'_>,
    types: &mut TypeBuilder<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Operation> {
    let (scope, primary) = &draft.spec_ops[0];
    let scoped = !scope.is_empty() && draft.spec_ops.len() > 1;
    let hint = hint_base(draft);
    let op = primary.op;

    // Parameters: path-item level first, operation level overrides by (name, location).
    let mut params: Vec<(String, &Parameter)> = Vec::new();
    for (index, p) in primary.shared_params.iter().enumerate() {
        let base = primary
            .pointer
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or("");
        let pointer = format!("{base}/parameters/{index}");
        params.push((
            param_schema_pointer(spec, &pointer, p),
            spec.parameter(p, &pointer)?,
        ));
    }
    for (index, p) in op.parameters.iter().enumerate() {
        let pointer = format!("{}/parameters/{index}", primary.pointer);
        let p = spec.parameter(p, &pointer)?;
        params.retain(|(_, q)| {
            !(q.parameter_data_ref().name == p.parameter_data_ref().name && same_location(q, p))
        });
        params.push((
            param_schema_pointer(spec, &pointer, &op.parameters[index]),
            p,
        ));
    }

    let scope_params: BTreeSet<String> = if scope.is_empty() {
        BTreeSet::new()
    } else {
        segments(primary.path)
            .iter()
            .take(segments(primary.path).len() - segments(&draft.rest).len())
            .filter(|s| is_param(s))
            .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
            .collect()
    };
    let mut path_params = Vec::new();
    let template = if scoped {
        draft.rest.clone()
    } else {
        primary.path.to_string()
    };
    for segment in segments(&template).into_iter().filter(|s| is_param(s)) {
        let name = segment.trim_matches(|c| c == '{' || c == '}').to_string();
        if scoped && scope_params.contains(&name) {
            continue;
        }
        // A template may use one parameter twice (`/accounts/{account_id}/.../{account_id}`):
        // one argument fills both.
        if path_params.iter().any(|p: &Param| p.name == name) {
            continue;
        }
        let found = params.iter().find(|(_, p)| {
            matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
        });
        let schema = found
            .map(|(pointer, _)| format!("{pointer}/schema"))
            .unwrap_or_default();
        let (ty, doc) = match found {
            Some((pointer, p)) => (
                param_ty(
                    types,
                    pointer,
                    p,
                    &format!("{hint}{}", names::type_name(&name)),
                ),
                p.parameter_data_ref().description.clone(),
            ),
            None => {
                warnings.push(Warning::problem(
                    primary.pointer.clone(),
                    format!("path parameter `{name}` is not declared; treating it as a string"),
                ));
                (Ty::String, None)
            }
        };
        path_params.push(Param {
            ident: names::field_name(&name),
            name,
            ty,
            required: true,
            doc,
            schema,
        });
    }
    let mut query = Vec::new();
    for (pointer, p) in &params {
        match p {
            Parameter::Query { parameter_data, .. } => {
                let ty = param_ty(
                    types,
                    pointer,
                    p,
                    &format!("{hint}{}", names::type_name(&parameter_data.name)),
                );
                query.push(Param {
                    name: parameter_data.name.clone(),
                    ident: names::field_name(&parameter_data.name),
                    ty,
                    required: parameter_data.required,
                    doc: parameter_data.description.clone(),
                    schema: format!("{pointer}/schema"),
                });
            }
            Parameter::Header { parameter_data, .. } | Parameter::Cookie { parameter_data, .. } => {
                warnings.push(Warning::problem(pointer.clone(), format!("header/cookie parameter `{}` is not supported yet; set it with a per-request header", parameter_data.name)));
            }
            Parameter::Path { parameter_data, .. } => {
                if !template.contains(&format!("{{{}}}", parameter_data.name))
                    && !scope_params.contains(&parameter_data.name)
                {
                    warnings.push(Warning::problem(
                        pointer.clone(),
                        format!(
                            "path parameter `{}` does not appear in the path; ignored",
                            parameter_data.name
                        ),
                    ));
                }
            }
        }
    }
    let mut used = BTreeSet::new();
    for p in path_params.iter_mut().chain(query.iter_mut()) {
        if !used.insert(p.ident.clone()) || p.ident == "scope" {
            p.ident = format!("{}_{}", names::bare(&p.ident), "param");
            used.insert(p.ident.clone());
        }
    }

    let body = request_body(spec, primary, types, &hint, warnings)?;
    let response = response_kind(spec, primary, types, &hint, warnings)?;
    let mut name = draft.name.clone();
    if !draft.explicit
        && name == "list"
        && draft.http == "GET"
        && !matches!(
            &response,
            ResponseKind::Page(_)
                | ResponseKind::Result(Ty::Vec(_))
                | ResponseKind::Raw(Ty::Vec(_))
        )
    {
        name = "get".into();
    }
    Ok(Operation {
        resource: draft.resource.clone(),
        name,
        http: draft.http.clone(),
        path: template,
        sources: draft
            .spec_ops
            .iter()
            .map(|(s, o)| {
                (
                    s.clone(),
                    o.path.to_string(),
                    o.op.operation_id.clone().unwrap_or_default(),
                )
            })
            .collect(),
        scoped,
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        sample: Sample::default(),
        path_params,
        query,
        body,
        response,
    })
}

fn same_location(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn param_schema_pointer(spec: &Spec, pointer: &str, p: &ReferenceOr<Parameter>) -> String {
    match p {
        ReferenceOr::Item(_) => pointer.to_string(),
        ReferenceOr::Reference { reference } => {
            match spec.component_name(reference, "parameters", pointer) {
                Ok(name) => format!("#/components/parameters/{}", escape_token(name)),
                Err(_) => pointer.to_string(),
            }
        }
    }
}

fn param_ty(types: &mut TypeBuilder<'_>, pointer: &str, p: &Parameter, hint: &str) -> Ty {
    match &p.parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(_) => types.ty(&format!("{pointer}/schema"), hint),
        ParameterSchemaOrContent::Content(_) => {
            types.warn(pointer, "parameter with `content` is sent as a string");
            Ty::String
        }
    }
}

fn request_body(
    spec: &Spec,
    op: &SpecOperation<'_>,
    types: &mut TypeBuilder<'_>,
    hint: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Body>> {
    let Some(body) = &op.op.request_body else {
        return Ok(None);
    };
    let pointer = match body {
        ReferenceOr::Item(_) => format!("{}/requestBody", op.pointer),
        ReferenceOr::Reference { reference } => format!(
            "#/components/requestBodies/{}",
            escape_token(spec.component_name(reference, "requestBodies", &op.pointer)?)
        ),
    };
    let body = spec.request_body(body, &pointer)?;
    let json = body.content.iter().find(|(media, _)| is_json(media));
    match json {
        Some((media, content)) => {
            let schema_pointer = format!("{pointer}/content/{}/schema", escape_token(media));
            let has_schema = content.schema.is_some();
            let ty = if has_schema {
                types.ty(&schema_pointer, &format!("{hint}Request"))
            } else {
                warnings.push(Warning::problem(
                    format!("{pointer}/content/{}", escape_token(media)),
                    "request body has no schema; it takes any JSON value",
                ));
                Ty::Any
            };
            Ok(Some(Body {
                ty,
                required: body.required,
                schema: if has_schema {
                    schema_pointer
                } else {
                    String::new()
                },
            }))
        }
        None => {
            let media: Vec<&String> = body.content.keys().collect();
            warnings.push(Warning::problem(
                pointer,
                format!("request body media type {media:?} is not supported yet; the method sends no body"),
            ));
            Ok(None)
        }
    }
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json")
}

fn response_kind(
    spec: &Spec,
    op: &SpecOperation<'_>,
    types: &mut TypeBuilder<'_>,
    hint: &str,
    warnings: &mut Vec<Warning>,
) -> Result<ResponseKind> {
    let mut successes: Vec<(String, String)> = Vec::new();
    for (status, response) in &op.op.responses.responses {
        let code = status.to_string();
        if !code.starts_with('2') {
            continue;
        }
        let pointer = match response {
            ReferenceOr::Item(_) => format!("{}/responses/{}", op.pointer, escape_token(&code)),
            ReferenceOr::Reference { reference } => format!(
                "#/components/responses/{}",
                escape_token(spec.component_name(reference, "responses", &op.pointer)?)
            ),
        };
        let resolved = spec.response(response, &pointer)?;
        match resolved.content.iter().find(|(media, _)| is_json(media)) {
            Some((media, content)) if content.schema.is_some() => successes.push((
                code,
                format!("{pointer}/content/{}/schema", escape_token(media)),
            )),
            Some(_) => successes.push((code, String::new())),
            None if resolved.content.is_empty() => successes.push((code, String::new())),
            None => warnings.push(Warning::problem(
                pointer,
                "non-JSON success response: the body is not decoded",
            )),
        }
    }
    let Some((code, pointer)) = successes.first().cloned() else {
        return Ok(ResponseKind::Empty);
    };
    let distinct: BTreeSet<&str> = successes.iter().map(|(_, p)| p.as_str()).collect();
    if distinct.len() > 1 {
        warnings.push(Warning::problem(
            format!("{}/responses", op.pointer),
            format!("several success responses with different bodies; decoding the {code} one"),
        ));
    }
    if pointer.is_empty() {
        return Ok(ResponseKind::Empty);
    }
    if let Some(envelope) = types.envelope(&pointer) {
        let ty = types.nullable_property(&envelope.result, &format!("{hint}Response"));
        // A nullable list decodes `null` as an empty page.
        let list = match ty {
            Ty::Nullable(inner) if matches!(*inner, Ty::Vec(_)) && envelope.result_info => *inner,
            ty => ty,
        };
        return Ok(match list {
            Ty::Vec(item) if envelope.result_info => ResponseKind::Page(*item),
            ty => ResponseKind::Result(ty),
        });
    }
    Ok(ResponseKind::Raw(
        types.ty(&pointer, &format!("{hint}Response")),
    ))
}
