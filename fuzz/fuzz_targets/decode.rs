//! Response decoding of the largest Access types (applications, policies, groups, a list
//! envelope) on arbitrary bytes: never a panic, and lossless re-encoding
//! (`forge_tests::fuzz::decode`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| forge_tests::fuzz::decode(data));
