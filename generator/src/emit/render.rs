//! The one type renderer: an IR type as a `syn::Type`, printed as text by the same value.
//! Every emitter, the public-surface listing and the generated tests name types through it.

use std::fmt;

use proc_macro2::{Ident, Span, TokenStream};
use quote::ToTokens;
use syn::punctuated::Punctuated;

use crate::ir::types::{Ty, TypeSpace};

/// How paths to the generated crate's items are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root<'a> {
    /// From inside the crate: `crate::types::Rule`, `crate::DateTime`.
    Crate,
    /// From outside it (tests, examples): `my_crate::types::Rule`.
    Extern(&'a str),
    /// Bare names, compact (`Vec<Rule>`, `Map<String,Value>` spelled in full): the surface.
    Bare,
}

/// Renders IR types for one type space.
#[derive(Debug, Clone, Copy)]
pub struct Render<'a> {
    space: &'a TypeSpace,
    root: Root<'a>,
}

/// A rendered type: tokens for `quote!`, text through `Display`.
#[derive(Clone)]
pub struct RustType {
    ty: syn::Type,
    compact: bool,
}

impl<'a> Render<'a> {
    /// Paths as seen from inside the generated crate.
    pub fn new(space: &'a TypeSpace) -> Self {
        Render {
            space,
            root: Root::Crate,
        }
    }

    /// Paths as seen from `root`.
    pub fn with_root(space: &'a TypeSpace, root: Root<'a>) -> Self {
        Render { space, root }
    }

    /// The Rust type of `ty`.
    pub fn ty(&self, ty: &Ty) -> RustType {
        RustType {
            ty: self.syn(ty),
            compact: self.root == Root::Bare,
        }
    }

    /// `Box<T>` when `boxed`, else the type of `ty`.
    pub fn boxed(&self, ty: &Ty, boxed: bool) -> RustType {
        let inner = self.syn(ty);
        RustType {
            ty: if boxed {
                generic(&["Box"], vec![inner])
            } else {
                inner
            },
            compact: self.root == Root::Bare,
        }
    }

    /// A path to an item of the generated crate (`types::Rule`, `DateTime`).
    fn item(&self, path: &[&str]) -> syn::Type {
        let mut segments: Vec<&str> = Vec::with_capacity(path.len() + 1);
        match self.root {
            Root::Crate => segments.push("crate"),
            Root::Extern(krate) => segments.push(krate),
            Root::Bare => {}
        }
        let skip = usize::from(self.root == Root::Bare && path.first() == Some(&"types"));
        segments.extend(&path[skip..]);
        generic(&segments, Vec::new())
    }

    fn syn(&self, ty: &Ty) -> syn::Type {
        let simple = |name: &str| generic(&[name], Vec::new());
        match ty {
            Ty::String => simple("String"),
            Ty::Bool => simple("bool"),
            Ty::I32 => simple("i32"),
            Ty::I64 => simple("i64"),
            Ty::F64 => simple("f64"),
            Ty::DateTime => self.item(&["DateTime"]),
            Ty::Any => generic(&["serde_json", "Value"], Vec::new()),
            Ty::Named(id) => self.item(&["types", &self.space.get(*id).name]),
            Ty::Vec(inner) => generic(&["Vec"], vec![self.syn(inner)]),
            Ty::Map(inner) if **inner == Ty::Any => generic(
                &["serde_json", "Map"],
                vec![
                    simple("String"),
                    generic(&["serde_json", "Value"], Vec::new()),
                ],
            ),
            Ty::Map(inner) => generic(
                &["std", "collections", "BTreeMap"],
                vec![simple("String"), self.syn(inner)],
            ),
            Ty::Nullable(inner) => generic(&["Option"], vec![self.syn(inner)]),
        }
    }
}

/// The path type `a::b::C<args>`.
fn generic(path: &[&str], args: Vec<syn::Type>) -> syn::Type {
    let mut segments: Punctuated<syn::PathSegment, syn::Token![::]> = Punctuated::new();
    let last = path.len().saturating_sub(1);
    for (index, name) in path.iter().enumerate() {
        let arguments = if index == last && !args.is_empty() {
            syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
                colon2_token: None,
                lt_token: Default::default(),
                args: args
                    .iter()
                    .cloned()
                    .map(syn::GenericArgument::Type)
                    .collect(),
                gt_token: Default::default(),
            })
        } else {
            syn::PathArguments::None
        };
        segments.push(syn::PathSegment {
            ident: Ident::new(name, Span::call_site()),
            arguments,
        });
    }
    syn::Type::Path(syn::TypePath {
        qself: None,
        path: syn::Path {
            leading_colon: None,
            segments,
        },
    })
}

