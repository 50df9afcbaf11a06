//! Attempt keys at the API: claiming one for a create handler, recording the leader's answer,
//! and replaying a recorded answer with the order token put back.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::offer::Backend;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Answer, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{BodyHash, Claim, Leader};
use crate::ledger::StoreError;
use crate::order_token::{self, TokenKey};

/// An answer as the ledger keeps it for replay: status and body, without the order token (the
/// token is derived again when the answer is replayed, so the store never holds one).
#[derive(Serialize, Deserialize)]
struct StoredAnswer {
    status: u16,
    body: Value,
}

fn store_answer(answer: &Answer) -> String {
    let stored = match answer {
        Ok(reply) => {
            let mut body = reply.body.clone();
            if let Some(o) = body.as_object_mut() {
                o.remove("orderToken");
            }
            StoredAnswer {
                status: reply.status.as_u16(),
                body,
            }
        }
        Err(e) => StoredAnswer {
            status: e.status.as_u16(),
            body: serde_json::to_value(crate::error::ErrorEnvelope {
                error: (*e.body).clone(),
            })
            .unwrap_or(Value::Null),
        },
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The answer recorded as `text`, with the order token of attempt `key` at `backend` put back
/// into a successful registration.
fn replayed_answer(text: &str, token_key: &TokenKey, backend: Backend, key: &str) -> Answer {
    let stored: StoredAnswer =
        serde_json::from_str(text).map_err(|_| ApiError::internal("a recorded answer could not be read"))?;
    let status = StatusCode::from_u16(stored.status).map_err(|_| ApiError::internal("a recorded status is invalid"))?;
    if !status.is_success() {
        let envelope: crate::error::ErrorEnvelope = serde_json::from_value(stored.body)
            .map_err(|_| ApiError::internal("a recorded error could not be read"))?;
        return Err(ApiError {
            status,
            body: Box::new(envelope.error),
        });
    }
    let mut body = stored.body;
    if let Some(o) = body.as_object_mut() {
        let (token, _) = order_token::issue(token_key, backend_name(backend), key);
        o.insert("orderToken".into(), Value::String(token));
    }
    Ok(Reply { status, body })
}

/// The name a back end's order tokens are issued under.
fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::ConnectId => "connectid",
        Backend::S4 => "s4",
    }
}

/// Records the leader's answer before the reader gets it. When the ledger cannot take it, the
/// reader gets a retryable 503 instead: the retry finds the vendor's order through its dedupe.
pub(super) async fn finish(leader: Leader, answer: Answer, keep: bool) -> Answer {
    match leader.finish(&store_answer(&answer), keep).await {
        Ok(()) => answer,
        Err(e) => Err(e.into()),
    }
}

/// What claiming an attempt key gives a create handler.
pub(super) enum Claimed {
    /// First with this key: forward to the vendor, then [`finish`].
    Leader(Leader),
    /// Answered before (or just now by the leader): send this.
    Replayed(Response),
}

/// Claims the attempt key `key` of `backend` (called `field` on the wire) for a request hashing
/// to `hash`: a repeat gets the first answer (`Idempotent-Replayed: true`), another body 409.
pub(super) async fn claim_attempt(
    state: &Shared,
    backend: Backend,
    key: &str,
    field: &str,
    hash: BodyHash,
) -> Result<Claimed, ApiError> {
    // Both back ends' keys live in one table: the back end's name keeps them apart.
    let row_key = format!("{}:{key}", backend_name(backend));
    match state.attempts.claim(&row_key, hash).await {
        Ok(Claim::Leader(l)) => Ok(Claimed::Leader(l)),
        Ok(Claim::Conflict) => {
            tracing::info!(attempt = %key, "attempt key reused with a different body");
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_conflict",
                format!("this {field} was used for a different order; make a new one per attempt"),
            )
            .with_field(field))
        }
        Ok(Claim::Replay(text)) => {
            let answer = replayed_answer(&text, &state.token_key, backend, key);
            let status = answer.as_ref().map_or_else(|e| e.status, |r| r.status);
            tracing::info!(attempt = %key, status = status.as_u16(), "replayed order answer");
            let mut r = answer.into_response();
            r.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(Claimed::Replayed(r))
        }
        Err(StoreError::Busy) => Err(in_progress()),
        Err(e) => Err(e.into()),
    }
}

/// Another request of the attempt is registering its order (or took the attempt over from this
/// one): the widget retries after a second and meets that order's answer.
pub(super) fn in_progress() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "attempt_in_progress",
        "this order is still being registered; try again shortly",
    )
    .with_retry_after(1)
    .with_message_key(kasse_core::i18n::MessageKey::ErrTryAgainLater.as_str())
}

/// The widget's attempt id from the `Idempotency-Key` header (S4 orders, start subscription: the
/// vendor's payload has no key of its own): 8–64 of `A-Z a-z 0-9 - _`, else 422.
pub(super) fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<String, ApiError> {
    use kasse_core::contract::{is_attempt_key, IDEMPOTENCY_KEY_HEADER};
    headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| is_attempt_key(k))
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                "an Idempotency-Key header (8-64 letters, digits, - or _) makes the request idempotent",
            )
            .with_field(IDEMPOTENCY_KEY_HEADER)
        })
}
