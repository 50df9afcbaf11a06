//! Info-Subscription "S4": token endpoint, order API and the simulated Vipps / MobilePay /
//! SwedbankPay page behind `terminalRedirectUrl`.
//!
//! Order life: `POST /order` → `InProgress` (interactive methods get a `terminalRedirectUrl`);
//! the terminal page records Approve or Cancel (Cancel → `Cancelled`); `POST /order/{id}/complete`
//! turns an approved (or non-interactive) order into `Completed`, waiting up to `maxPollingTimeout`
//! ms for a pending terminal decision, and answers 409 for an agreement that was cancelled or not
//! approved in that time; `DELETE /order/{id}` cancels an unfinished order (202).
//! Vipps/MobilePay orders nobody completes are settled by S4 itself about 5 minutes later
//! (completed when approved, cancelled when not); the sandbox does the same after
//! `--s4-vipps-settle-secs` (default 300), when the order is next looked at.
//!
//! Beside orders: subscribers (`POST /subscriber`, `GET /subscriber?ExternalId=`) and template
//! packages (`GET /package/{id}`, `POST /package/{id}/validate`).

mod oauth;
mod orders;
mod packages;
mod rules;
mod subscribers;
mod terminal;

pub use subscribers::admin_view as subscriber_admin_view;

use crate::connectid::{bearer, client_credentials, oauth_params};
use crate::errors::{ErrorTag, FieldError, OAuthError, S4Error};
use crate::pages::page;
use crate::reqlog::ClientTag;
use crate::seed::{S4Template, S4Tenant};
use crate::state::{S4Status, TerminalState};
use crate::store::{api, kind, NewS4Order, S4OrderRow, TokenRow};
use crate::util::{
    absolute_http_url, is_e164, is_guid, money_cents, money_json, money_text, now_ms, random_token, with_query,
};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use oauth::*;
use orders::*;
use packages::*;
use rules::*;
use subscribers::{create_subscriber, find_subscribers};
use terminal::*;

/// The authenticated S4 caller.
#[derive(Debug, Clone)]
pub struct S4Caller {
    /// OAuth client.
    pub client_id: String,
    /// Tenant from `S4-TenantId`.
    pub tenant_id: String,
}

/// The vendor caps `maxPollingTimeout` at about a minute.
const MAX_POLLING_MS: u64 = 60_000;

impl From<rusqlite::Error> for S4Error {
    fn from(e: rusqlite::Error) -> Self {
        S4Error::plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox database error: {e}"),
        )
    }
}

/// S4 routes.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let api = Router::new()
        .route("/s4/order", post(create_order))
        .route("/s4/order/{id}", get(read_order).delete(cancel_order))
        .route("/s4/order/{id}/complete", post(complete_order))
        .route("/s4/subscriber", post(create_subscriber).get(find_subscribers))
        .route("/s4/package/{id}", get(read_package))
        .route("/s4/package/{id}/validate", post(validate_package))
        .route_layer(from_fn_with_state(state, s4_auth));
    Router::new()
        .route("/s4/oauth2/token", post(token))
        .route("/s4/terminal/{id}", get(terminal_page).post(terminal_decision))
        .merge(api)
}

/// Checks the S4 bearer token, then that its client may act for the `S4-TenantId` it names.
async fn s4_auth(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let row = match s4_token(&state, request.headers()) {
        Ok(row) => row,
        Err(e) => return e.into_response(),
    };
    let tagged = |mut r: Response| {
        r.extensions_mut().insert(ClientTag(row.client_id.clone()));
        r
    };
    let tenant = match allowed_tenant(&state, request.headers(), &row.client_id) {
        Ok(tenant) => tenant,
        Err(e) => return tagged(e.into_response()),
    };
    request.extensions_mut().insert(S4Caller {
        client_id: row.client_id.clone(),
        tenant_id: tenant,
    });
    tagged(next.run(request).await)
}

