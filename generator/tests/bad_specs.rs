//! The catalogue of bad specs in `tests/bad-specs/`: every case makes the CLI exit with status 1
//! (an error, not a panic), print exactly `expected-error.txt` (file names and JSON pointers
//! included), and leave the output directory as it was. Cases with a `lenient` marker are
//! problems with a fallback: with `--lenient` they generate a crate and print the same problems
//! as warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-specs")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(catalogue())
        .expect("tests/bad-specs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// A scratch copy of `case` (the CLI runs inside it, so errors name files relatively).
/// `test` keeps the copies of tests running in parallel apart.
fn scratch(case: &Path, test: &str) -> PathBuf {
    let name = case.file_name().expect("case name").to_string_lossy();
    let dir = std::env::temp_dir().join(format!("bad-spec-{}-{test}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for entry in std::fs::read_dir(case).expect("case dir").flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy case file");
    }
    dir
}

fn forge(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openapi-forge"));
    command
        .current_dir(dir)
        .args(["--spec", "spec.json", "--out", "out"])
        .args(extra);
    if dir.join("config.toml").exists() {
        command.args(["--config", "config.toml"]);
    }
    command.output().expect("run openapi-forge")
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_bad_spec_fails_with_its_exact_error_and_writes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 18, "the catalogue has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        let expected = std::fs::read_to_string(case.join("expected-error.txt"))
            .unwrap_or_else(|e| panic!("{name}: expected-error.txt: {e}"));
        let dir = scratch(case, "strict");
        // A previous crate in the output directory must survive the failed run untouched.
        std::fs::create_dir_all(dir.join("out")).expect("out dir");
        std::fs::write(dir.join("out/previous.rs"), "// the previous crate\n").expect("write");
        let before = listing(&dir);
        let output = forge(&dir, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit status {:?}, expected 1\n{stderr}",
                output.status.code()
            ));
        }
        if stderr != expected {
            failures.push(format!(
                "{name}: stderr differs\n--- expected\n{expected}--- got\n{stderr}"
            ));
        }
        if listing(&dir) != before || listing(&dir.join("out")) != ["previous.rs"] {
            failures.push(format!(
                "{name}: the failed run changed the directory: {:?} / out: {:?}",
                listing(&dir),
                listing(&dir.join("out"))
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn lenient_accepts_problems_with_a_fallback_and_says_so() {
    let mut checked = 0;
    for case in cases() {
        if !case.join("lenient").exists() {
            continue;
        }
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        let dir = scratch(&case, "lenient");
        let output = forge(&dir, &["--lenient"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{name}: --lenient failed:\n{stderr}"
        );
        assert!(
            dir.join("out/Cargo.toml").exists(),
            "{name}: no crate written"
        );
        // Every problem of the strict run is printed as a warning, word for word.
        let expected = std::fs::read_to_string(case.join("expected-error.txt")).expect("read");
        for line in expected
            .lines()
            .filter(|l| !l.contains("problem(s) stop generation"))
        {
            let problem = line
                .strip_prefix("error: spec.json: ")
                .unwrap_or_else(|| panic!("{name}: unexpected line {line}"));
            assert!(
                stderr.contains(&format!("warning: {problem}")),
                "{name}: `{problem}` is not printed as a warning:\n{stderr}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} lenient cases");
}

#[test]
fn a_config_allow_list_accepts_exactly_what_it_names() {
    let case = catalogue().join("11-enum-mixed-types");
    let dir = scratch(&case, "allow");
    std::fs::write(
        dir.join("config.toml"),
        "[lenient]\nallow = [\"#/components/schemas/Kind\"]\n",
    )
    .expect("write config");
    let output = forge(&dir, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "allowed problem still fails:\n{stderr}"
    );
    assert!(
        stderr.contains("warning: #/components/schemas/Kind: enum values of mixed types"),
        "{stderr}"
    );
    // An entry that matches no problem is refused, so the list cannot go stale.
    std::fs::write(
        dir.join("config.toml"),
        "[lenient]\nallow = [\"#/components/schemas/Kind\", \"#/components/schemas/Gone\"]\n",
    )
    .expect("write config");
    let output = forge(&dir, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: config.toml: [lenient] allow: `#/components/schemas/Gone` matches no problem of \
         the spec; remove it\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
