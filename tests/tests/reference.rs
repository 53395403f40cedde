//! The generated client against the API reference of the official SDKs
//! (`../shared/seeds/004_access_api_reference.md`, or the file `ACCESS_API_REFERENCE` names):
//! every method it documents is in `generated/API.md` under the same dotted name, every
//! parameter it lists has a place in the client (`generated/api-surface.txt`), and every
//! example response it shows decodes into the method's return type without losing anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn reference() -> String {
    let path = std::env::var_os("ACCESS_API_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/seeds/004_access_api_reference.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the Access API reference is needed at {} (or set ACCESS_API_REFERENCE): {e}",
            path.display()
        )
    })
}

/// One method of the reference: its dotted name, the names its `### Parameters` section lists
/// and its example response, if it shows one.
struct RefMethod {
    name: String,
    parameters: Vec<String>,
    example: Option<String>,
}

/// The name of a `### Parameters` line such as ``- `name: Optional[str]` The name.``; `None`
/// for the lines between parameters: a nested class (``- `class GroupRule: …` ``), an enum
/// literal (``- `"eq"` ``) or a bare type (``- `str` ``).
fn parameter_name(line: &str) -> Option<&str> {
    let item = line.strip_prefix("- `")?;
    let (name, _) = item.split_once(": ")?;
    let mut chars = name.chars();
    let starts_like_a_name = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts_like_a_name && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(name)
}

/// The methods of the reference: `## Title `zero_trust.access.x.y(...) -> T` **get** `/path``
/// headings, each followed by its sections; the parameters are the names listed under
/// `### Parameters` (nested ones flat among them), the example is the JSON block after
/// `#### Response`.
fn reference_methods(text: &str) -> Vec<RefMethod> {
    let mut methods: Vec<RefMethod> = Vec::new();
    // Under a method's heading (not `## Domain Types`), and in its `### Parameters` section.
    let (mut in_method, mut in_parameters) = (false, false);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('#') {
            in_parameters = false;
        }
        if let Some(rest) = line.strip_prefix("## ") {
            in_method = false;
            if let Some(start) = rest.find("`zero_trust.") {
                in_method = true;
                let signature = &rest[start + 1..];
                let end = signature
                    .find('(')
                    .expect("a method signature has parameters");
                methods.push(RefMethod {
                    name: signature[..end].to_string(),
                    parameters: Vec::new(),
                    example: None,
                });
            }
        } else if line.trim() == "### Parameters" {
            in_parameters = in_method;
        } else if in_parameters {
            if let (Some(name), Some(current)) = (parameter_name(line), methods.last_mut()) {
                current.parameters.push(name.to_string());
            }
        } else if line.trim() == "#### Response" {
            let Some(current) = methods.last_mut() else {
                continue;
            };
            if lines.next().map(str::trim) != Some("```json") {
                continue;
            }
            let mut json = String::new();
            for body in lines.by_ref() {
                if body.trim() == "```" {
                    break;
                }
                json.push_str(body);
                json.push('\n');
            }
            current.example = Some(json);
        }
    }
    methods
}

