//! ConnectID: OAuth token and revocation endpoints, bearer-token check and rate limit for
//! `/capi/…`, and the client-mode and user-mode API endpoints (orders, the logged-in customer,
//! marketing consent).

mod access;
mod assign;
mod auth;
mod body;
mod consent_events;
mod consent_texts;
mod coupons;
mod customer;
mod fulfillment;
mod oauth;
mod orders;
mod revoke;
pub mod rules;
mod subscription;

use crate::errors::{CidError, ErrorTag, OAuthError};
use crate::reqlog::ClientTag;
use crate::state::OrderState;
use crate::store::{api, kind, Account, InsertOutcome, NewOrder, OrderRow, TokenRow};
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

use access::*;
use assign::*;
use auth::*;
use body::*;
pub use consent_events::admin_view as consent_event_admin_view;
use consent_events::*;
use consent_texts::*;
use coupons::*;
use customer::*;
use fulfillment::*;
pub use oauth::*;
use orders::*;
use revoke::*;
use subscription::*;

/// The authenticated caller of a `/capi/…` endpoint.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The OAuth client.
    pub client_id: String,
    /// The logged-in user (user tokens only).
    pub unique_user_id: Option<String>,
}

/// Payment methods whose orders may be completed by `POST /v1/client/order/fulfillment` with no
/// payment made before them (the reader is not needed to pay). ConnectID's fulfillment API page
/// also lists kco and creditcardPayex, but its order guide says "if the fulfillment includes an
/// interactive payment process (e.g. card payment), the redirect must be used. If the order is
/// prepaid, or does not involve the user for payment (e.g. invoice), the API for fulfillment may be
/// used", and the guide wins: a card or Klarna order is completed by API only with its payment
/// made before (`prepaid`, or a `paymentInfo…` object, as in the guide's own card example).
const API_FULFILLABLE: [&str; 4] = ["sms", "invoice", "free", "other"];

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
        .route("/capi/v1/customer/profile", get(customer_profile))
        .route("/capi/v1/customer/access", post(customer_access))
        .route(
            "/capi/v1/client/customer/privacy/consent/text/history/{issuer}",
            get(consent_texts),
        )
        .route(
            "/capi/v1/client/customer/privacy/consentEvent",
            post(register_consent_event),
        )
        .route(
            "/capi/v1/client/customer/privacy/consentEvent/history/{issuer}/{subject_type}/{subject}",
            get(consent_event_history),
        )
        .route_layer(from_fn_with_state(state, capi_auth));
    Router::new()
        .route("/user/oauth/token", post(token))
        .route("/user/oauth/revoke", post(revoke))
        .merge(capi)
}

/// The order of this client, or 404.
fn own_order(state: &AppState, caller: &Caller, order_id: i64) -> Result<OrderRow, CidError> {
    state
        .store
        .order(order_id)?
        .filter(|o| o.client_id == caller.client_id)
        .ok_or_else(|| CidError::order_not_found(order_id))
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
