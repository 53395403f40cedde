//! What the spec says about the API as a whole: its servers and security schemes, and the
//! credential modes a client authenticates with; and what the config adds that the spec cannot
//! say (environment variable names, the response convention).

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};

use super::names;
use super::ops::{Operation, ParamLocation};
use crate::config::{Config, EnvelopeConvention};
use crate::error::{Result, Warning};
use crate::load::spec::{escape_token, Spec};

/// The API as a whole.
#[derive(Debug, Clone, Default)]
pub struct Service {
    /// The servers the spec declares; the first is the default.
    pub servers: Vec<Server>,
    /// The security schemes operations use, in spec order.
    pub schemes: Vec<Scheme>,
    /// The ways a client can authenticate: sets of schemes sent together.
    pub modes: Vec<Mode>,
    /// Environment variables of `Client::from_env`.
    pub env: EnvNames,
    /// The response envelope.
    pub envelope: EnvelopeConvention,
    /// A response header identifying a request for support (the config names it).
    pub request_id_header: Option<String>,
}

/// A server: a URL template and its variables.
#[derive(Debug, Clone)]
pub struct Server {
    /// `https://{region}.example.com/v1`
    pub url: String,
    /// Documentation.
    pub description: Option<String>,
    /// The variables of the URL, with their defaults.
    pub variables: Vec<ServerVariable>,
}

/// A variable of a server URL.
#[derive(Debug, Clone)]
pub struct ServerVariable {
    /// Name in the URL (`region`).
    pub name: String,
    /// Its value unless the user sets another.
    pub default: String,
    /// The values it may take (empty: any).
    pub values: Vec<String>,
    /// Documentation.
    pub description: Option<String>,
}

impl Server {
    /// The URL with every variable at its default, without a trailing slash.
    pub fn default_url(&self) -> String {
        let mut url = self.url.clone();
        for variable in &self.variables {
            url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
        }
        url.trim_end_matches('/').to_string()
    }
}

