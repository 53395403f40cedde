//! Resource-group Cargo features on a small spec: which feature each method and type gets,
//! what the emitted crate says about them, and the config mistakes that are refused.

use openapi_forge::config::Config;
use openapi_forge::error::Error;
use openapi_forge::surface;
use openapi_forge::{Generated, Generator};
use serde_json::{json, Value};

/// A zoo: pets (with a `Tag` and a `Species`), owners (with an `Address` and a `Tag`),
/// keepers (with a `Badge`), and a health check outside any group.
fn spec() -> Value {
    let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let list = |name: &str| json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Zoo", "version": "1"},
        "paths": {
            "/zoo/pets": {
                "get": {"operationId": "listPets", "responses": ok(list("Pet"))},
                "post": {"operationId": "createPet", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}, "responses": ok(json!({"$ref": "#/components/schemas/Pet"}))}
            },
            "/zoo/pets/{pet_id}/vaccinations": {
                "get": {"operationId": "listVaccinations", "parameters": [{"name": "pet_id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": ok(list("Vaccination"))}
            },
            "/zoo/owners": {
                "get": {"operationId": "listOwners", "responses": ok(list("Owner"))}
            },
            "/zoo/keepers": {
                "get": {"operationId": "listKeepers", "responses": ok(list("Keeper"))}
            },
            "/health": {
                "get": {"operationId": "health", "responses": ok(json!({"$ref": "#/components/schemas/Health"}))}
            }
        },
        "components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "species": {"$ref": "#/components/schemas/Species"},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}
            }},
            "Species": {"type": "string", "enum": ["cat", "dog"]},
            "Vaccination": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
            "Owner": {"type": "object", "properties": {
                "address": {"$ref": "#/components/schemas/Address"},
                "tag": {"$ref": "#/components/schemas/Tag"}
            }},
            "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
            "Keeper": {"type": "object", "properties": {"badge": {"$ref": "#/components/schemas/Badge"}}},
            "Badge": {"type": "object", "properties": {"number": {"type": "integer"}}},
            "Health": {"type": "object", "properties": {"ok": {"type": "boolean"}}}
        }}
    })
}

const RESOURCES: &str = r#"
[[resources]]
prefix = "/zoo/pets"
path = "zoo.pets"
[[resources]]
prefix = "/zoo/pets/{pet_id}/vaccinations"
path = "zoo.pets.vaccinations"
[[resources]]
prefix = "/zoo/owners"
path = "zoo.owners"
[[resources]]
prefix = "/zoo/keepers"
path = "zoo.keepers"
[[resources]]
prefix = "/health"
path = "health"
"#;

/// Generate `spec` with `resources` (`[[resources]]` tables) and the rest of the `config`.
fn generate_with(resources: &str, config: &str, spec: &Value) -> Result<Generated, Error> {
    let config: Config = toml::from_str(&format!("{resources}\n{config}")).expect("config parses");
    Generator::new(config)
        .spec_bytes("zoo.json", serde_json::to_vec(spec).expect("serializes"))
        .generate()
}

fn generate(config: &str, spec: &Value) -> Result<Generated, Error> {
    generate_with(RESOURCES, config, spec)
}

fn split_zoo() -> Generated {
    generate("[features]\nsplit = [\"zoo\"]\n", &spec()).expect("generates")
}

/// The attribute line before the derives of the struct `name` in `types.rs` (its `cfg`,
/// when it has one; else its last doc line).
fn attribute_of(types_rs: &str, name: &str) -> String {
    let lines: Vec<&str> = types_rs.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let derive = (0..at)
        .rev()
        .find(|&i| lines[i].starts_with("#[derive("))
        .expect("a struct with derives");
    lines[derive - 1].trim().to_string()
}

#[test]
fn each_child_of_a_split_resource_is_a_feature_with_what_it_uses() {
    let generated = split_zoo();
    let features = &generated.api.features;
    let groups: Vec<(&str, &str)> = features
        .groups
        .iter()
        .map(|(name, path)| (name.as_str(), path.as_str()))
        .collect();
    assert_eq!(
        groups,
        [
            ("keepers", "zoo.keepers"),
            ("owners", "zoo.owners"),
            ("pets", "zoo.pets")
        ]
    );
    let by_method: Vec<(String, Option<&str>)> = generated
        .api
        .operations
        .iter()
        .zip(&features.operations)
        .map(|(op, f)| (op.dotted(), f.as_deref()))
        .collect();
    assert!(by_method.contains(&("zoo.pets.vaccinations.list".into(), Some("pets"))));
    assert!(by_method.contains(&("zoo.owners.list".into(), Some("owners"))));
    assert!(by_method.contains(&("health.get".into(), None)));

    let types = &generated.files["src/types.rs"];
    assert_eq!(attribute_of(types, "Pet"), "#[cfg(feature = \"pets\")]");
    assert_eq!(
        attribute_of(types, "Vaccination"),
        "#[cfg(feature = \"pets\")]"
    );
    assert_eq!(
        attribute_of(types, "Address"),
        "#[cfg(feature = \"owners\")]"
    );
    assert_eq!(
        attribute_of(types, "Badge"),
        "#[cfg(feature = \"keepers\")]"
    );
    // Used by two groups: compiled with either.
    assert_eq!(
        attribute_of(types, "Tag"),
        "#[cfg(any(feature = \"owners\", feature = \"pets\"))]"
    );
    // Used by an ungated method: always compiled.
    assert!(!attribute_of(types, "Health").starts_with("#[cfg"));
    // The constructor goes with its type.
    assert!(
        types.contains("#[cfg(feature = \"pets\")]\nimpl Pet {"),
        "{types}"
    );
    // Enums too.
    assert!(
        types.contains("#[cfg(feature = \"pets\")]\nstring_enum_impls!("),
        "{types}"
    );
}

