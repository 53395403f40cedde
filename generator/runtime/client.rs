//! The client: credentials, base URL, the HTTP connection pool.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::call::{Call, Decode};
use crate::error::{Error, Result};

/// Cloudflare's API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// How long one attempt may take unless the request says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times a request is retried unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The largest response body the client reads.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 128 * 1024 * 1024;

/// How requests authenticate. `Debug` never shows a secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer <token>`.
    ApiToken(String),
    /// The account email and global API key (`X-Auth-Email`, `X-Auth-Key`).
    ApiKey {
        /// Account email.
        email: String,
        /// Global API key.
        key: String,
    },
    /// A user service key (`X-Auth-User-Service-Key`).
    UserServiceKey(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiToken(_) => f.debug_tuple("ApiToken").field(&"<redacted>").finish(),
            Credentials::ApiKey { email, .. } => f
                .debug_struct("ApiKey")
                .field("email", email)
                .field("key", &"<redacted>")
                .finish(),
            Credentials::UserServiceKey(_) => f.debug_tuple("UserServiceKey").field(&"<redacted>").finish(),
        }
    }
}

impl Credentials {
    /// From environment variables: `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` with
    /// `CLOUDFLARE_API_KEY`, or `CLOUDFLARE_API_USER_SERVICE_KEY`. Exactly one mode.
    pub fn from_env() -> Result<Credentials> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Credentials> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let token = get("CLOUDFLARE_API_TOKEN");
        let email = get("CLOUDFLARE_EMAIL");
        let key = get("CLOUDFLARE_API_KEY");
        let service = get("CLOUDFLARE_API_USER_SERVICE_KEY");
        let modes = [token.is_some(), email.is_some() || key.is_some(), service.is_some()];
        if modes.iter().filter(|m| **m).count() > 1 {
            return Err(Error::Config(
                "more than one credential mode is set (CLOUDFLARE_API_TOKEN, CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY, CLOUDFLARE_API_USER_SERVICE_KEY); set exactly one".into(),
            ));
        }
        match (token, email, key, service) {
            (Some(token), ..) => Ok(Credentials::ApiToken(token)),
            (None, Some(email), Some(key), None) => Ok(Credentials::ApiKey { email, key }),
            (None, Some(_), None, None) => Err(Error::Config("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not".into())),
            (None, None, Some(_), None) => Err(Error::Config("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not".into())),
            (None, None, None, Some(key)) => Ok(Credentials::UserServiceKey(key)),
            _ => Err(Error::Config(
                "no credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or CLOUDFLARE_API_USER_SERVICE_KEY".into(),
            )),
        }
    }

    /// The authentication headers, marked sensitive.
    fn headers(&self) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        let value = |text: &str| -> Result<HeaderValue> {
            let mut value = HeaderValue::from_str(text)
                .map_err(|_| Error::Config("a credential contains characters not allowed in an HTTP header".into()))?;
            value.set_sensitive(true);
            Ok(value)
        };
        match self {
            Credentials::ApiToken(token) => {
                headers.insert(reqwest::header::AUTHORIZATION, value(&format!("Bearer {token}"))?);
            }
            Credentials::ApiKey { email, key } => {
                headers.insert(HeaderName::from_static("x-auth-email"), value(email)?);
                headers.insert(HeaderName::from_static("x-auth-key"), value(key)?);
            }
            Credentials::UserServiceKey(key) => {
                headers.insert(HeaderName::from_static("x-auth-user-service-key"), value(key)?);
            }
        }
        Ok(headers)
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) auth: HeaderMap,
    pub(crate) credentials: Credentials,
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
            .field("credentials", &self.inner.credentials)
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

    /// A client with these credentials and the defaults.
    pub fn new(credentials: Credentials) -> Result<Client> {
        Client::builder().credentials(credentials).build()
    }

    /// A client configured from the environment: credentials as in
    /// [`Credentials::from_env`], and `CLOUDFLARE_BASE_URL` if set.
    pub fn from_env() -> Result<Client> {
        let mut builder = Client::builder().credentials(Credentials::from_env()?);
        if let Ok(url) = std::env::var("CLOUDFLARE_BASE_URL") {
            if !url.trim().is_empty() {
                builder = builder.base_url(url);
            }
        }
        builder.build()
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

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    max_retries: Option<u32>,
    max_body: Option<usize>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// How requests authenticate (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Authenticate with an API token.
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::ApiToken(token.into()))
    }

    /// Authenticate with an account email and global API key.
    pub fn api_key(self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials(Credentials::ApiKey {
            email: email.into(),
            key: key.into(),
        })
    }

    /// Authenticate with a user service key.
    pub fn user_service_key(self, key: impl Into<String>) -> Self {
        self.credentials(Credentials::UserServiceKey(key.into()))
    }

    /// Send requests here instead of [`DEFAULT_BASE_URL`] (a mock server, a proxy).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().trim_end_matches('/').to_string());
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

    /// Build the client.
    pub fn build(self) -> Result<Client> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("no credentials: call api_token, api_key or user_service_key".into()))?;
        let base_url = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| Error::Config(format!("invalid base URL `{base_url}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL `{base_url}` is not http or https")));
        }
        if parsed.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&parsed) {
            return Err(Error::Config(format!(
                "base URL `{base_url}` is plain http on a host that is not loopback: credentials would travel in clear text (use https, or allow_insecure_http(true))"
            )));
        }
        let auth = credentials.headers()?;
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
                credentials,
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

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn credentials_from_environment() {
        assert_eq!(
            Credentials::from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", "t")])).unwrap(),
            Credentials::ApiToken("t".into())
        );
        assert_eq!(
            Credentials::from_lookup(lookup(&[("CLOUDFLARE_EMAIL", "e"), ("CLOUDFLARE_API_KEY", "k")])).unwrap(),
            Credentials::ApiKey { email: "e".into(), key: "k".into() }
        );
        assert!(Credentials::from_lookup(lookup(&[("CLOUDFLARE_EMAIL", "e")])).unwrap_err().to_string().contains("CLOUDFLARE_API_KEY"));
        assert!(Credentials::from_lookup(lookup(&[])).unwrap_err().to_string().contains("no credentials"));
        assert!(Credentials::from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", "t"), ("CLOUDFLARE_API_USER_SERVICE_KEY", "s")]))
            .unwrap_err()
            .to_string()
            .contains("exactly one"));
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let client = Client::builder().api_key("me@example.com", "secret-key-123").build().unwrap();
        let text = format!("{client:?} {:?}", Credentials::ApiToken("secret-token-456".into()));
        assert!(!text.contains("secret-key-123") && !text.contains("secret-token-456"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn credentials_never_travel_over_plain_http_to_other_hosts() {
        for url in ["http://api.example.com/client/v4", "http://10.0.0.1", "http://[fe80::1]"] {
            let error = Client::builder().api_token("t").base_url(url).build().unwrap_err();
            assert!(error.to_string().contains("clear text"), "{url}: {error}");
            assert!(Client::builder().api_token("t").base_url(url).allow_insecure_http(true).build().is_ok(), "{url}");
        }
        for url in ["http://127.0.0.1:4010", "http://localhost:8080/v4", "http://[::1]:1", "https://api.example.com"] {
            assert!(Client::builder().api_token("t").base_url(url).build().is_ok(), "{url}");
        }
    }

    #[test]
    fn header_injection_is_refused() {
        let error = Client::builder().api_token("abc\r\nX-Evil: 1").build().unwrap_err();
        assert!(!error.to_string().contains("abc"), "{error}");
    }
}
