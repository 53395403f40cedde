//! The test binaries a `cargo build --all-targets --message-format=json` made: which they are,
//! running them (ignored tests left out, as `cargo test` does), and what failed, each failing
//! test with the start of its panic message. Uses no other module of xtask.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A test binary: its label (`lib`, `test examples`) and its path.
pub struct Binary {
    pub label: String,
    pub path: PathBuf,
}

/// The test binaries in the JSON lines of a cargo build, in the order they were built.
pub fn binaries(json_lines: &str) -> Vec<Binary> {
    json_lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["profile"]["test"] == true)
        .filter_map(|m| {
            let path = m["executable"].as_str()?;
            let kind = m["target"]["kind"][0].as_str().unwrap_or("?");
            let name = m["target"]["name"].as_str().unwrap_or("?");
            let label = if kind == "lib" {
                "lib".to_string()
            } else {
                format!("{kind} {name}")
            };
            Some(Binary {
                label,
                path: PathBuf::from(path),
            })
        })
        .collect()
}

/// What one binary's run gave.
pub struct Run {
    /// Its closing `test result:` line, or why there is none.
    pub result: String,
    /// Whether every test passed.
    pub passed: bool,
    /// Each failing test: its name and the first lines of its panic message.
    pub failures: Vec<(String, Vec<String>)>,
}

/// Run `binary` in `dir`, keeping at most `lines` lines of each failing test's message.
pub fn run(binary: &Binary, dir: &Path, lines: usize) -> Result<Run, String> {
    let output = Command::new(&binary.path)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.path.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A binary that died (a stack overflow aborts it) says why last on its error output.
    let result = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("test result:"))
        .map_or_else(
            || {
                let why: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
                let why = why[why.len().saturating_sub(2)..].join(" ");
                format!("no test result ({}): {why}", output.status)
            },
            str::to_string,
        );
    Ok(Run {
        result,
        passed: output.status.success(),
        failures: failures(&stdout, lines),
    })
}

/// The failing tests in libtest's output: the `---- name stdout ----` sections, each with the
/// first `lines` lines after its `panicked at` line.
fn failures(stdout: &str, lines: usize) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for section in stdout.split("\n---- ").skip(1) {
        let Some((name, body)) = section.split_once(" stdout ----\n") else {
            continue;
        };
        let message = body
            .lines()
            .skip_while(|l| !l.contains(" panicked at "))
            .skip(1)
            .take_while(|l| !l.is_empty() && !l.starts_with("note: "))
            .take(lines)
            .map(str::to_string)
            .collect();
        found.push((name.to_string(), message));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_binaries_come_from_test_profile_artifacts() {
        let lines = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"c"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"c"},"profile":{"test":true},"executable":"/t/c-1"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"wire"},"profile":{"test":true},"executable":"/t/wire-2"}"#,
            r#"{"reason":"compiler-message"}"#,
        ]
        .join("\n");
        let found: Vec<(String, PathBuf)> = binaries(&lines)
            .into_iter()
            .map(|b| (b.label, b.path))
            .collect();
        assert_eq!(
            found,
            [
                ("lib".to_string(), PathBuf::from("/t/c-1")),
                ("test wire".to_string(), PathBuf::from("/t/wire-2"))
            ]
        );
    }

    #[test]
    fn failures_keep_the_start_of_each_panic_message() {
        let stdout = "running 2 tests\ntest a ... FAILED\ntest b ... FAILED\n\nfailures:\n\n\
            ---- a stdout ----\n\nthread 'a' (7) panicked at tests/x.rs:1:5:\n2 of 9 failed:\n\
            first\nsecond\nthird\nnote: run with `RUST_BACKTRACE=1`\n\n\
            ---- b stdout ----\nthread 'b' (8) panicked at tests/x.rs:9:5:\nboom\n\n\
            failures:\n    a\n    b\n\ntest result: FAILED. 0 passed; 2 failed\n";
        assert_eq!(
            failures(stdout, 3),
            [
                (
                    "a".to_string(),
                    vec!["2 of 9 failed:".into(), "first".into(), "second".into()]
                ),
                ("b".to_string(), vec!["boom".to_string()]),
            ]
        );
    }
}
