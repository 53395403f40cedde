//! Operations: which method of which resource each spec operation becomes, with its
//! parameters, body, response and pagination. Plain data: every kind is an enum, so a new
//! kind is a compile error wherever it must be handled.

mod bodies;
mod lower;
mod naming;
mod params;

use std::fmt;

pub use lower::operations;

use super::names;
use super::pointer::Pointer;
use super::types::Ty;

/// One method of the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Dotted resource path segments (`["zero_trust", "access", "applications"]`).
    pub resource: Vec<String>,
    /// Method identifier (`list`).
    pub name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template; after the scope prefix when the method takes a scope.
    pub path: PathTemplate,
    /// The spec operations behind it (one per scope prefix it exists under).
    pub sources: Vec<Source>,
    /// Takes a `Scope` (the operation exists under several scope prefixes).
    pub scoped: bool,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Parameters: the path's in path order (excluding the scope), then the others in spec
    /// order.
    pub params: Vec<Param>,
    /// What the request carries.
    pub body: RequestBody,
    /// What a successful response carries.
    pub response: ResponseBody,
    /// The headers its success responses declare (read them with `send_with_response`).
    pub response_headers: Vec<ResponseHeader>,
    /// An example of a JSON success response does not fit its schema (a mock server that
    /// serves the spec's examples answers outside the spec).
    pub misfit_examples: bool,
    /// It declares a redirect (3xx) and no success (2xx) response: the API answers with a
    /// `Location` to fetch (a download elsewhere), which the client follows.
    pub redirect_only: bool,
    /// How the pages of a list are walked.
    pub pagination: Pagination,
    /// The security requirements: alternatives, each the schemes sent together (by name). No
    /// alternative: no authentication; an empty one: authentication is optional.
    pub security: Vec<Vec<String>>,
    /// The error responses the spec declares, with the type of each body (sorted: codes, then
    /// classes, then `default`).
    pub errors: Vec<ErrorResponse>,
    /// Which of [`crate::ir::Api::error_sets`] its errors are (operations with the same
    /// errors share a decoder).
    pub error_set: Option<usize>,
    /// The other media types the request body may take, each a method of its own (named
    /// with the suffix): the body and its form fields. Emptied by [`expand_alternatives`].
    pub alternatives: Vec<(String, RequestBody, Vec<Param>)>,
}

/// Form fields whose identifier another parameter (or the scope, or a body) has get a
/// `_field` suffix.
pub fn distinct_field_idents(params: &mut [Param]) {
    let mut used: std::collections::BTreeSet<String> = params
        .iter()
        .filter(|p| !matches!(p.location, ParamLocation::Field(_)))
        .map(|p| names::bare(&p.ident).to_string())
        .collect();
    used.extend(["scope".to_string(), "body".to_string()]);
    for p in params
        .iter_mut()
        .filter(|p| matches!(p.location, ParamLocation::Field(_)))
    {
        if !used.insert(names::bare(&p.ident).to_string()) {
            p.ident = format!("{}_field", names::bare(&p.ident));
            used.insert(p.ident.clone());
        }
    }
}

/// A method for each alternative body of an operation (`update_multipart` beside `update`),
/// right after it; a suffixed name already taken gets a number.
pub fn expand_alternatives(operations: Vec<Operation>) -> Vec<Operation> {
    let mut out: Vec<Operation> = Vec::with_capacity(operations.len());
    for mut op in operations {
        let alternatives = std::mem::take(&mut op.alternatives);
        let base = op.clone();
        out.push(op);
        for (suffix, body, fields) in alternatives {
            let mut alternative = base.clone();
            let stem = format!("{}_{suffix}", names::bare(&base.name));
            let taken = |name: &str, ops: &[Operation]| {
                ops.iter()
                    .any(|o| o.resource == base.resource && names::bare(&o.name) == name)
            };
            let mut name = stem.clone();
            let mut n = 2;
            while taken(&name, &out) {
                name = format!("{stem}_{n}");
                n += 1;
            }
            alternative.name = names::keyword_safe(name);
            alternative
                .params
                .retain(|p| !matches!(p.location, ParamLocation::Field(_)));
            alternative.params.extend(fields);
            distinct_field_idents(&mut alternative.params);
            alternative.body = body;
            out.push(alternative);
        }
    }
    out
}

/// A header a success response declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    /// Its name, as the spec spells it.
    pub name: String,
    /// The statuses that declare it (`200`, `2XX`).
    pub statuses: Vec<String>,
    /// The spec's description.
    pub description: Option<String>,
}

/// An error response an operation declares.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// Which statuses it covers.
    pub status: StatusMatch,
    /// The type of its JSON body.
    pub ty: Ty,
    /// A JSON body its schema does not accept (for the generated test that such a body is
    /// reported with an excerpt), or `None` when the schema accepts every value tried.
    pub foreign: Option<serde_json::Value>,
}

