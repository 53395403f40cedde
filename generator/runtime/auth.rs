//! Authentication as the spec declares it: its security schemes (a bearer token, basic
//! credentials, a key in a header, the query or a cookie), the credentials a client holds, and
//! which of them a request sends: the first of the operation's alternatives whose schemes the
//! client all holds. A request whose operation needs credentials the client lacks fails before
//! it is sent.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

use crate::error::{Error, Result};

/// How a security scheme's credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// A header of this name.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// A cookie of this name.
    Cookie(&'static str),
}

/// A security scheme of the spec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scheme {
    /// Its name in the spec.
    pub(crate) name: &'static str,
    /// How its credential travels.
    pub(crate) placement: Placement,
}

/// The security requirements of an operation: alternatives, each the schemes sent together.
/// No alternative: no authentication; an empty alternative: authentication is optional.
pub(crate) type Requirements = &'static [&'static [&'static str]];

/// A credential as the user gives it. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Secret {
    /// A token or key.
    Value(String),
    /// A user name and password.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A credential ready to send.
#[derive(Clone)]
enum Prepared {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// The credentials a client holds, by scheme, ready to send. `Debug` names the schemes only.
#[derive(Clone, Default)]
pub(crate) struct Keyring {
    held: Vec<(&'static str, Prepared)>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.held.iter().map(|(name, _)| (name, "<redacted>")))
            .finish()
    }
}

/// What a request sends to authenticate.
#[derive(Default)]
pub(crate) struct Sent<'a> {
    pub(crate) headers: Vec<(&'a HeaderName, &'a HeaderValue)>,
    pub(crate) query: Vec<(&'static str, &'a str)>,
    pub(crate) cookies: Vec<(&'static str, &'a str)>,
}

impl Keyring {
    /// The credentials `secrets` (by scheme name) for the spec's `schemes`. A value that
    /// cannot be sent (a line break in a header) is refused without being echoed.
    pub(crate) fn new(schemes: &[Scheme], secrets: Vec<(&'static str, Secret)>) -> Result<Keyring> {
        let mut held: Vec<(&'static str, Prepared)> = Vec::new();
        for (name, secret) in secrets {
            let scheme = schemes
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| Error::Config(format!("`{name}` is not a security scheme of this API")))?;
            let prepared = prepare(scheme, secret)?;
            held.retain(|(n, _)| *n != name);
            held.push((name, prepared));
        }
        Ok(Keyring { held })
    }

    /// Whether it holds no credential.
    pub(crate) fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    fn get(&self, scheme: &str) -> Option<&Prepared> {
        self.held.iter().find(|(n, _)| *n == scheme).map(|(_, p)| p)
    }

    /// What to send for an operation with `requirements`: the first alternative whose schemes
    /// are all held, or nothing when authentication is optional or not needed; an error naming
    /// what is needed otherwise.
    pub(crate) fn for_request(&self, requirements: Requirements) -> Result<Sent<'_>> {
        if requirements.is_empty() {
            return Ok(Sent::default());
        }
        let chosen = requirements
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| self.get(scheme).is_some()));
        let Some(alternative) = chosen else {
            if requirements.iter().any(|alternative| alternative.is_empty()) {
                return Ok(Sent::default());
            }
            let needed: Vec<String> = requirements.iter().map(|a| a.join(" and ")).collect();
            return Err(Error::MissingCredentials(format!(
                "this request needs the credentials of {}, which the client does not have",
                needed.join(", or ")
            )));
        };
        let mut sent = Sent::default();
        for prepared in alternative.iter().filter_map(|scheme| self.get(scheme)) {
            match prepared {
                Prepared::Header(name, value) => sent.headers.push((name, value)),
                Prepared::Query(name, value) => sent.query.push((name, value)),
                Prepared::Cookie(name, value) => sent.cookies.push((name, value)),
            }
        }
        Ok(sent)
    }
}

/// Which credential mode the environment sets: `modes` lists the variables of each. Exactly
/// one mode must be set, all of its variables; the index of that mode and its values, or an
/// error naming the variables (never their values).
pub(crate) fn mode_from_env(modes: &[&[&str]], lookup: &impl Fn(&str) -> Option<String>) -> Result<(usize, Vec<String>)> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let describe = |vars: &[&str]| vars.join(" + ");
    let set: Vec<usize> = (0..modes.len()).filter(|&i| modes[i].iter().any(|v| get(v).is_some())).collect();
    if set.len() > 1 {
        let all: Vec<String> = modes.iter().map(|vars| describe(vars)).collect();
        return Err(Error::Config(format!("more than one credential mode is set ({}); set exactly one", all.join(", "))));
    }
    let Some(&mode) = set.first() else {
        let all: Vec<String> = modes.iter().map(|vars| vars.join(" and ")).collect();
        return Err(Error::Config(format!("no credentials: set {}", all.join(", or "))));
    };
    let vars = modes[mode];
    if let Some(missing) = vars.iter().find(|v| get(v).is_none()) {
        let given = vars.iter().find(|v| get(v).is_some()).copied().unwrap_or_default();
        return Err(Error::Config(format!("{given} is set but {missing} is not")));
    }
    Ok((mode, vars.iter().filter_map(|v| get(v)).collect()))
}