#[test]
fn the_crate_declares_the_features_and_gates_modules_methods_and_tests() {
    let generated = split_zoo();
    let files = &generated.files;
    let cargo = &files["Cargo.toml"];
    assert!(
        cargo.contains("default = [\"full\", \"rustls\"]"),
        "{cargo}"
    );
    assert!(
        cargo.contains("full = [\"keepers\", \"owners\", \"pets\"]"),
        "{cargo}"
    );
    assert!(
        cargo.contains("# `zoo.pets` (3 methods)\npets = []"),
        "{cargo}"
    );
    assert!(
        cargo.contains("# `zoo.keepers` (1 method)\nkeepers = []"),
        "{cargo}"
    );

    let zoo = &files["src/resources/zoo/mod.rs"];
    assert!(
        zoo.contains("#[cfg(feature = \"pets\")]\npub mod pets;"),
        "{zoo}"
    );
    assert!(
        zoo.contains("#[cfg(feature = \"owners\")]\n    pub fn owners(&self)"),
        "{zoo}"
    );
    // Below a group nothing more is gated.
    assert!(!files["src/resources/zoo/pets/mod.rs"].contains("#[cfg("));

    let methods = &files["src/methods.rs"];
    // The entry of METHODS and the constant it names, both gated.
    assert!(
        methods.contains("#[cfg(feature = \"keepers\")]\n    METHOD_ZOO__KEEPERS__LIST,"),
        "{methods}"
    );
    assert!(
        methods.contains(
            "#[cfg(feature = \"keepers\")]\nconst METHOD_ZOO__KEEPERS__LIST: Method = Method {\n    name: \"zoo.keepers.list\""
        ),
        "{methods}"
    );
    assert!(methods.contains("[\n    METHOD_HEALTH__GET,"), "{methods}");
    assert!(
        methods.contains("\nconst METHOD_HEALTH__GET: Method = Method {\n    name: \"health.get\""),
        "{methods}"
    );

    for test in ["tests/e2e.rs", "tests/examples.rs"] {
        assert!(
            files[test].contains("#![cfg(feature = \"full\")]"),
            "{test}"
        );
    }
    for doc in ["README.md", "API.md"] {
        assert!(
            files[doc].contains("| `pets` | `zoo.pets` and below | 3 |"),
            "{doc}: {}",
            files[doc]
        );
        assert!(
            files[doc].contains("| (always) | everything else | 1 |"),
            "{doc}"
        );
    }
}

#[test]
fn without_a_split_there_are_no_features() {
    let generated = generate("", &spec()).expect("generates");
    assert!(generated.api.features.groups.is_empty());
    let files = &generated.files;
    assert!(files["Cargo.toml"].contains("default = [\"rustls\"]"));
    assert!(!files["Cargo.toml"].contains("full"));
    assert!(!files["src/types.rs"].contains("#[cfg("));
    // The only gate of the catalogue is the opt-in `reencode` feature, not a resource group.
    let methods = files["src/methods.rs"].replace("#[cfg(feature = \"reencode\")]", "");
    assert!(!methods.contains("#[cfg("), "{methods}");
    assert!(files["Cargo.toml"].contains("\nreencode = []\n"));
    assert!(!files["tests/e2e.rs"].contains("#![cfg("));
}

