//! After an S4 order exists: completing it with its token (`POST …/s4/orders/{id}/complete`), the
//! cancel that follows an agreement the reader did not approve, and SwedbankPay's callback, which
//! only makes the gateway re-read the order from S4.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::contract::{S4OrderAnswer, ORDER_TOKEN_HEADER};
use kasse_core::lifecycle::{apply, decide, Effect, OrderState, Outcome, Request};
use kasse_core::offer::Backend;
use kasse_core::s4::{CompleteOrder, OrderStatus, OrderView};
use serde::Deserialize;

use super::super::{parse_optional, unknown_order, vendor, JsonBody, Reply, Shared};
use super::answer_of;
use crate::error::ApiError;
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::upstream::{UpstreamError, Vendor};

/// The record of S4 order `id` when the request carries its token; 404 otherwise.
async fn own_order(state: &Shared, id: &str, headers: &HeaderMap) -> Result<OrderRecord, ApiError> {
    if !kasse_core::field::is_uuid(id) {
        return Err(unknown_order());
    }
    let record = state
        .ledger
        .find(Backend::S4, &id.to_ascii_lowercase())
        .await?
        .ok_or_else(unknown_order)?;
    let presented = headers.get(ORDER_TOKEN_HEADER).and_then(|v| v.to_str().ok());
    if !order_token::matches(&record.token_hash, presented) {
        return Err(unknown_order());
    }
    Ok(record)
}

pub(in crate::api) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    let record = own_order(&state, &id, &headers).await?;
    let body: kasse_core::contract::S4CompleteRequest = parse_optional(&body)?;
    // Cancelled already (the reader cancelled and SwedbankPay's callback told us first, or an
    // earlier completion found it not approved): the reader's answer is the same as then.
    if record.state == OrderState::Cancelled {
        return Err(payment_not_approved());
    }
    let effects = decide(record.route, record.state, Request::Complete)
        .map_err(|wrong| ApiError::new(StatusCode::CONFLICT, "wrong_step", wrong.to_string()))?;
    if effects == [Effect::AnswerFromRecord] {
        let done = S4OrderAnswer {
            id: id.clone(),
            terminal_redirect_url: None,
            status: OrderStatus::Completed,
            order_token: None,
        };
        return Ok(Reply::new(StatusCode::OK, &done).into_response());
    }
    // The vendor may hold the call up to maxPollingTimeout; keep it well inside the gateway's own
    // upstream timeout so the answer is the vendor's, not a timeout.
    let cap = u32::try_from(state.settings.upstream_timeout.as_millis() / 2).unwrap_or(u32::MAX);
    let req = CompleteOrder {
        max_polling_timeout: body.max_polling_timeout.unwrap_or(0).min(cap),
    };
    let view: OrderView = match s4
        .send_json(Method::POST, &format!("/order/{id}/complete"), Some(&req))
        .await
    {
        Ok(view) => view,
        // S4 answers 409 when the reader did not approve the agreement (cancelled on the
        // terminal page, or never went there): the lifecycle cancels the order at the vendor.
        Err(UpstreamError::Vendor(v)) if v.status() == 409 => return not_approved(&state, s4, &record).await,
        Err(e) => {
            tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 completion failed upstream");
            return Err(e.to_api_error());
        }
    };
    advance(&state, &record, &view).await;
    tracing::info!(s4_order_id = %view.id, status = ?view.status, "s4 order completion answered");
    Ok(Reply::new(StatusCode::OK, &answer_of(view)).into_response())
}

/// The agreement was not approved: the order moves to cancelled, is deleted at the vendor (as
/// S4's own checkout does), and the reader gets 409 `payment_not_approved` to show the form again.
async fn not_approved(state: &Shared, s4: &Vendor, record: &OrderRecord) -> Result<Response, ApiError> {
    let id = &record.vendor_order_id;
    let refused = payment_not_approved;
    let Ok(t) = apply(record.route, record.state, Outcome::NotApproved) else {
        return Err(refused());
    };
    let moved = state
        .ledger
        .transition(Backend::S4, id, record.state, t.state, crate::ledger::now_ms())
        .await;
    if let Err(e) = moved {
        tracing::error!(s4_order_id = %id, error = %e, "order state not recorded");
    }
    for effect in t.then {
        if *effect == Effect::CancelAtVendor {
            if let Err(e) = s4.send::<()>(Method::DELETE, &format!("/order/{id}"), None).await {
                // S4 cancels an unapproved agreement's order by itself after a while; the reader's
                // answer does not wait for this.
                tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 cancel failed upstream");
            }
        }
    }
    tracing::info!(s4_order_id = %id, "s4 agreement not approved; order cancelled");
    Err(refused())
}

/// 409 `payment_not_approved`: the widget shows the form again with the reader's data.
fn payment_not_approved() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "payment_not_approved",
        "the payment agreement was not approved",
    )
    .with_message_key(kasse_core::i18n::MessageKey::PaymentCancelled.as_str())
}

/// Moves the record as the vendor's view says (still in progress: no move).
async fn advance(state: &Shared, record: &OrderRecord, view: &OrderView) {
    let outcome = match view.status {
        OrderStatus::Completed => Outcome::Completed,
        OrderStatus::Cancelled => Outcome::Cancelled,
        OrderStatus::Rejected => Outcome::Refused,
        OrderStatus::InProgress | OrderStatus::Unknown => return,
    };
    let Ok(t) = apply(record.route, record.state, outcome) else {
        return;
    };
    let now = crate::ledger::now_ms();
    let moved = state
        .ledger
        .transition(Backend::S4, &record.vendor_order_id, record.state, t.state, now)
        .await;
    if let Err(e) = moved {
        tracing::error!(s4_order_id = %record.vendor_order_id, error = %e, "order state not recorded");
    }
}

/// What SwedbankPay's callback may carry. Its body shape is not confirmed for S4 (the sandbox
/// sends `orderId`; S4's own return names it `S4OrderId`): both are read, the rest ignored.
#[derive(Deserialize, Default)]
struct CallbackBody {
    #[serde(default, alias = "S4OrderId", alias = "s4OrderId")]
    #[serde(rename = "orderId")]
    order_id: Option<String>,
}

/// `POST /kasse/v1/s4/callback`: a poke, never proof. For an order this gateway registered it
/// re-reads the order from S4 and records what S4 says (it never completes or cancels an order on
/// its own); anything else is ignored. The answer is always 204, so the endpoint tells a caller
/// nothing about which orders exist.
pub(in crate::api) async fn callback(State(state): State<Shared>, JsonBody(body): JsonBody) -> Response {
    let id = serde_json::from_slice::<CallbackBody>(&body)
        .ok()
        .and_then(|b| b.order_id)
        .filter(|id| kasse_core::field::is_uuid(id))
        .map(|id| id.to_ascii_lowercase());
    if let (Some(id), Some(s4)) = (id, state.s4.as_ref()) {
        if let Ok(Some(record)) = state.ledger.find(Backend::S4, &id).await {
            match s4
                .send_json::<(), OrderView>(Method::GET, &format!("/order/{id}"), None)
                .await
            {
                Ok(view) => {
                    tracing::info!(s4_order_id = %id, status = ?view.status, "s4 callback: order re-read");
                    advance(&state, &record, &view).await;
                }
                Err(e) => tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 callback: re-read failed"),
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}
