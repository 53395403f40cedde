//! The client: where requests go (a server of the spec, or a base URL), its credentials, the
//! HTTP connection pool. The credential modes, the servers and the environment variables of
//! `from_env` are the API's own: they are generated (`spec.rs`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Keyring, Secret};
use crate::call::{Call, Decode};
use crate::error::{Error, Result};

/// How long one attempt may take unless the request says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times a request is retried unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The largest response body the client reads.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 128 * 1024 * 1024;

/// A server the spec declares: a URL, with variables that have defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// The URL, with `{variable}`s.
    pub url: &'static str,
    /// What it is.
    pub description: &'static str,
    /// Its variables.
    pub variables: &'static [ServerVariable],
}

/// A variable of a [`Server`]'s URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVariable {
    /// Its name in the URL.
    pub name: &'static str,
    /// Its value unless set otherwise.
    pub default: &'static str,
    /// The values it may take (empty: any).
    pub values: &'static [&'static str],
}

impl Server {
    /// The URL with the variables in `values` set and the others at their defaults; an error
    /// for a variable the server does not have, or a value it does not allow.
    pub fn url_with(&self, values: &[(String, String)]) -> Result<String> {
        for (name, _) in values {
            if !self.variables.iter().any(|v| v.name == name) {
                return Err(Error::Config(format!("the server `{}` has no variable `{name}`", self.url)));
            }
        }
        let mut url = self.url.to_string();
        for variable in self.variables {
            let value = values
                .iter()
                .rev()
                .find(|(name, _)| name == variable.name)
                .map(|(_, value)| value.as_str())
                .unwrap_or(variable.default);
            if !variable.values.is_empty() && !variable.values.contains(&value) {
                return Err(Error::Config(format!(
                    "`{value}` is not a value of the server variable `{}` (one of: {})",
                    variable.name,
                    variable.values.join(", ")
                )));
            }
            url = url.replace(&format!("{{{}}}", variable.name), value);
        }
        Ok(url.trim_end_matches('/').to_string())
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) auth: Keyring,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) max_body: usize,
}

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(crate) fn call<T>(&self, method: reqwest::Method, template: &'static str, path: String, decode: Decode<T>) -> Call<T> {
        Call::new(self.clone(), method, template, path, decode)
    }
}

/// Whether the URL's host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Builds a [`Client`]. Its credential methods are the API's (see `Credentials`).
#[derive(Debug, Default)]
pub struct ClientBuilder {
    secrets: Vec<(&'static str, Secret)>,
    base_url: Option<String>,
    server: usize,
    variables: Vec<(String, String)>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    max_retries: Option<u32>,
    max_body: Option<usize>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// Hold `secret` as the credential of the security scheme `scheme`.
    #[allow(dead_code)] // used by the generated credential methods
    pub(crate) fn secret(mut self, scheme: &'static str, secret: Secret) -> Self {
        self.secrets.retain(|(name, _)| *name != scheme);
        self.secrets.push((scheme, secret));
        self
    }

    /// Send requests here instead of the spec's server (a mock server, a proxy).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().trim_end_matches('/').to_string());
        self
    }

    /// The base URL in the environment variable `variable`, if it is set (used by the
    /// generated `Client::from_env`).
    #[allow(dead_code)]
    pub(crate) fn base_url_from_env(self, variable: &str) -> Self {
        match std::env::var(variable) {
            Ok(url) if !url.trim().is_empty() => self.base_url(url),
            _ => self,
        }
    }

    /// Send requests to the spec's server number `index` (in [`crate::SERVERS`]; the first,
    /// `0`, by default).
    pub fn server(mut self, index: usize) -> Self {
        self.server = index;
        self
    }

