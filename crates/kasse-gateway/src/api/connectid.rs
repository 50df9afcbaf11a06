//! ConnectID orders: create (idempotent on `externalOrderId`), complete, assign user, status.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::connectid::{
    AssignUserRequest, AssignUserResponse, ClientOrder, CompleteOrderRequest, CompleteOrderResponse, CompleteStatus,
    OrderCreated, OrderStatusResponse,
};
use kasse_core::error_code::FieldError;
use kasse_core::offer::{Backend, Offer, ProductSpec};
use serde::Deserialize;
use serde_json::Value;

use super::{candidates, check_url, conform, parse_as, parse_optional, parse_value, refused, unknown_order, vendor};
use super::{Answer, JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{canonical_hash, Claim, Leader};

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
    let offer_id = offer.id.clone();
    let answer = tokio::spawn(forward_order(state.clone(), order, key, offer_id, leader))
        .await
        .map_err(|_| ApiError::internal("the order task failed"))?;
    answer.map(IntoResponse::into_response)
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

/// Registers the order upstream and publishes the answer to the idempotency store. Retryable
/// failures are not kept, so the next attempt with the same key reaches the vendor again.
async fn forward_order(
    state: Shared,
    order: ClientOrder,
    key: String,
    offer_id: String,
    leader: Leader<Answer>,
) -> Answer {
    let cid = state.connectid.as_ref().expect("checked by the handler");
    let result: Result<OrderCreated, _> = cid.send_json(Method::POST, "/v1/client/order", Some(&order)).await;
    match result {
        Ok(created) => {
            state.orders.remember_connectid(created.order_id, &order);
            tracing::info!(order_id = created.order_id, external_order_id = %key, offer = %offer_id, "connectid order registered");
            let answer = Ok(Reply::new(StatusCode::CREATED, &created));
            leader.finish(answer.clone(), true);
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

/// Body of `POST …/connectid/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompleteBody {
    callback_url: Option<String>,
}

pub(super) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    let body: CompleteBody = parse_optional(&body)?;
    check_url(
        "callbackUrl",
        &body.callback_url,
        &state.settings.allowed_return_url_prefixes,
    )
    .map_err(|e| refused(vec![e]))?;
    if !state.orders.knows_connectid(order_id) {
        return Err(unknown_order());
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
            tracing::info!(order_id, "connectid order completed");
            Ok(Reply::new(StatusCode::OK, &resp).into_response())
        }
        CompleteStatus::Error => {
            tracing::info!(order_id, "connectid completion answered ERROR");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "fulfillment_failed",
                format!(
                    "the vendor could not complete the order: {}",
                    resp.error_message.unwrap_or_default()
                ),
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
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    let req: AssignUserRequest = parse_as(parse_value(&body)?)?;
    let errors = assign_user_problems(&state, &req);
    if !errors.is_empty() {
        return Err(refused(errors));
    }
    match state.orders.may_claim(order_id, &req.credential) {
        None => return Err(unknown_order()),
        Some(false) => {
            tracing::warn!(order_id, "assign user refused: credential is not the payer's");
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "credential_mismatch",
                "the credential must be the e-mail or phone number given on the order",
            )
            .with_field("credential"));
        }
        Some(true) => {}
    }
    let resp: AssignUserResponse = cid
        .send_json(Method::POST, &format!("/v1/client/order/{order_id}/user"), Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "assign user failed upstream");
            e.to_api_error()
        })?;
    tracing::info!(order_id, new_user = resp.is_new_user, "user assigned to order");
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}

pub(super) async fn order_status(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    if !state.orders.knows_connectid(order_id) {
        return Err(unknown_order());
    }
    let resp: OrderStatusResponse = cid
        .send_json::<(), _>(Method::GET, &format!("/v1/client/order/status/{order_id}"), None)
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "order status failed upstream");
            e.to_api_error()
        })?;
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}