/// The statuses an error response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status (`404`).
    Code(u16),
    /// A class (`4XX`: 4).
    Class(u16),
    /// Every status no other response of the operation names.
    Default,
}

/// Sorts each operation's errors and numbers the distinct sets; returns the sets.
pub fn assign_error_sets(operations: &mut [Operation]) -> Vec<Vec<ErrorResponse>> {
    let mut sets: Vec<Vec<ErrorResponse>> = Vec::new();
    for op in operations.iter_mut() {
        if op.errors.is_empty() {
            continue;
        }
        op.errors.sort_by_key(|e| e.status);
        let same = |set: &Vec<ErrorResponse>| {
            set.len() == op.errors.len()
                && set
                    .iter()
                    .zip(&op.errors)
                    .all(|(a, b)| a.status == b.status && a.ty == b.ty)
        };
        op.error_set = Some(match sets.iter().position(same) {
            Some(index) => index,
            None => {
                sets.push(op.errors.clone());
                sets.len() - 1
            }
        });
    }
    sets
}

/// One spec operation behind a method.
#[derive(Debug, Clone)]
pub struct Source {
    /// The scope whose prefix its path starts with (`account`), if any.
    pub scope: Option<String>,
    /// The full path as the spec writes it.
    pub path: String,
    /// Its `operationId` (empty when it has none).
    pub operation_id: String,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl HttpMethod {
    /// The method of a path item's key (`get`), if it is one.
    pub fn parse(key: &str) -> Option<Self> {
        Some(match key.to_ascii_lowercase().as_str() {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// Uppercase, as on the wire: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template, parsed once: `/apps/{app_id}/policies` is a literal, a parameter, a
/// literal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathTemplate {
    /// The segments between slashes.
    pub segments: Vec<Segment>,
}

/// One segment of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text as it is.
    Literal(String),
    /// `{name}`: a path parameter.
    Param(String),
    /// Literal text and parameters in one segment (`{base}...{head}`, `{name}.json`): at least
    /// one parameter, in order, with no two literals next to each other.
    Mixed(Vec<Part>),
}

/// A piece of a [`Segment::Mixed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text as it is.
    Literal(String),
    /// `{name}`: a path parameter.
    Param(String),
}

impl Segment {
    /// Parse the text between two slashes: `{name}` anywhere is a parameter (a `{` without its
    /// `}`, or braces around nothing, are text).
    pub fn parse(text: &str) -> Self {
        let mut parts: Vec<Part> = Vec::new();
        let mut rest = text;
        let mut literal = String::new();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let name = after
                .find('}')
                .map(|close| &after[..close])
                .filter(|name| !name.is_empty() && !name.contains('{'));
            let Some(name) = name else {
                literal.push_str(&rest[..=open]);
                rest = after;
                continue;
            };
            literal.push_str(&rest[..open]);
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(Part::Param(name.to_string()));
            rest = &after[name.len() + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        match parts.as_slice() {
            [Part::Param(name)] => Segment::Param(name.clone()),
            _ if parts.iter().all(|p| matches!(p, Part::Literal(_))) => {
                Segment::Literal(text.to_string())
            }
            _ => Segment::Mixed(parts),
        }
    }

    /// The names of its parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        let (single, parts) = match self {
            Segment::Literal(_) => (None, &[][..]),
            Segment::Param(name) => (Some(name.as_str()), &[][..]),
            Segment::Mixed(parts) => (None, parts.as_slice()),
        };
        single
            .into_iter()
            .chain(parts.iter().filter_map(|p| match p {
                Part::Param(name) => Some(name.as_str()),
                Part::Literal(_) => None,
            }))
    }

    /// Its text and parameters in order: one part, or the parts of a mixed segment.
    pub fn parts(&self) -> Vec<Part> {
        match self {
            Segment::Literal(text) => vec![Part::Literal(text.clone())],
            Segment::Param(name) => vec![Part::Param(name.clone())],
            Segment::Mixed(parts) => parts.clone(),
        }
    }

    /// Whether `other` is the same segment but for the names of parameters: a path matches a
    /// prefix whatever its parameters are called.
    pub fn same_shape(&self, other: &Segment) -> bool {
        match (self, other) {
            (Segment::Param(_), Segment::Param(_)) => true,
            (Segment::Mixed(a), Segment::Mixed(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|pair| match pair {
                        (Part::Param(_), Part::Param(_)) => true,
                        (Part::Literal(x), Part::Literal(y)) => x == y,
                        _ => false,
                    })
            }
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Segment {
    /// The segment as a template writes it (without the slash).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Literal(text) => f.write_str(text),
            Segment::Param(name) => write!(f, "{{{name}}}"),
            Segment::Mixed(parts) => parts.iter().try_for_each(|part| match part {
                Part::Literal(text) => f.write_str(text),
                Part::Param(name) => write!(f, "{{{name}}}"),
            }),
        }
    }
}

impl PathTemplate {
    /// Parse `/a/{b}/c`.
    pub fn parse(path: &str) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(Segment::parse)
            .collect();
        PathTemplate { segments }
    }

    /// The names of its parameters, in order (a name used twice, twice).
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().flat_map(Segment::params)
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for segment in &self.segments {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie of the `Cookie` header.
    Cookie,
    /// A field of a form body (`multipart/form-data` or `application/x-www-form-urlencoded`),
    /// encoded as it says.
    Field(FieldEncoding),
}

/// How a field of a form body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldEncoding {
    /// Its value as text (a scalar, or each item of a list of scalars).
    Text,
    /// JSON text (an object or array, or where the spec's `encoding` says so).
    Json,
    /// A file: bytes ([`crate::ir::types::Ty`] is `String` only as a placeholder).
    File,
    /// Several files under the one name.
    Files,
}

impl ParamLocation {
    /// The location as the spec writes it (`query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Field(_) => "body",
        }
    }
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name in the spec.
    pub name: String,
    /// Rust identifier.
    pub ident: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Type.
    pub ty: Ty,
    /// Must be given (path parameters always are).
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// JSON pointer of the parameter's schema.
    pub schema: Pointer,
    /// A schema-valid sample value, for the generated tests.
    pub sample: serde_json::Value,
    /// How the values of a list go into a query parameter: `None` repeats the parameter
    /// (`style: form` with `explode`, the default), else they are joined by this separator
    /// into one (`explode: false`: `,`; `spaceDelimited`: ` `; `pipeDelimited`: `|`).
    /// Header and cookie lists are always joined by `,` (`style: simple`).
    pub separator: Option<char>,
}

