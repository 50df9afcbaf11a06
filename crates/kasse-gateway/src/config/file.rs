//! The configuration file as written (TOML), before any check.

use std::path::{Path, PathBuf};

use kasse_core::offer::Offer;
use serde::Deserialize;

use super::ConfigError;

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

/// `[server]`. A key left out takes its value from [`ServerConfig::default`], the one place the
/// defaults live; `gateway.example.toml` states each of them, and a test keeps the two equal.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Socket address to bind, e.g. `127.0.0.1:8080` (port 0 picks a free port). Required.
    pub listen: Option<String>,
    /// Directory with the built widget and the demo `index.html`; relative paths are taken from
    /// the config file's directory. Absent: no static files are served.
    pub static_dir: Option<PathBuf>,
    /// Origins (`https://www.avis.no`) allowed to call the API cross-origin. The gateway's own
    /// origin is always allowed (the demo page it serves). Required, so that leaving it out is a
    /// decision, not an accident.
    pub allowed_origins: Option<Vec<String>>,
    /// Every URL the widget sends on (return, error, callback, Vipps/SwedbankPay URLs) must start
    /// with one of these. Each must name a path (`https://www.avis.no/kasse/`), so that
    /// `https://www.avis.no.evil.example` cannot match `https://www.avis.no`. Required.
    pub allowed_return_url_prefixes: Option<Vec<String>>,
    /// Largest accepted request body, bytes.
    pub body_limit_bytes: usize,
    /// Sustained API requests per second per client address: the TCP peer (an IPv6 peer as its
    /// /64), so behind a reverse proxy or CDN every reader it forwards shares the proxy's quota.
    pub rate_limit_per_second: u32,
    /// Burst of API requests per client address (the TCP peer, as above).
    pub rate_limit_burst: u32,
    /// Timeout of one upstream call, milliseconds.
    pub upstream_timeout_ms: u64,
    /// How long an `externalOrderId` is remembered for replay, seconds.
    pub idempotency_ttl_secs: u64,
    /// Name of the environment variable holding the order-token secret (at least 32 bytes), from
    /// which the order tokens and the key sealing readers' login tokens are derived. Several
    /// gateway instances must share one. Absent: the first instance to start draws a random
    /// secret and stores it in the ledger, where every instance and restart finds it.
    pub order_token_secret_env: Option<String>,
    /// Where the ledger lives: `sqlite:PATH` (one instance; a relative path is taken from the
    /// config file's directory) or `postgres://…` (several instances sharing one ledger).
    /// `--store URL` overrides it. Absent: `sqlite:kasse-ledger.db` beside the config file.
    pub store: Option<String>,
    /// How long order records are kept, days (at least 30: a reader may come back to an order,
    /// and a publisher may ask about it, weeks later).
    pub order_retention_days: u32,
    /// Open connections served at most; more wait in the kernel's accept queue.
    pub max_connections: u32,
    /// How long a client may take to send a request's headers, milliseconds (slowloris).
    pub header_read_timeout_ms: u64,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: None,
            static_dir: None,
            allowed_origins: None,
            order_token_secret_env: None,
            store: None,
            order_retention_days: 30,
            // A browser keeps a few connections per origin; a thousand readers at once is far
            // above a publisher's checkout traffic, far below the process's file descriptors.
            max_connections: 1024,
            // Ten seconds covers a phone on a poor network sending a few hundred bytes.
            header_read_timeout_ms: 10_000,
            allowed_return_url_prefixes: None,
            // An order is 1–2 KiB; four times that leaves room for long names and addresses.
            body_limit_bytes: 8 * 1024,
            // A checkout makes about five calls, and readers behind one office or carrier NAT share
            // an address: a quota per IP has to leave room for several checkouts at once.
            rate_limit_per_second: 10,
            rate_limit_burst: 60,
            // Long enough for a vendor's slow path (S4 completion may hold the call while it
            // polls the payment), short enough that the reader gets an answer to retry on.
            upstream_timeout_ms: 10_000,
            // 24 h, the window Stripe documents for its idempotency keys.
            idempotency_ttl_secs: 24 * 3600,
        }
    }
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
    /// Name of the environment variable holding the secret prepayment vouchers are signed with
    /// (HS256). Required when an offer is prepaid.
    pub prepayment_secret_env: Option<String>,
    /// `[connectid.assign_user]`: how the reader is told about their new access.
    #[serde(default)]
    pub assign_user: AssignUserConfig,
    /// `[connectid.order_fields]`: order fields the publisher sets, never the browser.
    #[serde(default)]
    pub order_fields: OrderFieldsConfig,
    /// `[connectid.login]`: readers log in through the gateway. Absent: no login.
    #[serde(default)]
    pub login: Option<super::LoginConfig>,
    /// `source` of every consent event the gateway registers (where the consent was given).
    #[serde(default)]
    pub consent_source: Option<String>,
    /// The `orderStatus` values of ConnectID's order status that mean paid. Neither the vendor's
    /// documents nor the public reference name them (only `"preliminary"`, an order not yet
    /// paid), so this is configuration; left out: `["completed"]`, what the sandbox answers.
    #[serde(default)]
    pub paid_order_statuses: Option<Vec<String>>,
}

