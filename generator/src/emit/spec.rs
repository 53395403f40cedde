//! `spec.rs` of the generated crate: what the spec (and the config) says about the API as a
//! whole, for the runtime and the user: its servers, its security schemes, the credential
//! modes (`Credentials`, the builder's credential methods, `from_env`), its request-id header,
//! and the types of its declared error bodies (`ErrorBody`, with a decoder per operation).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use super::render::Render;
use super::syntax::ident;
use crate::config::EnvelopeConvention;
use crate::ir::features::{Features, Predicate};
use crate::ir::ops::{ParamLocation, StatusMatch};
use crate::ir::service::{Mode, Scheme, SchemeKind, Service};
use crate::ir::types::Ty;
use crate::ir::Api;

/// The module's tokens.
pub fn module(api: &Api) -> TokenStream {
    let service = &api.service;
    let servers = servers(service);
    let schemes = schemes(service);
    let auth_required = auth_required(api);
    let hint = credentials_hint(service);
    let request_id = match &service.request_id_header {
        Some(name) => {
            let name = name.to_ascii_lowercase();
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let credentials = credentials(service);
    let errors = error_bodies(api);
    quote! {
        //! What the spec says about the API as a whole: its servers, its security schemes and the
        //! ways to authenticate with them.

        #servers

        pub(crate) const SCHEMES: &[crate::auth::Scheme] = &[#(#schemes),*];

        /// Whether every operation needs credentials (a client without any is refused).
        pub(crate) const AUTH_REQUIRED: bool = #auth_required;

        pub(crate) const CREDENTIALS_HINT: &str = #hint;

        /// The response header that identifies a request for the API's support.
        pub(crate) const REQUEST_ID_HEADER: Option<&str> = #request_id;

        #credentials
        #errors
    }
}

/// `SERVERS` and `DEFAULT_BASE_URL`.
fn servers(service: &Service) -> TokenStream {
    let entries = service.servers.iter().map(|server| {
        let url = &server.url;
        let description = server.description.clone().unwrap_or_default();
        let variables = server.variables.iter().map(|v| {
            let (name, default) = (&v.name, &v.default);
            let values = &v.values;
            quote!(crate::ServerVariable { name: #name, default: #default, values: &[#(#values),*] })
        });
        quote!(crate::Server { url: #url, description: #description, variables: &[#(#variables),*] })
    });
    let default = service
        .servers
        .first()
        .map(|s| s.default_url())
        .unwrap_or_default();
    quote! {
        /// The servers the spec declares; requests go to the first unless the client is built
        /// with another (`ClientBuilder::server`) or a base URL.
        pub const SERVERS: &[crate::Server] = &[#(#entries),*];

        /// The first server's URL, with its variables at their defaults.
        pub const DEFAULT_BASE_URL: &str = #default;
    }
}

/// The `auth::Scheme` of each security scheme.
fn schemes(service: &Service) -> Vec<TokenStream> {
    service
        .schemes
        .iter()
        .map(|scheme| {
            let name = &scheme.name;
            let placement = match &scheme.kind {
                SchemeKind::Bearer => quote!(crate::auth::Placement::Bearer),
                SchemeKind::Basic => quote!(crate::auth::Placement::Basic),
                SchemeKind::ApiKey { location, name } => match location {
                    ParamLocation::Query => quote!(crate::auth::Placement::Query(#name)),
                    ParamLocation::Cookie => quote!(crate::auth::Placement::Cookie(#name)),
                    ParamLocation::Header | ParamLocation::Path | ParamLocation::Field(_) => {
                        quote!(crate::auth::Placement::Header(#name))
                    }
                },
            };
            quote!(crate::auth::Scheme { name: #name, placement: #placement })
        })
        .collect()
}

/// Whether every operation needs credentials.
fn auth_required(api: &Api) -> bool {
    !api.operations.is_empty()
        && api
            .operations
            .iter()
            .all(|op| !op.security.is_empty() && op.security.iter().all(|r| !r.is_empty()))
}

/// "call api_token, api_key or user_service_key".
fn credentials_hint(service: &Service) -> String {
    let names: Vec<&str> = service.modes.iter().map(|m| m.name.as_str()).collect();
    match names.split_last() {
        None => "the API declares no credentials".into(),
        Some((last, [])) => format!("call {last}"),
        Some((last, rest)) => format!("call {} or {last}", rest.join(", ")),
    }
}

/// One value of a mode: its Rust field name and its scheme.
fn mode_values<'a>(service: &'a Service, mode: &'a Mode) -> Vec<(String, &'a Scheme)> {
    mode.values
        .iter()
        .map(|(scheme, field)| (field.clone(), &service.schemes[*scheme]))
        .collect()
}

/// The fields of a mode's variant (`token: String`), a basic scheme's as two.
fn mode_fields(service: &Service, mode: &Mode) -> Vec<(proc_macro2::Ident, String)> {
    let mut fields = Vec::new();
    let alone = mode.values.len() == 1;
    for (field, scheme) in mode_values(service, mode) {
        if scheme.kind == SchemeKind::Basic {
            let field = if alone {
                String::new()
            } else {
                format!("{field}_")
            };
            fields.push((
                ident(&format!("{field}username")),
                format!("the user name of `{}`.", scheme.name),
            ));
            fields.push((
                ident(&format!("{field}password")),
                format!("the password of `{}`.", scheme.name),
            ));
        } else {
            fields.push((
                ident(&field),
                format!("the credential of `{}`.", scheme.name),
            ));
        }
    }
    fields
}

/// `Credentials`, its `Debug`, the builder's credential methods, `from_env`.
fn credentials(service: &Service) -> TokenStream {
    let base_url_var = &service.env.base_url;
    if service.modes.is_empty() {
        return quote! {
            impl crate::Client {
                /// A client configured from the environment: the base URL from its variable, if set.
                pub fn from_env() -> crate::Result<crate::Client> {
                    crate::Client::builder().base_url_from_env(#base_url_var).build()
                }
            }
        };
    }
    let variants = service.modes.iter().map(|mode| variant(service, mode));
    let debug_arms = service.modes.iter().map(|mode| {
        let name = format_ident!("{}", mode.variant());
        let label = name.to_string();
        quote!(Credentials::#name { .. } => f.debug_tuple(#label).field(&"<redacted>").finish(),)
    });
    let secret_arms = service.modes.iter().map(|mode| secrets_arm(service, mode));
    let methods = service
        .modes
        .iter()
        .map(|mode| builder_method(service, mode));
    let from_env = from_env(service);
    quote! {
        /// How requests authenticate: one of the ways the spec's security schemes allow.
        /// `Debug` never shows a secret.
        #[derive(Clone, PartialEq, Eq)]
        pub enum Credentials {
            #(#variants)*
        }

        impl std::fmt::Debug for Credentials {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#debug_arms)*
                }
            }
        }

        impl Credentials {
            /// The secret of each scheme it sends.
            fn secrets(self) -> Vec<(&'static str, crate::auth::Secret)> {
                match self {
                    #(#secret_arms)*
                }
            }
        }

        impl crate::ClientBuilder {
            /// Authenticate with these credentials (several modes may be set: each request uses
            /// the first its operation accepts).
            pub fn credentials(mut self, credentials: Credentials) -> Self {
                for (scheme, secret) in credentials.secrets() {
                    self = self.secret(scheme, secret);
                }
                self
            }

            #(#methods)*
        }

        impl crate::Client {
            /// A client with these credentials and the defaults.
            pub fn new(credentials: Credentials) -> crate::Result<crate::Client> {
                crate::Client::builder().credentials(credentials).build()
            }
        }

        #from_env
    }
}

/// A `Credentials` variant.
fn variant(service: &Service, mode: &Mode) -> TokenStream {
    let name = format_ident!("{}", mode.variant());
    let docs = doc::attrs(Some(&mode_doc(service, mode)));
    let fields = mode_fields(service, mode);
    if fields.len() == 1 {
        return quote! { #docs #name(String), };
    }
    let fields = fields.iter().map(|(field, doc)| {
        let doc = format!(" {}", capitalize(doc));
        quote! { #[doc = #doc] #field: String, }
    });
    quote! { #docs #name { #(#fields)* }, }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A mode's documentation: the config's, else how its schemes travel.
fn mode_doc(service: &Service, mode: &Mode) -> String {
    if let Some(doc) = &mode.doc {
        return doc.clone();
    }
    let parts: Vec<String> = mode_values(service, mode)
        .into_iter()
        .map(|(_, scheme)| {
            let how = match &scheme.kind {
                SchemeKind::Bearer => "as `Authorization: Bearer <token>`".to_string(),
                SchemeKind::Basic => "as `Authorization: Basic <user:password>`".to_string(),
                SchemeKind::ApiKey { location, name } => {
                    format!("in the {} `{name}`", location.as_str())
                }
            };
            let description = scheme
                .description
                .as_deref()
                .map(|d| format!(": {}", d.trim().trim_end_matches('.')))
                .unwrap_or_default();
            format!("`{}`{description}, sent {how}", scheme.name)
        })
        .collect();
    format!("The security scheme {}.", parts.join("; with "))
}

/// `Credentials::X { .. } => vec![(scheme, secret), ...]`.
fn secrets_arm(service: &Service, mode: &Mode) -> TokenStream {
    let name = format_ident!("{}", mode.variant());
    let fields: Vec<proc_macro2::Ident> = mode_fields(service, mode)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let pattern = if fields.len() == 1 {
        let only = &fields[0];
        quote!(Credentials::#name(#only))
    } else {
        quote!(Credentials::#name { #(#fields),* })
    };
    let alone = mode.values.len() == 1;
    let secrets = mode_values(service, mode).into_iter().map(|(field, scheme)| {
        let scheme_name = &scheme.name;
        if scheme.kind == SchemeKind::Basic {
            let field = if alone { String::new() } else { format!("{field}_") };
            if alone {
                return quote!((#scheme_name, crate::auth::Secret::Basic { username, password }));
            }
            let (user, password) = (ident(&format!("{field}username")), ident(&format!("{field}password")));
            quote!((#scheme_name, crate::auth::Secret::Basic { username: #user, password: #password }))
        } else {
            let field = ident(&field);
            quote!((#scheme_name, crate::auth::Secret::Value(#field)))
        }
    });
    quote!(#pattern => Vec::from([#(#secrets),*]),)
}

/// The builder method of a mode: `api_key(email, key)`.
fn builder_method(service: &Service, mode: &Mode) -> TokenStream {
    let method = ident(&mode.name);
    let name = format_ident!("{}", mode.variant());
    let fields: Vec<proc_macro2::Ident> = mode_fields(service, mode)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let doc = format!(
        " Authenticate with [`Credentials::{name}`]: {}",
        mode_doc(service, mode)
    );
    let value = if fields.len() == 1 {
        let only = &fields[0];
        quote!(Credentials::#name(#only.into()))
    } else {
        quote!(Credentials::#name { #(#fields: #fields.into()),* })
    };
    quote! {
        #[doc = #doc]
        pub fn #method(self, #(#fields: impl Into<String>),*) -> Self {
            self.credentials(#value)
        }
    }
}

/// `Credentials::from_env`, `from_lookup` and `Client::from_env`.
fn from_env(service: &Service) -> TokenStream {
    let base_url_var = &service.env.base_url;
    let modes = service.modes.iter().map(|mode| {
        let vars = mode_vars(service, mode);
        quote!(&[#(#vars),*])
    });
    let arms = service.modes.iter().enumerate().map(|(index, mode)| {
        let name = format_ident!("{}", mode.variant());
        let fields: Vec<proc_macro2::Ident> = mode_fields(service, mode)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        let values: Vec<proc_macro2::Ident> =
            (0..fields.len()).map(|i| format_ident!("v{i}")).collect();
        let value = if fields.len() == 1 {
            quote!(Credentials::#name(v0.clone()))
        } else {
            quote!(Credentials::#name { #(#fields: #values.clone()),* })
        };
        quote!((#index, [#(#values),*]) => Ok(#value),)
    });
    let described: Vec<String> = service
        .modes
        .iter()
        .map(|m| mode_vars(service, m).join(" with "))
        .collect();
    let doc = format!(
        " From environment variables: {}. Exactly one way must be set, completely.",
        described.join(", or ")
    );
    quote! {
        impl Credentials {
            #[doc = #doc]
            pub fn from_env() -> crate::Result<Credentials> {
                Self::from_lookup(|name| std::env::var(name).ok())
            }

            /// Like [`Credentials::from_env`], reading variables through `lookup`.
            pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> crate::Result<Credentials> {
                let modes: &[&[&str]] = &[#(#modes),*];
                let (mode, values) = crate::auth::mode_from_env(modes, &lookup)?;
                match (mode, values.as_slice()) {
                    #(#arms)*
                    _ => Err(crate::Error::Config("the credential variables do not form a mode".into())),
                }
            }
        }

        impl crate::Client {
            /// A client configured from the environment: credentials as in
            /// [`Credentials::from_env`], and the base URL from its variable, if set.
            pub fn from_env() -> crate::Result<crate::Client> {
                crate::Client::builder()
                    .credentials(Credentials::from_env()?)
                    .base_url_from_env(#base_url_var)
                    .build()
            }
        }
    }
}

/// The credential variables `Client::from_env` reads, for the docs: "`A`, or `B` + `C`".
pub fn env_summary(service: &Service) -> Option<String> {
    let modes: Vec<String> = service
        .modes
        .iter()
        .map(|mode| {
            let vars: Vec<String> = mode_vars(service, mode)
                .iter()
                .map(|v| format!("`{v}`"))
                .collect();
            vars.join(" + ")
        })
        .collect();
    (!modes.is_empty()).then(|| modes.join(", or "))
}

/// The environment variables of a mode, in field order (a basic scheme's two).
fn mode_vars(service: &Service, mode: &Mode) -> Vec<String> {
    let mut vars = Vec::new();
    for (scheme, _) in &mode.values {
        let var = &service.env.schemes[*scheme];
        if service.schemes[*scheme].kind == SchemeKind::Basic {
            vars.push(format!("{var}_USERNAME"));
            vars.push(format!("{var}_PASSWORD"));
        } else {
            vars.push(var.clone());
        }
    }
    vars
}

/// The error bodies the operations declare, as one enum, and a decoder per distinct set of
/// declared errors (the plain convention; an envelope reads its own errors).
fn error_bodies(api: &Api) -> TokenStream {
    if api.service.envelope != EnvelopeConvention::None {
        return TokenStream::new();
    }
    let render = Render::new(&api.types);
    let types = error_types(api);
    // With resource groups, a variant is compiled with its type, and a decoder with the
    // methods that use it (whose features need every type it decodes).
    let named = |ty: &Ty| match ty {
        Ty::Named(id) => Some(*id),
        _ => None,
    };
    let variants = types.iter().map(|(name, ty)| {
        let name = format_ident!("{name}");
        let cfg = super::cfg_attr(
            named(ty)
                .and_then(|id| api.features.type_predicate(id))
                .as_ref(),
        );
        let ty = render.ty(ty);
        quote! { #[doc = " A body of this type."] #cfg #name(#ty), }
    });
    let decoders = api
        .error_sets
        .iter()
        .enumerate()
        .map(|(index, set)| error_decoder(api, &types, index, set));
    quote! {
        /// The body of an error response, as the operation declares it for the status.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum ErrorBody {
            #(#variants)*
        }

        #(#decoders)*
    }
}

/// `errors_{index}`: the error of a non-success response of the operations whose declared
/// error responses are `set`, its body decoded by status into the `ErrorBody` variant of
/// its type (`types`: variant names and types).
fn error_decoder(
    api: &Api,
    types: &[(String, Ty)],
    index: usize,
    set: &[crate::ir::ops::ErrorResponse],
) -> TokenStream {
    let name = format_ident!("errors_{index}");
    let cfg = super::cfg_attr(decoder_predicate(api, index).as_ref());
    let arms = set.iter().map(|error| {
        let variant = format_ident!(
            "{}",
            types
                .iter()
                .find(|(_, t)| *t == error.ty)
                .map(|(n, _)| n.as_str())
                .unwrap_or("Value")
        );
        let pattern = match error.status {
            StatusMatch::Code(code) => quote!(#code),
            StatusMatch::Class(class) => {
                let (low, high) = (class * 100, class * 100 + 99);
                quote!(#low..=#high)
            }
            StatusMatch::Default => quote!(_),
        };
        (
            pattern,
            quote!(crate::convention::typed(parts).map(|body| Box::new(ErrorBody::#variant(body)))),
        )
    });
    let arms: Vec<(TokenStream, TokenStream)> = arms.collect();
    if let [(_, only)] = arms.as_slice() {
        if set[0].status == StatusMatch::Default {
            return quote! {
                /// The error of a non-success response, its body decoded as the operation declares.
                #cfg
                pub(crate) fn #name(parts: &crate::response::ResponseParts) -> crate::Error {
                    let body = #only;
                    crate::convention::api_error_with(parts, body)
                }
            };
        }
    }
    let arms = arms
        .iter()
        .map(|(pattern, body)| quote!(#pattern => #body,));
    let fallback =
        (!set.iter().any(|e| e.status == StatusMatch::Default)).then(|| quote!(_ => None,));
    quote! {
        /// The error of a non-success response, its body decoded as the operation declares.
        #cfg
        pub(crate) fn #name(parts: &crate::response::ResponseParts) -> crate::Error {
            let body = match parts.status {
                #(#arms)*
                #fallback
            };
            crate::convention::api_error_with(parts, body)
        }
    }
}

/// The `cfg` predicate of the error decoder `index`: any feature of a method that uses it
/// (`None` when one of them is always compiled).
fn decoder_predicate(api: &Api, index: usize) -> Option<Predicate> {
    let mut features = std::collections::BTreeSet::new();
    for (op, feature) in api.operations.iter().zip(&api.features.operations) {
        if op.error_set == Some(index) {
            features.insert(feature.clone()?);
        }
    }
    Features::predicate(&features)
}

/// The distinct types of declared error bodies, each with a variant name.
pub fn error_types(api: &Api) -> Vec<(String, Ty)> {
    let mut out: Vec<(String, Ty)> = Vec::new();
    for error in api.operations.iter().flat_map(|op| &op.errors) {
        if out.iter().any(|(_, ty)| *ty == error.ty) {
            continue;
        }
        let name = match &error.ty {
            Ty::Named(id) => api.types.get(*id).name.clone(),
            _ => format!("Value{}", out.len()),
        };
        out.push((name, error.ty.clone()));
    }
    out
}

/// A builder call that sets `mode` with made-up values, for the generated tests:
/// `.api_key("e2e@example.com", "e2e-key")`.
pub fn sample_credentials(service: &Service, mode: &Mode) -> String {
    let values: Vec<String> = mode_fields(service, mode)
        .into_iter()
        .map(|(field, _)| {
            let field = field.to_string();
            let field = field.trim_start_matches("r#");
            if field.contains("email") {
                "\"e2e@example.com\"".to_string()
            } else {
                format!("\"e2e-{}\"", field.replace('_', "-"))
            }
        })
        .collect();
    format!(".{}({})", ident(&mode.name), values.join(", "))
}