/// A live S4 token (401 otherwise).
fn s4_token(state: &AppState, headers: &HeaderMap) -> Result<TokenRow, S4Error> {
    let unauthorized = |m: &str| S4Error::plain(StatusCode::UNAUTHORIZED, m);
    let token = bearer(headers).ok_or_else(|| unauthorized("missing bearer token"))?;
    let row = match state.store.token(token)? {
        Some(row) if row.kind == kind::S4 => row,
        _ => return Err(unauthorized("invalid token")),
    };
    if row.expires_ms <= now_ms() {
        return Err(unauthorized("token expired"));
    }
    Ok(row)
}

/// The tenant of `S4-TenantId` (lower case), if the client may act for it.
fn allowed_tenant(state: &AppState, headers: &HeaderMap, client_id: &str) -> Result<String, S4Error> {
    let tenant = headers
        .get("s4-tenantid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .ok_or_else(|| {
            S4Error::validation(vec![FieldError {
                field: "S4-TenantId".into(),
                message: "The S4-TenantId header is required.".into(),
            }])
        })?;
    let allowed = state
        .seed
        .s4_client(client_id)
        .is_some_and(|c| c.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)))
        && state.seed.s4_tenant(&tenant).is_some();
    if !allowed {
        return Err(S4Error::plain(
            StatusCode::FORBIDDEN,
            format!("client is not allowed for tenant {tenant}"),
        ));
    }
    Ok(tenant)
}

/// The `OrderView` S4 answers with; `terminalRedirectUrl` while the reader has a page to visit.
fn view(state: &AppState, o: &S4OrderRow) -> Value {
    let body: Value = serde_json::from_str(&o.body).unwrap_or(Value::Null);
    let terminal = (o.interactive && o.status == S4Status::InProgress && o.terminal_state == TerminalState::Pending)
        .then(|| format!("{}/s4/terminal/{}", state.base_url, o.id));
    json!({
        "id": o.id,
        "status": o.status,
        "terminalRedirectUrl": terminal,
        "subscriberId": o.subscriber_id,
        "subscriptionId": o.subscription_id,
        "paymentAgreementId": o.payment_agreement_id,
        "paymentMethod": o.payment_method,
        "templatePackageId": o.template_package_id,
        "organizationId": o.organization_id,
        "orderReference": body.get("orderReference"),
        "created": o.created_ms,
    })
}

/// The caller's order in the caller's tenant, or 404.
fn own(state: &AppState, caller: &S4Caller, id: &str) -> Result<S4OrderRow, S4Error> {
    let row = state
        .store
        .s4_order(id)?
        .filter(|o| o.tenant_id == caller.tenant_id && o.client_id == caller.client_id)
        .ok_or_else(|| S4Error::plain(StatusCode::NOT_FOUND, format!("Order {id} not found.")))?;
    if settle_untouched(state, &row)? {
        return own(state, caller, id);
    }
    Ok(row)
}

/// S4 completes or cancels a Vipps/MobilePay order nobody completed some minutes after it was
/// made (`observerOptions.disableVippsCompletion` turns that off at the vendor): completed when
/// the reader approved the agreement, cancelled when not. The sandbox does it when the order is
/// next looked at, so no timer runs; returns whether it did.
pub(crate) fn settle_untouched(state: &AppState, row: &S4OrderRow) -> rusqlite::Result<bool> {
    let vipps_like = matches!(row.payment_method.as_deref(), Some("Vipps" | "MobilePay"));
    let age = now_ms().saturating_sub(row.created_ms);
    if !vipps_like || row.status != S4Status::InProgress || age < state.config.s4_vipps_settle.as_millis() as i64 {
        return Ok(false);
    }
    if row.terminal_state == TerminalState::Approved {
        finish_completed(state, row)
    } else {
        state.store.s4_finish(&row.id, S4Status::Cancelled, None, None, None)
    }
}
