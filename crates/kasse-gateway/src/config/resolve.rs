//! Checking the file into [`Settings`]: one function per table. Each pushes its problems onto one
//! list instead of stopping at the first, so the operator sees every missing or bad key at once.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use kasse_core::offer::{Backend, Offer};
use kasse_core::s4::S4PaymentMethod;

use super::problems::{Env, Problems};
use super::urls::{normalize_origin, prefix_is_safe};
use super::{
    AssignUserConfig, ConfigError, ConnectIdConfig, ConnectIdSettings, GatewayConfig, S4Config, S4Settings,
    ServerConfig, Settings,
};
use crate::order_token::{TokenKey, MIN_SECRET_LEN};
use crate::prepayment::VoucherKey;

impl GatewayConfig {
    /// Checks every key and reads the secrets from the process environment.
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        self.resolve_with_env(&|name| std::env::var(name).ok())
    }

    /// Checks every key, reading secrets through `env` (tests pass a closure instead of
    /// mutating the process environment, which is not thread-safe).
    pub fn resolve_with_env(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let mut p = Problems::default();
        let server = resolve_server(&self.server, &mut p);
        // Offers before the back ends: they decide which back ends are required.
        let catalog = resolve_offers(&self.offers, &mut p);
        let connectid = resolve_connectid(self.connectid.as_ref(), &catalog, env, &mut p);
        let s4 = resolve_s4(self.s4.as_ref(), &catalog, env, &mut p);
        let order_token_key = order_token_key(&self.server, env, &mut p);
        let server = match server {
            Some(server) if p.0.is_empty() => server,
            _ => return Err(ConfigError { problems: p.0 }),
        };
        Ok(Settings {
            listen: server.listen,
            static_dir: self.server.static_dir.clone(),
            allowed_origins: server.allowed_origins,
            allowed_return_url_prefixes: server.allowed_return_url_prefixes,
            body_limit_bytes: self.server.body_limit_bytes,
            rate_limit_per_second: self.server.rate_limit_per_second,
            rate_limit_burst: self.server.rate_limit_burst,
            upstream_timeout: Duration::from_millis(self.server.upstream_timeout_ms),
            idempotency_ttl: Duration::from_secs(self.server.idempotency_ttl_secs),
            order_token_key,
            store: server.store,
            order_retention: Duration::from_secs(u64::from(self.server.order_retention_days) * 24 * 3600),
            max_connections: self.server.max_connections as usize,
            header_read_timeout: Duration::from_millis(self.server.header_read_timeout_ms),
            connectid,
            s4,
            offers: catalog.offers,
        })
    }
}

/// The order-token key from the named environment variable, when one is named.
fn order_token_key(s: &ServerConfig, env: Env<'_>, p: &mut Problems) -> Option<TokenKey> {
    s.order_token_secret_env.as_ref()?;
    let secret = p.secret("server.order_token_secret_env", &s.order_token_secret_env, env)?;
    let key = TokenKey::new(secret.expose().as_bytes());
    if key.is_none() {
        p.push(format!(
            "server.order_token_secret_env: the secret must be at least {MIN_SECRET_LEN} bytes"
        ));
    }
    key
}

/// The `[server]` values that needed more than a range check.
struct Server {
    listen: SocketAddr,
    allowed_origins: Vec<String>,
    allowed_return_url_prefixes: Vec<String>,
    store: String,
}

fn resolve_server(s: &ServerConfig, p: &mut Problems) -> Option<Server> {
    let listen = listen(s, p);
    let allowed_origins = allowed_origins(s, p);
    let allowed_return_url_prefixes = return_url_prefixes(s, p);
    if let Some(dir) = &s.static_dir {
        if !dir.is_dir() {
            p.push(format!("server.static_dir: `{}` is not a directory", dir.display()));
        }
    }
    check_limits(s, p);
    let store = store(s, p);
    Some(Server {
        listen: listen?,
        allowed_origins,
        allowed_return_url_prefixes,
        store: store?,
    })
}

fn store(s: &ServerConfig, p: &mut Problems) -> Option<String> {
    // A config read from a file has its store set (beside the file, by `load`).
    let url = s.store.as_deref().unwrap_or("sqlite:kasse-ledger.db");
    let known = ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| url.starts_with(scheme));
    if !known || url == "sqlite:" {
        p.push("server.store: use sqlite:PATH (one instance) or postgres://… (several)".into());
        return None;
    }
    if s.order_retention_days < 30 {
        p.push("server.order_retention_days: keep orders at least 30 days".into());
    }
    Some(url.to_string())
}

fn listen(s: &ServerConfig, p: &mut Problems) -> Option<SocketAddr> {
    let text = p.required("server.listen", &s.listen)?;
    let addr = text.parse::<SocketAddr>().ok();
    if addr.is_none() {
        p.push(format!(
            "server.listen: `{text}` is not a socket address like 127.0.0.1:8080"
        ));
    }
    addr
}

