//! Loading: find the spec, apply overlays, parse it, select operations.
//!
//! Every error names the file and a JSON pointer into it.

pub mod normalize;
pub mod overlay;
pub mod selected;
pub mod source;
pub mod spec;

pub use spec::{Spec, SpecOperation};
