//! Info-Subscription "S4": token endpoint, order API and the simulated Vipps / MobilePay /
//! SwedbankPay page behind `terminalRedirectUrl`.
//!
//! Order life: `POST /order` → `InProgress` (interactive methods get a `terminalRedirectUrl`);
//! the terminal page records Approve or Cancel (Cancel → `Cancelled`); `POST /order/{id}/complete`
//! turns an approved (or non-interactive) order into `Completed`, waiting up to `maxPollingTimeout`
//! ms for a pending terminal decision; `DELETE /order/{id}` cancels an unfinished order.
//! Vipps/MobilePay orders "complete by themselves about 5 minutes later" at the vendor; the sandbox
//! does not simulate that delay: the client calls complete.

mod oauth;
mod orders;
mod rules;
mod terminal;

use crate::connectid::{client_credentials, oauth_params};
use crate::errors::{ErrorTag, FieldError, OAuthError, S4Error};
use crate::pages::page;
use crate::reqlog::ClientTag;
use crate::seed::{S4Template, S4Tenant};
use crate::state::{S4Status, TerminalState};
use crate::store::{api, kind, NewS4Order, S4OrderRow};
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
use rules::*;
use terminal::*;

/// The authenticated S4 caller.
#[derive(Debug, Clone)]
pub struct S4Caller {
    /// OAuth client.
    pub client_id: String,
    /// Tenant from `S4-TenantId`.
    pub tenant_id: String,
}

/// Payment methods of `paymentAgreementParameters` (S4 order API documentation).
const METHODS: [&str; 12] = [
    "Invoice",
    "Vipps",
    "MobilePay",
    "SwedbankPay",
    "AvtaleGiro",
    "eFaktura",
    "EHF",
    "Email",
    "OIO",
    "Autogiro",
    "BetalingsService",
    "Mollie",
];

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
        .route_layer(from_fn_with_state(state, s4_auth));
    Router::new()
        .route("/s4/oauth2/token", post(token))
        .route("/s4/terminal/{id}", get(terminal_page).post(terminal_decision))
        .merge(api)
}

async fn s4_auth(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let unauthorized = |m: &str| S4Error::plain(StatusCode::UNAUTHORIZED, m).into_response();
    let Some(token) = token else {
        return unauthorized("missing bearer token");
    };
    let row = match state.store.token(&token) {
        Ok(Some(row)) if row.kind == kind::S4 => row,
        Ok(_) => return unauthorized("invalid token"),
        Err(e) => return S4Error::from(e).into_response(),
    };
    if row.expires_ms <= now_ms() {
        return unauthorized("token expired");
    }
    let tagged = |mut r: Response| {
        r.extensions_mut().insert(ClientTag(row.client_id.clone()));
        r
    };
    let tenant = request
        .headers()
        .get("s4-tenantid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let Some(tenant) = tenant else {
        return tagged(
            S4Error::validation(vec![FieldError {
                field: "S4-TenantId".into(),
                message: "The S4-TenantId header is required.".into(),
            }])
            .into_response(),
        );
    };
    let allowed = state
        .seed
        .s4_client(&row.client_id)
        .is_some_and(|c| c.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)))
        && state.seed.s4_tenant(&tenant).is_some();
    if !allowed {
        return tagged(
            S4Error::plain(
                StatusCode::FORBIDDEN,
                format!("client is not allowed for tenant {tenant}"),
            )
            .into_response(),
        );
    }
    request.extensions_mut().insert(S4Caller {
        client_id: row.client_id.clone(),
        tenant_id: tenant,
    });
    tagged(next.run(request).await)
}

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

fn own(state: &AppState, caller: &S4Caller, id: &str) -> Result<S4OrderRow, S4Error> {
    state
        .store
        .s4_order(id)?
        .filter(|o| o.tenant_id == caller.tenant_id && o.client_id == caller.client_id)
        .ok_or_else(|| S4Error::plain(StatusCode::NOT_FOUND, format!("Order {id} not found.")))
}
