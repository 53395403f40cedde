//! Replays the inputs kept in `tests/fuzz-regressions/` through the fuzz targets' checks
//! (`forge_tests::fuzz`): hostile inputs written by hand (reference chains 300 deep, self
//! references of every kind, JSON nested 100,000 deep, invalid UTF-8, duplicate keys, numbers
//! out of range, lone surrogates) and any input a fuzz run has found crashing (minimized).

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz-regressions")
        .join(target);
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let data = std::fs::read(&path).expect("read input");
        // A panic inside names the input.
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
        count += 1;
    }
    count
}

#[test]
fn generator_inputs_give_a_crate_or_an_error() {
    assert!(replay("generate", forge_tests::fuzz::generate) >= 7);
}

#[test]
fn response_inputs_decode_losslessly_or_fail_cleanly() {
    assert!(replay("decode", forge_tests::fuzz::decode) >= 7);
}
