//! A config that selects some paths: the path items it does not select are skimmed, not
//! built, and the crate is the same as from the whole document, whatever the overlays do.
//! Each case generates twice, once keeping the final spec (which reads the whole document)
//! and once without it (which skims), and compares files, warnings and errors; the timings
//! say which way each run read the spec.

use std::path::{Path, PathBuf};

use openapi_forge::config::Config;
use openapi_forge::{Generator, REREAD, SKIMMED};
use serde_json::{json, Value};

/// An operation answering with `schema`, with id `id` and a query parameter.
fn operation(id: &str, schema: &str) -> Value {
    json!({
        "operationId": id,
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{schema}")}
        }}}}
    })
}

/// A spec of three path items, `/widgets` selected by [`case`]'s config and two others.
fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Widgets", "version": "1"},
        "paths": {
            "/gadgets": {"get": operation("listGadgets", "Gadget")},
            "/widgets": {
                "get": operation("listWidgets", "Widget"),
                "post": operation("createWidget", "Widget")
            },
            "/sprockets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "delete": operation("deleteSprocket", "Gadget")
            }
        },
        "components": {"schemas": {
            "Widget": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Gadget": {"type": "object", "properties": {"size": {"type": "integer"}}}
        }}
    })
}

/// A scratch directory holding `spec`, a config selecting `/widgets` and `overlays`.
fn case(name: &str, spec: &Value, overlays: &[Value]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("selected-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("spec.json"), spec.to_string()).expect("spec");
    let mut names = Vec::new();
    for (i, actions) in overlays.iter().enumerate() {
        let overlay =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        std::fs::write(dir.join(format!("overlay-{i}.json")), overlay.to_string())
            .expect("overlay");
        names.push(format!("\"overlay-{i}.json\""));
    }
    let config = format!(
        "[crate]\nname = \"widgets\"\n\n[spec]\noverlays = [{}]\n\n[select]\ninclude = [\"^/widgets$\"]\n",
        names.join(", ")
    );
    std::fs::write(dir.join("config.toml"), config).expect("config");
    dir
}

/// What a run gave: its files, warnings and phases, or its error.
type Outcome = Result<(Vec<(String, String)>, Vec<String>, Vec<&'static str>), String>;

fn run(dir: &Path, whole: bool) -> Outcome {
    let config = Config::from_file(&dir.join("config.toml")).map_err(|e| e.to_string())?;
    let generated = Generator::new(config)
        .final_spec(whole)
        .spec_file(&dir.join("spec.json"))
        .and_then(Generator::generate)
        .map_err(|e| e.to_string())?;
    let files = generated.files.into_iter().collect();
    let warnings = generated.warnings.iter().map(ToString::to_string).collect();
    let phases = generated.timings.iter().map(|(phase, _)| *phase).collect();
    Ok((files, warnings, phases))
}

/// Generates `dir` both ways, checks that the outcomes agree, and gives the skimming run's
/// phases (or its error).
fn both_ways(dir: &Path) -> Result<Vec<&'static str>, String> {
    let whole = run(dir, true);
    let skimming = run(dir, false);
    match (whole, skimming) {
        (Ok((files, warnings, phases)), Ok((files_2, warnings_2, phases_2))) => {
            assert!(!phases.contains(&SKIMMED), "{phases:?}");
            assert_eq!(warnings, warnings_2);
            assert_eq!(files.len(), files_2.len());
            for ((name, text), (name_2, text_2)) in files.iter().zip(&files_2) {
                assert_eq!(name, name_2);
                assert!(text == text_2, "{name} differs");
            }
            Ok(phases_2)
        }
        (Err(error), Err(error_2)) => {
            assert_eq!(error, error_2);
            Err(error)
        }
        (whole, skimming) => panic!("whole: {whole:?}\nskimming: {skimming:?}"),
    }
}

/// Generates `dir` both ways and checks that both fail with an error that says `message`.
fn fails_both_ways(dir: &Path, message: &str) {
    let error = both_ways(dir).expect_err(message);
    assert!(error.contains(message), "{error}");
}

#[test]
fn unselected_path_items_are_skimmed_and_the_crate_is_the_same() {
    let dir = case("plain", &spec(), &[]);
    let phases = both_ways(&dir).expect("generates");
    assert!(phases.contains(&SKIMMED), "{phases:?}");
    assert!(!phases.contains(&REREAD), "{phases:?}");
}

/// Overlays that reach into skimmed items: one changes a selected operation and a skimmed
/// one (applied to the skimmed document), one targets only what skimming left out (it
/// matches nothing there, so the whole document is read), one reads the document from its
/// root in a filter (never applied to a skimmed one).
#[test]
fn overlays_give_the_same_crate_whatever_they_target() {
    let both = json!([{
        "target": "$.paths.*.*.parameters[?@.name == 'limit']",
        "description": "d",
        "update": {"description": "How many to list."}
    }]);
    let dir = case("both", &spec(), &[both]);
    assert!(both_ways(&dir).expect("generates").contains(&SKIMMED));

    let skimmed_only = json!([{
        "target": "$.paths['/gadgets'].get.parameters[0]",
        "description": "d",
        "update": {"description": "Only in a path item that is not selected."}
    }]);
    let dir = case("skimmed-only", &spec(), &[skimmed_only]);
    let phases = both_ways(&dir).expect("generates");
    assert!(
        phases.contains(&SKIMMED) && phases.contains(&REREAD),
        "{phases:?}"
    );

    let from_root = json!([{
        "target": "$.components.schemas[?count($.paths['/gadgets'].get.parameters[*]) == 1]",
        "description": "d",
        "update": {"description": "Counts parameters of a path item that is not selected."}
    }]);
    let dir = case("from-root", &spec(), &[from_root]);
    let phases = both_ways(&dir).expect("generates");
    assert!(phases.contains(&REREAD), "{phases:?}");
    let (files, _, _) = run(&dir, false).expect("generates");
    let documented = files
        .iter()
        .any(|(_, text)| text.contains("Counts parameters of a path item that is not selected."));
    assert!(documented, "the overlay applies as to the whole document");

    // In the skimmed document this target would match every schema.
    let from_root = json!([{
        "target": "$.components.schemas[?count($.paths['/gadgets'].get.parameters[*]) == 0]",
        "description": "d",
        "update": {"description": "Applies only where the item has no parameters."}
    }]);
    let dir = case("from-root-none", &spec(), &[from_root]);
    fails_both_ways(&dir, "the target matches nothing");
}

/// What loading checks across every path item still sees the skimmed ones.
#[test]
fn checks_across_the_whole_spec_still_see_skimmed_items() {
    let mut duplicate = spec();
    duplicate["paths"]["/gadgets"]["get"]["operationId"] = json!("createWidget");
    let dir = case("duplicate-id", &duplicate, &[]);
    fails_both_ways(&dir, "operationId `createWidget` is already used");

    let mut bad = spec();
    bad["paths"]["/gadgets"]["get"]["parameters"] = json!("not a list");
    let dir = case("bad-skimmed-item", &bad, &[]);
    both_ways(&dir).expect("an item that is not selected is not read");

    let overlay = json!([{
        "target": "$.paths['/nowhere']",
        "description": "d",
        "remove": true
    }]);
    let dir = case("overlay-matches-nothing", &spec(), &[overlay]);
    fails_both_ways(&dir, "the target matches nothing");
}

/// A reference into `#/paths` could name something skimming would leave out: the whole
/// document is read.
#[test]
fn a_reference_into_paths_reads_the_whole_document() {
    let mut referring = spec();
    referring["paths"]["/widgets"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"] = json!({"$ref": "#/paths/~1gadgets/get/parameters/0/schema"});
    let dir = case("reference", &referring, &[]);
    let phases = both_ways(&dir).expect("generates");
    assert!(!phases.contains(&SKIMMED), "{phases:?}");
}
