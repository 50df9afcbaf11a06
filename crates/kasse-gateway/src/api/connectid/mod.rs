//! ConnectID orders: create (idempotent on `externalOrderId`), complete, assign user, status,
//! and the access the gateway gives by itself when the reader's browser never asks for it.
//!
//! Every call after registration carries the order's token and is checked against the order's
//! record and kasse-core's lifecycle: the API completes only orders whose route completes by API,
//! and assigns a user only once the vendor itself reports the order paid.

mod access;
mod record;
mod start;
mod steps;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::connectid::{
    AssignUserRequest, AssignUserResponse, ClientOrder, CompleteOrderRequest, CompleteOrderResponse, CompleteStatus,
    OrderCreated, OrderStatusResponse,
};
use kasse_core::contract::{AssignUserBody, ConnectIdOrderRegistered, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER};

use kasse_core::lifecycle::{apply, decide, Effect, Outcome, Request, Route};
use kasse_core::offer::{Backend, Offer, ProductSpec};
use serde::Deserialize;
use serde_json::Value;

use super::{candidates, check_url, conform, parse_as, parse_optional, parse_value, refused, unknown_order, vendor};
use super::{claim_attempt, finish, now_ms, Answer, Claimed, JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{canonical_hash, BodyHash, Leader};
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::owners::{may_claim, order_credentials};

pub use access::give_due_access;
pub(in crate::api) use record::own_order as own_order_of;
use record::*;
pub(super) use start::start_subscription;
pub(super) use steps::{assign_user, complete_order, order_status};

fn parse_order_id(id: &str) -> Result<i64, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("order_not_found", "no such order"))
}

/// Whether the order's (first) line names the offer's coupon or product.
fn names_offer(offer: &Offer, order: &ClientOrder) -> bool {
    match (&offer.product_spec, order.order_lines.first()) {
        (Some(ProductSpec::Coupon { code, number }), Some(l)) => {
            l.product_spec_code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code))
                && l.product_spec_no == Some(*number)
        }
        (Some(ProductSpec::Product { product }), Some(l)) => {
            l.product.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(product))
        }
        _ => false,
    }
}

fn idempotency_key(order: &ClientOrder) -> Result<String, ApiError> {
    let key = order.external_order_id.clone().unwrap_or_default();
    if kasse_core::contract::is_attempt_key(&key) {
        return Ok(key);
    }
    let code = if key.trim().is_empty() {
        "required"
    } else {
        "invalid_value"
    };
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        "externalOrderId (8-64 letters, digits, - or _) makes the order idempotent",
    )
    .with_field("externalOrderId"))
}

/// `orderDate` within [`kasse_core::contract::ORDER_DATE_WINDOW_MS`] of the gateway's clock.
fn check_order_date(order: &ClientOrder) -> Result<(), ApiError> {
    check_order_date_ms(order.order_date.unwrap_or(i64::MIN / 2), "orderDate")
}

/// A time the browser sets to "now" (`orderDate`, `startTime`): within a day of the gateway's clock.
fn check_order_date_ms(at: i64, field: &str) -> Result<(), ApiError> {
    if (at - now_ms()).abs() <= kasse_core::contract::ORDER_DATE_WINDOW_MS {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_date",
        format!("{field} must be the time of the request"),
    )
    .with_field(field))
}

pub(super) async fn create_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    vendor(&state.connectid, "ConnectID")?;
    let raw = parse_value(&body)?;
    let order: ClientOrder = parse_as(raw.clone())?;
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::ConnectId, |o| {
        names_offer(o, &order)
    })?;
    let offer = conform(offers, &order, kasse_core::conformance::check_order_against_offer)?;
    let key = idempotency_key(&order)?;
    check_order_date(&order)?;
    let voucher = if offer.prepaid {
        Some(check_prepayment(&state, offer, &order, &key, &headers).await?)
    } else {
        None
    };
    // A reader logged in orders in their own name (flows 1a/2a, ConnectID's user mode).
    let user = super::login::reader_tokens(&state, &headers).await?;
    // The offer and the mode are part of the request: the same body for another offer, or in
    // another mode, is another order.
    let hash = canonical_hash(&[&Value::String(offer.id.clone()), &Value::Bool(user.is_some()), &raw]);
    let leader = match claim_attempt(&state, Backend::ConnectId, &key, "externalOrderId", hash).await? {
        Claimed::Leader(l) => l,
        Claimed::Replayed(r) => return Ok(r),
    };
    // The forward runs in its own task: a reader closing the tab must not cancel it half-way,
    // and waiting duplicates need its answer.
    let route = Route::connectid(offer, order.payment_method, user.is_some());
    let registration = Registration {
        offer_id: offer.id.clone(),
        voucher,
        key,
        hash,
        route,
    };
    let answer = tokio::spawn(forward_order(state.clone(), order, registration, user, leader))
        .await
        .map_err(|_| ApiError::internal("the order task failed"))?;
    answer.map(IntoResponse::into_response)
}

/// The vendor refused the order as invalid (400, 422): it registered nothing.
fn refused_as_invalid(e: &crate::upstream::UpstreamError) -> bool {
    matches!(e, crate::upstream::UpstreamError::Vendor(v) if matches!(v.status(), 400 | 422))
}

/// What the gateway knows of an order before the vendor registers it.
struct Registration {
    offer_id: String,
    /// The prepayment voucher the attempt holds, if the offer is prepaid.
    voucher: Option<String>,
    key: String,
    hash: BodyHash,
    route: Route,
}

/// Registers the order upstream, records it, and publishes the answer to the idempotency store.
/// Retryable failures are not kept, so the next attempt with the same key reaches the vendor again.
async fn forward_order(
    state: Shared,
    mut order: ClientOrder,
    reg: Registration,
    user: Option<crate::login::UserTokens>,
    leader: Leader,
) -> Answer {
    let cid = state.connectid.as_ref().expect("checked by the handler");
    if let Some(c) = &state.settings.connectid {
        c.order_fields.apply(&mut order);
    }
    let key = reg.key.clone();
    let result: Result<OrderCreated, _> = match &user {
        // User mode: the reader's token, never the client's, so the order is theirs at ConnectID.
        Some(tokens) => {
            cid.send_json_as_user(&tokens.access_token, Method::POST, "/v1/order", Some(&order))
                .await
        }
        None => cid.send_json(Method::POST, "/v1/client/order", Some(&order)).await,
    };
    if let (Some(_), Err(crate::upstream::UpstreamError::Vendor(v))) = (&user, &result) {
        if v.status() == 401 {
            tracing::info!(external_order_id = %key, "the reader's token was refused; login again");
            return finish(leader, Err(super::login::login_required()), false).await;
        }
    }
    match result {
        Ok(created) => {
            let answer = record_order(&state, &order, reg, created.order_id).await;
            tracing::info!(order_id = created.order_id, external_order_id = %key, "connectid order registered");
            let keep = answer.is_ok();
            finish(leader, answer, keep).await
        }
        Err(e) => {
            let keep = !e.retryable();
            tracing::warn!(external_order_id = %key, error = %e.log_code(), keep, "connectid order failed upstream");
            if let (Some(jti), true) = (&reg.voucher, refused_as_invalid(&e)) {
                // Nothing was bought with the voucher: the reader's corrected order may use it.
                if let Err(e) = state.ledger.release_voucher(jti, &key).await {
                    tracing::error!(external_order_id = %key, error = %e, "a refused order's voucher stays bound");
                }
            }
            finish(leader, Err(e.to_api_error()), keep).await
        }
    }
}