impl fmt::Debug for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RustType({self})")
    }
}

impl ToTokens for RustType {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.ty.to_tokens(tokens);
    }
}

impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        print(&self.ty, if self.compact { "," } else { ", " }, f)
    }
}

impl RustType {
    /// This type inside the generic type at `path` (`Option<T>`, `crate::Nullable<T>`).
    pub fn wrapped(self, path: &[&str]) -> RustType {
        RustType {
            ty: generic(path, vec![self.ty]),
            compact: self.compact,
        }
    }

    /// The lines of `prefix`, this type and `suffix` after `indent` spaces, broken as the
    /// formatter (prettyplease) breaks a type that does not fit in `width` columns: after the
    /// `<` of its generic arguments, each argument on a line of its own (laid out the same
    /// way, one level deeper, with a `,`), then the `>` and `suffix`. `None` when a line
    /// still does not fit (a path too long by itself), which the formatter may write otherwise.
    pub fn layout(
        &self,
        indent: usize,
        prefix: &str,
        suffix: &str,
        width: usize,
    ) -> Option<Vec<String>> {
        let mut lines = Vec::new();
        layout(&self.ty, indent, prefix, (suffix, 0), width, &mut lines).then_some(lines)
    }
}

/// [`RustType::layout`] of `ty` into `lines`; whether they fit. The last `uncounted` bytes of
/// `suffix` do not count against the width (the formatter writes the comma after a last
/// generic argument only once the list breaks).
fn layout(
    ty: &syn::Type,
    indent: usize,
    prefix: &str,
    (suffix, uncounted): (&str, usize),
    width: usize,
    lines: &mut Vec<String>,
) -> bool {
    let pad = " ".repeat(indent);
    let whole = format!("{pad}{prefix}{}{suffix}", Text(ty));
    if whole.len() - uncounted <= width {
        lines.push(whole);
        return true;
    }
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(syn::PathArguments::AngleBracketed(args)) =
        path.path.segments.last().map(|s| &s.arguments)
    else {
        return false;
    };
    let head: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let open = format!("{pad}{prefix}{}<", head.join("::"));
    let mut fits = open.len() <= width;
    lines.push(open);
    for (index, arg) in args.args.iter().enumerate() {
        let last = index + 1 == args.args.len();
        let syn::GenericArgument::Type(inner) = arg else {
            return false;
        };
        fits &= layout(
            inner,
            indent + 4,
            "",
            (",", usize::from(last)),
            width,
            lines,
        );
    }
    let close = format!("{pad}>{suffix}");
    fits &= close.len() <= width;
    lines.push(close);
    fits
}

/// A `syn::Type` of the renderer, as text (`, ` between generic arguments).
struct Text<'a>(&'a syn::Type);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        print(self.0, ", ", f)
    }
}

/// `a::b::C<D, E>`: the paths the renderer makes, as text.
fn print(ty: &syn::Type, separator: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let syn::Type::Path(path) = ty else {
        return write!(f, "{}", ty.to_token_stream());
    };
    for (index, segment) in path.path.segments.iter().enumerate() {
        if index > 0 {
            f.write_str("::")?;
        }
        write!(f, "{}", segment.ident)?;
        if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
            f.write_str("<")?;
            for (i, arg) in args.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(separator)?;
                }
                match arg {
                    syn::GenericArgument::Type(inner) => print(inner, separator, f)?,
                    other => write!(f, "{}", other.to_token_stream())?,
                }
            }
            f.write_str(">")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rendering_as_tokens_and_as_text() {
        let space = TypeSpace::default();
        let ty = Ty::Vec(Box::new(Ty::Map(Box::new(Ty::Nullable(Box::new(
            Ty::DateTime,
        ))))));
        let inside = Render::new(&space).ty(&ty);
        assert_eq!(
            inside.to_string(),
            "Vec<std::collections::BTreeMap<String, Option<crate::DateTime>>>"
        );
        let tokens: syn::Type = syn::parse2(inside.to_token_stream()).expect("a type");
        assert_eq!(
            tokens.to_token_stream().to_string(),
            inside.to_token_stream().to_string()
        );
        let bare = Render::with_root(&space, Root::Bare).ty(&Ty::Map(Box::new(Ty::Any)));
        assert_eq!(
            bare.to_string(),
            "serde_json::Map<String,serde_json::Value>"
        );
        let outside = Render::with_root(&space, Root::Extern("my_api")).boxed(&Ty::DateTime, true);
        assert_eq!(outside.to_string(), "Box<my_api::DateTime>");
    }
}
