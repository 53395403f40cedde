//! The generated client against the API reference of the official SDKs
//! (`../shared/seeds/004_access_api_reference.md`, or the file `ACCESS_API_REFERENCE` names):
//! every method it documents is in `generated/API.md` under the same dotted name, and every
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

/// One method of the reference: its dotted name and its example response, if it shows one.
struct RefMethod {
    name: String,
    example: Option<String>,
}

/// The methods of the reference: `## Title `zero_trust.access.x.y(...) -> T` **get** `/path``
/// headings, each followed by its sections; the example is the JSON block after `#### Response`.
fn reference_methods(text: &str) -> Vec<RefMethod> {
    let mut methods: Vec<RefMethod> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("## ") {
            if let Some(start) = rest.find("`zero_trust.") {
                let signature = &rest[start + 1..];
                let end = signature
                    .find('(')
                    .expect("a method signature has parameters");
                methods.push(RefMethod {
                    name: signature[..end].to_string(),
                    example: None,
                });
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
