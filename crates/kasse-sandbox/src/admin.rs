//! Sandbox-only endpoints for tests and the demo: the order, subscription, consent and logout
//! oracles, the request log, reset and fault control. Never faulted, never rate limited, not logged.

use crate::faults::FaultConfig;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

/// Admin routes under `/__sandbox`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/__sandbox/health", get(health))
        .route("/__sandbox/orders", get(orders))
        .route("/__sandbox/subscriptions", get(subscriptions))
        .route("/__sandbox/s4/subscribers", get(s4_subscribers))
        .route("/__sandbox/consents", get(consents))
        .route("/__sandbox/logouts", get(logouts))
        .route("/__sandbox/requests", get(requests))
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/faults", get(get_faults).post(set_faults))
}

fn db_error(e: rusqlite::Error) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"error": format!("sandbox database error: {e}")})),
    )
        .into_response()
}

/// Every S4 subscriber, oldest first: the oracle for "one subscriber per reader".
async fn s4_subscribers(State(state): State<Arc<AppState>>) -> Response {
    match state.store.all_s4_subscribers() {
        Ok(all) => Json(all.iter().map(crate::s4::subscriber_admin_view).collect::<Vec<_>>()).into_response(),
        Err(e) => db_error(e),
    }
}

async fn health() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

async fn orders(State(state): State<Arc<AppState>>) -> Response {
    match state.store.admin_orders() {
        Ok(list) => Json(list).into_response(),
        Err(e) => db_error(e),
    }
}

async fn subscriptions(State(state): State<Arc<AppState>>) -> Response {
    match state.store.admin_subscriptions() {
        Ok(list) => Json(list).into_response(),
        Err(e) => db_error(e),
    }
}

/// Every consent event, oldest first: the oracle for "the reader's choice was registered".
async fn consents(State(state): State<Arc<AppState>>) -> Response {
    match state.store.all_consent_events() {
        Ok(all) => Json(
            all.iter()
                .map(crate::connectid::consent_event_admin_view)
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => db_error(e),
    }
}

/// Every visit to the hosted logout page, oldest first.
async fn logouts(State(state): State<Arc<AppState>>) -> Response {
    match state.store.admin_logouts() {
        Ok(list) => Json(list).into_response(),
        Err(e) => db_error(e),
    }
}

async fn requests(State(state): State<Arc<AppState>>) -> Response {
    Json(state.log.entries()).into_response()
}

/// Empties orders, subscriptions, created users, codes, consent events, logouts, the request log
/// and the rate counters, and restarts fault injection from the configuration the sandbox was started with.
async fn reset(State(state): State<Arc<AppState>>) -> Response {
    if let Err(e) = state.store.reset() {
        return db_error(e);
    }
    state.log.clear();
    state.limiter.reset();
    state
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .set(state.config.faults.clone());
    Json(json!({"status": "reset"})).into_response()
}

async fn get_faults(State(state): State<Arc<AppState>>) -> Response {
    Json(state.faults.lock().unwrap_or_else(|e| e.into_inner()).describe()).into_response()
}

/// Replaces the fault configuration and restarts the generator from `seed`.
async fn set_faults(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let config: FaultConfig = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"error": format!("faults: {e}")}))).into_response(),
    };
    if let Err(e) = config.check() {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response();
    }
    let mut faults = state.faults.lock().unwrap_or_else(|e| e.into_inner());
    faults.set(config);
    Json(faults.describe()).into_response()
}