/// A secret made ready for its scheme.
fn prepare(scheme: &Scheme, secret: Secret) -> Result<Prepared> {
    let header = |text: &str| -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(text).map_err(|_| {
            Error::Config(format!(
                "the credential of `{}` contains characters not allowed in an HTTP header",
                scheme.name
            ))
        })?;
        value.set_sensitive(true);
        Ok(value)
    };
    let value = match &secret {
        Secret::Value(value) => value.clone(),
        Secret::Basic { username, password } => format!("{username}:{password}"),
    };
    Ok(match scheme.placement {
        Placement::Bearer => Prepared::Header(reqwest::header::AUTHORIZATION, header(&format!("Bearer {value}"))?),
        Placement::Basic => Prepared::Header(reqwest::header::AUTHORIZATION, header(&format!("Basic {}", base64(value.as_bytes())))?),
        Placement::Header(name) => {
            let name = HeaderName::try_from(name)
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            Prepared::Header(name, header(&value)?)
        }
        Placement::Query(name) => Prepared::Query(name, value),
        Placement::Cookie(name) => {
            header(&value)?;
            Prepared::Cookie(name, value)
        }
    })
}

/// Standard base64 with padding (RFC 4648), for basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMES: &[Scheme] = &[
        Scheme { name: "token", placement: Placement::Bearer },
        Scheme { name: "basic", placement: Placement::Basic },
        Scheme { name: "key", placement: Placement::Header("X-Key") },
        Scheme { name: "query", placement: Placement::Query("api_key") },
        Scheme { name: "cookie", placement: Placement::Cookie("session") },
    ];

    #[test]
    fn one_mode_from_the_environment() {
        let modes: &[&[&str]] = &[&["TOKEN"], &["EMAIL", "KEY"]];
        let lookup = |vars: &'static [(&'static str, &'static str)]| move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        assert_eq!(mode_from_env(modes, &lookup(&[("TOKEN", "t")])).unwrap(), (0, vec!["t".to_string()]));
        assert_eq!(mode_from_env(modes, &lookup(&[("EMAIL", "e"), ("KEY", "k")])).unwrap(), (1, vec!["e".into(), "k".into()]));
        assert_eq!(mode_from_env(modes, &lookup(&[("EMAIL", "e")])).unwrap_err().to_string(), "client configuration: EMAIL is set but KEY is not");
        assert!(mode_from_env(modes, &lookup(&[])).unwrap_err().to_string().contains("no credentials: set TOKEN, or EMAIL and KEY"));
        assert!(mode_from_env(modes, &lookup(&[("TOKEN", "t"), ("KEY", "k")])).unwrap_err().to_string().contains("exactly one"));
        assert!(mode_from_env(modes, &lookup(&[("TOKEN", " ")])).is_err());
    }

    #[test]
    fn base64_as_rfc_4648_says() {
        for (input, output) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==")] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn the_first_alternative_the_client_can_meet() {
        let keyring = Keyring::new(SCHEMES, vec![("key", Secret::Value("k".into())), ("query", Secret::Value("q".into()))]).unwrap();
        let sent = keyring.for_request(&[&["token"], &["key", "query"]]).unwrap();
        assert_eq!(sent.headers.len(), 1);
        assert_eq!(sent.headers[0].0.as_str(), "x-key");
        assert_eq!(sent.query, vec![("api_key", "q")]);
        let error = keyring.for_request(&[&["token"], &["basic"]]).err().unwrap();
        assert!(matches!(&error, Error::MissingCredentials(m) if m.contains("token, or basic")), "{error}");
        assert!(keyring.for_request(&[&["token"], &[]]).unwrap().headers.is_empty());
        assert!(keyring.for_request(&[]).unwrap().headers.is_empty());
    }

    #[test]
    fn credentials_are_prepared_and_never_shown() {
        let keyring = Keyring::new(
            SCHEMES,
            vec![
                ("token", Secret::Value("t0ken".into())),
                ("basic", Secret::Basic { username: "Aladdin".into(), password: "open sesame".into() }),
                ("cookie", Secret::Value("c00kie".into())),
            ],
        )
        .unwrap();
        let sent = keyring.for_request(&[&["basic"]]).unwrap();
        assert_eq!(sent.headers[0].1.to_str().unwrap(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(sent.headers[0].1.is_sensitive());
        assert_eq!(keyring.for_request(&[&["cookie"]]).unwrap().cookies, vec![("session", "c00kie")]);
        let debug = format!("{keyring:?}{:?}", Secret::Value("t0ken".into()));
        assert!(!debug.contains("t0ken") && !debug.contains("sesame") && !debug.contains("c00kie"), "{debug}");
        assert!(Keyring::new(SCHEMES, vec![("token", Secret::Value("a\nb".into()))]).is_err());
        assert!(Keyring::new(SCHEMES, vec![("nope", Secret::Value("x".into()))]).is_err());
    }
}
