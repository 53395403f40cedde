//! Names and pieces of generated Rust shared by the emitters: identifiers, the names of
//! resource handles, the docs of a type, and the placeholders that stand for macro
//! invocations until a file is formatted.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::doc;
use crate::ir::names;
use crate::ir::types::TypeDef;

/// An identifier token, raw (`r#type`) where needed.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Macro invocations are written as text (formatters leave macro bodies alone, so tokens
/// would stay on one long line); the token stream holds a placeholder for each.
pub const PLACEHOLDER: &str = "__forge_macro";

/// The struct name of a resource segment.
pub fn struct_name(segment: &str) -> String {
    names::type_name(segment)
}

/// The accessor method name of a resource segment.
pub fn accessor(segment: &str) -> String {
    names::field_name(segment)
}

/// Allows, on a method or resource accessor named `name` after the spec, the lints that judge
/// a method by its name alone: `new` that does not return `Self` (an accessor of a resource
/// `new`, or an operation named so).
pub fn name_allows(name: &str) -> TokenStream {
    match names::bare(name) {
        "new" => quote!(#[allow(clippy::new_ret_no_self)]),
        _ => TokenStream::new(),
    }
}

/// The module of the resource segment `child` inside the module named `parent`: its name,
/// with the allow of `module_inception` when the two are named alike (`orgs.teams.teams`),
/// since the resources keep the API's names.
pub fn child_module(parent: &str, child: &str) -> (Ident, TokenStream) {
    let name = accessor(child);
    let allow = if names::bare(parent) == names::bare(&name) {
        quote!(#[allow(clippy::module_inception)])
    } else {
        TokenStream::new()
    };
    (ident(&name), allow)
}

/// The receiver chain that reaches the resource at `path` from `client`:
/// `client.repos().git().r#ref()`, keyword-safe as the accessors are declared.
pub fn chain(client: &str, path: &[String]) -> String {
    let mut chain = client.to_string();
    for segment in path {
        chain.push('.');
        chain.push_str(&accessor(segment));
        chain.push_str("()");
    }
    chain
}

/// What the items of a module part collect besides their tokens: the texts of the macro
/// invocations their placeholders stand for.
#[derive(Default)]
pub struct Items {
    /// Macro invocation texts, by placeholder number.
    pub macros: Vec<String>,
}

impl Items {
    /// A placeholder for the macro invocation `text`, preceded by `cfg` when the type has one.
    pub fn placeholder(&mut self, cfg: &TokenStream, text: String) -> TokenStream {
        let index = self.macros.len();
        self.macros.push(text);
        let name = format_ident!("{}", PLACEHOLDER);
        quote! { #cfg #name!(#index); }
    }
}

/// The docs of a type: its description (or its name) and the schema it comes from.
pub fn type_doc_text(def: &TypeDef) -> String {
    let mut text = match &def.doc {
        Some(d) => doc::sanitize(d),
        None => format!("`{}`", def.name),
    };
    text.push_str(&format!(
        "\n\nSchema: `{}`",
        def.pointer.as_str().replace('`', "'")
    ));
    text
}

/// The longest line the formatter (prettyplease) keeps whole.
pub const WIDTH: usize = 89;

/// An item written as text, line by line, as the formatter writes its tokens: regular items
/// (type definitions, setters) skip parsing and formatting. [`ItemText::finish`] gives `None`
/// once a line other than a doc comment (which the formatter never breaks) is wider than
/// [`WIDTH`]: such an item is formatted from its tokens instead.
pub struct ItemText {
    text: String,
    fits: bool,
}

impl ItemText {
    /// An empty item, with room for about `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        ItemText {
            text: String::with_capacity(capacity),
            fits: true,
        }
    }

    /// Clean markdown as `///` comments after `indent`.
    pub fn docs(&mut self, indent: &str, text: &str) {
        doc::comment_text(&mut self.text, indent, text);
    }

    /// One line of code (without its line break).
    pub fn line(&mut self, line: &str) {
        self.fits &= line.len() <= WIDTH;
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// `prefix`, the type `ty` and `suffix` after `indent` spaces, on as many lines as the
    /// formatter breaks them into (see [`super::render::RustType::layout`]).
    pub fn typed(
        &mut self,
        indent: usize,
        prefix: &str,
        ty: &super::render::RustType,
        suffix: &str,
    ) {
        match ty.layout(indent, prefix, suffix, WIDTH) {
            Some(lines) => {
                for line in lines {
                    self.text.push_str(&line);
                    self.text.push('\n');
                }
            }
            None => self.fits = false,
        }
    }

    /// A `#[cfg(...)]` line for `predicate`, if there is one.
    pub fn cfg(&mut self, predicate: Option<&crate::ir::features::Predicate>) {
        if let Some(predicate) = predicate {
            self.line(&format!("#[cfg({predicate})]"));
        }
    }

    /// The text, if every line fits.
    pub fn finish(self) -> Option<String> {
        self.fits.then_some(self.text)
    }
}

/// How the items of an emitter's test came out against the formatter.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Compared {
    /// Written as text, without the break the test looks for.
    pub whole: usize,
    /// Written as text, with that break.
    pub broken: usize,
    /// Left to the formatter (a line did not fit).
    pub formatted: usize,
}

#[cfg(test)]
impl Compared {
    /// Compares `text` (an item written as text, or `None`) with the formatter's text for
    /// `tokens`, panicking with `what` when they differ, and counts it: as broken when the
    /// text holds `marker`.
    pub fn check(&mut self, tokens: TokenStream, text: Option<String>, marker: &str, what: &str) {
        let formatted = super::format_with_macros(tokens, &[], "", "t.rs").unwrap();
        match text {
            Some(text) => {
                assert_eq!(format!("\n{text}"), formatted, "{what}");
                match text.contains(marker) {
                    true => self.broken += 1,
                    false => self.whole += 1,
                }
            }
            None => self.formatted += 1,
        }
    }

    /// Asserts that more than `whole`, `broken` (when the item has a break to look for) and
    /// `formatted` items came out each way, so that the test went through every path.
    pub fn assert_more_than(&self, whole: usize, broken: Option<usize>, formatted: usize) {
        let broken_ok = broken.is_none_or(|broken| self.broken > broken);
        assert!(
            self.whole > whole && broken_ok && self.formatted > formatted,
            "{self:?}"
        );
    }
}