/// `[connectid.order_fields]`: the fields of every ConnectID order that are the publisher's
/// business (which merchant takes the money, which company, seller and sales channel the order is
/// booked to). The browser may not send them (400); the gateway sets the configured ones on every
/// order it forwards. Which values a publisher has comes from its ConnectID agreement; absent
/// keys are not sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderFieldsConfig {
    /// `merchantId`.
    pub merchant_id: Option<String>,
    /// `companyCode`.
    pub company_code: Option<String>,
    /// `seller`.
    pub seller: Option<String>,
    /// `salesMethod`.
    pub sales_method: Option<String>,
}

impl OrderFieldsConfig {
    /// Sets the configured fields on `order`.
    pub fn apply(&self, order: &mut kasse_core::connectid::ClientOrder) {
        order.merchant_id.clone_from(&self.merchant_id);
        order.company_code.clone_from(&self.company_code);
        order.seller.clone_from(&self.seller);
        order.sales_method.clone_from(&self.sales_method);
    }
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
    /// The publisher's Vipps/MobilePay merchant account at S4 (`accountId`), set by the gateway
    /// on every Vipps/MobilePay agreement. Absent: S4 uses the tenant's default account.
    pub vipps_account_id: Option<String>,
    /// The publisher's SwedbankPay account at S4 (`payExAccountId`), set likewise.
    pub payex_account_id: Option<String>,
    /// The publisher's page where a reader manages a Vipps/MobilePay agreement
    /// (`merchantAgreementUrl`); required when an offer shows Vipps or MobilePay.
    #[serde(default)]
    pub merchant_agreement_url: Option<String>,
    /// This gateway's SwedbankPay callback endpoint as S4 reaches it (`callbackUrl`,
    /// `…/kasse/v1/s4/callback`); required when an offer shows SwedbankPay.
    #[serde(default)]
    pub callback_url: Option<String>,
}

impl GatewayConfig {
    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<GatewayConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            problems: vec![format!("not a valid gateway config: {e}")],
        })
    }

    /// Reads and parses a config file; a relative `server.static_dir` or SQLite store is taken from
    /// the file's directory, so the config works from any working directory.
    pub fn load(path: &Path) -> Result<GatewayConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            problems: vec![format!("cannot read {}: {e}", path.display())],
        })?;
        let mut config = GatewayConfig::from_toml(&text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        if let Some(dir) = &config.server.static_dir {
            if dir.is_relative() {
                config.server.static_dir = Some(base.join(dir));
            }
        }
        let store = config
            .server
            .store
            .take()
            .unwrap_or_else(|| "sqlite:kasse-ledger.db".into());
        config.server.store = Some(beside(base, &store));
        Ok(config)
    }
}

/// `[connectid.assign_user]`: the gateway's, never the browser's, choice of how a reader who was
/// not logged in hears about the access they bought.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignUserConfig {
    /// Send the reader an e-mail or SMS with a login link (`isSendMessage`). Default false.
    #[serde(default)]
    pub send_message: bool,
    /// Give the access by itself when the reader's browser never asks for it (the payment page's
    /// return opened in another browser): the payer's credential is kept sealed until then, at
    /// most a day. Default true; false keeps no credential, and such a reader has no access
    /// until customer service gives it.
    #[serde(default = "yes")]
    pub unasked: bool,
    /// Where the link lands (`returnUrl`), absolute https.
    pub return_url: Option<String>,
    /// Where the link lands on error (`errorUrl`), absolute https.
    pub error_url: Option<String>,
    /// How long the link works, seconds (`linkLifetime`).
    pub link_lifetime_secs: Option<i64>,
}

impl Default for AssignUserConfig {
    fn default() -> AssignUserConfig {
        AssignUserConfig {
            send_message: false,
            unasked: true,
            return_url: None,
            error_url: None,
            link_lifetime_secs: None,
        }
    }
}

fn yes() -> bool {
    true
}

/// A `sqlite:` store with a relative path, taken from `base`; any other URL as it is.
pub(crate) fn beside(base: &Path, store: &str) -> String {
    match store.strip_prefix("sqlite:") {
        Some(path) if Path::new(path).is_relative() && !path.starts_with(':') => {
            format!("sqlite:{}", base.join(path).display())
        }
        _ => store.to_string(),
    }
}
