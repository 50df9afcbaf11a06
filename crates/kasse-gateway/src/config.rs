//! The gateway's configuration file (TOML) and its checked, resolved form.
//!
//! Every key is read into an `Option` and checked by [`GatewayConfig::resolve`], which lists
//! **all** missing or bad keys by their dotted name (`connectid.token_url`) at once, so an operator
//! fixes the file in one go. Secrets never appear in the file: it names the environment variable
//! that holds each one (`client_secret_env = "KASSE_CONNECTID_SECRET"`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kasse_core::offer::{Backend, Offer};
use serde::Deserialize;
use url::Url;

/// The configuration file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// `[server]`.
    #[serde(default)]
    pub server: ServerConfig,
    /// `[connectid]`; required when an offer uses the ConnectID back end.
    pub connectid: Option<ConnectIdConfig>,
    /// `[s4]`; required when an offer uses the S4 back end.
    pub s4: Option<S4Config>,
    /// `[[offers]]`: the catalog.
    #[serde(default)]
    pub offers: Vec<Offer>,
}

/// `[server]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Socket address to bind, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub listen: Option<String>,
    /// Directory with the built widget and the demo `index.html`; relative paths are taken from
    /// the config file's directory. Absent: no static files are served.
    pub static_dir: Option<PathBuf>,
    /// Origins (`https://www.avis.no`) allowed to call the API cross-origin. The gateway's own
    /// origin is always allowed (the demo page it serves).
    pub allowed_origins: Option<Vec<String>>,
    /// Every URL the widget sends on (return, error, callback, Vipps/SwedbankPay URLs) must start
    /// with one of these. Each must name a path (`https://www.avis.no/kasse/`), so that
    /// `https://www.avis.no.evil.example` cannot match `https://www.avis.no`.
    pub allowed_return_url_prefixes: Option<Vec<String>>,
    /// Largest accepted request body, bytes. Default 8 KiB: an order is about 1–2 KiB.
    pub body_limit_bytes: Option<usize>,
    /// Sustained API requests per second per client IP. Default 5.
    pub rate_limit_per_second: Option<u32>,
    /// Burst of API requests per client IP. Default 20.
    pub rate_limit_burst: Option<u32>,
    /// Timeout of one upstream call, milliseconds. Default 10 000.
    pub upstream_timeout_ms: Option<u64>,
    /// How long an `externalOrderId` is remembered for replay, seconds. Default 86 400 (24 h),
    /// the window Stripe uses for idempotency keys.
    pub idempotency_ttl_secs: Option<u64>,
}

/// `[connectid]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectIdConfig {
    /// API base, e.g. `https://api.mediaconnect.no/capi`.
    pub api_base: Option<String>,
    /// OAuth2 token URL, e.g. `https://connectid.no/user/oauth/token`.
    pub token_url: Option<String>,
    /// Hosted fulfillment page, e.g. `https://connectid.no/user/fulfillment`.
    pub fulfillment_url: Option<String>,
    /// Public client id (it is shown to the widget).
    pub client_id: Option<String>,
    /// Name of the environment variable holding the client secret.
    pub client_secret_env: Option<String>,
}

/// `[s4]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S4Config {
    /// API base, e.g. `https://api.info-subscription.com`.
    pub api_base: Option<String>,
    /// OAuth2 (Azure AD B2C) token URL.
    pub token_url: Option<String>,
    /// Tenant GUID sent as `S4-TenantId`.
    pub tenant_id: Option<String>,
    /// Client id.
    pub client_id: Option<String>,
    /// Name of the environment variable holding the client secret.
    pub client_secret_env: Option<String>,
    /// Optional OAuth2 scope for the token request. Azure AD B2C usually wants one
    /// (`https://…/.default`); the vendor's docs do not name it, so it is configuration.
    pub scope: Option<String>,
}

/// A secret that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A configuration problem: every missing or bad key, by dotted name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// One line per problem, e.g. `connectid.token_url: missing`.
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "incomplete gateway configuration:")?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// ConnectID settings after checking.
#[derive(Clone, Debug)]
pub struct ConnectIdSettings {
    /// API base without trailing slash.
    pub api_base: Url,
    /// Token URL.
    pub token_url: Url,
    /// Hosted fulfillment page.
    pub fulfillment_url: Url,
    /// Public client id.
    pub client_id: String,
    /// Client secret (from the environment).
    pub client_secret: Secret,
}

/// S4 settings after checking.
#[derive(Clone, Debug)]
pub struct S4Settings {
    /// API base.
    pub api_base: Url,
    /// Token URL.
    pub token_url: Url,
    /// Tenant GUID.
    pub tenant_id: String,
    /// Client id.
    pub client_id: String,
    /// Client secret (from the environment).
    pub client_secret: Secret,
    /// Optional token scope.
    pub scope: Option<String>,
}

