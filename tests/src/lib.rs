//! Tests of the workspace: fixture snapshots (`tests/fixtures.rs`), the real Access target
//! (`tests/access.rs`), and the README's code examples, which are compiled as doctests here so
//! they cannot drift from the generated client.
#![doc = include_str!("../../README.md")]

use serde_json::Value;

pub mod fuzz;

/// JSON equality where numbers compare by value (`2` equals `2.0`): a lossless round trip
/// through a typed `f64` field may change how a number is written, not what it is.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