fn allowed_origins(s: &ServerConfig, p: &mut Problems) -> Vec<String> {
    let Some(list) = &s.allowed_origins else {
        p.push("server.allowed_origins: missing (use [] to allow only the gateway's own origin)".into());
        return Vec::new();
    };
    let mut origins = Vec::new();
    for (i, o) in list.iter().enumerate() {
        match normalize_origin(o) {
            Some(n) => origins.push(n),
            None => p.push(format!(
                "server.allowed_origins[{i}]: `{o}` is not an origin like https://www.avis.no"
            )),
        }
    }
    origins
}

fn return_url_prefixes(s: &ServerConfig, p: &mut Problems) -> Vec<String> {
    let list = match &s.allowed_return_url_prefixes {
        None => {
            p.push("server.allowed_return_url_prefixes: missing".into());
            return Vec::new();
        }
        Some(list) if list.is_empty() => {
            p.push("server.allowed_return_url_prefixes: empty (at least one prefix is needed)".into());
            return Vec::new();
        }
        Some(list) => list,
    };
    let mut prefixes = Vec::new();
    for (i, prefix) in list.iter().enumerate() {
        if prefix_is_safe(prefix) {
            prefixes.push(prefix.clone());
        } else {
            p.push(format!(
                "server.allowed_return_url_prefixes[{i}]: `{prefix}` must be an absolute http(s) URL in \
                 normal form ending in `/`, e.g. https://www.avis.no/kasse/"
            ));
        }
    }
    prefixes
}

fn check_limits(s: &ServerConfig, p: &mut Problems) {
    if s.body_limit_bytes < 512 {
        p.push("server.body_limit_bytes: must be at least 512".into());
    }
    if s.rate_limit_per_second == 0 {
        p.push("server.rate_limit_per_second: must be at least 1".into());
    }
    if s.rate_limit_burst == 0 {
        p.push("server.rate_limit_burst: must be at least 1".into());
    }
    if s.upstream_timeout_ms == 0 {
        p.push("server.upstream_timeout_ms: must be positive".into());
    }
    if s.max_connections < 16 {
        p.push("server.max_connections: must be at least 16".into());
    }
    if s.header_read_timeout_ms < 100 {
        p.push("server.header_read_timeout_ms: must be at least 100".into());
    }
}

/// The catalog by id, and the first offer using each back end (it makes that table required).
struct Catalog {
    offers: BTreeMap<String, Offer>,
    connectid_user: Option<String>,
    s4_user: Option<String>,
}

fn resolve_offers(list: &[Offer], p: &mut Problems) -> Catalog {
    let mut catalog = Catalog {
        offers: BTreeMap::new(),
        connectid_user: None,
        s4_user: None,
    };
    if list.is_empty() {
        p.push("offers: the catalog is empty (add at least one [[offers]])".into());
    }
    for (i, offer) in list.iter().enumerate() {
        if let Err(errors) = kasse_core::offer::validate_offer(offer) {
            for e in errors {
                p.push(format!("offers[{i}] ({}).{}: {}", offer.id, e.path, e.code.as_str()));
            }
        }
        let user = match offer.backend {
            Backend::ConnectId => &mut catalog.connectid_user,
            Backend::S4 => &mut catalog.s4_user,
        };
        user.get_or_insert_with(|| offer.id.clone());
        if catalog.offers.insert(offer.id.clone(), offer.clone()).is_some() {
            p.push(format!("offers[{i}].id: `{}` appears twice", offer.id));
        }
    }
    catalog
}

/// The table `[name]`; a problem when it is absent although offer `used_by` needs it.
fn section<'a, T>(table: Option<&'a T>, name: &str, used_by: Option<&str>, p: &mut Problems) -> Option<&'a T> {
    if let (None, Some(id)) = (table, used_by) {
        p.push(format!("{name}: missing section [{name}] (offer `{id}` uses it)"));
    }
    table
}

fn resolve_connectid(
    table: Option<&ConnectIdConfig>,
    catalog: &Catalog,
    env: Env<'_>,
    p: &mut Problems,
) -> Option<ConnectIdSettings> {
    let c = section(table, "connectid", catalog.connectid_user.as_deref(), p)?;
    let prepaid = catalog
        .offers
        .values()
        .find(|o| o.backend == Backend::ConnectId && o.prepaid);
    let prepayment_key = prepaid.and_then(|offer| prepayment_key(c, &offer.id, env, p));
    let api_base = p.url("connectid.api_base", &c.api_base);
    let token_url = p.url("connectid.token_url", &c.token_url);
    let fulfillment_url = p.url("connectid.fulfillment_url", &c.fulfillment_url);
    let client_id = p.required("connectid.client_id", &c.client_id);
    let client_secret = p.secret("connectid.client_secret_env", &c.client_secret_env, env);
    Some(ConnectIdSettings {
        api_base: api_base?,
        token_url: token_url?,
        fulfillment_url: fulfillment_url?,
        client_id: client_id?.to_owned(),
        client_secret: client_secret?,
        prepayment_key,
        assign_user: assign_user(&c.assign_user, p),
        order_fields: c.order_fields.clone(),
        login: c.login.as_ref().and_then(|l| l.resolve(&mut p.0)),
        consent_source: c
            .consent_source
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "kasse".to_owned()),
        paid_order_statuses: paid_order_statuses(&c.paid_order_statuses, p),
    })
}

