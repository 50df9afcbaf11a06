//! # kasse-gateway
//!
//! The publisher's server piece of Kasse: holds the vendors' client secrets, serves the offer
//! catalog, checks every order the widget built against the offer (with kasse-core), forwards it to
//! ConnectID or S4, and serves the widget and its demo page.
//!
//! Start it from a config file with the binary (`kasse-gateway --config gateway.toml`) or in
//! process:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = kasse_gateway::config::GatewayConfig::load("gateway.toml".as_ref())?;
//! let gateway = kasse_gateway::serve(config).await?;
//! println!("{}", gateway.base_url()); // http://127.0.0.1:<port>
//! gateway.shutdown().await;
//! # Ok(()) }
//! ```

pub mod api;
pub mod config;
pub mod error;
pub mod idempotency;
pub mod ledger;
pub mod loader;
pub mod login;
pub mod order_token;
pub mod owners;
pub mod prepayment;
pub mod protect;
pub mod serve;
pub mod static_files;
pub mod token;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Json, Router};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::api::AppState;
use crate::config::{origin_of, GatewayConfig, Settings};
use crate::error::ApiError;
use crate::idempotency::Attempts;
use crate::ledger::{OrderStore, Retention, SqlStore};
use crate::order_token::TokenKey;
use crate::protect::{IpRateLimit, OriginPolicy};
use crate::token::{ClientAuth, TokenBroker};
use crate::upstream::Vendor;

