//! The typed intermediate representation: a type space and an operation/resource tree.
//! Plain data: no `quote`, no OpenAPI structs.
//!
//! [`build`] lowers a spec in passes: the operations and the types they reach
//! ([`ops::operations`], [`types::TypeBuilder`]), then over the whole type space: unions own
//! their tags ([`types::tags`]), unreachable types go, untagged unions are ordered or found
//! overlapping ([`types::soundness`]); then the examples that do not fit their schema are set
//! aside ([`validate`]), and samples, Cargo features and conversions are made.

pub mod convert;
pub mod features;
pub mod names;
pub mod ops;
pub mod pattern;
pub mod pointer;
pub mod read_only;
pub mod sample;
pub mod service;
pub mod types;
pub mod validate;

use std::collections::BTreeMap;

use crate::config::{Config, OverlapPolicy};
use crate::error::{Result, Warning};
use crate::load::spec::Spec;
use ops::Operation;
use pointer::Pointer;
use types::{Ty, TypeId, TypeKind, TypeSpace};

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
    /// What was skipped, simplified or is worth knowing.
    pub warnings: Vec<Warning>,
    /// A schema-valid sample of every generated type, as a response would carry it (required
    /// read-only properties included), for the generated round-trip test.
    pub samples: Vec<(TypeId, serde_json::Value)>,
    /// Cargo features: resource groups and what they gate.
    pub features: features::Features,
    /// Conversions from fetched resources to their update requests (and what they need).
    pub conversions: Vec<convert::Conversion>,
    /// Servers, security schemes, credential modes, conventions.
    pub service: service::Service,
    /// The distinct sets of declared error responses (see [`ops::Operation::error_set`]).
    pub error_sets: Vec<Vec<ops::ErrorResponse>>,
}

impl Api {
    /// The struct types that request bodies hold (what users build), and the unions whose
    /// variants all have setters, in type order.
    pub fn request_types(&self) -> Vec<TypeId> {
        let space = &self.types;
        let reached = read_only::reached_from_requests(space, &self.operations);
        (0..space.types.len())
            .filter(|&i| {
                reached[i]
                    && match &space.types[i].kind {
                        TypeKind::Struct(_) => true,
                        TypeKind::Union(union) => !space.shared_fields(union).is_empty(),
                        _ => false,
                    }
            })
            .map(TypeId)
            .collect()
    }
}

/// Build the IR for the operations `config` selects, for the crate `crate_name` (which names
/// the default environment variables).
pub fn build(spec: &Spec, config: &Config, crate_name: &str) -> Result<Api> {
    let mut warnings = Vec::new();
    let (operations, types) = ops::operations(spec, config, &mut warnings)?;
    let mut operations = ops::expand_alternatives(operations);
    let service = service::service(spec, config, crate_name, &mut operations, &mut warnings)?;
    let (mut space, type_warnings) = types.finish();
    warnings.extend(type_warnings);
    read_only::relax(&spec.raw, &mut space, &operations);
    settle_types(&mut space, &mut operations, config, &mut warnings);
    drop_invalid_examples(spec, &mut space, &mut warnings);
    // Each type's sample is decoded by the generated tests like a response: read-only
    // properties it requires are there.
    let mut sampler = sample::Sampler::new(&spec.raw).responses();
    let samples = space
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| !matches!(def.kind, TypeKind::Pending))
        .map(|(index, def)| {
            let pointers = std::iter::once(&def.pointer).chain(&def.merges);
            (
                TypeId(index),
                sampler.sample_merged(pointers.map(Pointer::as_str)),
            )
        })
        .collect();
    let error_sets = ops::assign_error_sets(&mut operations);
    let features = features::Features::build(&operations, &space, config)?;
    let conversions = convert::conversions(&space, &operations);
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
        resource_docs: config
            .resources
            .iter()
            .filter_map(|r| Some((r.path.clone(), r.doc.clone()?)))
            .collect(),
        warnings: tidy(warnings),
        samples,
        features,
        conversions,
        service,
        error_sets,
    })
}

/// The passes over the whole type space: unions own their tags, unreachable types go,
/// untagged unions are ordered (or found overlapping).
fn settle_types(
    space: &mut TypeSpace,
    operations: &mut [Operation],
    config: &Config,
    warnings: &mut Vec<Warning>,
) {
    types::tags::check_internal(space);
    let roots: Vec<Ty> = operations
        .iter()
        .flat_map(Operation::types)
        .cloned()
        .collect();
    types::tags::own_tags(space, &roots.iter().collect::<Vec<_>>());
    let mut roots: Vec<&mut Ty> = operations
        .iter_mut()
        .flat_map(Operation::types_mut)
        .collect();
    space.retain_reachable(&mut roots);
    let overlap_is_problem = config.unions.overlapping == OverlapPolicy::Error;
    let (_, union_warnings) = types::soundness::settle(space, overlap_is_problem);
    warnings.extend(union_warnings);
}

/// Leaves the examples that do not fit their own schema out of the generated round-trip test
/// (the spec's mistake, not the client's), each with a notice.
fn drop_invalid_examples(spec: &Spec, space: &mut TypeSpace, warnings: &mut Vec<Warning>) {
    space.examples.retain(|pointer, (_, example)| {
        let Err(mismatch) = validate::check(&spec.raw, pointer, example) else {
            return true;
        };
        warnings.push(Warning::notice(
            format!("{pointer}/example"),
            format!(
                "the example does not fit its schema ({mismatch}); it is left out of the generated round-trip test"
            ),
        ));
        false
    });
}

/// Sorted and without repeats; the same problem seen twice at one pointer (once while
/// resolving, once with the fallback chosen) is reported once, with the fallback.
fn tidy(mut warnings: Vec<Warning>) -> Vec<Warning> {
    warnings.sort();
    warnings.dedup();
    let mut index = 0;
    while index + 1 < warnings.len() {
        let (a, b) = (&warnings[index], &warnings[index + 1]);
        if a.pointer == b.pointer && b.message.starts_with(&a.message) {
            warnings.remove(index);
        } else {
            index += 1;
        }
    }
    warnings
}
