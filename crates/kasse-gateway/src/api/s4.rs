//! S4 orders: `POST /kasse/v1/s4/orders` and `POST …/s4/orders/{id}/complete`.

use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::offer::Backend;
use kasse_core::s4::{CompleteOrder, OrderCreate, OrderView};
use serde::{Deserialize, Serialize};

use super::{candidates, conform, parse_as, parse_optional, parse_value, unknown_order, vendor};
use super::{JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;

/// What the widget needs of the vendor's order view: where to send the reader, and the status.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct S4Answer {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    terminal_redirect_url: Option<String>,
    status: kasse_core::s4::OrderStatus,
}

impl From<OrderView> for S4Answer {
    fn from(v: OrderView) -> S4Answer {
        S4Answer {
            id: v.id,
            terminal_redirect_url: v.terminal_redirect_url,
            status: v.status,
        }
    }
}

pub(super) async fn create_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    let order: OrderCreate = parse_as(parse_value(&body)?)?;
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::S4, |o| {
        o.s4.as_ref()
            .is_some_and(|t| t.template_package_id.eq_ignore_ascii_case(&order.template_package_id))
    })?;
    let prefixes = state.settings.allowed_return_url_prefixes.clone();
    let offer = conform(offers, &order, |o, offer| {
        kasse_core::conformance::check_s4_order_against_offer(o, offer, &prefixes)
    })?;
    let view: OrderView = s4.send_json(Method::POST, "/order", Some(&order)).await.map_err(|e| {
        tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 order failed upstream");
        e.to_api_error()
    })?;
    state.orders.remember_s4(&view.id);
    tracing::info!(s4_order_id = %view.id, offer = %offer.id, "s4 order registered");
    Ok(Reply::new(StatusCode::CREATED, &S4Answer::from(view)).into_response())
}

/// Body of `POST …/s4/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct S4CompleteBody {
    max_polling_timeout: Option<u32>,
}

pub(super) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    if !kasse_core::field::is_uuid(&id) || !state.orders.knows_s4(&id) {
        return Err(unknown_order());
    }
    let body: S4CompleteBody = parse_optional(&body)?;
    // The vendor may hold the call up to maxPollingTimeout; keep it well inside the gateway's own
    // upstream timeout so the answer is the vendor's, not a timeout.
    let cap = u32::try_from(state.settings.upstream_timeout.as_millis() / 2).unwrap_or(u32::MAX);
    let req = CompleteOrder {
        max_polling_timeout: body.max_polling_timeout.unwrap_or(0).min(cap),
    };
    let view: OrderView = s4
        .send_json(Method::POST, &format!("/order/{id}/complete"), Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 completion failed upstream");
            e.to_api_error()
        })?;
    tracing::info!(s4_order_id = %view.id, status = ?view.status, "s4 order completion answered");
    Ok(Reply::new(StatusCode::OK, &S4Answer::from(view)).into_response())
}
