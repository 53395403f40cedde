//! Errors of the generator: every one names the file and, where it applies, the JSON pointer.

use std::path::PathBuf;

/// Anything that stops a generation run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The spec (or an overlay applied to it) is not what the generator can work with.
    #[error("{file}: {pointer}: {message}")]
    Spec {
        /// The spec file.
        file: String,
        /// JSON pointer (RFC 6901, as a URI fragment `#/...`) to the offending node.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The generation config is invalid.
    #[error("{file}: {message}")]
    Config {
        /// The config file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// An overlay action could not be applied.
    #[error("{file}: actions[{action}] (target `{target}`): {message}")]
    Overlay {
        /// The overlay file.
        file: String,
        /// Index of the action in the overlay's `actions` array.
        action: usize,
        /// The action's JSONPath target.
        target: String,
        /// What is wrong.
        message: String,
    },
    /// The spec has constructs the generator cannot model faithfully, and neither `--lenient`
    /// nor the config's `[lenient] allow` list accepts them.
    #[error("{}", problems_message(file, problems))]
    Problems {
        /// The spec file.
        file: String,
        /// Every refused problem, sorted by pointer.
        problems: Vec<Warning>,
    },
    /// The spec could not be found or does not match its pin.
    #[error("{0}")]
    Source(String),
}

fn problems_message(file: &str, problems: &[Warning]) -> String {
    let mut text = String::new();
    for problem in problems {
        text.push_str(&format!("{file}: {problem}\n"));
    }
    text.push_str(&format!(
        "{} problem(s) stop generation: fix the spec with an overlay, list the pointers under \
         [lenient] allow in the config, or pass --lenient to accept every fallback",
        problems.len()
    ));
    text
}

/// "not JSON (line 3, column 7): trailing comma" for a syntax error, else serde's message
/// without its position suffix.
pub(crate) fn json_error_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    if error.is_syntax() || error.is_eof() {
        format!(
            "not JSON (line {}, column {}): {message}",
            error.line(),
            error.column()
        )
    } else {
        message.to_string()
    }
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A spec error at `pointer` in `file`.
    pub fn spec(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Spec {
            file: file.to_string(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Something the generator says about a construct of the spec: a problem (the construct is
/// skipped or simplified, losing information; refused unless accepted) or a notice (generated
/// faithfully, in a form worth knowing about).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// JSON pointer of the construct.
    pub pointer: String,
    /// What was done about it.
    pub message: String,
    /// Whether it stops generation by default.
    pub kind: WarningKind,
}

/// How serious a [`Warning`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// Information is lost (a fallback to any JSON, a skipped parameter): generation stops
    /// unless `--lenient` or the config's `[lenient] allow` accepts it.
    Problem,
    /// The construct is generated without loss, in a form the user should know about (a union
    /// whose variants overlap, kept as received with a typed view per variant).
    Notice,
}

impl Warning {
    /// A problem at `pointer`.
    pub fn problem(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
            kind: WarningKind::Problem,
        }
    }

    /// A notice at `pointer`.
    pub fn notice(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
            kind: WarningKind::Notice,
        }
    }

    /// Whether this stops generation by default.
    pub fn is_problem(&self) -> bool {
        self.kind == WarningKind::Problem
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            WarningKind::Problem => write!(f, "{}: {}", self.pointer, self.message),
            WarningKind::Notice => write!(f, "{}: note: {}", self.pointer, self.message),
        }
    }
}
