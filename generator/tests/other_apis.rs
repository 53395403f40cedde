//! Constructs that public specs of other APIs use (found by `cargo xtask third-party` on
//! GitHub's), each reproduced in miniature by a fixture of `tests/fixtures/` (30 and up): what
//! the generator makes of them, checked on its model and files. The fixtures' snapshots and
//! the tests of their crates (`tests/tests/fixtures.rs`) check the rest.

use std::path::{Path, PathBuf};

use openapi_forge::config::Config;
use openapi_forge::error::WarningKind;
use openapi_forge::ir::ops::{Operation, ParamLocation, RequestBody};
use openapi_forge::{Generated, Generator};
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// The crate of fixture `name` (`NN_name`), generated with its own config.
fn generate(name: &str) -> Generated {
    let config = Config::from_file(&fixture(&format!("{name}.toml"))).expect("fixture config");
    Generator::new(config)
        .spec_file(&fixture(&format!("{name}.json")))
        .and_then(Generator::generate)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `resource.name` of every method, with its spec path.
fn methods(generated: &Generated) -> Vec<(String, String)> {
    generated
        .api
        .operations
        .iter()
        .map(|op| (op.dotted(), op.sources[0].path.clone()))
        .collect()
}

fn method<'a>(generated: &'a Generated, dotted: &str) -> &'a Operation {
    let ops = &generated.api.operations;
    ops.iter()
        .find(|op| op.dotted() == dotted)
        .unwrap_or_else(|| panic!("no method `{dotted}` in {:?}", methods(generated)))
}

/// A GET of a collection that answers with an object (`{total_count, tasks}`) stays `list`:
/// `get` is the item's. A GET answering with an object that nothing else calls `get` (a
/// singleton) is a `get`.
#[test]
fn a_collection_answering_with_an_object_keeps_list_and_the_item_keeps_get() {
    let generated = generate("31_collection_object_get");
    assert_eq!(generated.warnings, Vec::new());
    let mut found = methods(&generated);
    found.sort();
    let expected = [
        ("repos.settings.get", "/repos/{owner}/settings"),
        ("repos.tasks.get", "/repos/{owner}/tasks/{task_id}"),
        ("repos.tasks.list", "/repos/{owner}/tasks"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(found, expected);
}

/// `/compare/{base}...{head}`: one segment, two parameters and the text between them. The
/// method takes both; each is percent-encoded on its own, the text kept as written.
#[test]
fn a_segment_mixing_text_and_parameters_takes_each_parameter() {
    let generated = generate("30_mixed_path_segments");
    assert_eq!(generated.warnings, Vec::new());
    let compare = method(&generated, "repos.compare.get");
    let params: Vec<&str> = compare
        .params_in(ParamLocation::Path)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["owner", "repo", "base", "head"]);
    assert_eq!(
        compare.path.to_string(),
        "/repos/{owner}/{repo}/compare/{base}...{head}"
    );
    let code = &generated.files["src/resources/repos/compare.rs"];
    let expected = "\"/compare/\",\n            crate::codec::path_segment(base).as_str(),\n            \"...\",\n            crate::codec::path_segment(head).as_str(),";
    assert!(code.contains(expected), "{code}");
    let report = method(&generated, "reports.get");
    let params: Vec<&str> = report.arguments().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["major", "minor", "year", "month"]);
}

/// The sample of each type is what a response carries: required read-only properties are
/// there (else the generated round-trip tests fail to decode it). A request body's sample
/// leaves read-only properties out, as the spec says.
#[test]
fn samples_of_types_carry_required_read_only_properties_and_request_bodies_do_not() {
    let generated = generate("32_readonly_required");
    let api = &generated.api;
    let sample = |name: &str| {
        api.samples
            .iter()
            .find(|(id, _)| api.types.get(*id).name == name)
            .map(|(_, sample)| sample.clone())
            .unwrap_or_else(|| panic!("no sample of {name}"))
    };
    assert_eq!(
        sample("Advisory"),
        json!({
            "ghsa_id": "example",
            "summary": "example",
            "cwes": [{"cwe_id": "example", "name": "example"}],
            "vulnerabilities": [{"package": "example", "vulnerable_functions": ["example"]}]
        })
    );
    assert_eq!(
        sample("Vulnerability"),
        json!({"package": "example", "vulnerable_functions": ["example"]})
    );
    let create = method(&generated, "advisories.create");
    let RequestBody::Json(body) = &create.body else {
        panic!("no JSON body: {:?}", create.body);
    };
    assert_eq!(body.sample, json!({"summary": "example"}));
}