/// The reference prints some strings with raw line breaks (HTML pages); JSON wants them escaped.
fn escape_control_characters_in_strings(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c.is_control() {
                out.push_str(&format!("\\u{:04x}", c as u32));
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// `API.md` rows by dotted name: the whole row.
fn api_md_rows() -> BTreeMap<String, String> {
    let api_md =
        std::fs::read_to_string(root().join("generated/API.md")).expect("generated/API.md");
    api_md
        .lines()
        .filter_map(|line| {
            let name = line.strip_prefix("| `")?.split('`').next()?;
            name.contains('.')
                .then(|| (name.to_string(), line.to_string()))
        })
        .collect()
}

#[test]
fn every_reference_method_is_in_api_md() {
    let methods = reference_methods(&reference());
    let names: BTreeSet<&str> = methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 96, "the reference documents 96 methods");
    let rows = api_md_rows();
    let missing: Vec<&&str> = names.iter().filter(|n| !rows.contains_key(**n)).collect();
    assert!(
        missing.is_empty(),
        "API.md misses {} reference methods: {missing:?}",
        missing.len()
    );

    // Methods of `zero_trust.access` beyond the reference must say why.
    let unexplained: Vec<&String> = rows
        .iter()
        .filter(|(name, row)| {
            name.starts_with("zero_trust.access.")
                && !names.contains(name.as_str())
                && !row.contains("not in the SDK reference")
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        unexplained.is_empty(),
        "API.md lists methods the reference lacks: {unexplained:?}"
    );

    // The Rust call follows the dotted name; where it cannot, the row says so.
    for (name, row) in &rows {
        let call = row
            .split("`client.")
            .nth(1)
            .and_then(|rest| rest.rsplit_once('(').map(|(path, _)| path))
            .unwrap_or_else(|| panic!("{name}: no Rust call in its API.md row"));
        let rust_path = call.replace("()", "");
        assert!(
            &rust_path == name || row.contains("Rust name"),
            "{name}: the Rust call is {rust_path} and the row does not say why"
        );
    }
}

/// What `generated/api-surface.txt` says about methods and types: enough to tell where a
/// parameter of the reference goes.
#[derive(Default)]
struct Surface {
    /// Method arguments by dotted name, as listed (`scope`, `app_id`, `body: ApplicationRequest`).
    arguments: BTreeMap<String, Vec<String>>,
    /// Query options by dotted method name.
    options: BTreeMap<String, Vec<String>>,
    /// Struct fields by type: (name, type).
    fields: BTreeMap<String, Vec<(String, String)>>,
    /// Union variants by type: (payload type, tags); tags only where they are JSON keys
    /// (externally tagged unions).
    variants: BTreeMap<String, Vec<(String, Vec<String>)>>,
    /// The tag property of internally tagged unions (`type`), a key of each variant's object.
    tag_properties: BTreeMap<String, String>,
}

/// Splits `a, b<c, d>, e` at the commas outside `<>`, `()` and `[]`.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

fn surface() -> Surface {
    let path = root().join("generated/api-surface.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let malformed = |line: &str| -> ! { panic!("api-surface.txt: unexpected line {line:?}") };
    let mut surface = Surface::default();
    let mut externally_tagged: BTreeSet<String> = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("method ") {
            // method zero_trust.access.tags.get(account_id, tag_name) -> result Tag
            let (call, _) = rest.rsplit_once(" -> ").unwrap_or_else(|| malformed(line));
            let (name, args) = call.split_once('(').unwrap_or_else(|| malformed(line));
            let args = args.strip_suffix(')').unwrap_or_else(|| malformed(line));
            surface.arguments.insert(
                name.to_string(),
                split_top_level(args)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            );
        } else if let Some(rest) = line.strip_prefix("option ") {
            // option zero_trust.access.groups.list.page: i64
            let (dotted, _) = rest.split_once(": ").unwrap_or_else(|| malformed(line));
            let (method, option) = dotted.rsplit_once('.').unwrap_or_else(|| malformed(line));
            surface
                .options
                .entry(method.to_string())
                .or_default()
                .push(option.to_string());
        } else if let Some(rest) = line.strip_prefix("field ") {
            // field Tag.name: String (required)
            let (owner_field, ty) = rest.split_once(": ").unwrap_or_else(|| malformed(line));
            let (owner, field) = owner_field
                .split_once('.')
                .unwrap_or_else(|| malformed(line));
            let (ty, _) = ty.rsplit_once(" (").unwrap_or_else(|| malformed(line));
            surface
                .fields
                .entry(owner.to_string())
                .or_default()
                .push((field.to_string(), ty.to_string()));
        } else if let Some(rest) = line.strip_prefix("variant ") {
            // variant AccessRule: AzureAd(AzureGroupRule) tags [azureAD]
            // variant PolicyTestPolicy: String(String) tried 1 (an untagged union's order)
            let (owner, variant) = rest.split_once(": ").unwrap_or_else(|| malformed(line));
            let (variant, tags) = match variant.rsplit_once(" tags [") {
                Some(split) => split,
                None => match variant.rsplit_once(" tried ") {
                    Some((variant, _)) => (variant, "]"),
                    None => malformed(line),
                },
            };
            let payload = variant
                .split_once('(')
                .and_then(|(_, payload)| payload.strip_suffix(')'))
                .unwrap_or_else(|| malformed(line));
            let tags = tags.strip_suffix(']').unwrap_or_else(|| malformed(line));
            surface
                .variants
                .entry(owner.to_string())
                .or_default()
                .push((
                    payload.to_string(),
                    split_top_level(tags)
                        .into_iter()
                        .map(String::from)
                        .collect(),
                ));
        } else if let Some(rest) = line.strip_prefix("type ") {
            // type AccessRule union externally tagged / type Application union tagged by `type`
            let (owner, kind) = rest.split_once(' ').unwrap_or_else(|| malformed(line));
            if let Some(property) = kind.strip_prefix("union tagged by `") {
                let property = property
                    .strip_suffix('`')
                    .unwrap_or_else(|| malformed(line));
                surface
                    .tag_properties
                    .insert(owner.to_string(), property.to_string());
            } else if kind == "union externally tagged" {
                externally_tagged.insert(owner.to_string());
            }
        }
    }
    // Only externally tagged unions keep their tags: there each tag is the object's one key;
    // elsewhere a tag is a value (`self_hosted`), not a name.
    for (owner, variants) in &mut surface.variants {
        if !externally_tagged.contains(owner) {
            for (_, tags) in variants {
                tags.clear();
            }
        }
    }
    surface
}

/// A name as the reference and the client may both spell it: `azureAD`, `azure_ad` and
/// `r#type`/`type` compare equal.
fn normalise(name: &str) -> String {
    name.trim_start_matches("r#")
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Surface {
    /// Every name a request of `method` can carry: its scope's ids, its arguments, its query
    /// options, and every key of its body's type tree (fields, the keys of externally tagged
    /// unions and the tag properties of internally tagged ones), normalised. `None` when the
    /// client has no such method.
    fn places(&self, method: &str) -> Option<BTreeSet<String>> {
        let arguments = self.arguments.get(method)?;
        let mut places = BTreeSet::new();
        let mut pending: Vec<String> = Vec::new();
        for argument in arguments {
            let (name, ty) = match argument.split_once(": ") {
                Some((name, ty)) => (name, Some(ty)),
                None => (argument.as_str(), None),
            };
            if name == "scope" {
                places.extend(["accountid", "zoneid"].map(String::from));
            }
            places.insert(normalise(name));
            if name == "body" {
                pending.extend(ty.map(String::from));
            }
        }
        for option in self.options.get(method).into_iter().flatten() {
            places.insert(normalise(option));
        }
        // The body's type tree, through Vec<..>, Option<..>, maps and union payloads.
        let mut visited: BTreeSet<String> = BTreeSet::new();
        while let Some(ty) = pending.pop() {
            let names = ty
                .split(['<', '>', ',', '(', ')', '[', ']', ' '])
                .filter(|name| !name.is_empty() && !name.contains("::"));
            for name in names {
                if !visited.insert(name.to_string()) {
                    continue;
                }
                for (field, field_ty) in self.fields.get(name).into_iter().flatten() {
                    places.insert(normalise(field));
                    pending.push(field_ty.clone());
                }
                for (payload, tags) in self.variants.get(name).into_iter().flatten() {
                    places.extend(tags.iter().map(|tag| normalise(tag)));
                    pending.push(payload.clone());
                }
                if let Some(property) = self.tag_properties.get(name) {
                    places.insert(normalise(property));
                }
            }
        }
        Some(places)
    }
}

#[test]
fn every_reference_parameter_has_a_place() {
    // Every parameter the reference lists for a method (nested body parameters flat among
    // them) is somewhere in the client's request for it: the scope, an argument, a query
    // option, or a key of the body's type tree.
    let methods = reference_methods(&reference());
    let surface = surface();
    let mut checked_methods = 0;
    // (method, parameter), each once: nested classes repeat names such as `id`.
    let mut checked: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut missing: Vec<String> = Vec::new();
    for method in &methods {
        let Some(places) = surface.places(&method.name) else {
            missing.push(format!("{}: not a method of api-surface.txt", method.name));
            continue;
        };
        checked_methods += 1;
        for parameter in &method.parameters {
            if checked.insert((&method.name, parameter)) && !places.contains(&normalise(parameter))
            {
                missing.push(format!("{} {parameter}", method.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} reference parameters have no place in the client:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
    assert_eq!(checked_methods, 96, "the reference documents 96 methods");
    assert!(
        checked.len() >= 800,
        "only {} reference parameters found",
        checked.len()
    );
}

#[test]
fn reference_examples_decode_losslessly() {
    let methods = reference_methods(&reference());
    let mut checked = 0;
    let mut failures = Vec::new();
    for reference_method in &methods {
        let Some(json) = &reference_method.example else {
            continue;
        };
        let name = &reference_method.name;
        let example: Value = match serde_json::from_str(&escape_control_characters_in_strings(json))
        {
            Ok(value) => value,
            Err(error) => {
                failures.push(format!(
                    "{name}: the reference example is not JSON: {error}"
                ));
                continue;
            }
        };
        let Some(method) = cloudflare_access::methods::method(name) else {
            failures.push(format!("{name}: not a method of the client"));
            continue;
        };
        use cloudflare_access::methods::ResponseShape;
        let input = match method.shape {
            ResponseShape::Result | ResponseShape::Page => {
                example.get("result").cloned().unwrap_or(Value::Null)
            }
            ResponseShape::Raw => example.clone(),
            ResponseShape::Empty => {
                failures.push(format!(
                    "{name}: the reference shows a body, the client expects none"
                ));
                continue;
            }
        };
        checked += 1;
        match method.reencode(input.clone()) {
            Ok(output) if forge_tests::same_json(&input, &output) => {}
            Ok(output) => failures.push(format!(
                "{name}: re-encoded differently\n    in:  {input}\n    out: {output}"
            )),
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} reference examples fail:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    let with_examples = methods.iter().filter(|m| m.example.is_some()).count();
    assert_eq!(checked, with_examples);
    assert!(
        checked >= 85,
        "only {checked} examples found in the reference"
    );
}

/// The spec after overlays, as the generator sees it.
fn final_spec() -> Value {
    use openapi_forge::config::Config;
    use openapi_forge::Generator;
    let root = root();
    let config = Config::from_file(&root.join("spec/cloudflare.toml")).expect("config");
    let generated = Generator::new(config)
        .pinned_spec(&root, &root.join("target/spec-cache"))
        .and_then(Generator::generate)
        .expect("generate the Access client");
    serde_json::from_str(&generated.final_spec).expect("final spec is JSON")
}

/// Walks example values along their schemas and records every key that no schema declares.
struct FieldWalk<'s> {
    spec: &'s Value,
    undeclared: BTreeSet<String>,
}

impl<'s> FieldWalk<'s> {
    fn resolve(&self, mut node: &'s Value) -> &'s Value {
        for _ in 0..32 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    node = self
                        .spec
                        .pointer(r.trim_start_matches('#'))
                        .unwrap_or(&Value::Null)
                }
                None => break,
            }
        }
        node
    }

    /// The schema and every schema it combines (allOf, anyOf, oneOf), resolved.
    fn parts(&self, schema: &'s Value, out: &mut Vec<&'s Value>) {
        let schema = self.resolve(schema);
        out.push(schema);
        for key in ["allOf", "anyOf", "oneOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.parts(part, out);
            }
        }
    }

    fn walk(&mut self, value: &Value, schemas: &[&'s Value], path: &str) {
        let mut parts = Vec::new();
        for schema in schemas {
            self.parts(schema, &mut parts);
        }
        match value {
            Value::Object(map) => {
                let declared = parts.iter().any(|p| {
                    p.get("properties").is_some() || p.get("additionalProperties").is_some()
                });
                if !declared {
                    return; // a free-form object: nothing to type
                }
                for (key, child) in map {
                    let by_name: Vec<&Value> = parts
                        .iter()
                        .filter_map(|p| p.get("properties")?.get(key))
                        .collect();
                    let by_map: Vec<&Value> = parts
                        .iter()
                        .filter_map(|p| p.get("additionalProperties").filter(|a| a.is_object()))
                        .collect();
                    let child_path = format!("{path}.{key}");
                    if !by_name.is_empty() {
                        self.walk(child, &by_name, &child_path);
                    } else if !by_map.is_empty() {
                        self.walk(child, &by_map, &format!("{path}.*"));
                    } else {
                        self.undeclared.insert(child_path);
                    }
                }
            }
            Value::Array(items) => {
                let item_schemas: Vec<&Value> =
                    parts.iter().filter_map(|p| p.get("items")).collect();
                for item in items {
                    self.walk(item, &item_schemas, &format!("{path}[]"));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn reference_example_fields_are_typed() {
    // Every field of every reference example response has a declared place in the spec after
    // overlays, so it decodes into a typed field rather than a type's additional properties.
    let spec = final_spec();
    let mut walk = FieldWalk {
        spec: &spec,
        undeclared: BTreeSet::new(),
    };
    let mut walked = 0;
    for reference_method in reference_methods(&reference()) {
        let Some(json) = &reference_method.example else {
            continue;
        };
        let name = &reference_method.name;
        let example: Value = serde_json::from_str(&escape_control_characters_in_strings(json))
            .unwrap_or_else(|e| panic!("{name}: the reference example is not JSON: {e}"));
        let method = cloudflare_access::methods::method(name)
            .unwrap_or_else(|| panic!("{name}: not a method of the client"));
        let path = method.paths[0].replace('~', "~0").replace('/', "~1");
        let operation = format!("/paths/{path}/{}", method.http_method.to_lowercase());
        let schema = ["200", "201", "202"]
            .iter()
            .find_map(|code| {
                let response = spec.pointer(&format!("{operation}/responses/{code}"))?;
                walk.resolve(response)
                    .pointer("/content/application~1json/schema")
            })
            .unwrap_or_else(|| panic!("{name}: no JSON success response in the spec"));
        walk.walk(&example, &[schema], name);
        walked += 1;
    }
    assert!(walked >= 85, "only {walked} examples walked");
    assert!(
        walk.undeclared.is_empty(),
        "fields of reference examples that no schema declares (they would land in \
         additional properties):\n  {}",
        walk.undeclared
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

/// The values a schema allows for `property` where one of its parts declares it with an enum.
fn declared_enums<'s>(
    walk: &FieldWalk<'s>,
    variant: &'s Value,
    property: &str,
) -> Vec<Vec<String>> {
    let mut parts = Vec::new();
    walk.parts(variant, &mut parts);
    parts
        .iter()
        .filter_map(|part| part.get("properties")?.get(property))
        .filter_map(|declared| walk.resolve(declared).get("enum")?.as_array())
        .map(|values| values.iter().map(Value::to_string).collect())
        .collect()
}

#[test]
fn union_tags_are_declared_once_per_variant() {
    // A union tagged by a property (one value per variant) must not declare that property again
    // with a wider enum in another part of the same variant: a mock server merging the allOf then
    // invents bodies whose tag names another variant (an app launcher tagged `rdp`), and readers
    // of the spec cannot tell which declaration wins.
    let spec = final_spec();
    let walk = FieldWalk {
        spec: &spec,
        undeclared: BTreeSet::new(),
    };
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut unions = 0;
    let mut conflicts = Vec::new();
    for (name, schema) in schemas {
        for key in ["anyOf", "oneOf"] {
            let Some(variants) = schema.get(key).and_then(Value::as_array) else {
                continue;
            };
            for tag in ["type", "kind", "mode"] {
                let enums: Vec<Vec<Vec<String>>> = variants
                    .iter()
                    .map(|variant| declared_enums(&walk, variant, tag))
                    .collect();
                let tagged = enums
                    .iter()
                    .all(|declared| declared.iter().any(|values| values.len() == 1));
                if !tagged || variants.len() < 2 {
                    continue;
                }
                unions += 1;
                for (index, declared) in enums.iter().enumerate() {
                    if declared.iter().any(|values| values.len() > 1) {
                        conflicts.push(format!(
                            "#/components/schemas/{name}/{key}/{index}: `{tag}` is declared as {declared:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(unions >= 5, "only {unions} tagged unions found");
    assert!(
        conflicts.is_empty(),
        "variants that declare their tag with more than one value:\n  {}",
        conflicts.join("\n  ")
    );
}