/// A running gateway.
pub struct Gateway {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Gateway {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shared state (token brokers, stores), for tests and metrics.
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Resolves when the server stops by itself (it only does on error).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
        // A finished JoinHandle must not be polled again (shutdown awaits the task).
        self.task = tokio::spawn(async {});
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s) and returns.
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

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Checks `config` (secrets from the process environment) and serves it.
pub async fn serve(config: GatewayConfig) -> anyhow::Result<Gateway> {
    let settings = config.resolve()?;
    serve_settings(settings).await
}

/// Serves checked settings: binds `settings.listen` (port 0 = ephemeral) and returns once bound.
pub async fn serve_settings(settings: Settings) -> anyhow::Result<Gateway> {
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    let addr = listener.local_addr()?;
    let settings = Arc::new(settings);
    let store = Arc::new(SqlStore::open(&settings.store).await?);
    let ledger: Arc<dyn OrderStore> = store.clone();
    let token_key = token_key(&settings, ledger.as_ref()).await?;
    let state = Arc::new(build_state(
        settings.clone(),
        ledger.clone(),
        store.clone(),
        store,
        token_key,
    )?);
    let retention = Retention {
        orders_ms: settings.order_retention.as_millis() as i64,
        answers_ms: settings.idempotency_ttl.as_millis() as i64,
    };
    let limiter = IpRateLimit::new(settings.rate_limit_per_second, settings.rate_limit_burst);
    let app = app(state.clone(), limiter.clone());
    let limits = serve::Limits {
        max_connections: settings.max_connections,
        header_read_timeout: settings.header_read_timeout,
    };
    let (tx, rx) = oneshot::channel::<()>();
    let housekeeping_state = state.clone();
    let task = tokio::spawn(async move {
        let server = serve::serve(listener, app, limits, async {
            let _ = rx.await;
        });
        let housekeeping = async {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            for minute in 0u64.. {
                tick.tick().await;
                limiter.shrink();
                api::give_due_access(&housekeeping_state, crate::ledger::now_ms()).await;
                if minute % 10 == 0 {
                    prune(ledger.as_ref(), retention).await;
                }
            }
        };
        tokio::select! {
            () = server => {}
            _ = housekeeping => {}
        }
    });
    Ok(Gateway {
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}

/// The configured order-token key, or else the ledger's own (drawn once, by the first instance
/// to start, and shared by every instance and restart: a replayed registration must answer the
/// token the reader already holds).
async fn token_key(settings: &Settings, ledger: &dyn OrderStore) -> anyhow::Result<TokenKey> {
    if let Some(key) = &settings.order_token_key {
        return Ok(key.clone());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
    let stored = ledger.meta_value("order_token_secret", &hex::encode(bytes)).await?;
    let secret = hex::decode(stored).map_err(|_| anyhow::anyhow!("the stored order-token secret is unreadable"))?;
    TokenKey::new(&secret).ok_or_else(|| anyhow::anyhow!("the stored order-token secret is too short"))
}

/// Forgets what the ledger keeps past its time; a failure is logged and tried again later.
async fn prune(ledger: &dyn OrderStore, retention: Retention) {
    match ledger.prune(retention, crate::ledger::now_ms()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "ledger pruned"),
        Err(e) => tracing::warn!(error = %e, "ledger prune failed"),
    }
}

fn build_state(
    settings: Arc<Settings>,
    ledger: Arc<dyn OrderStore>,
    sessions: Arc<dyn crate::ledger::SessionStore>,
    pending: Arc<dyn crate::ledger::PendingAccessStore>,
    token_key: TokenKey,
) -> anyhow::Result<AppState> {
    let http = reqwest::Client::builder()
        .timeout(settings.upstream_timeout)
        .connect_timeout(settings.upstream_timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("kasse-gateway/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let connectid = settings.connectid.as_ref().map(|c| {
        let broker = Arc::new(TokenBroker::new(
            http.clone(),
            c.token_url.clone(),
            c.client_id.clone(),
            c.client_secret.clone(),
            ClientAuth::Basic,
            None,
        ));
        Vendor::new("connectid", http.clone(), &c.api_base, broker, Vec::new())
    });
    let s4 = match settings.s4.as_ref() {
        None => None,
        Some(c) => {
            let broker = Arc::new(TokenBroker::new(
                http.clone(),
                c.token_url.clone(),
                c.client_id.clone(),
                c.client_secret.clone(),
                // Azure AD B2C's client-credentials samples put the credentials in the body.
                ClientAuth::Body,
                c.scope.clone(),
            ));
            let tenant = (
                HeaderName::from_static("s4-tenantid"),
                HeaderValue::from_str(&c.tenant_id)?,
            );
            Some(Vendor::new("s4", http.clone(), &c.api_base, broker, vec![tenant]))
        }
    };
    Ok(AppState {
        attempts: Attempts::new(ledger.clone(), settings.idempotency_ttl, attempt_lease(&settings)),
        ledger,
        sessions,
        sealer: crate::login::seal::Sealer::new(&token_key),
        pending,
        access_sealer: crate::login::seal::Sealer::for_purpose(&token_key, "pending-access"),
        token_key,
        http,
        consent_texts: Default::default(),
        settings,
        connectid,
        s4,
    })
}

/// The complete router: API (origin guard, CORS, rate limit, body limit), `/healthz`, and the
/// static files when configured.
pub fn app(state: Arc<AppState>, limiter: IpRateLimit) -> Router {
    let settings = state.settings.clone();
    let policy = OriginPolicy::new(settings.allowed_origins.clone());
    let mut api = Router::new();
    for route in api::routes() {
        api = api.route(route.path, route.handler);
    }
    let api = api
        .route(
            "/kasse/{*rest}",
            any(|| async { ApiError::not_found("no_such_endpoint", "no such API endpoint") }),
        )
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes))
        .layer(from_fn_with_state(limiter, protect::rate_limit))
        .layer(policy.cors_layer())
        .layer(from_fn_with_state(policy, protect::origin_guard))
        .with_state(state);

    let mut app = Router::new().route("/healthz", get(healthz)).merge(api);
    app = match &settings.static_dir {
        Some(dir) => {
            let mut form_action = Vec::new();
            if let Some(c) = &settings.connectid {
                form_action.push(origin_of(&c.fulfillment_url));
            }
            let loader = static_files::served_loader(dir, &settings.offers);
            app.fallback_service(static_files::router(dir, static_files::csp(&form_action), loader))
        }
        None => app.fallback(|| async { ApiError::not_found("not_found", "nothing here") }),
    };
    let (body_timeout, request_timeout) = request_timeouts(&settings);
    app.layer(from_fn(protect::security_headers))
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            request_timeout,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_CONCURRENT_REQUESTS))
        // The path only: query strings carry what a log must not keep (the login callback's
        // `code` and `state`, return URLs).
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
        }))
}

/// How long a registration's leader may work before another request may take its key over:
/// longer than its vendor calls can take (a token fetch and the order, each bounded by the
/// upstream timeout, and one retry), so a live leader is never replaced.
fn attempt_lease(settings: &Settings) -> Duration {
    settings.upstream_timeout * 3 + Duration::from_secs(5)
}

/// Requests served at once; more wait for a free slot, so a flood queues instead of exhausting
/// memory and vendor connections.
const MAX_CONCURRENT_REQUESTS: usize = 512;

/// How long a client may take to send its body (a slow sender holds a slot), and how long a
/// whole request may take: the longest step makes three vendor calls (token, status, assign).
fn request_timeouts(settings: &Settings) -> (Duration, Duration) {
    let body = settings.upstream_timeout.min(Duration::from_secs(10));
    let request = settings.upstream_timeout * 3 + Duration::from_secs(2);
    (body, request)
}

async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, Json(serde_json::json!({"status": "ok"})))
}
