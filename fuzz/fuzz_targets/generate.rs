//! The generator on arbitrary bytes: loading, parsing, the type mapping and emission return a
//! crate or an error, never panic, hang or overflow the stack (`forge_tests::fuzz::generate`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| forge_tests::fuzz::generate(data));
