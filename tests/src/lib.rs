//! Tests of the workspace: fixture snapshots (`tests/fixtures.rs`), the real Access target
//! (`tests/access.rs`), and the README's code examples, which are compiled as doctests here so
//! they cannot drift from the generated client.
#![doc = include_str!("../../README.md")]
