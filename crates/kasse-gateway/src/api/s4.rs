//! S4 orders: `POST /kasse/v1/s4/orders` (idempotent on the `Idempotency-Key` header) and
//! `POST …/s4/orders/{id}/complete` (with the order's token, in the lifecycle's order).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::contract::{IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN_HEADER};
use kasse_core::lifecycle::{apply, decide, Effect, Outcome, Request, Route};
use kasse_core::offer::{Backend, Offer};
use kasse_core::s4::{CompleteOrder, OrderCreate, OrderStatus, OrderView, PackageDraft};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{candidates, conform, parse_as, parse_optional, parse_value, unknown_order, vendor};
use super::{claim_attempt, finish, Answer, Claimed, JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{canonical_hash, BodyHash, Leader};
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::upstream::UpstreamError;

/// What the widget needs of the vendor's order view: where to send the reader, the status, and
/// (on creation) the order's token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct S4Answer {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    terminal_redirect_url: Option<String>,
    status: OrderStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_token: Option<String>,
}

impl From<OrderView> for S4Answer {
    fn from(v: OrderView) -> S4Answer {
        S4Answer {
            id: v.id,
            terminal_redirect_url: v.terminal_redirect_url,
            status: v.status,
            order_token: None,
        }
    }
}

/// The widget's attempt id: 8–64 of `A-Z a-z 0-9 - _`.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| {
            (8..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                "an Idempotency-Key header (8-64 letters, digits, - or _) makes the order idempotent",
            )
            .with_field(IDEMPOTENCY_KEY_HEADER)
        })
}

pub(super) async fn create_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    vendor(&state.s4, "S4")?;
    let raw = parse_value(&body)?;
    let order: OrderCreate = parse_as(raw.clone())?;
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::S4, |o| {
        o.s4.as_ref()
            .is_some_and(|t| t.template_package_id.eq_ignore_ascii_case(&order.template_package_id))
    })?;
    let prefixes = state.settings.allowed_return_url_prefixes.clone();
    let offer = conform(offers, &order, |o, offer| {
        kasse_core::conformance::check_s4_order_against_offer(o, offer, &prefixes)
    })?;
    let key = idempotency_key(&headers)?;
    let hash = canonical_hash(&[&Value::String(offer.id.clone()), &raw]);
    let leader = match claim_attempt(&state, Backend::S4, &key, IDEMPOTENCY_KEY_HEADER, hash).await? {
        Claimed::Leader(l) => l,
        Claimed::Replayed(r) => return Ok(r),
    };
    let task = tokio::spawn(forward_order(state.clone(), order, offer.clone(), key, hash, leader));
    let answer = task.await.map_err(|_| ApiError::internal("the order task failed"))?;
    answer.map(IntoResponse::into_response)
}

/// Creates the order at the vendor, records it with its token, and publishes the answer.
async fn forward_order(
    state: Shared,
    mut order: OrderCreate,
    offer: Offer,
    key: String,
    hash: BodyHash,
    leader: Leader,
) -> Answer {
    let s4 = state.s4.as_ref().expect("checked by the handler");
    if let Some(c) = &state.settings.s4 {
        set_accounts(c, &mut order);
    }
    let answer = match check_vendor_price(s4, &order, &offer).await {
        Err(e) => Err(e),
        Ok(()) => match s4.send_json::<_, OrderView>(Method::POST, "/order", Some(&order)).await {
            Ok(view) => record_order(&state, &order, &offer, key, hash, view).await,
            Err(e) => {
                tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 order failed upstream");
                Err(e.to_api_error())
            }
        },
    };
    let status = answer.as_ref().map_or_else(|e| e.status, |r| r.status);
    finish(leader, answer, kasse_core::attempt::is_final_answer(status.as_u16())).await
}

/// S4 prices the order's choices itself (`POST /package/{id}/validate`) before the order is
/// made: a price that is not the one the reader was shown (the catalog's) is refused with 409
/// `price_changed` and the vendor's price, and no order is made.
async fn check_vendor_price(s4: &crate::upstream::Vendor, order: &OrderCreate, offer: &Offer) -> Result<(), ApiError> {
    let choices = order.template_package_choices.clone().unwrap_or_default();
    let path = format!("/package/{}/validate", order.template_package_id);
    let draft: PackageDraft = s4.send_json(Method::POST, &path, Some(&choices)).await.map_err(|e| {
        tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 package validation failed upstream");
        e.to_api_error()
    })?;
    if draft.price == offer.price {
        return Ok(());
    }
    tracing::warn!(offer = %offer.id, vendor = %draft.price, shown = %offer.price, "s4 price differs from the catalog");
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "price_changed",
        "the vendor's price for these choices is not the price shown",
    )
    .with_message_key(kasse_core::i18n::MessageKey::ErrOfferChanged.as_str());
    e.body.price = Some(draft.price);
    Err(e)
}

