//! A schema's `pattern`: checked against a value, and a string built to match it (for the
//! samples the generated tests send, which a validating mock server checks against it).
//!
//! Patterns are ECMA-262 regular expressions; those the `regex` crate reads the same way (most
//! of what specs use: anchors, classes, repetitions, alternations) are checked and sampled, and
//! a pattern it cannot read is neither (the check accepts, the sampler keeps its plain sample).

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

thread_local! {
    /// Compiled patterns (`None`: one the `regex` crate cannot read), by source text.
    static COMPILED: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// Whether `text` matches `pattern`; `None` when the pattern cannot be read.
pub fn matches(pattern: &str, text: &str) -> Option<bool> {
    COMPILED.with(|compiled| {
        compiled
            .borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).ok())
            .as_ref()
            .map(|regex| regex.is_match(text))
    })
}

/// A string that matches `pattern` with between `min` and `max` characters, when one of the
/// few this tries does: each repetition taken its least number of times, then a few more
/// (for a length bound), the first branch of each alternation, and letters or digits where a
/// class offers them.
pub fn sample(pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let within = |text: &String| {
        let length = text.chars().count();
        length >= min && max.is_none_or(|max| length <= max)
    };
    let mut extra = 0;
    loop {
        let mut text = String::new();
        build(&hir, extra, &mut text);
        if within(&text) && matches(pattern, &text) == Some(true) {
            return Some(text);
        }
        if extra > min.max(1) {
            return None;
        }
        extra = (extra * 2).max(1);
    }
}

/// Appends to `out` a string `hir` matches, each repetition taken `extra` times more than
/// its least where it allows.
fn build(hir: &Hir, extra: usize, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => out.extend(pick(class)),
        HirKind::Repetition(repetition) => {
            let least = repetition.min as usize;
            let count = match repetition.max {
                Some(most) => (least + extra).min(most as usize),
                None => least + extra,
            };
            for _ in 0..count {
                build(&repetition.sub, extra, out);
            }
        }
        HirKind::Capture(capture) => build(&capture.sub, extra, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| build(part, extra, out)),
        HirKind::Alternation(branches) => {
            if let Some(first) = branches.first() {
                build(first, extra, out);
            }
        }
    }
}

/// A character of `class`: a lowercase letter, a digit or an uppercase one where it has one,
/// else printable ASCII, else its first.
fn pick(class: &Class) -> Option<char> {
    const PREFERRED: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let contains = |c: char| match class {
        Class::Unicode(class) => class
            .ranges()
            .iter()
            .any(|r| r.start() <= c && c <= r.end()),
        Class::Bytes(class) => {
            c.is_ascii()
                && class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= c as u8 && c as u8 <= r.end())
        }
    };
    let first = match class {
        Class::Unicode(class) => class.ranges().first().map(|r| r.start()),
        Class::Bytes(class) => class
            .ranges()
            .first()
            .map(|r| r.start())
            .filter(u8::is_ascii)
            .map(char::from),
    };
    PREFERRED
        .chars()
        .chain((0x21u8..0x7f).map(char::from))
        .find(|c| contains(*c))
        .or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_match_the_patterns_specs_use() {
        let cases = [
            (r"^sha256:[a-f0-9]{64}$", 71, Some(71)),
            (r"^\d+\.\d+\.\d+$", 0, None),
            (
                r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$",
                0,
                None,
            ),
            (
                r"^ssh-(rsa|dss|ed25519) |^ecdsa-sha2-nistp(256|384|521) ",
                0,
                None,
            ),
            (r"^[0-9a-f]{32}$", 0, None),
            (r"^[a-z]+$", 12, Some(20)),
        ];
        for (pattern, min, max) in cases {
            let text =
                sample(pattern, min, max).unwrap_or_else(|| panic!("no sample for {pattern}"));
            assert_eq!(matches(pattern, &text), Some(true), "{pattern}: {text}");
            assert!(text.len() >= min, "{pattern}: {text} is shorter than {min}");
        }
        assert_eq!(
            sample(r"^\d+\.\d+\.\d+$", 0, None).as_deref(),
            Some("0.0.0")
        );
    }

    #[test]
    fn a_pattern_that_cannot_be_met_or_read_has_no_sample() {
        assert_eq!(sample(r"^[a-z]{3}$", 5, None), None);
        assert_eq!(sample(r"(?<=a)b", 0, None), None);
        assert_eq!(matches(r"(?<=a)b", "ab"), None);
        assert_eq!(matches(r"^a+$", "aaa"), Some(true));
        assert_eq!(matches(r"^a+$", "b"), Some(false));
    }
}
