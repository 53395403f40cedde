//! The generation config (`spec/<target>.toml`): which spec, which operations, which names.
//!
//! Everything is optional: without a config the generator takes every operation of the spec
//! and derives names from paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// A parsed generation config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Package metadata of the generated crate.
    #[serde(default, rename = "crate")]
    pub krate: CrateConfig,
    /// Where the spec comes from and which overlays apply.
    #[serde(default)]
    pub spec: SpecConfig,
    /// Which operations are generated.
    #[serde(default)]
    pub select: SelectConfig,
    /// Path prefixes merged into one `Scope` parameter, by scope name (`account`, `zone`).
    #[serde(default)]
    pub scopes: BTreeMap<String, String>,
    /// Type naming.
    #[serde(default)]
    pub types: TypesConfig,
    /// Resources by path prefix.
    #[serde(default)]
    pub resources: Vec<ResourceConfig>,
    /// Method name overrides, keyed by `"<METHOD> <path after the scope prefix>"`.
    #[serde(default)]
    pub methods: BTreeMap<String, MethodOverride>,
    /// Cargo features of the generated crate.
    #[serde(default)]
    pub features: FeaturesConfig,
    /// Problems accepted with their fallback (everything else the generator cannot model
    /// faithfully stops generation).
    #[serde(default)]
    pub lenient: LenientConfig,
    /// How unions are generated.
    #[serde(default)]
    pub unions: UnionsConfig,
    /// What the spec cannot say about the API's responses: its envelope, its request ids.
    #[serde(default)]
    pub convention: ConventionConfig,
    /// Environment variables `Client::from_env` reads.
    #[serde(default)]
    pub env: EnvConfig,
    /// How the credentials of the security schemes are grouped and named.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Directory the config was read from; relative paths in it are resolved against it.
    #[serde(skip)]
    pub dir: PathBuf,
    /// The config file itself, for error messages.
    #[serde(skip)]
    pub file: String,
}

/// Package metadata of the generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// Package name (`cloudflare-access`).
    pub name: Option<String>,
    /// Package version.
    pub version: Option<String>,
    /// One-line description.
    pub description: Option<String>,
    /// SPDX license of the generated crate (default `MIT OR Apache-2.0`).
    pub license: Option<String>,
    /// Repository URL for the package metadata.
    pub repository: Option<String>,
    /// crates.io keywords (default `api`, `client`, `openapi`).
    pub keywords: Option<Vec<String>>,
    /// A directory (relative to the config) of files copied into the crate as they are:
    /// a hand-written `README.md` (it replaces the generated one and becomes the crate docs),
    /// `examples/*.rs`.
    pub files: Option<String>,
    /// Markdown appended to the generated crate docs and README (what the spec cannot say:
    /// where to get credentials, rate limits, support).
    pub docs: Option<String>,
}

/// Spec source and overlays.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecConfig {
    /// Where the pinned spec can be downloaded.
    pub url: Option<String>,
    /// Expected sha256 of the spec file, lowercase hex.
    pub sha256: Option<String>,
    /// Local places to look first, relative to the workspace root.
    #[serde(default)]
    pub search: Vec<String>,
    /// Overlay files, relative to the config file, applied in order.
    #[serde(default)]
    pub overlays: Vec<String>,
}

/// Operation selection by path regex.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectConfig {
    /// A path is selected when it matches any of these (all paths when empty).
    #[serde(default)]
    pub include: Vec<String>,
    /// ... and none of these.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Type naming options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesConfig {
    /// Vendor prefixes dropped from component schema names.
    #[serde(default)]
    pub strip_prefixes: Vec<String>,
    /// Component schema name -> Rust type name.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

/// Cargo features of the generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesConfig {
    /// Dotted resource paths (`zero_trust.access`) whose child resources each become a Cargo
    /// feature named after the child (`applications`), gating it, everything below it and the
    /// types only it uses; `""` is the root (one feature per top-level resource). The default
    /// feature `full` enables them all. Empty: no features.
    #[serde(default)]
    pub split: Vec<String>,
}

