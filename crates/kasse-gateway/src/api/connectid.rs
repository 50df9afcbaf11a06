//! ConnectID orders: create (idempotent on `externalOrderId`), complete, assign user, status.
//!
//! Every call after registration carries the order's token and is checked against the order's
//! record and kasse-core's lifecycle: the API completes only orders whose route completes by API,
//! and assigns a user only once the vendor itself reports the order paid.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::connectid::{
    AssignUserRequest, AssignUserResponse, ClientOrder, CompleteOrderRequest, CompleteOrderResponse, CompleteStatus,
    OrderCreated, OrderStatusResponse,
};
use kasse_core::contract::{ConnectIdOrderRegistered, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER};
use kasse_core::error_code::FieldError;
use kasse_core::lifecycle::{apply, decide, Effect, Outcome, Request, Route};
use kasse_core::offer::{Backend, Offer, ProductSpec};
use serde::Deserialize;
use serde_json::Value;

use super::{candidates, check_url, conform, parse_as, parse_optional, parse_value, refused, unknown_order, vendor};
use super::{Answer, JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{canonical_hash, BodyHash, Claim, Leader};
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::owners::{may_claim, order_credentials};

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
    order
        .external_order_id
        .clone()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                "externalOrderId is required: it makes the order idempotent",
            )
            .with_field("externalOrderId")
        })
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
    if offer.prepaid {
        check_prepayment(&state, offer, &order, &key, &headers).await?;
    }
    // The offer is part of the request: the same body checked against another offer is another
    // order.
    let hash = canonical_hash(&[&Value::String(offer.id.clone()), &raw]);
    let leader = match state.idempotency.claim(&key, hash).await {
        Claim::Leader(l) => l,
        Claim::Conflict => {
            tracing::info!(external_order_id = %key, "externalOrderId reused with a different body");
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_conflict",
                "this externalOrderId was used for a different order; make a new one per attempt",
            )
            .with_field("externalOrderId"));
        }
        Claim::Replay(answer) => return Ok(replay(&key, answer)),
    };
    // The forward runs in its own task: a reader closing the tab must not cancel it half-way,
    // and waiting duplicates need its answer.
    let route = Route::connectid(offer, order.payment_method, false);
    let registration = Registration {
        offer_id: offer.id.clone(),
        key,
        hash,
        route,
    };
    let answer = tokio::spawn(forward_order(state.clone(), order, registration, leader))
        .await
        .map_err(|_| ApiError::internal("the order task failed"))?;
    answer.map(IntoResponse::into_response)
}

/// A prepaid order registers only with the publisher's voucher for exactly this payment, used by
/// no other order attempt: 403 `prepayment_invalid` otherwise, before any vendor call.
async fn check_prepayment(
    state: &Shared,
    offer: &Offer,
    order: &ClientOrder,
    key: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let invalid = |why: &str| {
        tracing::warn!(offer = %offer.id, why, "prepayment refused");
        ApiError::new(
            StatusCode::FORBIDDEN,
            "prepayment_invalid",
            "the prepayment voucher is missing or does not prove this payment",
        )
    };
    let key_of = state
        .settings
        .connectid
        .as_ref()
        .and_then(|c| c.prepayment_key.as_ref());
    let voucher = headers.get(PREPAYMENT_HEADER).and_then(|v| v.to_str().ok());
    let (Some(voucher_key), Some(voucher)) = (key_of, voucher) else {
        return Err(invalid("no voucher"));
    };
    let info = order.payment_info_pay_ex.as_ref();
    let paid = crate::prepayment::PaidOrder {
        offer: &offer.id,
        amount: order.order_amount.minor(),
        currency: &order.currency,
        transaction_id: info.and_then(|i| i.transaction_id.as_deref()).unwrap_or_default(),
        merchant_id: info.and_then(|i| i.merchant_id.as_deref()).unwrap_or_default(),
    };
    let claims =
        crate::prepayment::verify(voucher_key, voucher, &paid, now_ms() / 1000).map_err(|e| invalid(&e.to_string()))?;
    let fresh = state
        .ledger
        .claim_voucher(&claims.jti, key, claims.exp.saturating_mul(1000))
        .await
        .map_err(|e| ApiError::internal(format!("the order store failed: {e}")))?;
    if !fresh {
        return Err(invalid("voucher used by another order"));
    }
    Ok(())
}

fn replay(key: &str, answer: Answer) -> Response {
    let status = match &answer {
        Ok(reply) => reply.status,
        Err(e) => e.status,
    };
    tracing::info!(external_order_id = %key, status = status.as_u16(), "replayed order answer");
    let mut r = answer.into_response();
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}

/// What the gateway knows of an order before the vendor registers it.
struct Registration {
    offer_id: String,
    key: String,
    hash: BodyHash,
    route: Route,
}