/// The names of the features of `generated`, sorted.
fn group_names(generated: &Generated) -> Vec<&str> {
    generated
        .api
        .features
        .groups
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn nested_splits_make_the_children_of_each_features() {
    let generated =
        generate("[features]\nsplit = [\"zoo\", \"zoo.pets\"]\n", &spec()).expect("generates");
    let names = group_names(&generated);
    // `zoo.pets` is split: its own methods stay ungated, its child is a group.
    assert_eq!(names, ["keepers", "owners", "vaccinations"]);
    let ops = &generated.api.operations;
    let feature_of = |dotted: &str| {
        let index = ops.iter().position(|o| o.dotted() == dotted).expect(dotted);
        generated.api.features.operations[index].clone()
    };
    assert_eq!(feature_of("zoo.pets.list"), None);
    assert_eq!(
        feature_of("zoo.pets.vaccinations.list"),
        Some("vaccinations".into())
    );
}

#[test]
fn the_root_splits_into_a_feature_per_top_level_resource() {
    // `health` declares an error body: its type, its `ErrorBody` variant and its decoder are
    // gated with it.
    let mut spec = spec();
    spec["paths"]["/health"]["get"]["responses"]["503"] = json!({"description": "down", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"reason": {"type": "string"}}
    }}}});
    let generated = generate("[features]\nsplit = [\"\"]\n", &spec).expect("generates");
    let names = group_names(&generated);
    assert_eq!(names, ["health", "zoo"]);
    let features = &generated.api.features.operations;
    assert!(features.iter().all(Option::is_some), "{features:?}");
    let cargo = &generated.files["Cargo.toml"];
    assert!(cargo.contains("full = [\"health\", \"zoo\"]"), "{cargo}");
    // The top-level modules and the client's accessors are gated too.
    let lib = &generated.files["src/lib.rs"];
    for resource in ["health", "zoo"] {
        let gated = format!("#[cfg(feature = \"{resource}\")]\n    pub mod {resource};");
        assert!(lib.contains(&gated), "{lib}");
        let accessor = format!("#[cfg(feature = \"{resource}\")]\n    pub fn {resource}(");
        assert!(lib.contains(&accessor), "{lib}");
    }
    let errors = &generated.files["src/spec.rs"];
    let gated = errors.matches("#[cfg(feature = \"health\")]").count();
    assert_eq!(gated, 2, "the variant and the decoder:\n{errors}");
}

#[test]
fn config_mistakes_are_refused_with_the_reason() {
    let error = |config: &str| {
        generate(config, &spec())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| panic!("{config} was accepted"))
    };
    let message = error("[features]\nsplit = [\"aquarium\"]\n");
    assert!(
        message.contains("[features] split: `aquarium` is not a resource with child resources"),
        "{message}"
    );
    // `health` has methods but no child resources.
    let message = error("[features]\nsplit = [\"health\"]\n");
    assert!(message.contains("`health` is not a resource"), "{message}");

    // Two groups with one name.
    let mut two_owners = spec();
    two_owners["paths"]["/zoo/pets/{pet_id}/owners"] = json!({"get": {"operationId": "listPetOwners", "parameters": [{"name": "pet_id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}});
    let message = generate(
        "[[resources]]\nprefix = \"/zoo/pets/{pet_id}/owners\"\npath = \"zoo.pets.owners\"\n\
         [features]\nsplit = [\"zoo\", \"zoo.pets\"]\n",
        &two_owners,
    )
    .err()
    .map(|e| e.to_string())
    .expect("refused");
    assert!(
        message.contains("would both be the feature `owners`"),
        "{message}"
    );

    // A group named like a feature the crate has for something else.
    let mut full = spec();
    full["paths"]["/zoo/full"] =
        json!({"get": {"operationId": "full", "responses": {"200": {"description": "ok"}}}});
    let message = generate(
        "[[resources]]\nprefix = \"/zoo/full\"\npath = \"zoo.full\"\n[features]\nsplit = [\"zoo\"]\n",
        &full,
    )
    .err()
    .map(|e| e.to_string())
    .expect("refused");
    assert!(message.contains("would be the feature `full`"), "{message}");
}

#[test]
fn the_change_summary_reports_features_and_gates() {
    let before = split_zoo();
    // Keepers gone; `Tag` now also used by the keepers... of a renamed group: `staff`.
    let mut after_spec = spec();
    let keepers = after_spec["paths"]["/zoo/keepers"].take();
    after_spec["paths"]
        .as_object_mut()
        .expect("paths")
        .remove("/zoo/keepers");
    after_spec["paths"]["/zoo/staff"] = keepers;
    after_spec["components"]["schemas"]["Badge"]["properties"]["tag"] =
        json!({"$ref": "#/components/schemas/Tag"});
    let after = generate_with(
        &RESOURCES.replace(
            "[[resources]]\nprefix = \"/zoo/keepers\"\npath = \"zoo.keepers\"\n",
            "[[resources]]\nprefix = \"/zoo/staff\"\npath = \"zoo.staff\"\n",
        ),
        "[features]\nsplit = [\"zoo\"]\n",
        &after_spec,
    )
    .expect("generates");
    let old = surface::lines(&before.api);
    assert!(
        old.contains(&"feature pets = zoo.pets".to_string()),
        "{old:?}"
    );
    assert!(
        old.contains(&"gate Tag: owners, pets".to_string()),
        "{old:?}"
    );
    let summary = surface::diff(&old, &surface::lines(&after.api));
    let changes: Vec<(String, bool)> = summary
        .changes
        .iter()
        .filter(|c| matches!(c.kind, "feature" | "gate"))
        .map(|c| (format!("{} {}", c.kind, c.item), c.breaking))
        .collect();
    assert_eq!(
        changes,
        [
            ("feature keepers".to_string(), true),
            ("feature staff".to_string(), false),
            ("gate Badge".to_string(), true),
            ("gate Keeper".to_string(), true),
            // Compiled with more features than before: nobody loses it. (With three groups
            // using it, it is always compiled: no gate line at all.)
            ("gate Tag".to_string(), false),
        ]
    );
    assert!(
        summary.counts().contains("features +1 -1 ~0"),
        "{}",
        summary.counts()
    );
}