/// `connectid.paid_order_statuses`: at least one, none blank; left out, `["completed"]`.
fn paid_order_statuses(configured: &Option<Vec<String>>, p: &mut Problems) -> Vec<String> {
    let Some(statuses) = configured else {
        return vec!["completed".to_owned()];
    };
    if statuses.is_empty() || statuses.iter().any(|s| s.trim().is_empty()) {
        p.push("connectid.paid_order_statuses must name at least one status, none blank".into());
    }
    statuses.clone()
}

/// `[connectid.assign_user]`, with its URLs checked.
fn assign_user(a: &AssignUserConfig, p: &mut Problems) -> AssignUserConfig {
    for (key, url) in [("return_url", &a.return_url), ("error_url", &a.error_url)] {
        if let Some(u) = url {
            if kasse_core::field::check_absolute_https(u).is_err() {
                p.push(format!(
                    "connectid.assign_user.{key}: `{u}` is not an absolute https URL"
                ));
            }
        }
    }
    a.clone()
}

/// The voucher key a prepaid offer needs: its secret from the named environment variable.
fn prepayment_key(c: &ConnectIdConfig, offer: &str, env: Env<'_>, p: &mut Problems) -> Option<VoucherKey> {
    if c.prepayment_secret_env.is_none() {
        p.push(format!(
            "connectid.prepayment_secret_env: missing (offer `{offer}` is prepaid)"
        ));
        return None;
    }
    let secret = p.secret("connectid.prepayment_secret_env", &c.prepayment_secret_env, env)?;
    VoucherKey::new(secret.expose().as_bytes())
}

fn resolve_s4(table: Option<&S4Config>, catalog: &Catalog, env: Env<'_>, p: &mut Problems) -> Option<S4Settings> {
    let c = section(table, "s4", catalog.s4_user.as_deref(), p)?;
    let api_base = p.url("s4.api_base", &c.api_base);
    let token_url = p.url("s4.token_url", &c.token_url);
    let tenant_id = p.required("s4.tenant_id", &c.tenant_id);
    if let Some(t) = tenant_id {
        if !kasse_core::field::is_uuid(t) {
            p.push(format!("s4.tenant_id: `{t}` is not a GUID"));
        }
    }
    let client_id = p.required("s4.client_id", &c.client_id);
    let client_secret = p.secret("s4.client_secret_env", &c.client_secret_env, env);
    Some(S4Settings {
        api_base: api_base?,
        token_url: token_url?,
        tenant_id: tenant_id?.to_owned(),
        client_id: client_id?.to_owned(),
        client_secret: client_secret?,
        scope: c.scope.clone().filter(|s| !s.trim().is_empty()),
        vipps_account_id: c.vipps_account_id.clone().filter(|s| !s.trim().is_empty()),
        payex_account_id: c.payex_account_id.clone().filter(|s| !s.trim().is_empty()),
        merchant_agreement_url: agreement_url(
            "s4.merchant_agreement_url",
            &c.merchant_agreement_url,
            catalog,
            &[S4PaymentMethod::Vipps, S4PaymentMethod::MobilePay],
            p,
        ),
        callback_url: agreement_url(
            "s4.callback_url",
            &c.callback_url,
            catalog,
            &[S4PaymentMethod::SwedbankPay],
            p,
        ),
    })
}

/// One of the publisher's agreement URLs: absolute https (http on loopback), and required as soon
/// as an offer shows one of `methods`, whose agreements carry it.
fn agreement_url(
    key: &str,
    value: &Option<String>,
    catalog: &Catalog,
    methods: &[S4PaymentMethod],
    p: &mut Problems,
) -> Option<String> {
    let needed_by = catalog
        .offers
        .values()
        .find(|o| S4PaymentMethod::for_offer(o).iter().any(|m| methods.contains(m)));
    match (value.as_deref().map(str::trim).filter(|v| !v.is_empty()), needed_by) {
        (None, None) => None,
        (None, Some(o)) => {
            p.push(format!(
                "{key}: missing (offer `{}` takes {})",
                o.id,
                methods[0].wire_name()
            ));
            None
        }
        (Some(v), _) => match kasse_core::field::check_absolute_https(v) {
            Ok(u) => Some(u.as_str().to_owned()),
            Err(_) => {
                p.push(format!(
                    "{key}: `{v}` is not an absolute https URL (http only on loopback)"
                ));
                None
            }
        },
    }
}