    /// Set a variable of the server's URL (its default otherwise).
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.variables.push((name.into(), value.into()));
        self
    }

    /// Allow a plain `http://` base URL on a host other than a loopback address. Off by
    /// default: credentials would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Time limit of one attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried (default [`DEFAULT_MAX_RETRIES`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The largest response body to read (default [`DEFAULT_MAX_RESPONSE_SIZE`]).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    /// Use this `reqwest::Client` (its own timeouts and proxies apply too).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The base URL: the one set, else the chosen server's with its variables.
    fn resolve_base_url(&self) -> Result<String> {
        if let Some(url) = &self.base_url {
            return Ok(url.clone());
        }
        let server = crate::spec::SERVERS.get(self.server).ok_or_else(|| {
            Error::Config(format!(
                "the API declares {} server(s); there is no server {}",
                crate::spec::SERVERS.len(),
                self.server
            ))
        })?;
        server.url_with(&self.variables)
    }

    /// Build the client.
    pub fn build(self) -> Result<Client> {
        if self.secrets.is_empty() && crate::spec::AUTH_REQUIRED {
            return Err(Error::Config(format!("no credentials: {}", crate::spec::CREDENTIALS_HINT)));
        }
        let base_url = self.resolve_base_url()?;
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::Config(format!("invalid base URL `{base_url}`: {e} (the spec gives no absolute server: set one with base_url)"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL `{base_url}` is not http or https")));
        }
        let clear_text = parsed.scheme() == "http" && !is_loopback(&parsed);
        if clear_text && !self.secrets.is_empty() && !self.allow_insecure_http {
            return Err(Error::Config(format!(
                "base URL `{base_url}` is plain http on a host that is not loopback: credentials would travel in clear text (use https, or allow_insecure_http(true))"
            )));
        }
        let auth = Keyring::new(crate::spec::SCHEMES, self.secrets)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let agent = self
                    .user_agent
                    .unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string());
                reqwest::Client::builder()
                    .user_agent(agent)
                    .build()
                    .map_err(|e| Error::Config(format!("HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                max_body: self.max_body.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE),
            }),
        })
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: Server = Server {
        url: "https://{region}.example.com/{version}/",
        description: "",
        variables: &[
            ServerVariable { name: "region", default: "eu", values: &["eu", "us"] },
            ServerVariable { name: "version", default: "v1", values: &[] },
        ],
    };

    #[test]
    fn server_urls_with_their_variables() {
        assert_eq!(SERVER.url_with(&[]).unwrap(), "https://eu.example.com/v1");
        assert_eq!(SERVER.url_with(&[("region".into(), "us".into()), ("version".into(), "v2".into())]).unwrap(), "https://us.example.com/v2");
        assert!(SERVER.url_with(&[("region".into(), "mars".into())]).unwrap_err().to_string().contains("one of: eu, us"));
        assert!(SERVER.url_with(&[("zone".into(), "x".into())]).unwrap_err().to_string().contains("no variable `zone`"));
    }

    #[test]
    fn credentials_never_travel_over_plain_http_to_other_hosts() {
        // An API without security schemes sends no credentials: plain http is its own choice.
        let Some(scheme) = crate::spec::SCHEMES.first() else {
            assert!(Client::builder().base_url("http://api.example.com").build().is_ok());
            return;
        };
        let builder = || Client::builder().secret(scheme.name, Secret::Value("t".into()));
        for url in ["http://api.example.com/client/v4", "http://10.0.0.1", "http://[fe80::1]"] {
            let error = builder().base_url(url).build().unwrap_err();
            assert!(error.to_string().contains("clear text"), "{url}: {error}");
            assert!(builder().base_url(url).allow_insecure_http(true).build().is_ok(), "{url}");
        }
        for url in ["http://127.0.0.1:4010", "http://localhost:8080/v4", "http://[::1]:1", "https://api.example.com"] {
            assert!(builder().base_url(url).build().is_ok(), "{url}");
        }
    }

    #[test]
    fn header_injection_is_refused_and_secrets_stay_out_of_debug() {
        let Some(scheme) = crate::spec::SCHEMES.first().map(|s| s.name) else {
            return;
        };
        let error = Client::builder().secret(scheme, Secret::Value("abc\r\nX-Evil: 1".into())).build().unwrap_err();
        assert!(!error.to_string().contains("abc"), "{error}");
        let client = Client::builder().secret(scheme, Secret::Value("secret-token-456".into())).build().unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("secret-token-456") && text.contains("<redacted>"), "{text}");
    }
}