/// The checked configuration the gateway runs with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Bind address.
    pub listen: SocketAddr,
    /// Static directory, if any.
    pub static_dir: Option<PathBuf>,
    /// Cross-origin callers allowed, normalised (`scheme://host[:port]`, no trailing slash).
    pub allowed_origins: Vec<String>,
    /// URL prefixes the widget's URLs must start with.
    pub allowed_return_url_prefixes: Vec<String>,
    /// Request body limit, bytes.
    pub body_limit_bytes: usize,
    /// Requests per second per client IP.
    pub rate_limit_per_second: u32,
    /// Burst per client IP.
    pub rate_limit_burst: u32,
    /// Upstream call timeout.
    pub upstream_timeout: Duration,
    /// Replay window of the idempotency store.
    pub idempotency_ttl: Duration,
    /// ConnectID, when configured.
    pub connectid: Option<ConnectIdSettings>,
    /// S4, when configured.
    pub s4: Option<S4Settings>,
    /// The catalog by offer id.
    pub offers: BTreeMap<String, Offer>,
}

impl GatewayConfig {
    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<GatewayConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            problems: vec![format!("not a valid gateway config: {e}")],
        })
    }

    /// Reads and parses a config file; a relative `server.static_dir` is taken from the file's
    /// directory, so the config works from any working directory.
    pub fn load(path: &Path) -> Result<GatewayConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            problems: vec![format!("cannot read {}: {e}", path.display())],
        })?;
        let mut config = GatewayConfig::from_toml(&text)?;
        if let Some(dir) = &config.server.static_dir {
            if dir.is_relative() {
                let base = path.parent().unwrap_or(Path::new("."));
                config.server.static_dir = Some(base.join(dir));
            }
        }
        Ok(config)
    }

    /// Checks every key and reads the secrets from the process environment.
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        self.resolve_with_env(&|name| std::env::var(name).ok())
    }

    /// Checks every key, reading secrets through `env` (tests pass a closure instead of
    /// mutating the process environment, which is not thread-safe).
    pub fn resolve_with_env(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let mut p = Problems::default();
        let s = &self.server;

        let listen = match p.required("server.listen", &s.listen) {
            Some(text) => match text.parse::<SocketAddr>() {
                Ok(a) => Some(a),
                Err(_) => {
                    p.push(format!("server.listen: `{text}` is not a socket address like 127.0.0.1:8080"));
                    None
                }
            },
            None => None,
        };

        let mut allowed_origins = Vec::new();
        match &s.allowed_origins {
            None => p.push("server.allowed_origins: missing (use [] to allow only the gateway's own origin)".into()),
            Some(list) => {
                for (i, o) in list.iter().enumerate() {
                    match normalize_origin(o) {
                        Some(n) => allowed_origins.push(n),
                        None => p.push(format!(
                            "server.allowed_origins[{i}]: `{o}` is not an origin like https://www.avis.no"
                        )),
                    }
                }
            }
        }

        let mut prefixes = Vec::new();
        match &s.allowed_return_url_prefixes {
            None => p.push("server.allowed_return_url_prefixes: missing".into()),
            Some(list) if list.is_empty() => {
                p.push("server.allowed_return_url_prefixes: empty (at least one prefix is needed)".into())
            }
            Some(list) => {
                for (i, prefix) in list.iter().enumerate() {
                    if prefix_is_safe(prefix) {
                        prefixes.push(prefix.clone());
                    } else {
                        p.push(format!(
                            "server.allowed_return_url_prefixes[{i}]: `{prefix}` must be an absolute http(s) URL \
                             ending in a path, e.g. https://www.avis.no/kasse/"
                        ));
                    }
                }
            }
        }

        if let Some(dir) = &s.static_dir {
            if !dir.is_dir() {
                p.push(format!("server.static_dir: `{}` is not a directory", dir.display()));
            }
        }

        let body_limit_bytes = s.body_limit_bytes.unwrap_or(8 * 1024);
        if body_limit_bytes < 512 {
            p.push("server.body_limit_bytes: must be at least 512".into());
        }
        let rate_limit_per_second = s.rate_limit_per_second.unwrap_or(5);
        let rate_limit_burst = s.rate_limit_burst.unwrap_or(20);
        if rate_limit_per_second == 0 {
            p.push("server.rate_limit_per_second: must be at least 1".into());
        }
        if rate_limit_burst == 0 {
            p.push("server.rate_limit_burst: must be at least 1".into());
        }
        let upstream_timeout = Duration::from_millis(s.upstream_timeout_ms.unwrap_or(10_000));
        if upstream_timeout.is_zero() {
            p.push("server.upstream_timeout_ms: must be positive".into());
        }
        let idempotency_ttl = Duration::from_secs(s.idempotency_ttl_secs.unwrap_or(24 * 3600));

        // Offers first: they decide which back ends are required.
        let mut offers = BTreeMap::new();
        let mut needs_connectid = None;
        let mut needs_s4 = None;
        if self.offers.is_empty() {
            p.push("offers: the catalog is empty (add at least one [[offers]])".into());
        }
        for (i, offer) in self.offers.iter().enumerate() {
            if let Err(errors) = kasse_core::offer::validate_offer(offer) {
                for e in errors {
                    p.push(format!("offers[{i}] ({}).{}: {}", offer.id, e.path, e.code.as_str()));
                }
            }
            match offer.backend {
                Backend::ConnectId => needs_connectid = needs_connectid.or(Some(offer.id.clone())),
                Backend::S4 => needs_s4 = needs_s4.or(Some(offer.id.clone())),
            }
            if offers.insert(offer.id.clone(), offer.clone()).is_some() {
                p.push(format!("offers[{i}].id: `{}` appears twice", offer.id));
            }
        }

        let connectid = match (&self.connectid, &needs_connectid) {
            (None, Some(id)) => {
                p.push(format!("connectid: missing section [connectid] (offer `{id}` uses it)"));
                None
            }
            (None, None) => None,
            (Some(c), _) => {
                let api_base = p.url("connectid.api_base", &c.api_base);
                let token_url = p.url("connectid.token_url", &c.token_url);
                let fulfillment_url = p.url("connectid.fulfillment_url", &c.fulfillment_url);
                let client_id = p.required("connectid.client_id", &c.client_id);
                let secret = p.secret("connectid.client_secret_env", &c.client_secret_env, env);
                match (api_base, token_url, fulfillment_url, client_id, secret) {
                    (Some(api_base), Some(token_url), Some(fulfillment_url), Some(client_id), Some(client_secret)) => {
                        Some(ConnectIdSettings {
                            api_base,
                            token_url,
                            fulfillment_url,
                            client_id: client_id.to_owned(),
                            client_secret,
                        })
                    }
                    _ => None,
                }
            }
        };

        let s4 = match (&self.s4, &needs_s4) {
            (None, Some(id)) => {
                p.push(format!("s4: missing section [s4] (offer `{id}` uses it)"));
                None
            }
            (None, None) => None,
            (Some(c), _) => {
                let api_base = p.url("s4.api_base", &c.api_base);
                let token_url = p.url("s4.token_url", &c.token_url);
                let tenant_id = p.required("s4.tenant_id", &c.tenant_id);
                if let Some(t) = tenant_id {
                    if !kasse_core::field::is_uuid(t) {
                        p.push(format!("s4.tenant_id: `{t}` is not a GUID"));
                    }
                }
                let client_id = p.required("s4.client_id", &c.client_id);
                let secret = p.secret("s4.client_secret_env", &c.client_secret_env, env);
                match (api_base, token_url, tenant_id, client_id, secret) {
                    (Some(api_base), Some(token_url), Some(tenant_id), Some(client_id), Some(client_secret)) => {
                        Some(S4Settings {
                            api_base,
                            token_url,
                            tenant_id: tenant_id.to_owned(),
                            client_id: client_id.to_owned(),
                            client_secret,
                            scope: c.scope.clone().filter(|s| !s.trim().is_empty()),
                        })
                    }
                    _ => None,
                }
            }
        };

        if !p.0.is_empty() {
            return Err(ConfigError { problems: p.0 });
        }
        Ok(Settings {
            listen: listen.expect("checked above"),
            static_dir: s.static_dir.clone(),
            allowed_origins,
            allowed_return_url_prefixes: prefixes,
            body_limit_bytes,
            rate_limit_per_second,
            rate_limit_burst,
            upstream_timeout,
            idempotency_ttl,
            connectid,
            s4,
            offers,
        })
    }
}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, p: String) {
        self.0.push(p);
    }

    fn required<'a>(&mut self, key: &str, value: &'a Option<String>) -> Option<&'a str> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(v),
            _ => {
                self.push(format!("{key}: missing"));
                None
            }
        }
    }

    fn url(&mut self, key: &str, value: &Option<String>) -> Option<Url> {
        let text = self.required(key, value)?;
        match Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Some(u),
            _ => {
                self.push(format!("{key}: `{text}` is not an absolute http(s) URL"));
                None
            }
        }
    }

    fn secret(&mut self, key: &str, var: &Option<String>, env: &dyn Fn(&str) -> Option<String>) -> Option<Secret> {
        let name = self.required(key, var)?;
        match env(name) {
            Some(v) if !v.is_empty() => Some(Secret(v)),
            _ => {
                self.push(format!("{key}: environment variable `{name}` is not set"));
                None
            }
        }
    }
}

