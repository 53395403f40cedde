//! The regen change summary on two small versions of a spec: what is reported as added,
//! removed and changed, and the semver verdict.

use openapi_forge::config::Config;
use openapi_forge::surface::{self, Summary};
use openapi_forge::Generator;
use serde_json::{json, Value};

/// A spec with a `Pet` type (name, age, kind) and the operations named in `paths`.
fn spec(
    pet_extra: Value,
    kinds: &[&str],
    age: &str,
    with_owners: bool,
    with_delete: bool,
) -> Value {
    let mut properties = json!({
        "id": {"type": "string"},
        "name": {"type": "string"},
        "age": {"type": age},
        "kind": {"$ref": "#/components/schemas/Kind"}
    });
    if let (Some(props), Some(extra)) = (properties.as_object_mut(), pet_extra.as_object()) {
        props.extend(extra.clone());
    }
    let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let id =
        json!([{"name": "pet_id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let mut paths = json!({
        "/pets": {
            "get": {"operationId": "listPets", "responses": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}))},
            "post": {"operationId": "createPet", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}, "responses": ok(json!({"$ref": "#/components/schemas/Pet"}))}
        },
        "/pets/{pet_id}": {
            "get": {"operationId": "getPet", "parameters": id.clone(), "responses": ok(json!({"$ref": "#/components/schemas/Pet"}))}
        }
    });
    if with_delete {
        paths["/pets/{pet_id}"]["delete"] = json!({"operationId": "deletePet", "parameters": id, "responses": ok(json!({"type": "object"}))});
    }
    let mut schemas = json!({
        "Pet": {"type": "object", "required": ["id", "name"], "properties": properties},
        "Kind": {"type": "string", "enum": kinds}
    });
    if with_owners {
        paths["/owners"] = json!({"get": {"operationId": "listOwners", "responses": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Owner"}}))}});
        schemas["Owner"] = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

fn v1() -> Value {
    spec(json!({}), &["cat", "dog"], "integer", false, true)
}

fn lines(spec: &Value) -> Vec<String> {
    let generated = Generator::new(Config::default())
        .spec_bytes("pets.json", serde_json::to_vec(spec).unwrap())
        .generate()
        .expect("generates");
    surface::lines(&generated.api)
}

fn summary(old: &Value, new: &Value) -> Summary {
    surface::diff(&lines(old), &lines(new))
}

fn described(summary: &Summary) -> Vec<String> {
    summary
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                if c.breaking { "!" } else { "+" },
                c.kind,
                c.item,
                match (&c.old, &c.new) {
                    (None, Some(_)) => "added",
                    (Some(_), None) => "removed",
                    _ => "changed",
                }
            )
        })
        .collect()
}

#[test]
fn the_same_spec_changes_nothing() {
    let summary = summary(&v1(), &v1());
    assert!(summary.is_empty());
    assert_eq!(summary.verdict("0.1.0"), "no change to the public surface");
}

#[test]
fn additions_are_not_breaking() {
    let v2 = spec(json!({}), &["cat", "dog"], "integer", true, true);
    let summary = summary(&v1(), &v2);
    assert_eq!(
        described(&summary),
        ["+ method owners.list added", "+ type Owner added"]
    );
    assert!(!summary.is_breaking());
    assert_eq!(
        summary.verdict("0.1.0"),
        "not breaking (additions only): bump 0.1.0 -> 0.1.1"
    );
    assert_eq!(
        summary.verdict("1.4.2"),
        "not breaking (additions only): bump 1.4.2 -> 1.5.0"
    );
}

#[test]
fn removals_retypes_new_fields_and_enum_values_are_breaking() {
    // v3: `deletePet` gone, `age` a string, a new optional field `color`, a new kind `bird`.
    let v3 = spec(
        json!({"color": {"type": "string"}}),
        &["cat", "dog", "bird"],
        "string",
        false,
        false,
    );
    let summary = summary(&v1(), &v3);
    assert_eq!(
        described(&summary),
        [
            "! method pets.delete removed",
            "! field Pet.age changed",
            "! field Pet.color added",
            "! value Kind: \"bird\" added",
        ]
    );
    assert!(summary.is_breaking());
    assert_eq!(
        summary.verdict("0.1.0"),
        "BREAKING (4 breaking change(s)): bump 0.1.0 -> 0.2.0"
    );
    let text = summary.text("0.1.0");
    assert!(
        text.contains("changed `Pet.age`: `: i64 (optional)` -> `: String (optional)`"),
        "{text}"
    );
    assert!(text.contains("exhaustive matches stop compiling"), "{text}");
    let markdown = summary.markdown("0.1.0");
    assert!(
        markdown.starts_with("### API changes\n\n**BREAKING"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| breaking | method | removed `pets.delete(pet_id) -> raw "),
        "{markdown}"
    );
}

/// A parameter whose type is now named by the type its old name is an alias of is a change,
/// not a breaking one: code naming either type compiles. A type that is not an alias of the
/// new one still breaks.
#[test]
fn a_type_renamed_to_what_its_old_name_is_an_alias_of_is_not_breaking() {
    let old: Vec<String> = [
        "method groups.update(group_id, body: GroupUpdateRequest) -> result Group",
        "type GroupUpdateRequest struct",
        "method groups.replace(group_id, body: GroupReplaceRequest) -> result Group",
        "type GroupReplaceRequest struct",
    ]
    .map(String::from)
    .to_vec();
    let new: Vec<String> = [
        "method groups.update(group_id, body: GroupCreateRequest) -> result Group",
        "type GroupUpdateRequest struct",
        "alias GroupUpdateRequest = GroupCreateRequest",
        "method groups.replace(group_id, body: GroupCreateRequest) -> result Group",
        "type GroupReplaceRequest struct",
    ]
    .map(String::from)
    .to_vec();
    let summary = surface::diff(&old, &new);
    let verdicts: Vec<(String, bool)> = summary
        .changes
        .iter()
        .map(|c| (format!("{} {}", c.kind, c.item), c.breaking))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("method groups.replace".to_string(), true),
            ("method groups.update".to_string(), false),
            ("alias GroupUpdateRequest".to_string(), false),
        ]
    );
}
