//! An S4 attempt whose order exists already. S4 has no idempotency on `POST /order` (no key, and
//! `orderReference` cannot be searched), so the gateway's record is the only thing standing
//! between a retry and a second order: a leader first looks for a record of its key and answers
//! with that order, read again from S4, instead of ordering again.

use axum::http::{Method, StatusCode};
use kasse_core::contract::S4OrderAnswer;
use kasse_core::s4::OrderView;

use super::super::{Answer, Reply, Shared};
use super::{answer_of, Attempt};
use crate::error::ApiError;
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::upstream::Vendor;

/// The answer for `attempt` when the ledger holds an order of its key: made by an earlier leader
/// whose answer was lost (a crash after recording it, a lease run out while it worked).
pub(super) async fn recorded(state: &Shared, s4: &Vendor, attempt: &Attempt) -> Result<Option<Answer>, ApiError> {
    let Some(record) = state
        .ledger
        .find_by_key(kasse_core::offer::Backend::S4, &attempt.key)
        .await?
    else {
        return Ok(None);
    };
    if record.body_hash != attempt.hash {
        // The reader changed the form after a failure whose order was made after all: that order
        // stands (a second one would be a duplicate subscription); the change is logged.
        tracing::warn!(s4_order_id = %record.vendor_order_id, "an attempt's order exists; the changed request is not ordered again");
    }
    Ok(Some(answer_with(state, s4, attempt, &record).await))
}

/// The order of `record` as S4 has it now, with the attempt's order token.
async fn answer_with(state: &Shared, s4: &Vendor, attempt: &Attempt, record: &OrderRecord) -> Answer {
    let id = &record.vendor_order_id;
    let view: OrderView = s4
        .send_json::<(), _>(Method::GET, &format!("/order/{id}"), None)
        .await
        .map_err(|e| {
            tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 order read failed upstream");
            e.to_api_error()
        })?;
    tracing::info!(s4_order_id = %id, "s4 order of an earlier try of the attempt answered");
    let (token, _) = order_token::issue(&state.token_key, "s4", &attempt.key);
    let answer = S4OrderAnswer {
        order_token: Some(token),
        ..answer_of(view)
    };
    Ok(Reply::new(StatusCode::CREATED, &answer))
}

/// Another leader of the attempt recorded its order while this one made `orphan`: the recorded
/// order stands, and `orphan` is cancelled at S4 before anyone is sent to pay it.
pub(super) async fn superseded(state: &Shared, s4: &Vendor, attempt: &Attempt, orphan: &str) -> Answer {
    tracing::error!(s4_order_id = %orphan, attempt = %attempt.key, "a second s4 order was made for one attempt; cancelling it");
    if let Err(e) = s4.send::<()>(Method::DELETE, &format!("/order/{orphan}"), None).await {
        tracing::error!(s4_order_id = %orphan, error = %e.log_code(), "s4 cancel of a duplicate order failed upstream");
    }
    match recorded(state, s4, attempt).await? {
        Some(answer) => answer,
        None => Err(ApiError::internal("the order could not be recorded; try again")),
    }
}