/// `https://www.avis.no/` → `https://www.avis.no`; `None` for anything that is not an origin.
pub fn normalize_origin(text: &str) -> Option<String> {
    let u = Url::parse(text.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || !u.has_host() {
        return None;
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return None;
    }
    Some(u.origin().ascii_serialization())
}

/// A prefix is safe when it is an absolute http(s) URL whose text goes on past the host into the
/// path (`https://avis.no/`), so a prefix match cannot be fooled by a longer host name.
fn prefix_is_safe(prefix: &str) -> bool {
    let Ok(u) = Url::parse(prefix) else { return false };
    if !matches!(u.scheme(), "http" | "https") || !u.has_host() {
        return false;
    }
    let after_scheme = &prefix[u.scheme().len() + 3..];
    after_scheme.contains('/')
}

/// The origin of a URL (`https://connectid.no`), for CSP `form-action`.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../gateway.example.toml");

    fn demo_env(name: &str) -> Option<String> {
        match name {
            "KASSE_CONNECTID_SECRET" => Some("kasse-demo-secret".into()),
            "KASSE_S4_SECRET" => Some("kasse-s4-demo-secret".into()),
            _ => None,
        }
    }

    fn example_without_static_dir() -> GatewayConfig {
        let mut c = GatewayConfig::from_toml(EXAMPLE).expect("example parses");
        // dist/ exists only after the widget build; its check is tested separately.
        c.server.static_dir = None;
        c
    }

    #[test]
    fn example_config_resolves_with_the_demo_offers() {
        let s = example_without_static_dir().resolve_with_env(&demo_env).expect("example resolves");
        let ids: Vec<&str> = s.offers.keys().map(String::as_str).collect();
        assert_eq!(ids, ["digital-month", "gift-3m", "invoice-year", "s4-news-monthly", "se-digital"]);
        assert_eq!(s.offers["digital-month"].price.minor(), 14_900);
        assert_eq!(s.connectid.as_ref().unwrap().client_secret.expose(), "kasse-demo-secret");
        assert_eq!(s.s4.as_ref().unwrap().tenant_id, "00000000-0000-0000-0000-0000000000aa");
        assert_eq!(s.listen.port(), 8080);
    }

    #[test]
    fn every_missing_key_is_named() {
        let mut c = example_without_static_dir();
        c.connectid.as_mut().unwrap().token_url = None;
        c.s4.as_mut().unwrap().tenant_id = Some("  ".into());
        c.server.listen = None;
        let e = c.resolve_with_env(&|_| None).unwrap_err();
        let text = e.to_string();
        for needle in [
            "server.listen: missing",
            "connectid.token_url: missing",
            "s4.tenant_id: missing",
            "connectid.client_secret_env: environment variable `KASSE_CONNECTID_SECRET` is not set",
            "s4.client_secret_env: environment variable `KASSE_S4_SECRET` is not set",
        ] {
            assert!(text.contains(needle), "{needle:?} not in:\n{text}");
        }
    }

    #[test]
    fn a_backend_used_by_an_offer_must_be_configured() {
        let mut c = example_without_static_dir();
        c.s4 = None;
        let e = c.resolve_with_env(&demo_env).unwrap_err();
        assert!(e.to_string().contains("missing section [s4] (offer `s4-news-monthly` uses it)"), "{e}");
    }

    #[test]
    fn unknown_keys_and_unsafe_prefixes_are_refused() {
        let bad = EXAMPLE.replace("upstream_timeout_ms", "upstream_timeout");
        assert!(GatewayConfig::from_toml(&bad).unwrap_err().to_string().contains("upstream_timeout"));
        let mut c = example_without_static_dir();
        c.server.allowed_return_url_prefixes = Some(vec!["https://avis.no".into()]);
        c.server.allowed_origins = Some(vec!["https://avis.no/path".into()]);
        let e = c.resolve_with_env(&demo_env).unwrap_err().to_string();
        assert!(e.contains("server.allowed_return_url_prefixes[0]"), "{e}");
        assert!(e.contains("server.allowed_origins[0]"), "{e}");
    }

    #[test]
    fn relative_static_dir_is_taken_from_the_config_file() {
        let dir = std::env::temp_dir().join(format!("kasse-gw-cfg-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("site")).unwrap();
        let file = dir.join("gw.toml");
        std::fs::write(&file, EXAMPLE.replace("\"../../dist\"", "\"site\"")).unwrap();
        let c = GatewayConfig::load(&file).unwrap();
        assert_eq!(c.server.static_dir.as_deref(), Some(dir.join("site").as_path()));
        assert!(c.resolve_with_env(&demo_env).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