/// What a request carries.
#[derive(Debug, Clone)]
pub enum RequestBody {
    /// Nothing.
    None,
    /// A JSON value.
    Json(JsonBody),
    /// A form: its fields are the operation's parameters at [`ParamLocation::Field`].
    Form {
        /// The media type (`multipart/form-data`).
        media: String,
        /// `multipart/form-data` (else `application/x-www-form-urlencoded`).
        multipart: bool,
    },
    /// The whole body is one value: bytes, or text.
    Raw {
        /// The media type (`application/octet-stream`, `text/plain`).
        media: String,
        /// Text (else bytes).
        text: bool,
    },
}

/// A JSON request body.
#[derive(Debug, Clone)]
pub struct JsonBody {
    /// Type.
    pub ty: Ty,
    /// Must be given.
    pub required: bool,
    /// JSON pointer of the body's schema (empty when it has none).
    pub schema: Pointer,
    /// A schema-valid sample, for the generated tests.
    pub sample: serde_json::Value,
}

/// What a successful response carries.
#[derive(Debug, Clone)]
pub enum ResponseBody {
    /// Nothing (or nothing the client reads).
    Empty,
    /// JSON, read as `shape` says.
    Json {
        /// The type the method returns (for a page, the type of an item).
        ty: Ty,
        /// Where the value sits in the body.
        shape: JsonShape,
    },
    /// Bytes (an image, an archive), of `media`.
    Binary {
        /// The media type asked for (`image/png`, `*/*`).
        media: String,
    },
    /// Text (UTF-8), of `media`.
    Text {
        /// The media type asked for (`text/plain`).
        media: String,
    },
    /// Several success responses with different bodies: one of them, by status.
    Several(Vec<StatusBody>),
}

/// One success response of an operation that has several.
#[derive(Debug, Clone)]
pub struct StatusBody {
    /// Its status (`201`) or class (`2XX`).
    pub status: StatusMatch,
    /// The name of its variant (`Created`).
    pub variant: String,
    /// What it carries (never [`ResponseBody::Several`]).
    pub body: ResponseBody,
}

impl ResponseBody {
    /// The JSON types it holds (one, or one per response of several).
    pub fn types(&self) -> Vec<&Ty> {
        match self {
            ResponseBody::Json { ty, .. } => vec![ty],
            ResponseBody::Several(bodies) => bodies.iter().flat_map(|b| b.body.types()).collect(),
            ResponseBody::Empty | ResponseBody::Binary { .. } | ResponseBody::Text { .. } => {
                Vec::new()
            }
        }
    }

    /// [`ResponseBody::types`], to change them.
    pub fn types_mut(&mut self) -> Vec<&mut Ty> {
        match self {
            ResponseBody::Json { ty, .. } => vec![ty],
            ResponseBody::Several(bodies) => {
                bodies.iter_mut().flat_map(|b| b.body.types_mut()).collect()
            }
            ResponseBody::Empty | ResponseBody::Binary { .. } | ResponseBody::Text { .. } => {
                Vec::new()
            }
        }
    }
}

