//! ConnectID: OAuth token endpoint, bearer-token check and rate limit for `/capi/…`, and the
//! client-mode and user-mode API endpoints.

mod fulfillment;
mod oauth;
mod orders;
pub mod rules;
mod subscription;

use crate::errors::{CidError, ErrorTag, OAuthError};
use crate::reqlog::ClientTag;
use crate::state::OrderState;
use crate::store::{kind, InsertOutcome, NewOrder, OrderRow};
use crate::util::{absolute_http_url, is_e164, is_email, money_json, now_ms, random_token, with_query};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use base64::Engine;
use rules::validate_order;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

use fulfillment::*;
pub use oauth::*;
use orders::*;
use subscription::*;

/// The authenticated caller of a `/capi/…` endpoint.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The OAuth client.
    pub client_id: String,
    /// The logged-in user (user tokens only).
    pub unique_user_id: Option<String>,
}

/// Payment methods whose orders may be completed by `POST /v1/client/order/fulfillment` without
/// being prepaid: ConnectID's fulfillment API documents it as "allowed for sms, invoice, free, kco,
/// creditcardPayex, other" (and for prepaid orders of any method).
const API_FULFILLABLE: [&str; 6] = ["sms", "invoice", "free", "kco", "creditcardPayex", "other"];

/// Payment methods the hosted fulfillment page refuses: ConnectID documents fulfillment by redirect
/// as "not for other or sms" (nothing to pay interactively).
pub const NOT_REDIRECT_FULFILLABLE: [&str; 2] = ["other", "sms"];

impl From<rusqlite::Error> for CidError {
    fn from(e: rusqlite::Error) -> Self {
        CidError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            exception_type: "InternalServerErrorException",
            message: format!("sandbox database error: {e}"),
        }
    }
}

impl From<rusqlite::Error> for OAuthError {
    fn from(e: rusqlite::Error) -> Self {
        OAuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("sandbox database error: {e}"),
        )
    }
}

/// ConnectID routes (token endpoint and `/capi/…`).
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let capi = Router::new()
        .route("/capi/v1/client/order", post(register_order_client))
        .route("/capi/v1/client/order/fulfillment", post(fulfill_order))
        .route("/capi/v1/client/order/{order_id}/user", post(assign_user))
        .route("/capi/v1/client/order/status/{order_id}", get(order_status))
        .route("/capi/v1/client/coupon/price", post(coupon_price))
        .route("/capi/v1/client/coupon/{product_id}", get(coupons_of_product))
        .route("/capi/v1/order", post(register_order_user))
        .route("/capi/v1/subscription", post(start_subscription))
        .route_layer(from_fn_with_state(state, capi_auth));
    Router::new().route("/user/oauth/token", post(token)).merge(capi)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn set_rate_headers(headers: &mut HeaderMap, remaining: u32, reset: i64) {
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    headers.insert("x-mediaconnect-api-version", HeaderValue::from_static("1"));
}

/// Checks the bearer token (client token for `/capi/v1/client/…`, user token for the user-mode
/// endpoints), then the per-client rate limit.
async fn capi_auth(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let user_mode = !request.uri().path().starts_with("/capi/v1/client/");
    let Some(token) = bearer(request.headers()).map(String::from) else {
        return OAuthError::invalid_token("Full authentication is required: missing bearer token").into_response();
    };
    let row = match state.store.token(&token) {
        Ok(Some(row)) => row,
        Ok(None) => return OAuthError::invalid_token("Invalid access token").into_response(),
        Err(e) => return OAuthError::from(e).into_response(),
    };
    if row.expires_ms <= now_ms() {
        return OAuthError::invalid_token("Access token expired").into_response();
    }
    let wanted = if user_mode { kind::USER } else { kind::CLIENT };
    if row.kind != wanted {
        let what = if user_mode {
            "this endpoint acts for a logged-in user: it needs a user token (authorization code grant)"
        } else {
            "client-mode endpoints need a client-credentials token"
        };
        let mut response = OAuthError::invalid_token(what).into_response();
        response.extensions_mut().insert(ClientTag(row.client_id));
        return response;
    }
    let verdict = state.limiter.check(&row.client_id, now_ms());
    if !verdict.allowed {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({
                "exceptionType": "RateLimitExceededException",
                "errorMessage": format!(
                    "rate limit exceeded ({} calls/s, {} calls/min per client)",
                    state.config.rate_per_sec, state.config.rate_per_min
                ),
            })),
        )
            .into_response();
        set_rate_headers(response.headers_mut(), verdict.remaining, verdict.reset_secs);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(verdict.reset_secs));
        response.extensions_mut().insert(ClientTag(row.client_id));
        response.extensions_mut().insert(ErrorTag("rate limit exceeded".into()));
        return response;
    }
    request.extensions_mut().insert(Caller {
        client_id: row.client_id.clone(),
        unique_user_id: row.unique_user_id.clone(),
    });
    let mut response = next.run(request).await;
    set_rate_headers(response.headers_mut(), verdict.remaining, verdict.reset_secs);
    response.extensions_mut().insert(ClientTag(row.client_id));
    response
}

fn parse_json(body: &[u8]) -> Result<Value, CidError> {
    serde_json::from_slice(body).map_err(|e| CidError::validation(format!("malformed JSON body: {e}")))
}

/// A request body that must be a JSON object (the handlers below read their fields from it).
fn parse_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, CidError> {
    match parse_json(body)? {
        Value::Object(obj) => Ok(obj),
        _ => Err(CidError::validation("the request body must be a JSON object")),
    }
}

/// The order of this client, or 404.
fn own_order(state: &AppState, caller: &Caller, order_id: i64) -> Result<OrderRow, CidError> {
    state
        .store
        .order(order_id)?
        .filter(|o| o.client_id == caller.client_id)
        .ok_or_else(|| CidError::order_not_found(order_id))
}

fn parse_order_id(text: &str) -> Result<i64, CidError> {
    text.parse::<i64>()
        .map_err(|_| CidError::validation(format!("orderId {text:?} must be an integer")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches("S256", challenge, verifier));
        assert!(!pkce_matches("S256", challenge, "wrong"));
        assert!(pkce_matches("plain", "abc", "abc"));
        assert!(!pkce_matches("S512", challenge, verifier));
    }
}
