//! # kasse-sandbox
//!
//! A local stand-in for the two vendor APIs Kasse talks to — ConnectID (Mediaconnect / Unite) and
//! Info-Subscription "S4" — so that the demo and the tests never need the network. It implements
//! the vendors' documented rules **independently of kasse-core** (it must never depend on it): a
//! rule the client gets wrong shows up here as a rejected order.
//!
//! Everything is served from one origin, bound to 127.0.0.1 only.
//!
//! ## Path mapping
//!
//! | real host | sandbox path |
//! |---|---|
//! | `https://connectid.no/user/oauth/token` | `POST /user/oauth/token` (client credentials, authorization code + PKCE, refresh token) |
//! | `https://connectid.no/user/oauth/authorize` | `GET/POST /user/oauth/authorize` (login page for the seed's test users) |
//! | — (not documented by the vendor; the gateway's configuration) | `POST /user/oauth/revoke` (RFC 7009) |
//! | `https://connectid.no/user/logout` | `GET /user/logout?clientId&returnUrl&errorUrl` (hosted logout) |
//! | `https://connectid.no/user/fulfillment` | `GET /user/fulfillment?clientId&orderId&returnUrl&errorUrl` (hosted payment page); its form posts to `POST /user/fulfillment/decision` |
//! | `https://api.mediaconnect.no/capi/v1/client/order` | `POST /capi/v1/client/order` |
//! | `…/capi/v1/client/order/fulfillment` | `POST /capi/v1/client/order/fulfillment` |
//! | `…/capi/v1/client/order/{orderId}/user` | `POST /capi/v1/client/order/{orderId}/user` |
//! | `…/capi/v1/client/order/status/{orderId}` | `GET /capi/v1/client/order/status/{orderId}` |
//! | `…/capi/v1/client/coupon/price` | `POST /capi/v1/client/coupon/price` |
//! | `…/capi/v1/client/coupon/{productId}` | `GET /capi/v1/client/coupon/{productId}` |
//! | `…/capi/v1/order` (user token) | `POST /capi/v1/order` |
//! | `…/capi/v1/subscription` (user token) | `POST /capi/v1/subscription` |
//! | `…/capi/v1/customer/profile`, `…/customer/access` (user token) | `GET /capi/v1/customer/profile`, `POST /capi/v1/customer/access` |
//! | `…/capi/v1/client/customer/privacy/consent/text/history/{issuer}` | `GET` the same path under `/capi` |
//! | `…/capi/v1/client/customer/privacy/consentEvent` (+ `/history/{issuer}/{subjectType}/{subject}`) | `POST` / `GET` the same paths under `/capi` |
//! | S4 token endpoint (Azure AD B2C) | `POST /s4/oauth2/token` |
//! | `https://api.info-subscription.com/order` | `POST /s4/order` |
//! | `…/order/{id}` | `GET /s4/order/{id}`, `DELETE /s4/order/{id}` |
//! | `…/order/{id}/complete` | `POST /s4/order/{id}/complete` |
//! | `…/subscriber` | `POST /s4/subscriber`, `GET /s4/subscriber?ExternalId=…` |
//! | `…/package/{id}`, `…/package/{id}/validate` | `GET /s4/package/{id}`, `POST /s4/package/{id}/validate` |
//! | Vipps / MobilePay / SwedbankPay payment page | `GET /s4/terminal/{id}` (the order's `terminalRedirectUrl`), form posts to `POST /s4/terminal/{id}` |
//!
//! Sandbox-only endpoints for tests and the demo (never faulted, never logged):
//! `GET /__sandbox/health`, `GET /__sandbox/orders`, `GET /__sandbox/subscriptions`,
//! `GET /__sandbox/consents`, `GET /__sandbox/logouts`,
//! `GET /__sandbox/requests`, `POST /__sandbox/reset`, `GET|POST /__sandbox/faults`.
//!
//! ## Starting it in-process
//!
//! ```no_run
//! # async fn demo() -> Result<(), kasse_sandbox::SandboxError> {
//! let sandbox = kasse_sandbox::Sandbox::start(kasse_sandbox::SandboxConfig::default()).await?;
//! println!("{}", sandbox.base_url()); // http://127.0.0.1:<ephemeral port>
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

pub mod admin;
pub mod connectid;
pub mod errors;
pub mod faults;
pub mod pages;
pub mod ratelimit;
pub mod reqlog;
pub mod s4;
pub mod seed;
pub mod state;
pub mod store;
pub mod util;