/// Registers the order upstream, records it, and publishes the answer to the idempotency store.
/// Retryable failures are not kept, so the next attempt with the same key reaches the vendor again.
async fn forward_order(state: Shared, order: ClientOrder, reg: Registration, leader: Leader<Answer>) -> Answer {
    let cid = state.connectid.as_ref().expect("checked by the handler");
    let key = reg.key.clone();
    let result: Result<OrderCreated, _> = cid.send_json(Method::POST, "/v1/client/order", Some(&order)).await;
    match result {
        Ok(created) => {
            let answer = record_order(&state, &order, reg, created.order_id).await;
            tracing::info!(order_id = created.order_id, external_order_id = %key, "connectid order registered");
            leader.finish(answer.clone(), answer.is_ok());
            answer
        }
        Err(e) => {
            let keep = !e.retryable();
            tracing::warn!(external_order_id = %key, error = %e.log_code(), keep, "connectid order failed upstream");
            let answer = Err(e.to_api_error());
            leader.finish(answer.clone(), keep);
            answer
        }
    }
}

/// Keeps the order's record (its route, state, allowed credentials and token hash) and makes the
/// answer: the order id and its token.
async fn record_order(state: &Shared, order: &ClientOrder, reg: Registration, order_id: i64) -> Answer {
    let (token, token_hash) = order_token::issue(&state.settings.order_token_key, "connectid", &reg.key);
    let registered = ConnectIdOrderRegistered {
        order_id,
        order_token: token,
    };
    let now = now_ms();
    let record = OrderRecord {
        backend: Backend::ConnectId,
        vendor_order_id: order_id.to_string(),
        offer: reg.offer_id,
        method: order.payment_method.wire_name().to_string(),
        route: reg.route,
        amount_minor: order.order_amount.minor(),
        currency: order.currency.clone(),
        state: reg.route.initial_state(),
        idempotency_key: reg.key,
        body_hash: reg.hash,
        answer: serde_json::json!({ "orderId": order_id }).to_string(),
        credentials: order_credentials(order),
        token_hash,
        created_ms: now,
        updated_ms: now,
    };
    // The vendor deduplicates on externalOrderId: a retry after a lost answer registers the same
    // order again, whose record is already here.
    match state.ledger.insert(record).await {
        Ok(()) | Err(crate::ledger::StoreError::Duplicate) => Ok(Reply::new(StatusCode::CREATED, &registered)),
        Err(e) => {
            tracing::error!(order_id, error = %e, "order registered at the vendor but not recorded");
            Err(ApiError::internal("the order could not be recorded; try again"))
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The record of order `id`, when the request carries its token; 404 otherwise, as for an order
/// this gateway never registered (a wrong token must not tell that the order exists).
async fn own_order(state: &Shared, id: &str, headers: &HeaderMap) -> Result<OrderRecord, ApiError> {
    let order_id = parse_order_id(id)?;
    let record = state
        .ledger
        .find(Backend::ConnectId, &order_id.to_string())
        .await
        .map_err(|e| ApiError::internal(format!("the order store failed: {e}")))?
        .ok_or_else(unknown_order)?;
    let presented = headers.get(ORDER_TOKEN_HEADER).and_then(|v| v.to_str().ok());
    if !order_token::matches(&record.token_hash, presented) {
        tracing::warn!(order_id, "order call without its token");
        return Err(unknown_order());
    }
    Ok(record)
}

/// The lifecycle's effects for `request` on `record`, or 409 `wrong_step`.
fn effects_of(record: &OrderRecord, request: Request) -> Result<&'static [Effect], ApiError> {
    decide(record.route, record.state, request).map_err(|wrong| {
        tracing::info!(order_id = %record.vendor_order_id, state = record.state.as_str(), ?request, "refused: wrong step");
        ApiError::new(StatusCode::CONFLICT, "wrong_step", wrong.to_string())
    })
}

/// Moves the record as the vendor's `outcome` says (a lost race with another request is harmless:
/// the other request moved it the same way).
async fn advance(state: &Shared, record: &mut OrderRecord, outcome: Outcome) {
    let Ok(t) = apply(record.route, record.state, outcome) else {
        return;
    };
    if t.state != record.state {
        let id = record.vendor_order_id.clone();
        let moved = state
            .ledger
            .transition(Backend::ConnectId, &id, record.state, t.state, now_ms())
            .await;
        if let Err(e) = moved {
            tracing::error!(order_id = %id, error = %e, "order state not recorded");
        }
        record.state = t.state;
    }
}

/// Body of `POST …/connectid/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompleteBody {
    callback_url: Option<String>,
}

pub(super) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    let body: CompleteBody = parse_optional(&body)?;
    check_url(
        "callbackUrl",
        &body.callback_url,
        &state.settings.allowed_return_url_prefixes,
    )
    .map_err(|e| refused(vec![e]))?;
    if effects_of(&record, Request::Complete)? == [Effect::AnswerFromRecord] {
        let done = CompleteOrderResponse {
            fulfillment_status: CompleteStatus::Ok,
            order_id: Some(order_id),
            error_message: None,
        };
        return Ok(Reply::new(StatusCode::OK, &done).into_response());
    }
    let req = CompleteOrderRequest {
        order_id,
        callback_url: body.callback_url,
    };
    let resp: CompleteOrderResponse = cid
        .send_json(Method::POST, "/v1/client/order/fulfillment", Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "connectid completion failed upstream");
            e.to_api_error()
        })?;
    match resp.fulfillment_status {
        CompleteStatus::Ok => {
            advance(&state, &mut record, Outcome::Completed).await;
            tracing::info!(order_id, "connectid order completed");
            Ok(Reply::new(StatusCode::OK, &resp).into_response())
        }
        CompleteStatus::Error => {
            advance(&state, &mut record, Outcome::Refused).await;
            tracing::info!(order_id, "connectid completion answered ERROR");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "fulfillment_failed",
                "the vendor could not complete the order",
            )
            .with_message_key(kasse_core::i18n::MessageKey::ErrOrderRejected.as_str()))
        }
    }
}