/// A security scheme.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Its name in the spec (`api_token`).
    pub name: String,
    /// How its credential travels.
    pub kind: SchemeKind,
    /// Documentation.
    pub description: Option<String>,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (also OAuth 2 and OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic <user:password>`.
    Basic,
    /// A key in a header, the query or a cookie, under `name`.
    ApiKey {
        /// Where it goes: header, query or cookie.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// A credential mode: the schemes one way of authenticating sends together.
#[derive(Debug, Clone)]
pub struct Mode {
    /// Name (snake case): the builder method; in UpperCamelCase the `Credentials` variant.
    pub name: String,
    /// The schemes it sends (indices into [`Service::schemes`]), with the name of each value.
    pub values: Vec<(usize, String)>,
    /// Documentation.
    pub doc: Option<String>,
}

impl Mode {
    /// Its `Credentials` variant's name.
    pub fn variant(&self) -> String {
        names::type_name(names::bare(&self.name))
    }
}

/// Environment variables of `Client::from_env`.
#[derive(Debug, Clone, Default)]
pub struct EnvNames {
    /// The base URL's.
    pub base_url: String,
    /// Per scheme (same order as [`Service::schemes`]).
    pub schemes: Vec<String>,
}

/// The service of `spec`, for the operations that `operations` are (their security is set
/// here), named as `config` and the crate name say.
pub fn service(
    spec: &Spec,
    config: &Config,
    crate_name: &str,
    operations: &mut [Operation],
    warnings: &mut Vec<Warning>,
) -> Result<Service> {
    let declared = schemes(spec, warnings);
    // The schemes operations use, and those a configured mode names.
    let mut used: Vec<String> = Vec::new();
    let named = config.auth.modes.iter().flat_map(|m| &m.schemes);
    for name in operations
        .iter()
        .flat_map(|op| op.security.iter().flatten())
        .chain(named)
    {
        if !used.contains(name) {
            used.push(name.clone());
        }
    }
    let schemes: Vec<Scheme> = declared
        .into_iter()
        .filter(|s| used.contains(&s.name))
        .collect();
    for op in operations.iter_mut() {
        // A requirement naming a scheme the spec does not declare cannot be met.
        op.security.retain(|requirement| {
            requirement
                .iter()
                .all(|name| schemes.iter().any(|s| &s.name == name))
        });
    }
    let modes = modes(config, &schemes, operations)?;
    let env = env_names(config, crate_name, &schemes);
    Ok(Service {
        servers: servers(spec),
        schemes,
        modes,
        env,
        envelope: config.convention.envelope,
        request_id_header: config.convention.request_id_header.clone(),
    })
}

/// The servers of the spec (one of `/` when it declares none: paths are then relative to the
/// base URL the user sets).
fn servers(spec: &Spec) -> Vec<Server> {
    let servers: Vec<Server> = spec
        .api
        .servers
        .iter()
        .map(|server| Server {
            url: server.url.clone(),
            description: server.description.clone(),
            variables: server
                .variables
                .iter()
                .flatten()
                .map(|(name, variable)| ServerVariable {
                    name: name.clone(),
                    default: variable.default.clone(),
                    values: variable.enumeration.clone(),
                    description: variable.description.clone(),
                })
                .collect(),
        })
        .collect();
    if servers.is_empty() {
        return vec![Server {
            url: "/".into(),
            description: None,
            variables: Vec::new(),
        }];
    }
    servers
}

/// The security schemes of the spec; a scheme the client cannot send is left out, with a
/// problem (its operations then cannot authenticate with it).
fn schemes(spec: &Spec, warnings: &mut Vec<Warning>) -> Vec<Scheme> {
    let Some(components) = &spec.api.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let pointer = format!("#/components/securitySchemes/{}", escape_token(name));
        let ReferenceOr::Item(scheme) = scheme else {
            warnings.push(Warning::problem(
                pointer,
                "security scheme references are not supported",
            ));
            continue;
        };
        let (kind, description) = match scheme {
            SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let location = match location {
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                let name = name.clone();
                (SchemeKind::ApiKey { location, name }, description)
            }
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (SchemeKind::Bearer, description),
                "basic" => (SchemeKind::Basic, description),
                other => {
                    warnings.push(Warning::problem(
                        pointer,
                        format!("HTTP authentication scheme `{other}` is not supported; operations cannot use it"),
                    ));
                    continue;
                }
            },
            // Both send the access token the user obtained as a bearer token.
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description)
            }
        };
        out.push(Scheme {
            name: name.clone(),
            kind,
            description: description.clone(),
        });
    }
    out
}

/// The credential modes: those the config names, else each distinct set of schemes an
/// operation accepts (in order of first use), named after its schemes.
fn modes(config: &Config, schemes: &[Scheme], operations: &[Operation]) -> Result<Vec<Mode>> {
    let index = |name: &str| schemes.iter().position(|s| s.name == name);
    if !config.auth.modes.is_empty() {
        let mut modes = Vec::new();
        for mode in &config.auth.modes {
            let mut values = Vec::new();
            for (i, scheme) in mode.schemes.iter().enumerate() {
                let Some(at) = index(scheme) else {
                    return Err(config.error(format!(
                        "[[auth.modes]] `{}`: `{scheme}` is not a security scheme of the spec",
                        mode.name
                    )));
                };
                let field = mode
                    .fields
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| scheme.clone());
                values.push((at, names::field_name(&field)));
            }
            modes.push(Mode {
                name: mode_name(&mode.name),
                values,
                doc: mode.doc.clone(),
            });
        }
        return Ok(modes);
    }
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut modes = Vec::new();
    for requirement in operations.iter().flat_map(|op| &op.security) {
        if requirement.is_empty() || !seen.insert(requirement.clone()) {
            continue;
        }
        let values = requirement
            .iter()
            .filter_map(|name| Some((index(name)?, names::field_name(name))))
            .collect();
        let name: Vec<String> = requirement.iter().map(|n| n.to_snake_case()).collect();
        modes.push(Mode {
            name: mode_name(&name.join("_and_")),
            values,
            doc: None,
        });
    }
    Ok(modes)
}

/// Methods of the client builder that a mode's method must not take.
const BUILDER_METHODS: &[&str] = &[
    "allow_insecure_http",
    "base_url",
    "build",
    "credentials",
    "http_client",
    "max_response_size",
    "max_retries",
    "secret",
    "server",
    "server_variable",
    "timeout",
    "user_agent",
];

/// A mode's name: a snake_case identifier that is no keyword and no other builder method.
fn mode_name(raw: &str) -> String {
    let name = names::bare(&names::field_name(raw)).to_string();
    if BUILDER_METHODS.contains(&name.as_str()) || name == "self_" {
        format!("{name}_credentials")
    } else {
        names::keyword_safe(name)
    }
}

/// The environment variables: as the config names them, else `PREFIX_BASE_URL` and
/// `PREFIX_<SCHEME>`, the prefix being the crate name without `-client`.
fn env_names(config: &Config, crate_name: &str, schemes: &[Scheme]) -> EnvNames {
    let prefix = config.env.prefix.clone().unwrap_or_else(|| {
        crate_name
            .trim_end_matches("-client")
            .to_shouty_snake_case()
    });
    EnvNames {
        base_url: config
            .env
            .base_url
            .clone()
            .unwrap_or_else(|| format!("{prefix}_BASE_URL")),
        schemes: schemes
            .iter()
            .map(|s| {
                config
                    .env
                    .schemes
                    .get(&s.name)
                    .cloned()
                    .unwrap_or_else(|| format!("{prefix}_{}", s.name.to_shouty_snake_case()))
            })
            .collect(),
    }
}
