//! Spec text made into rustdoc that renders and passes `-D warnings`: no accidental doctests,
//! HTML, or intra-doc links; bare URLs made into links.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text` (nothing for `None`).
pub fn attrs(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => lines(&sanitize(text)),
        None => TokenStream::new(),
    }
}

/// `#[doc]` attributes for already-clean markdown.
pub fn lines(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {line}").trim_end().to_string());
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = "..."]` inner attributes for already-clean markdown.
pub fn inner_lines(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {line}").trim_end().to_string());
    quote! { #(#![doc = #lines])* }
}

/// Make spec prose safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for raw_line in text.trim().lines() {
        let line = raw_line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Every fence becomes a `text` block: spec snippets are not Rust doctests.
            if in_fence {
                out.push_str("```\n");
            } else {
                out.push_str("```text\n");
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            // Leading indentation would make an indented code block (and a doctest).
            out.push_str(&escape_inline(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_string()
}

fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code && (rest.starts_with("http://") || rest.starts_with("https://")) {
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']' | '`')
                })
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if !in_code {
            match c {
                '[' | ']' | '<' | '>' => {
                    out.push('\\');
                }
                _ => {}
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the doc.
        out = out.replace('`', "'");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes() {
        assert_eq!(
            sanitize("See https://example.com/x."),
            "See <https://example.com/x>."
        );
        assert_eq!(sanitize("a [b] <c>"), "a \\[b\\] \\<c\\>");
        assert_eq!(sanitize("    indented"), "indented");
        assert_eq!(sanitize("```\nfn x\n```"), "```text\nfn x\n```");
        assert_eq!(sanitize("`a<b>` c<d>"), "`a<b>` c\\<d\\>");
    }
}