use axum::middleware::from_fn_with_state;
use axum::serve::ListenerExt;
use axum::Router;
use faults::{FaultConfig, FaultState};
use ratelimit::{Limits, RateLimiter};
use reqlog::RequestLog;
use seed::Seed;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 = an ephemeral port.
    pub port: u16,
    /// SQLite file; `None` = a fresh in-memory database that lives as long as the sandbox.
    pub db: Option<PathBuf>,
    /// Seed data; `None` = the compiled-in `seed.toml`.
    pub seed: Option<Seed>,
    /// Faults active from the start.
    pub faults: FaultConfig,
    /// Lifetime of ConnectID access tokens (the vendor's default is 12 h).
    pub token_ttl: Duration,
    /// Lifetime of ConnectID refresh tokens (the vendor's default is 30 days).
    pub refresh_ttl: Duration,
    /// Lifetime of S4 access tokens (about an hour at the vendor).
    pub s4_token_ttl: Duration,
    /// How long after creation S4 settles a Vipps/MobilePay order nobody completed: completed
    /// when the reader approved the agreement, cancelled when not (about 5 minutes at S4).
    pub s4_vipps_settle: Duration,
    /// ConnectID calls per second per client.
    pub rate_per_sec: u32,
    /// ConnectID calls per minute per client.
    pub rate_per_min: u32,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            db: None,
            seed: None,
            faults: FaultConfig::default(),
            token_ttl: Duration::from_secs(43_200),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            s4_token_ttl: Duration::from_secs(3600),
            s4_vipps_settle: Duration::from_secs(300),
            rate_per_sec: 100,
            rate_per_min: 2000,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug)]
pub enum SandboxError {
    /// Binding the port failed.
    Io(std::io::Error),
    /// Opening or preparing the database failed.
    Db(rusqlite::Error),
    /// The fault configuration is invalid.
    Faults(String),
}

impl std::fmt::Display for SandboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SandboxError::Io(e) => write!(f, "sandbox: cannot bind: {e}"),
            SandboxError::Db(e) => write!(f, "sandbox: database: {e}"),
            SandboxError::Faults(e) => write!(f, "sandbox: {e}"),
        }
    }
}

impl std::error::Error for SandboxError {}

/// Shared state of a running sandbox.
pub struct AppState {
    /// Seed data.
    pub seed: Seed,
    /// Database.
    pub store: Store,
    /// The configuration it was started with.
    pub config: SandboxConfig,
    /// `http://127.0.0.1:PORT`, for URLs the sandbox hands out (terminal pages).
    pub base_url: String,
    /// Fault injection.
    pub faults: Mutex<FaultState>,
    /// ConnectID rate limit.
    pub limiter: RateLimiter,
    /// Request log.
    pub log: RequestLog,
    /// Client for callbacks (fulfillment `callbackUrl`, SwedbankPay `callbackUrl`).
    pub http: reqwest::Client,
}

/// Builds the router for a state (exposed for embedding; [`Sandbox::start`] is the usual way).
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(connectid::routes(state.clone()))
        .merge(pages::routes())
        .merge(s4::routes(state.clone()))
        .merge(admin::routes())
        .fallback(|| async {
            (
                axum::http::StatusCode::NOT_FOUND,
                axum::Json(serde_json::json!({
                    "exceptionType": "NotFoundException",
                    "errorMessage": "no such endpoint in the sandbox",
                })),
            )
        })
        .layer(from_fn_with_state(state.clone(), faults::middleware))
        .layer(from_fn_with_state(state.clone(), reqlog::middleware))
        .with_state(state)
}

/// A running sandbox.
pub struct Sandbox {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Sandbox {
    /// Opens the database, binds 127.0.0.1:`port` and serves in a background task.
    /// Returns once the socket is bound, so [`Sandbox::base_url`] is immediately usable.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        config.faults.check().map_err(SandboxError::Faults)?;
        let seed = config.seed.clone().unwrap_or_else(Seed::default_seed);
        let store = Store::open(config.db.as_deref()).map_err(SandboxError::Db)?;
        store.seed_users(&seed.connectid.users).map_err(SandboxError::Db)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(SandboxError::Io)?;
        let addr = listener.local_addr().map_err(SandboxError::Io)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SandboxError::Io(std::io::Error::other(e)))?;
        let state = Arc::new(AppState {
            seed,
            store,
            faults: Mutex::new(FaultState::new(config.faults.clone())),
            limiter: RateLimiter::new(Limits {
                per_sec: config.rate_per_sec,
                per_min: config.rate_per_min,
            }),
            log: RequestLog::default(),
            base_url: format!("http://{addr}"),
            config,
            http,
        });
        let app = router(state);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // Responses go out as written (see the gateway's `serve`: Nagle's algorithm and the
            // browser's delayed ACK otherwise hold a small body back 40 ms on a kept-alive connection).
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "TCP_NODELAY not set");
                }
            });
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            addr,
            shutdown: Some(tx),
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits (at most 5 s for in-flight requests, e.g. an injected timeout)
    /// until the server is gone, so a file database can be reopened right after.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let task = std::mem::replace(&mut self.task, tokio::spawn(async {}));
        let abort = task.abort_handle();
        if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
            abort.abort();
        }
    }
}

impl Drop for Sandbox {
    /// A sandbox dropped without [`Sandbox::shutdown`] still stops serving (tests that panic).
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
