//! What the emitter makes of names and texts that trip up Rust code: resource segments that
//! are keywords or that clippy judges by name, operations at the root path, Markdown lists and
//! tabs in descriptions; and generated tests whose functions stay small however many
//! operations the API has. (The fixture `tests/fixtures/25_root_and_keywords.json` compiles
//! and lints such a crate.)

use openapi_forge::config::Config;
use openapi_forge::{Generated, Generator};
use serde_json::{json, Map, Value};

/// A response `200` of `schema`, with a declared `404` of the `Problem` type.
fn responses(schema: Value) -> Value {
    let body = |schema: Value| json!({"application/json": {"schema": schema}});
    json!({
        "200": {"description": "ok", "content": body(schema)},
        "404": {"description": "not found", "content": body(json!({"$ref": "#/components/schemas/Problem"}))}
    })
}

fn thing() -> Value {
    json!({"$ref": "#/components/schemas/Thing"})
}

/// The path parameters of `path`, as strings.
fn parameters(path: &str) -> Value {
    let names = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'));
    names
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

/// A spec of `paths`: each a GET of a `Thing`, and a PUT of one when `put` is set.
fn spec(paths: &[(&str, bool)]) -> Value {
    let mut items = Map::new();
    for (number, (path, put)) in paths.iter().enumerate() {
        let mut item = json!({"get": {
            "operationId": format!("get{number}"),
            "parameters": parameters(path),
            "responses": responses(thing())
        }});
        if *put {
            item["put"] = json!({
                "operationId": format!("put{number}"),
                "parameters": parameters(path),
                "requestBody": {"required": true, "content": {"application/json": {"schema": thing()}}},
                "responses": responses(thing())
            });
        }
        items.insert(path.to_string(), item);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Names", "version": "1"},
        "paths": items,
        "components": {"schemas": {
            "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Problem": {"type": "object", "properties": {"message": {"type": "string"}}}
        }}
    })
}

/// The crate of `spec`, generated without a config (no envelope).
fn generate(spec: &Value) -> Generated {
    Generator::new(Config::default())
        .spec_bytes("names.json", serde_json::to_vec(spec).expect("serializes"))
        .generate()
        .expect("generates")
}

fn file<'a>(generated: &'a Generated, path: &str) -> &'a str {
    generated
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no file {path}"))
}

#[test]
fn a_keyword_resource_is_called_by_its_raw_accessor_in_tests_and_docs() {
    let generated = generate(&spec(&[("/repos/{owner}/git/ref/{ref}", true)]));
    let git = file(&generated, "src/resources/repos/git/mod.rs");
    assert!(git.contains("pub fn r#ref(&self)"), "{git}");
    for path in [
        "tests/e2e.rs",
        "tests/wire.rs",
        "tests/errors.rs",
        "src/lib.rs",
    ] {
        let text = file(&generated, path);
        assert!(
            text.contains("client.repos().git().r#ref()"),
            "{path}:\n{text}"
        );
        assert!(!text.contains(".ref()"), "{path}:\n{text}");
    }
}

#[test]
fn a_root_operation_is_a_method_of_the_client() {
    let mut spec = spec(&[("/", false), ("/things", false)]);
    spec["paths"]["/"]["get"]["parameters"] =
        json!([{"name": "verbose", "in": "query", "schema": {"type": "boolean"}}]);
    let generated = generate(&spec);
    let lib = file(&generated, "src/lib.rs");
    // On the client, with its request builder beside the resource modules.
    assert!(lib.contains("impl crate::Client {"), "{lib}");
    assert!(lib.contains("pub fn get(&self) -> GetRequest {"), "{lib}");
    assert!(lib.contains("pub struct GetRequest {"), "{lib}");
    assert!(lib.contains("call: self\n"), "{lib}");
    // Tests, docs and the surface call it the same way.
    assert!(file(&generated, "tests/e2e.rs").contains("|| client.get())"));
    assert!(file(&generated, "tests/errors.rs").contains("client.get().await"));
    assert!(file(&generated, "API.md").contains("`client.get()`"));
    assert!(file(&generated, "src/methods.rs").contains("name: \"get\""));
}

