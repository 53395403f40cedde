//! The parsed spec: the raw JSON (for pointers and reachability) beside its `openapiv3` model.

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use crate::config::Config;
use crate::error::{Error, Result};

/// A spec ready for the IR: overlays applied, parsed, refs resolvable.
#[derive(Debug)]
pub struct Spec {
    /// Name of the spec file, for error messages.
    pub file: String,
    /// The JSON document after overlays.
    pub raw: Value,
    /// The typed model of `raw`.
    pub api: OpenAPI,
}

/// One selected operation, with the parameters of its path item merged in.
#[derive(Debug, Clone)]
pub struct SpecOperation<'a> {
    /// Path template (`/accounts/{account_id}/access/apps`).
    pub path: &'a str,
    /// Lowercase HTTP method.
    pub method: &'static str,
    /// The operation.
    pub op: &'a Operation,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Path-item level parameters (operation-level ones override by name and location).
    pub shared_params: &'a [ReferenceOr<Parameter>],
}

/// Escape one JSON pointer token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Spec {
    /// Check the version, then parse `raw` with `openapiv3`.
    pub fn parse(file: &str, raw: Value) -> Result<Spec> {
        Self::parse_selected(file, raw, &|_| true)
    }

    /// Like [`Spec::parse`], with only the path items whose path `selected` accepts given to
    /// `openapiv3` (the others stay in `raw`, untouched): a config that selects a hundred of
    /// a spec's 1,500 operations does not pay for parsing the rest.
    pub fn parse_selected(file: &str, raw: Value, selected: &dyn Fn(&str) -> bool) -> Result<Spec> {
        check_version(file, &raw)?;
        check_operation_ids(file, &raw)?;
        // The component schemas (most of a large spec) are read from `raw` where they are
        // needed, never through `openapiv3`: they are set aside while it parses the rest,
        // and so are the path items not selected.
        let mut raw = raw;
        let schemas = raw
            .pointer_mut("/components/schemas")
            .map(|schemas| std::mem::replace(schemas, Value::Object(Default::default())));
        let paths = raw
            .get_mut("paths")
            .and_then(Value::as_object_mut)
            .map(|paths| {
                let all = std::mem::take(paths);
                let mut order = Vec::with_capacity(all.len());
                let mut aside = Vec::new();
                for (path, item) in all {
                    let keep = selected(&path);
                    order.push((path.clone(), keep));
                    if keep {
                        paths.insert(path, item);
                    } else {
                        aside.push(item);
                    }
                }
                (order, aside)
            });
        // The path of a failure is tracked (an allocation per key) only once a plain parse
        // has failed.
        let parsed = OpenAPI::deserialize(&raw).or_else(|_| serde_path_to_error::deserialize(&raw));
        if let (Some(schemas), Some(slot)) = (schemas, raw.pointer_mut("/components/schemas")) {
            *slot = schemas;
        }
        if let (Some((order, aside)), Some(paths)) =
            (paths, raw.get_mut("paths").and_then(Value::as_object_mut))
        {
            let mut kept = std::mem::take(paths);
            let mut aside = aside.into_iter();
            for (path, keep) in order {
                let item = if keep {
                    kept.remove(&path)
                } else {
                    aside.next()
                };
                paths.insert(path, item.unwrap_or(Value::Null));
            }
        }
        let api: OpenAPI = parsed.map_err(|e| {
            let pointer = serde_path_pointer(&e.path().to_string());
            Error::spec(
                file,
                pointer,
                format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            )
        })?;
        Ok(Spec {
            file: file.to_string(),
            raw,
            api,
        })
    }

    /// Parse JSON text (not yet overlaid).
    pub fn json(file: &str, bytes: &[u8]) -> Result<Value> {
        // Checked as UTF-8 once, in bulk, the text parses faster than bytes checked string by
        // string; invalid UTF-8 is reported by the byte parser, with its position.
        let parsed = match std::str::from_utf8(bytes) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(bytes),
        };
        parsed.map_err(|e| Error::spec(file, "#", crate::error::json_error_message(&e)))
    }

    /// The component name of a local `#/components/<kind>/NAME` reference.
    pub fn component_name<'a>(
        &self,
        reference: &'a str,
        kind: &str,
        pointer: &str,
    ) -> Result<&'a str> {
        let prefix = format!("#/components/{kind}/");
        match reference.strip_prefix(&prefix) {
            Some(name) if !name.contains('/') => Ok(name),
            _ if !reference.starts_with('#') => Err(Error::spec(
                &self.file,
                pointer,
                format!("$ref `{reference}` points into another file; only local references (`#/components/...`) are supported"),
            )),
            _ => Err(Error::spec(
                &self.file,
                pointer,
                format!("$ref `{reference}` is not a `{prefix}NAME` reference"),
            )),
        }
    }

    /// Resolve a parameter reference.
    pub fn parameter<'a>(
        &'a self,
        p: &'a ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Result<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, "parameters", pointer)?;
                let target = self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name));
                match target {
                    Some(ReferenceOr::Item(p)) => Ok(p),
                    _ => Err(Error::spec(
                        &self.file,
                        pointer,
                        format!("$ref `{reference}` points to nothing"),
                    )),
                }
            }
        }
    }

    /// Resolve a request body reference.
    pub fn request_body<'a>(
        &'a self,
        b: &'a ReferenceOr<RequestBody>,
        pointer: &str,
    ) -> Result<&'a RequestBody> {
        match b {
            ReferenceOr::Item(b) => Ok(b),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, "requestBodies", pointer)?;
                let target = self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.request_bodies.get(name));
                match target {
                    Some(ReferenceOr::Item(b)) => Ok(b),
                    _ => Err(Error::spec(
                        &self.file,
                        pointer,
                        format!("$ref `{reference}` points to nothing"),
                    )),
                }
            }
        }
    }

    /// The key of the response `status` in the operation at `op_pointer` as the spec writes
    /// it: a range is `4XX` by the standard but `4xx` in some specs, and a pointer must use the
    /// key as written.
    pub fn status_key(&self, op_pointer: &str, status: &openapiv3::StatusCode) -> String {
        let standard = status.to_string();
        let responses = op_pointer
            .strip_prefix('#')
            .and_then(|p| self.raw.pointer(&format!("{p}/responses")))
            .and_then(Value::as_object);
        responses
            .and_then(|keys| {
                keys.keys()
                    .find(|key| key.eq_ignore_ascii_case(&standard))
                    .cloned()
            })
            .unwrap_or(standard)
    }

    /// Resolve a response reference.
    pub fn response<'a>(
        &'a self,
        r: &'a ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'a Response> {
        match r {
            ReferenceOr::Item(r) => Ok(r),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, "responses", pointer)?;
                let target = self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.responses.get(name));
                match target {
                    Some(ReferenceOr::Item(r)) => Ok(r),
                    _ => Err(Error::spec(
                        &self.file,
                        pointer,
                        format!("$ref `{reference}` points to nothing"),
                    )),
                }
            }
        }
    }

    /// The operations selected by `config`, in spec order (paths, then a fixed method order).
    pub fn operations(&self, config: &Config) -> Result<Vec<SpecOperation<'_>>> {
        let filter = PathFilter::new(config)?;
        let all_paths = self.raw.get("paths").and_then(Value::as_object);
        for (pattern, regex) in config.select.include.iter().zip(&filter.include) {
            if !all_paths.is_some_and(|paths| paths.keys().any(|path| regex.is_match(path))) {
                return Err(config.error(format!(
                    "[select] include `{pattern}` matches no path of the spec"
                )));
            }
        }
        let mut out = Vec::new();
        for (path, item) in &self.api.paths.paths {
            if !filter.selects(path) {
                continue;
            }
            let pointer = format!("#/paths/{}", escape_token(path));
            let ReferenceOr::Item(item) = item else {
                return Err(Error::spec(
                    &self.file,
                    pointer,
                    "path item references are not supported",
                ));
            };
            let methods = [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("options", &item.options),
                ("head", &item.head),
                ("patch", &item.patch),
                ("trace", &item.trace),
            ];
            for (method, op) in methods {
                if let Some(op) = op {
                    out.push(SpecOperation {
                        path,
                        method,
                        op,
                        pointer: format!("{pointer}/{method}"),
                        shared_params: &item.parameters,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The paths a config's `[select]` picks: those matching an `include` pattern (any path when
/// there is none) and no `exclude` pattern.
pub struct PathFilter {
    include: Vec<Regex>,
    exclude: Vec<Regex>,
}

impl PathFilter {
    /// The filter of `config`; a pattern that is not a regex is an error naming it.
    pub fn new(config: &Config) -> Result<PathFilter> {
        let compile = |patterns: &[String]| -> Result<Vec<Regex>> {
            patterns
                .iter()
                .map(|p| Regex::new(p).map_err(|e| config.error(format!("bad regex `{p}`: {e}"))))
                .collect()
        };
        Ok(PathFilter {
            include: compile(&config.select.include)?,
            exclude: compile(&config.select.exclude)?,
        })
    }

    /// Whether every path is selected (the config lists no pattern).
    pub fn selects_every_path(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether `path` is selected.
    pub fn selects(&self, path: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(path)))
            && !self.exclude.iter().any(|r| r.is_match(path))
    }
}

/// Every `operationId` names one operation (the spec requires it; names and docs key on it),
/// in every path item, selected or not.
fn check_operation_ids(file: &str, raw: &Value) -> Result<()> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut seen: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        if item.get("$ref").is_some() {
            continue;
        }
        for method in METHODS {
            let Some(id) = item
                .pointer(&format!("/{method}/operationId"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let pointer = format!("#/paths/{}/{method}", escape_token(path));
            if let Some(first) = seen.get(id) {
                return Err(Error::spec(
                    file,
                    pointer + "/operationId",
                    format!("operationId `{id}` is already used by {first}; operationIds must be unique"),
                ));
            }
            seen.insert(id, pointer);
        }
    }
    Ok(())
}

fn check_version(file: &str, raw: &Value) -> Result<()> {
    let Some(object) = raw.as_object() else {
        return Err(Error::spec(
            file,
            "#",
            "the document is not a JSON object, so not an OpenAPI spec",
        ));
    };
    if object.contains_key("swagger") {
        return Err(Error::spec(
            file,
            "#/swagger",
            "OpenAPI 2.0 (Swagger) is not supported; convert it to OpenAPI 3.0 first",
        ));
    }
    match object.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) if v.starts_with("3.1") => Err(Error::spec(
            file,
            "#/openapi",
            format!("OpenAPI {v} is not supported yet; this generator reads OpenAPI 3.0.x"),
        )),
        Some(v) => Err(Error::spec(
            file,
            "#/openapi",
            format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x"),
        )),
        None => Err(Error::spec(
            file,
            "#",
            "no `openapi` version field: this is not an OpenAPI 3.0 document",
        )),
    }
}

/// Turn a `serde_path_to_error` path (`paths./a.get.responses`) into a JSON pointer.
fn serde_path_pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "#".into();
    }
    let mut out = String::from("#");
    for segment in path.split('.') {
        let segment = segment.trim_end_matches(']');
        for part in segment.split('[') {
            out.push('/');
            out.push_str(&escape_token(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        let op =
            |id: &str| json!({"operationId": id, "responses": {"204": {"description": "done"}}});
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/b": {"get": op("b")},
                "/a": {"get": op("a"), "post": op("a-create")},
                "/c": {"delete": op("c")}
            }
        })
    }

    #[test]
    fn only_the_selected_paths_are_parsed_and_the_document_is_kept_as_it_was() {
        let raw = spec();
        let before = serde_json::to_string(&raw).unwrap();
        let parsed = Spec::parse_selected("t.json", raw, &|path| path == "/a").unwrap();
        let paths: Vec<&String> = parsed.api.paths.paths.keys().collect();
        assert_eq!(paths, ["/a"]);
        // Every path item is back in `raw`, in its place.
        assert_eq!(serde_json::to_string(&parsed.raw).unwrap(), before);
    }

    #[test]
    fn an_operation_id_used_twice_is_an_error_even_in_paths_not_selected() {
        let mut raw = spec();
        raw["paths"]["/c"]["delete"]["operationId"] = json!("b");
        let error = Spec::parse_selected("t.json", raw, &|path| path == "/a").unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("#/paths/~1c/delete/operationId"),
            "{message}"
        );
        assert!(
            message.contains("already used by #/paths/~1b/get"),
            "{message}"
        );
    }
}