/// An example that does not fit its own schema is the spec's mistake: it is left out of the
/// generated round-trip test, with a notice naming it. The examples that fit stay.
#[test]
fn examples_that_do_not_fit_their_schema_are_left_out_with_a_notice() {
    let generated = generate("33_examples_not_matching_schema");
    let notices: Vec<&str> = generated
        .warnings
        .iter()
        .inspect(|w| assert_eq!(w.kind, WarningKind::Notice, "{w}"))
        .map(|w| w.pointer.as_str())
        .collect();
    let left_out = [
        "#/components/schemas/platform",
        "#/components/schemas/release/properties/published_at",
        "#/components/schemas/release/properties/reset",
        "#/components/schemas/release/properties/version",
        "#/paths/~1releases/get/parameters/0/schema",
    ];
    let expected: Vec<String> = left_out.iter().map(|p| format!("{p}/example")).collect();
    assert_eq!(notices, expected);
    let tests = &generated.files["tests/examples.rs"];
    for pointer in left_out {
        assert!(
            !tests.contains(&format!("(\"{pointer}\"")),
            "{pointer} is tested"
        );
        assert!(!generated.api.types.examples.contains_key(pointer));
    }
    let kept = [
        "#/components/schemas/release",
        "#/components/schemas/release/properties/created_at",
        "#/components/schemas/release/properties/downloads",
        "#/components/schemas/release/properties/name",
        "#/paths/~1releases/get/parameters/1/schema",
    ];
    for pointer in kept {
        assert!(
            tests.contains(&format!("(\"{pointer}\"")),
            "{pointer} is not tested"
        );
    }
    let message = generated.warnings[3].to_string();
    assert_eq!(
        message,
        "#/components/schemas/release/properties/version/example: note: the example does not fit \
         its schema (at `/`: a number (20.04) where a string is expected); it is left out of the \
         generated round-trip test"
    );
}

/// Two operations that the default rules give one name (`things.get` for `/things/{id}` and
/// `/things/{name}`): the second is named after its operationId. Nothing is lost, so it is a
/// notice, not a problem that stops generation.
#[test]
fn a_name_taken_by_another_operation_goes_by_the_operation_id_with_a_notice() {
    let generated = generate("34_same_method_name");
    let mut found = methods(&generated);
    found.sort();
    assert_eq!(
        found,
        [
            ("things.get".to_string(), "/things/{id}".to_string()),
            (
                "things.get_thing_by_name".to_string(),
                "/things/{name}".to_string()
            ),
        ]
    );
    let kinds: Vec<(WarningKind, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.kind, w.pointer.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [(WarningKind::Notice, "#/paths/~1things~1{name}/get")]
    );
}

/// A oneOf/anyOf inside an object or an allOf: every property a variant declares is a field of
/// the object's struct (optional, since one variant applies to a value), none is left to the
/// unknown fields; variants that only list `required` properties add none. Each is a notice.
#[test]
fn unions_inside_objects_give_their_variants_properties_as_fields() {
    use openapi_forge::ir::types::TypeKind;
    let generated = generate("27_unions_inside_objects");
    let api = &generated.api;
    let fields = |name: &str| -> Vec<(String, bool)> {
        let def = api
            .types
            .types
            .iter()
            .find(|def| def.name == name)
            .unwrap_or_else(|| panic!("no type {name}"));
        let TypeKind::Struct(s) = &def.kind else {
            panic!("{name} is not a struct: {:?}", def.kind);
        };
        s.fields
            .iter()
            .map(|f| (f.json_name.clone(), f.required))
            .collect()
    };
    let owned = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(n, r)| (n.to_string(), *r)).collect()
    };
    assert_eq!(
        fields("AppConfig"),
        owned(&[
            ("id", true),
            ("priority", false),
            ("account_app_id", false),
            ("managed_app_id", false)
        ])
    );
    assert_eq!(
        fields("ListItem"),
        owned(&[
            ("id", false),
            ("comment", false),
            ("ip", false),
            ("redirect", false)
        ])
    );
    assert_eq!(
        fields("AppUpdate"),
        owned(&[("name", false), ("hostnames", false)])
    );
    assert!(generated
        .warnings
        .iter()
        .all(|w| w.kind == WarningKind::Notice));
}