/// Problems the config accepts: each is generated with the fallback its warning names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LenientConfig {
    /// JSON pointers (`#/paths/...`, `#/components/schemas/...`); a problem at one of them or
    /// below it is accepted. An entry that matches no problem is an error, so the list cannot
    /// go stale silently.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// How unions are generated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionsConfig {
    /// A union whose variants overlap (no tag, no single key, and no order in which each
    /// variant rejects every value of the variants after it) is generated as a type that keeps
    /// the value as received and offers a typed view as each variant. `warn` (the default) says
    /// so in a notice; `error` makes it a problem, which stops generation unless accepted.
    #[serde(default)]
    pub overlapping: OverlapPolicy,
}

/// What the spec cannot say about an API's responses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionConfig {
    /// The response envelope: `none` (the body is the value) or `cloudflare` (`success`,
    /// `errors`, `messages`, `result`, `result_info`: the result is unwrapped, lists are pages,
    /// errors carry the envelope's errors and messages).
    #[serde(default)]
    pub envelope: EnvelopeConvention,
    /// A response header that identifies a request for the API's support (`cf-ray`), kept
    /// on errors.
    pub request_id_header: Option<String>,
}

/// The response envelope of an API: see [`ConventionConfig::envelope`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvelopeConvention {
    /// No envelope: the body is the value.
    #[default]
    None,
    /// Cloudflare's: `success`, `errors`, `messages`, `result`, `result_info`.
    Cloudflare,
}

/// Environment variables of `Client::from_env`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// Prefix of the default variable names (`MYAPI` gives `MYAPI_BASE_URL`,
    /// `MYAPI_BEARER_AUTH`); default: the crate name without `-client`, in upper snake case.
    pub prefix: Option<String>,
    /// The variable of the base URL.
    pub base_url: Option<String>,
    /// The variable of each security scheme's credential, by scheme name (a basic scheme's
    /// user name and password are `<VAR>_USERNAME` and `<VAR>_PASSWORD`).
    #[serde(default)]
    pub schemes: BTreeMap<String, String>,
}

/// How credentials are grouped into the modes a client authenticates with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Named credential modes. Without them each set of schemes an operation accepts is a
    /// mode named after its schemes.
    #[serde(default)]
    pub modes: Vec<AuthMode>,
}

/// A credential mode: the security schemes one way of authenticating sends together.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthMode {
    /// Name (snake case): the builder method, and in UpperCamelCase the `Credentials` variant.
    pub name: String,
    /// The security schemes it sends, as the spec names them.
    pub schemes: Vec<String>,
    /// The names of its values (one per scheme), when there are several.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
}

/// What an overlapping union is: see [`UnionsConfig::overlapping`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverlapPolicy {
    /// A notice; the union is generated in its overlapping form.
    #[default]
    Warn,
    /// A problem: generation stops unless `--lenient` or `[lenient] allow` accepts it.
    Error,
}

/// A resource of the client, by path prefix.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceConfig {
    /// Path template after the scope prefix (`/access/apps/{app_id}/policies`).
    pub prefix: String,
    /// SDK-style dotted path (`zero_trust.access.applications.policies`).
    pub path: String,
    /// One-line documentation of the resource.
    pub doc: Option<String>,
}

/// A method name override.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum MethodOverride {
    /// Just the method name.
    Name(String),
    /// A resource and a name.
    Full {
        /// Dotted resource path.
        resource: Option<String>,
        /// Method name.
        name: String,
    },
}

impl Config {
    /// Read a config from a TOML file.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file = path.display().to_string();
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            file: file.clone(),
            message: e.to_string(),
        })?;
        config.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.file = file;
        Ok(config)
    }

    /// A config error in this file.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::Config {
            file: if self.file.is_empty() {
                "<default config>".into()
            } else {
                self.file.clone()
            },
            message: message.into(),
        }
    }
}
