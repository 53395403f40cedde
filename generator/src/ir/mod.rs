//! The typed intermediate representation: a type space and an operation/resource tree.
//! Plain data: no `quote`, no OpenAPI structs.

pub mod convert;
pub mod features;
pub mod names;
pub mod ops;
pub mod sample;
pub mod types;