#[test]
fn docs_keep_markdown_list_items_together_and_have_no_tabs() {
    let mut spec = spec(&[("/things", false)]);
    spec["paths"]["/things"]["get"]["description"] = json!(
        "Notes:\n\n- an item that goes on\nwithout indentation.\n- sizes:\n  - small\n\tor \
         tiny.\n\n| a\t| b |\n|---|---|"
    );
    let generated = generate(&spec);
    let things = file(&generated, "src/resources/things.rs");
    let docs =
        "    /// - an item that goes on\n    ///   without indentation.\n    /// - sizes:\n    \
                ///   - small\n    ///     or tiny.\n    ///\n    /// | a    | b |\n";
    assert!(things.contains(docs), "{things}");
    for (path, text) in &generated.files {
        for line in text.lines() {
            let doc = line.trim_start().starts_with("///") || line.trim_start().starts_with("//!");
            assert!(!(doc && line.contains('\t')), "{path}: a tab in `{line}`");
        }
    }
}

#[test]
fn names_clippy_judges_are_allowed_where_they_are_declared() {
    let generated = generate(&spec(&[
        ("/orgs/{org}/teams/{team}/teams", false),
        ("/things/new", false),
        ("/resources", false),
    ]));
    // `orgs.teams.teams`: a module named as the module it is in.
    let teams = file(&generated, "src/resources/orgs/teams/mod.rs");
    assert!(
        teams.contains("#[allow(clippy::module_inception)]\npub mod teams;"),
        "{teams}"
    );
    let lib = file(&generated, "src/lib.rs");
    assert!(
        lib.contains("#[allow(clippy::module_inception)]\n    pub mod resources;"),
        "{lib}"
    );
    // `things.new`: an accessor `new` that returns the resource, not `Self`.
    let things = file(&generated, "src/resources/things/mod.rs");
    assert!(
        things.contains("#[allow(clippy::new_ret_no_self)]\n    pub fn new(&self) -> new::New<'a>"),
        "{things}"
    );
    // Nothing else is allowed so.
    let allowed = |lint: &str| {
        generated
            .files
            .values()
            .map(|text| text.matches(lint).count())
            .sum::<usize>()
    };
    assert_eq!(allowed("clippy::module_inception"), 2);
    assert_eq!(allowed("clippy::new_ret_no_self"), 1);
}

/// The number of times `marker` occurs in each function of a generated test file.
fn per_function(text: &str, marker: &str) -> Vec<usize> {
    let mut counts = vec![0];
    for line in text.lines() {
        if line.starts_with("fn ") || line.starts_with("async fn ") || line.starts_with("impl ") {
            counts.push(0);
        }
        if let Some(last) = counts.last_mut() {
            *last += line.matches(marker).count();
        }
    }
    counts
}

#[test]
fn generated_test_functions_hold_a_few_checks_whatever_the_number_of_operations() {
    let paths: Vec<String> = (0..40).map(|n| format!("/things{n}/{{id}}")).collect();
    let spec = spec(&paths.iter().map(|p| (p.as_str(), true)).collect::<Vec<_>>());
    let generated = generate(&spec);
    // Every operation called once; every body (one sample each) sent once; every declared
    // error checked once.
    for (path, marker, total) in [
        ("tests/e2e.rs", "tally.call(\"", 80),
        ("tests/wire.rs", "compare(\"", 40),
        ("tests/errors.rs", "expect_typed(\"", 80),
    ] {
        let text = file(&generated, path);
        let counts = per_function(text, marker);
        assert_eq!(counts.iter().sum::<usize>(), total, "{path}");
        let most = counts.iter().max().copied().unwrap_or_default();
        assert!(most <= 8, "{path}: a function holds {most} checks:\n{text}");
        // The test awaits each function in turn, boxed.
        assert_eq!(
            text.matches("Box::pin(").count(),
            total.div_ceil(8),
            "{path}"
        );
    }
}
