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
    let lines = values(text);
    quote! { #(#[doc = #lines])* }
}

/// The value of each `#[doc]` attribute for already-clean markdown: a line each, after a
/// space, without trailing white space.
fn values(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|line| format!(" {line}").trim_end().to_string())
}

/// Already-clean markdown as `///` comments, each line after `indent`, as the formatter
/// writes the attributes of [`lines`].
pub fn comment_text(out: &mut String, indent: &str, text: &str) {
    for value in values(text) {
        out.push_str(indent);
        out.push_str("///");
        out.push_str(&value);
        out.push('\n');
    }
}

/// `#![doc = "..."]` inner attributes for already-clean markdown.
pub fn inner_lines(text: &str) -> TokenStream {
    let lines = values(text);
    quote! { #(#![doc = #lines])* }
}

/// Make spec prose safe for rustdoc: fences become `text` blocks, tabs spaces, and leading
/// indentation goes (it would make an indented code block, and a doctest) except where it
/// places a line inside a Markdown list, see `Lists`.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    let mut lists = Lists::default();
    let text = text.replace('\t', "    ");
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
            lists = Lists::default();
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            let indent = lists.indent(line.len() - trimmed.len(), trimmed);
            out.push_str(&" ".repeat(indent));
            match list_marker(trimmed) {
                // One space after the marker, where the item's content column is.
                Some(width) => {
                    out.push_str(&trimmed[..width]);
                    out.push_str(&escape_inline(trimmed[width..].trim_start()));
                }
                None => out.push_str(&escape_inline(trimmed)),
            }
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_string()
}

/// The Markdown lists open at a line, so that a line inside a list item keeps it: the item
/// lines are written at their nesting depth and the lines that continue an item (lazily, at
/// any indentation, or indented after a blank line) at the item's content column. Every other
/// line starts at column 0, so no indentation can make a code block.
#[derive(Default)]
struct Lists {
    /// The open items, outermost first: the indentation of the marker in the spec and the
    /// column of the item's content in the output.
    open: Vec<(usize, usize)>,
    /// Whether the previous line was blank.
    after_blank: bool,
}

impl Lists {
    /// The output indentation of a line indented by `source` whose text is `trimmed`.
    fn indent(&mut self, source: usize, trimmed: &str) -> usize {
        if trimmed.is_empty() {
            self.after_blank = true;
            return 0;
        }
        let after_blank = std::mem::replace(&mut self.after_blank, false);
        if let Some(marker) = list_marker(trimmed) {
            // Items whose marker is indented as much or more are siblings or their children.
            while self.open.last().is_some_and(|&(at, _)| at >= source) {
                self.open.pop();
            }
            let column = self.open.last().map_or(0, |&(_, content)| content);
            self.open.push((source, column + marker));
            return column;
        }
        if after_blank {
            // After a blank line, only an indented line continues an item: the innermost one
            // whose marker is indented less.
            while self.open.last().is_some_and(|&(at, _)| at >= source) {
                self.open.pop();
            }
        }
        self.open.last().map_or(0, |&(_, content)| content)
    }
}

/// The width of the list marker and the space after it that start `line` (`- `, `* `, `+ `,
/// `1. `, `1) `), if it starts a list item.
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..10).contains(&digits) => digits + 1,
        _ => return None,
    };
    (line.as_bytes().get(marker) == Some(&b' ')).then_some(marker + 1)
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

    #[test]
    fn list_items_keep_their_lines() {
        // A lazy continuation is indented to the item's content, a nested list keeps its
        // depth, and a paragraph indented after a blank line stays in its item.
        let spec = "Notes:\n\n- one goes on\nhere.\n- two:\n  - nested goes on\nhere.\n  \
                    -   second nested\n\n    more of it.\n- three\n\nAfter.\n    not code.";
        let want = "Notes:\n\n- one goes on\n  here.\n- two:\n  - nested goes on\n    here.\n  \
                    - second nested\n\n    more of it.\n- three\n\nAfter.\nnot code.";
        assert_eq!(sanitize(spec), want);
        // Ordered items, and lines that only look like markers.
        assert_eq!(sanitize("1. a\nb\n10) c\nd"), "1. a\n   b\n10) c\n    d");
        assert_eq!(sanitize("**bold**\n-x\n    y"), "**bold**\n-x\ny");
        // A fence ends the lists.
        assert_eq!(sanitize("- a\n```\nx\n```\nb"), "- a\n```text\nx\n```\nb");
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(sanitize("| a\t| b |"), "| a    | b |");
        assert_eq!(sanitize("- a\n\tb"), "- a\n  b");
        assert_eq!(sanitize("```\n\tx\n```"), "```text\n    x\n```");
    }
}
