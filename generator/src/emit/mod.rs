//! Emission: IR -> tokens (`quote`) -> `syn::File` -> `prettyplease` -> files.

pub mod calls;
pub mod cargo;
pub mod doc;
pub mod e2e;
pub mod enums;
pub mod errors;
pub mod impls;
pub mod krate;
pub mod librs;
pub mod markdown;
pub mod methods;
pub mod payloads;
pub mod render;
pub mod resources;
pub mod spec;
pub mod structs;
pub mod syntax;
pub mod tests;
pub mod types;
pub mod wire;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;

use crate::error::{Error, Result};
use crate::ir::features::Predicate;
use crate::ir::Api;

/// Options of the emitted crate.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// SPDX license expression of the generated crate.
    pub license: String,
    /// Repository URL for the package metadata.
    pub repository: Option<String>,
    /// crates.io keywords (at most 5).
    pub keywords: Vec<String>,
    /// A line saying how the files were made (put at the top of each).
    pub provenance: String,
    /// Files supplied by the config (`[crate] files`), relative path -> contents, copied into
    /// the crate as they are; a supplied `README.md` replaces the generated one and becomes the
    /// crate-level documentation (so its examples are compiled as doctests).
    pub supplied: Files,
    /// Markdown the config adds to the crate docs (`[crate] docs`).
    pub docs: Option<String>,
}

/// The generated crate: relative path -> contents.
pub type Files = BTreeMap<String, String>;

/// Format a token stream as a Rust source file with a provenance header.
pub fn format_file(tokens: TokenStream, header: &str, file: &str) -> Result<String> {
    format_with_macros(tokens, &[], header, file)
}

/// Like [`format_file`], then replace each `__forge_macro!(N);` line by `macros[N]`.
pub fn format_with_macros(
    tokens: TokenStream,
    macros: &[String],
    header: &str,
    file: &str,
) -> Result<String> {
    if std::env::var_os("FORGE_DUMP_TOKENS").is_some() {
        let _ = std::fs::write(format!("/tmp/forge-{file}.tokens"), tokens.to_string());
    }
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::Source(format!(
            "internal error: generated {file} does not parse: {e}"
        ))
    })?;
    let body = prettyplease::unparse(&parsed);
    let mut out = String::with_capacity(
        body.len() + macros.iter().map(String::len).sum::<usize>() + header.len() + 1,
    );
    out.push_str(header);
    out.push('\n');
    let prefix = format!("{}!(", syntax::PLACEHOLDER);
    for line in body.lines() {
        let index = line
            .trim()
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(");"))
            .and_then(|n| n.trim_end_matches("usize").parse::<usize>().ok());
        match index.and_then(|i| macros.get(i)) {
            Some(text) => out.push_str(text),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// Emit the whole crate.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Files> {
    krate::files(api, options)
}

/// `#[cfg(...)]` for an item compiled only with some features (nothing when always).
pub fn cfg_attr(predicate: Option<&Predicate>) -> TokenStream {
    match predicate {
        Some(predicate) => {
            let predicate = cfg_tokens(predicate);
            quote::quote!(#[cfg(#predicate)])
        }
        None => TokenStream::new(),
    }
}

/// The tokens of a `cfg` predicate.
fn cfg_tokens(predicate: &Predicate) -> TokenStream {
    match predicate {
        Predicate::Feature(name) => quote::quote!(feature = #name),
        Predicate::Any(clauses) => {
            let clauses = clauses.iter().map(cfg_tokens);
            quote::quote!(any(#(#clauses),*))
        }
        Predicate::All(clauses) => {
            let clauses = clauses.iter().map(cfg_tokens);
            quote::quote!(all(#(#clauses),*))
        }
    }
}
