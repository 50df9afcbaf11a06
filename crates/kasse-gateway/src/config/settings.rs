//! The checked configuration the gateway runs with.

use super::AssignUserConfig;
use crate::order_token::TokenKey;
use crate::prepayment::VoucherKey;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use kasse_core::offer::Offer;
use url::Url;

use super::Secret;

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
    /// The key prepayment vouchers are checked with, when an offer is prepaid.
    pub prepayment_key: Option<VoucherKey>,
    /// How assign user tells the reader.
    pub assign_user: AssignUserConfig,
    /// Order fields the gateway sets.
    pub order_fields: super::OrderFieldsConfig,
    /// Readers log in through the gateway, when configured.
    pub login: Option<super::LoginSettings>,
    /// `source` of consent events.
    pub consent_source: String,
    /// The order statuses that mean paid (see the config file's `paid_order_statuses`).
    pub paid_order_statuses: Vec<String>,
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
    /// `accountId` of Vipps/MobilePay agreements.
    pub vipps_account_id: Option<String>,
    /// `payExAccountId` of SwedbankPay agreements.
    pub payex_account_id: Option<String>,
    /// `merchantAgreementUrl` of every Vipps/MobilePay agreement (served to the widget).
    pub merchant_agreement_url: Option<String>,
    /// `callbackUrl` of every SwedbankPay agreement (served to the widget).
    pub callback_url: Option<String>,
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
    /// The key order tokens are derived with, when configured; otherwise the ledger keeps one.
    pub order_token_key: Option<TokenKey>,
    /// The ledger's URL (`sqlite:PATH`, `postgres://…`).
    pub store: String,
    /// How long order records are kept.
    pub order_retention: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// Time allowed to send a request's headers.
    pub header_read_timeout: Duration,
    /// ConnectID, when configured.
    pub connectid: Option<ConnectIdSettings>,
    /// S4, when configured.
    pub s4: Option<S4Settings>,
    /// The catalog by offer id.
    pub offers: BTreeMap<String, Offer>,
}
