//! Cargo features of the generated crate: one per resource group, so a user compiles only the
//! resources they call.
//!
//! The config names the resources to split (`[features] split = ["zero_trust.access"]`, or
//! `[""]` for the root: one feature per top-level resource); each
//! child resource of a split resource is a group and becomes a feature named after it
//! (`applications`, `service-tokens`), covering the child and everything below it. A type is
//! compiled when a feature whose methods use it (directly or through other types) is on. The
//! default feature `full` turns every group on, so the default build has everything.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;

use super::ops::Operation;
use super::types::{Ty, TypeId, TypeKind, TypeSpace};
use crate::config::Config;
use crate::error::Result;

/// Feature names the generated crate uses for other things.
pub const RESERVED: &[&str] = &["default", "full", "blocking"];

/// The features of a generated crate and what each one gates.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Feature name -> dotted path of its resource, sorted by name.
    pub groups: BTreeMap<String, String>,
    /// Per operation (same index as `Api::operations`): its feature, `None` when it is
    /// always compiled (not below a split resource).
    pub operations: Vec<Option<String>>,
    /// Per type (same index as `TypeSpace::types`): the features that need it; empty when
    /// it is always compiled (needed by an ungated method, by every group, or by none).
    pub types: Vec<BTreeSet<String>>,
}

impl Features {
    /// Work out the groups of `operations` and the features each type needs.
    pub fn build(operations: &[Operation], space: &TypeSpace, config: &Config) -> Result<Self> {
        let split: BTreeSet<&str> = config.features.split.iter().map(String::as_str).collect();
        for path in &split {
            // `""` is the root: each top-level resource is a group.
            let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
            let has_children = operations.iter().any(|op| {
                op.resource.len() > segments.len()
                    && op.resource.iter().zip(&segments).all(|(a, b)| a == b)
            });
            if !has_children {
                return Err(config.error(format!(
                    "[features] split: `{path}` is not a resource with child resources"
                )));
            }
        }
        let mut groups: BTreeMap<String, String> = BTreeMap::new();
        let mut op_features = Vec::with_capacity(operations.len());
        for op in operations {
            let group = (1..=op.resource.len()).find_map(|len| {
                let parent = op.resource[..len - 1].join(".");
                let path = op.resource[..len].join(".");
                (split.contains(parent.as_str()) && !split.contains(path.as_str()))
                    .then_some((len, path))
            });
            let Some((len, path)) = group else {
                op_features.push(None);
                continue;
            };
            let name = op.resource[len - 1].to_kebab_case();
            if RESERVED.contains(&name.as_str()) {
                return Err(config.error(format!(
                    "[features] split: the resource `{path}` would be the feature `{name}`, \
                     which the crate uses for something else"
                )));
            }
            if let Some(other) = groups.get(&name) {
                if *other != path {
                    return Err(config.error(format!(
                        "[features] split: `{other}` and `{path}` would both be the feature \
                         `{name}`"
                    )));
                }
            }
            groups.insert(name.clone(), path);
            op_features.push(Some(name));
        }

        // Which features reach each type; `always` when an ungated method does.
        let mut needed: Vec<BTreeSet<String>> = vec![BTreeSet::new(); space.types.len()];
        let mut always = vec![false; space.types.len()];
        for (op, feature) in operations.iter().zip(&op_features) {
            for id in reachable(space, op) {
                match feature {
                    Some(name) => {
                        needed[id.0].insert(name.clone());
                    }
                    None => always[id.0] = true,
                }
            }
        }
        let types = needed
            .into_iter()
            .zip(always)
            .map(|(set, always)| {
                if always || set.len() == groups.len() {
                    BTreeSet::new()
                } else {
                    set
                }
            })
            .collect();
        Ok(Features {
            groups,
            operations: op_features,
            types,
        })
    }

    /// How many methods the feature `name` gates.
    pub fn method_count(&self, name: &str) -> usize {
        self.operations
            .iter()
            .filter(|f| f.as_deref() == Some(name))
            .count()
    }

    /// The feature of the resource at this dotted path, when it is a group.
    pub fn of_resource(&self, dotted: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|(_, path)| *path == dotted)
            .map(|(name, _)| name.as_str())
    }

    /// The `cfg` predicate of an item the features in `needed` use (`None`: always compiled).
    pub fn predicate(needed: &BTreeSet<String>) -> Option<Predicate> {
        let mut clauses: Vec<Predicate> = needed.iter().cloned().map(Predicate::Feature).collect();
        match clauses.len() {
            0 => None,
            1 => clauses.pop(),
            _ => Some(Predicate::Any(clauses)),
        }
    }

    /// The `cfg` predicate of the type with this id.
    pub fn type_predicate(&self, id: TypeId) -> Option<Predicate> {
        self.types.get(id.0).and_then(Self::predicate)
    }

    /// The `cfg` predicate of an item that needs every one of `types`.
    pub fn all_types_predicate(&self, types: &[TypeId]) -> Option<Predicate> {
        let mut clauses: Vec<Predicate> = types
            .iter()
            .filter_map(|id| self.type_predicate(*id))
            .collect();
        clauses.sort_by_key(Predicate::to_string);
        clauses.dedup();
        match clauses.len() {
            0 => None,
            1 => clauses.pop(),
            _ => Some(Predicate::All(clauses)),
        }
    }

    /// The `cfg` predicate of the operation with this index.
    pub fn operation_predicate(&self, index: usize) -> Option<Predicate> {
        self.operations
            .get(index)
            .and_then(Option::as_ref)
            .map(|f| Predicate::Feature(f.clone()))
    }

    /// `feature = "full"` (every group on: what the crate's tests and examples need), when the
    /// crate has groups.
    pub fn full_predicate(&self) -> Option<Predicate> {
        (!self.groups.is_empty()).then(|| Predicate::Feature("full".into()))
    }
}

/// A `cfg` predicate over the crate's features, as a value (printed as Rust's `cfg` syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Predicate {
    /// `feature = "name"`
    Feature(String),
    /// `any(...)`
    Any(Vec<Predicate>),
    /// `all(...)`
    All(Vec<Predicate>),
}

impl std::fmt::Display for Predicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (word, clauses) = match self {
            Predicate::Feature(name) => return write!(f, "feature = {name:?}"),
            Predicate::Any(clauses) => ("any", clauses),
            Predicate::All(clauses) => ("all", clauses),
        };
        write!(f, "{word}(")?;
        for (index, clause) in clauses.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{clause}")?;
        }
        f.write_str(")")
    }
}

/// Every named type an operation's parameters, body, response and error responses use,
/// transitively.
fn reachable(space: &TypeSpace, op: &Operation) -> BTreeSet<TypeId> {
    // The types of its declared error responses too: the method decodes them.
    let mut stack: Vec<&Ty> = op.types().chain(op.errors.iter().map(|e| &e.ty)).collect();
    let mut seen = BTreeSet::new();
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Named(id) => {
                if !seen.insert(*id) {
                    continue;
                }
                match &space.get(*id).kind {
                    TypeKind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                        stack.push(&s.additional);
                    }
                    TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                    TypeKind::Enum(_) | TypeKind::Pending => {}
                }
            }
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => stack.push(inner),
            _ => {}
        }
    }
    seen
}