/// The publisher's merchant accounts, from the config (the browser may not name one).
fn set_accounts(c: &crate::config::S4Settings, order: &mut OrderCreate) {
    let Some(pa) = order.payment_agreement_parameters.as_mut() else {
        return;
    };
    if let Some(v) = pa.vipps_mobile_pay_parameters.as_mut() {
        v.account_id.clone_from(&c.vipps_account_id);
    }
    if let Some(x) = pa.pay_ex_ecommerce_parameters.as_mut() {
        x.pay_ex_account_id.clone_from(&c.payex_account_id);
    }
}

async fn record_order(
    state: &Shared,
    order: &OrderCreate,
    offer: &Offer,
    key: String,
    hash: BodyHash,
    view: OrderView,
) -> Answer {
    let method = order.payment_agreement_parameters.as_ref().map(|p| p.payment_method);
    let route = method.map_or(Route::S4Direct, Route::s4);
    let (token, token_hash) = order_token::issue(&state.token_key, "s4", &key);
    let now = super::now_ms();
    let record = OrderRecord {
        backend: Backend::S4,
        vendor_order_id: view.id.to_ascii_lowercase(),
        offer: offer.id.clone(),
        method: method.map_or("agreement", |m| m.wire_name()).to_string(),
        route,
        amount_minor: offer.price.minor(),
        currency: offer.currency.code().to_string(),
        state: route.initial_state(),
        idempotency_key: key,
        body_hash: hash,
        answer: serde_json::json!({ "id": view.id }).to_string(),
        credentials: Vec::new(),
        token_hash,
        created_ms: now,
        updated_ms: now,
    };
    if let Err(e) = state.ledger.insert(record).await {
        tracing::error!(s4_order_id = %view.id, error = %e, "s4 order created at the vendor but not recorded");
        return Err(ApiError::internal("the order could not be recorded; try again"));
    }
    tracing::info!(s4_order_id = %view.id, offer = %offer.id, "s4 order registered");
    let answer = S4Answer {
        order_token: Some(token),
        ..S4Answer::from(view)
    };
    Ok(Reply::new(StatusCode::CREATED, &answer))
}

/// Body of `POST …/s4/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct S4CompleteBody {
    max_polling_timeout: Option<u32>,
}

/// The record of S4 order `id` when the request carries its token; 404 otherwise.
async fn own_order(state: &Shared, id: &str, headers: &HeaderMap) -> Result<OrderRecord, ApiError> {
    if !kasse_core::field::is_uuid(id) {
        return Err(unknown_order());
    }
    let record = state
        .ledger
        .find(Backend::S4, &id.to_ascii_lowercase())
        .await
        .map_err(|e| ApiError::internal(format!("the order store failed: {e}")))?
        .ok_or_else(unknown_order)?;
    let presented = headers.get(ORDER_TOKEN_HEADER).and_then(|v| v.to_str().ok());
    if !order_token::matches(&record.token_hash, presented) {
        return Err(unknown_order());
    }
    Ok(record)
}

pub(super) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    let record = own_order(&state, &id, &headers).await?;
    let body: S4CompleteBody = parse_optional(&body)?;
    let effects = decide(record.route, record.state, Request::Complete)
        .map_err(|wrong| ApiError::new(StatusCode::CONFLICT, "wrong_step", wrong.to_string()))?;
    if effects == [Effect::AnswerFromRecord] {
        let done = S4Answer {
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
    Ok(Reply::new(StatusCode::OK, &S4Answer::from(view)).into_response())
}

/// The agreement was not approved: the order moves to cancelled, is deleted at the vendor (as
/// S4's own checkout does), and the reader gets 409 `payment_not_approved` to show the form again.
async fn not_approved(
    state: &Shared,
    s4: &crate::upstream::Vendor,
    record: &OrderRecord,
) -> Result<Response, ApiError> {
    let id = &record.vendor_order_id;
    let refused = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "payment_not_approved",
            "the payment agreement was not approved",
        )
        .with_message_key(kasse_core::i18n::MessageKey::PaymentCancelled.as_str())
    };
    let Ok(t) = apply(record.route, record.state, Outcome::NotApproved) else {
        return Err(refused());
    };
    let moved = state
        .ledger
        .transition(Backend::S4, id, record.state, t.state, super::now_ms())
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
    let now = super::now_ms();
    let moved = state
        .ledger
        .transition(Backend::S4, &record.vendor_order_id, record.state, t.state, now)
        .await;
    if let Err(e) = moved {
        tracing::error!(s4_order_id = %record.vendor_order_id, error = %e, "order state not recorded");
    }
}