/// Where the value of a JSON response sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// The body itself.
    Plain,
    /// The `result` of an envelope.
    Result,
    /// A list in the `result` of an envelope, with `result_info`: a page of items.
    Page,
}

/// How the pages of a list are walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// Not a list of pages.
    None,
    /// One page; nothing asks for the next.
    Single,
    /// By page number: the query parameter `page` (and the page size).
    PageNumber {
        /// The page number's query parameter.
        page: String,
    },
    /// By an opaque cursor in the query parameter `cursor`.
    Cursor {
        /// The cursor's query parameter.
        cursor: String,
    },
}

impl Operation {
    /// The types of its parameters, body and response.
    pub fn types(&self) -> impl Iterator<Item = &Ty> {
        let body = self.json_body().map(|body| &body.ty);
        self.params
            .iter()
            .map(|p| &p.ty)
            .chain(body)
            .chain(self.response.types())
    }

    /// [`Operation::types`], to change them.
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut Ty> {
        let body = match &mut self.body {
            RequestBody::Json(body) => Some(&mut body.ty),
            RequestBody::None | RequestBody::Form { .. } | RequestBody::Raw { .. } => None,
        };
        self.params
            .iter_mut()
            .map(|p| &mut p.ty)
            .chain(body)
            .chain(self.response.types_mut())
            .chain(self.errors.iter_mut().map(|e| &mut e.ty))
    }

    /// The parameters at `location`.
    pub fn params_in(&self, location: ParamLocation) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// The parameters a caller passes as arguments, in order: the path's, then the required
    /// others.
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        let path = self.params_in(ParamLocation::Path);
        let required = self
            .params
            .iter()
            .filter(|p| p.required && p.location != ParamLocation::Path);
        path.chain(required)
    }

    /// The optional parameters, set through the request builder.
    pub fn options(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }

    /// The JSON body, if it takes one.
    pub fn json_body(&self) -> Option<&JsonBody> {
        match &self.body {
            RequestBody::Json(body) => Some(body),
            RequestBody::None | RequestBody::Form { .. } | RequestBody::Raw { .. } => None,
        }
    }

    /// `zero_trust.access.applications.list`
    pub fn dotted(&self) -> String {
        let mut path = self.resource.join(".");
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(names::bare(&self.name));
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_once_and_print_back() {
        let path = PathTemplate::parse("/apps/{app_id}/policies/");
        assert_eq!(
            path.segments,
            vec![
                Segment::Literal("apps".into()),
                Segment::Param("app_id".into()),
                Segment::Literal("policies".into()),
            ]
        );
        assert_eq!(path.to_string(), "/apps/{app_id}/policies");
        assert_eq!(path.params().collect::<Vec<_>>(), ["app_id"]);
        assert_eq!(PathTemplate::parse("").to_string(), "/");
        assert_eq!(HttpMethod::parse("Patch"), Some(HttpMethod::Patch));
        assert_eq!(HttpMethod::parse("query"), None);
    }

    #[test]
    fn a_segment_may_mix_literals_and_parameters() {
        let path = PathTemplate::parse("/repos/{owner}/compare/{base}...{head}");
        assert_eq!(
            path.segments[3],
            Segment::Mixed(vec![
                Part::Param("base".into()),
                Part::Literal("...".into()),
                Part::Param("head".into()),
            ])
        );
        assert_eq!(path.params().collect::<Vec<_>>(), ["owner", "base", "head"]);
        assert_eq!(path.to_string(), "/repos/{owner}/compare/{base}...{head}");
        assert_eq!(
            Segment::parse("v{major}.{minor}.json"),
            Segment::Mixed(vec![
                Part::Literal("v".into()),
                Part::Param("major".into()),
                Part::Literal(".".into()),
                Part::Param("minor".into()),
                Part::Literal(".json".into()),
            ])
        );
        // Braces that enclose no name are text.
        for text in ["a{", "{}", "}{", "a{b", "{{x}"] {
            let segment = Segment::parse(text);
            assert_eq!(segment.to_string(), text, "{segment:?}");
        }
        assert_eq!(Segment::parse("a{b"), Segment::Literal("a{b".into()));
        assert_eq!(
            Segment::parse("{{x}"),
            Segment::Mixed(vec![Part::Literal("{".into()), Part::Param("x".into())])
        );
        assert!(Segment::parse("{a}-{b}").same_shape(&Segment::parse("{x}-{y}")));
        assert!(!Segment::parse("{a}-{b}").same_shape(&Segment::parse("{x}.{y}")));
    }
}
