//! The parameters of an operation: declared at the path item and the operation (the latter
//! overriding by name and location), the path's in template order (the scope's left out),
//! then the query's, headers and cookies in spec order.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr};

use super::{Param, ParamLocation, PathTemplate};
use crate::error::{Result, Warning};
use crate::ir::names;
use crate::ir::pointer::Pointer;
use crate::ir::sample::Sampler;
use crate::ir::types::{Ty, TypeBuilder};
use crate::load::spec::{escape_token, Spec, SpecOperation};

/// What lowering a parameter needs.
pub(super) struct ParamContext<'a, 'b, 's> {
    pub spec: &'s Spec,
    pub types: &'a mut TypeBuilder<'s>,
    pub sampler: &'a mut Sampler<'s>,
    pub warnings: &'b mut Vec<Warning>,
    /// The base of inline type names (`ApplicationList`).
    pub hint: String,
}

/// A declared parameter: the pointer of the object holding its schema, and the parameter.
type Declared<'s> = (String, &'s Parameter);

/// Every parameter of `op`: path-item level first, operation level overriding by (name,
/// location).
fn declared<'s>(spec: &'s Spec, op: &SpecOperation<'s>) -> Result<Vec<Declared<'s>>> {
    let mut params: Vec<Declared<'s>> = Vec::new();
    let base = op.pointer.rsplit_once('/').map(|(b, _)| b).unwrap_or("");
    for (index, p) in op.shared_params.iter().enumerate() {
        let pointer = format!("{base}/parameters/{index}");
        params.push((
            schema_owner(spec, &pointer, p),
            spec.parameter(p, &pointer)?,
        ));
    }
    for (index, declared) in op.op.parameters.iter().enumerate() {
        let pointer = format!("{}/parameters/{index}", op.pointer);
        let p = spec.parameter(declared, &pointer)?;
        params.retain(|(_, q)| {
            !(q.parameter_data_ref().name == p.parameter_data_ref().name
                && location(q) == location(p))
        });
        params.push((schema_owner(spec, &pointer, declared), p));
    }
    Ok(params)
}

fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The pointer of the object that holds a parameter's schema: the component for a `$ref`.
fn schema_owner(spec: &Spec, pointer: &str, p: &ReferenceOr<Parameter>) -> String {
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

/// The parameters of the method made from `op` whose path is `template`; `scope_params` are
/// the parameters of the scope prefix (not arguments).
pub(super) fn params(
    cx: &mut ParamContext<'_, '_, '_>,
    op: &SpecOperation<'_>,
    template: &PathTemplate,
    scope_params: &BTreeSet<String>,
) -> Result<Vec<Param>> {
    let declared = declared(cx.spec, op)?;
    let mut out: Vec<Param> = Vec::new();
    for name in template.params() {
        // A template may use one parameter twice (`/accounts/{account_id}/.../{account_id}`):
        // one argument fills both.
        if scope_params.contains(name) || out.iter().any(|p| p.name == name) {
            continue;
        }
        let found = declared.iter().find(|(_, p)| {
            location(p) == ParamLocation::Path && p.parameter_data_ref().name == name
        });
        out.push(match found {
            Some((pointer, p)) => lower(cx, pointer, p),
            None => {
                cx.warnings.push(Warning::problem(
                    op.pointer.clone(),
                    format!("path parameter `{name}` is not declared; treating it as a string"),
                ));
                undeclared_path_param(name)
            }
        });
    }
    for (pointer, p) in &declared {
        let data = p.parameter_data_ref();
        if location(p) != ParamLocation::Path {
            out.push(lower(cx, pointer, p));
        } else if !template.params().any(|n| n == data.name) && !scope_params.contains(&data.name) {
            cx.warnings.push(Warning::problem(
                pointer.clone(),
                format!(
                    "path parameter `{}` does not appear in the path; ignored",
                    data.name
                ),
            ));
        }
    }
    distinct_idents(&mut out);
    Ok(out)
}

/// One declared parameter.
fn lower(cx: &mut ParamContext<'_, '_, '_>, pointer: &str, p: &Parameter) -> Param {
    let data = p.parameter_data_ref();
    let hint = format!("{}{}", cx.hint, names::type_name(&data.name));
    let schema = format!("{pointer}/schema");
    let ty = match &data.format {
        ParameterSchemaOrContent::Schema(_) => cx.types.ty(&schema, &hint),
        ParameterSchemaOrContent::Content(_) => {
            cx.types
                .warn(pointer, "parameter with `content` is sent as a string");
            Ty::String
        }
    };
    let location = location(p);
    Param {
        name: data.name.clone(),
        ident: names::field_name(&data.name),
        location,
        ty,
        required: data.required || location == ParamLocation::Path,
        doc: data.description.clone(),
        sample: cx.sampler.sample_parameter(&schema),
        schema: Pointer::new(schema),
        separator: separator(p),
    }
}

/// The separator of a list query parameter sent as one value (see [`Param::separator`]).
fn separator(p: &Parameter) -> Option<char> {
    let Parameter::Query {
        parameter_data,
        style,
        ..
    } = p
    else {
        return None;
    };
    match style {
        QueryStyle::Form if parameter_data.explode == Some(false) => Some(','),
        QueryStyle::SpaceDelimited => Some(' '),
        QueryStyle::PipeDelimited => Some('|'),
        QueryStyle::Form | QueryStyle::DeepObject => None,
    }
}

fn undeclared_path_param(name: &str) -> Param {
    Param {
        name: name.to_string(),
        ident: names::field_name(name),
        location: ParamLocation::Path,
        ty: Ty::String,
        required: true,
        doc: None,
        schema: Pointer::default(),
        sample: serde_json::Value::String("example".into()),
        separator: None,
    }
}

/// Distinct Rust identifiers (`scope` is the scope argument's).
fn distinct_idents(params: &mut [Param]) {
    let mut used = BTreeSet::new();
    for p in params.iter_mut() {
        if !used.insert(p.ident.clone()) || p.ident == "scope" {
            p.ident = format!("{}_param", names::bare(&p.ident));
            used.insert(p.ident.clone());
        }
    }
}