/// An array component whose items contain it again (or an array of arrays whose items do) is
/// typed through its item.
#[test]
fn a_recursive_array_alias_is_typed_through_its_item() {
    use openapi_forge::ir::types::{Ty, TypeKind};
    let generated = generate("28_recursive_array_alias");
    assert_eq!(generated.warnings, Vec::new());
    let api = &generated.api;
    let trace = api.types.types.iter().find(|d| d.name == "TraceItem");
    let Some(TypeKind::Struct(trace)) = trace.map(|d| &d.kind) else {
        panic!("no TraceItem struct");
    };
    let inner = trace.fields.iter().find(|f| f.json_name == "trace");
    assert!(
        matches!(inner.map(|f| &f.ty), Some(Ty::Vec(item)) if matches!(**item, Ty::Named(_))),
        "trace: {inner:?}"
    );
    // `ancestors`: an array of arrays of objects whose `parents` are `ancestors` again.
    let node = api
        .types
        .types
        .iter()
        .find(|d| d.name == "AncestorsItemItem");
    let Some(TypeKind::Struct(node)) = node.map(|d| &d.kind) else {
        panic!("no AncestorsItemItem struct");
    };
    let parents = node
        .fields
        .iter()
        .find(|f| f.json_name == "parents")
        .map(|f| &f.ty);
    let depth = |mut ty: &Ty| {
        let mut depth = 0;
        while let Ty::Vec(item) = ty {
            (depth, ty) = (depth + 1, &**item);
        }
        (depth, matches!(ty, Ty::Named(_)))
    };
    assert_eq!(parents.map(depth), Some((3, true)), "parents: {parents:?}");
}

/// Operations that declare the same body inline share one type, named after the first; each
/// later use keeps its name as an alias of it (nested inline types too), and a body whose docs
/// differ keeps a type of its own.
#[test]
fn identical_inline_schemas_share_a_type_and_keep_their_names_as_aliases() {
    use openapi_forge::ir::types::{Ty, TypeKind};
    let generated = generate("36_shared_inline_schemas");
    assert_eq!(generated.warnings, Vec::new());
    let space = &generated.api.types;
    let mut aliases: Vec<(String, String)> = space
        .aliases
        .iter()
        .map(|a| (a.name.clone(), space.get(a.target).name.clone()))
        .collect();
    aliases.sort();
    let expected = [
        ("OwnerListOrder", "PetListOrder"),
        ("PetCreateError4XX", "PetListError4XX"),
        ("PetEditRequestTagsItem", "PetCreateRequestTagsItem"),
        ("PetUpdateError4XX", "PetListError4XX"),
        ("PetUpdateRequest", "PetCreateRequest"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(aliases, expected);
    let body = |dotted: &str| match method(&generated, dotted).json_body().map(|b| &b.ty) {
        Some(Ty::Named(id)) => space.get(*id).name.clone(),
        other => panic!("{dotted}: body {other:?}"),
    };
    assert_eq!(body("pets.create"), "PetCreateRequest");
    assert_eq!(body("pets.update"), "PetCreateRequest");
    assert_eq!(body("pets.edit"), "PetEditRequest");
    let structs = space
        .types
        .iter()
        .filter(|d| matches!(d.kind, TypeKind::Struct(_)))
        .count();
    // Pet, the error body and its item, the two request bodies and one tag item.
    assert_eq!(
        structs,
        6,
        "{:?}",
        space.types.iter().map(|d| &d.name).collect::<Vec<_>>()
    );
    let types_rs = &generated.files["src/types.rs"];
    assert!(types_rs.contains("pub type PetUpdateRequest = PetCreateRequest;"));
    let surface = &generated.files["api-surface.txt"];
    assert!(surface.contains("\nfield PetUpdateRequest.name: String (required)\n"));
    assert!(surface.contains("\nalias PetUpdateRequest = PetCreateRequest\n"));
}

/// An allOf chain 5,000 schemas long (each the one before plus a property) is valid OpenAPI:
/// it generates, on the IR's own deep stack, one struct with every property (its shapes are
/// taken over part by part, not copied: `cargo xtask bench` measures the time).
#[test]
fn a_very_long_allof_chain_generates_one_struct_with_every_property() {
    use openapi_forge::ir::types::TypeKind;
    const DEPTH: usize = 5000;
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "s0".into(),
        json!({"type": "object", "properties": {"p0": {"type": "string"}}}),
    );
    for i in 1..DEPTH {
        schemas.insert(
            format!("s{i}"),
            json!({"allOf": [
                {"$ref": format!("#/components/schemas/s{}", i - 1)},
                {"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}
            ]}),
        );
    }
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "chain", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "get-x", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {
                "$ref": format!("#/components/schemas/s{}", DEPTH - 1)
            }}}
        }}}}},
        "components": {"schemas": schemas}
    });
    let dir = std::env::temp_dir().join(format!("forge-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("chain.json");
    std::fs::write(&path, spec.to_string()).expect("write spec");
    let generated = Generator::new(Config::default())
        .spec_file(&path)
        .and_then(Generator::generate)
        .expect("the chain generates");
    let _ = std::fs::remove_dir_all(&dir);
    let fields = generated
        .api
        .types
        .types
        .iter()
        .find_map(|def| match &def.kind {
            TypeKind::Struct(s) if s.fields.len() == DEPTH => Some(s.fields.len()),
            _ => None,
        });
    assert_eq!(fields, Some(DEPTH));
}