/// Field problems of an assign-user request: kasse-core's rules, the URL allowlist, and the
/// message link, which may only name this gateway's own client.
fn assign_user_problems(state: &Shared, req: &AssignUserRequest) -> Vec<FieldError> {
    let mut errors = kasse_core::connectid::validate_assign_user(req)
        .err()
        .unwrap_or_default();
    let prefixes = &state.settings.allowed_return_url_prefixes;
    errors.extend(check_url("returnUrl", &req.return_url, prefixes).err());
    errors.extend(check_url("errorUrl", &req.error_url, prefixes).err());
    if let (Some(o), Some(c)) = (&req.override_client_id, &state.settings.connectid) {
        if o != &c.client_id {
            errors.push(FieldError::new(
                "overrideClientId",
                kasse_core::error_code::ErrorCode::InvalidValue,
            ));
        }
    }
    errors
}

pub(super) async fn assign_user(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    let req: AssignUserRequest = parse_as(parse_value(&body)?)?;
    let errors = assign_user_problems(&state, &req);
    if !errors.is_empty() {
        return Err(refused(errors));
    }
    if !may_claim(&record.credentials, &req.credential) {
        tracing::warn!(order_id, "assign user refused: credential is not the payer's");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "credential_mismatch",
            "the credential must be the e-mail or phone number given on the order",
        )
        .with_field("credential"));
    }
    if effects_of(&record, Request::AssignUser)?.contains(&Effect::ConfirmPaidAtVendor) {
        confirm_paid(&state, cid, &mut record, order_id).await?;
    }
    let resp: AssignUserResponse = cid
        .send_json(Method::POST, &format!("/v1/client/order/{order_id}/user"), Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "assign user failed upstream");
            e.to_api_error()
        })?;
    advance(&state, &mut record, Outcome::UserAssigned).await;
    tracing::info!(order_id, new_user = resp.is_new_user, "user assigned to order");
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}

/// Asks the vendor whether the order is paid: the reader's return from the payment page is a hint,
/// the vendor's order status the proof. Not paid (yet) → 409 `payment_pending`.
async fn confirm_paid(
    state: &Shared,
    cid: &crate::upstream::Vendor,
    record: &mut OrderRecord,
    order_id: i64,
) -> Result<(), ApiError> {
    let status = read_status(cid, order_id).await?;
    if reports_paid(&status, order_id) {
        advance(state, record, Outcome::ReportedPaid).await;
        return Ok(());
    }
    tracing::info!(order_id, "assign user before the vendor reports the order paid");
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "payment_pending",
        "the vendor does not report this order paid yet",
    )
    .with_retry_after(2))
}

async fn read_status(cid: &crate::upstream::Vendor, order_id: i64) -> Result<OrderStatusResponse, ApiError> {
    cid.send_json::<(), _>(Method::GET, &format!("/v1/client/order/status/{order_id}"), None)
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "order status failed upstream");
            e.to_api_error()
        })
}

/// Whether ConnectID's order status names the order as fulfilled (`completed`).
fn reports_paid(status: &OrderStatusResponse, order_id: i64) -> bool {
    status.orders.iter().any(|o| {
        o.order_id == order_id
            && o.order_status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("completed"))
    })
}

pub(super) async fn order_status(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    effects_of(&record, Request::Status)?;
    let resp = read_status(cid, order_id).await?;
    if reports_paid(&resp, order_id) {
        advance(&state, &mut record, Outcome::ReportedPaid).await;
    }
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}
