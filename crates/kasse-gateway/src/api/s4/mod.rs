//! S4 orders: `POST /kasse/v1/s4/orders` (idempotent on the `Idempotency-Key` header),
//! `POST …/s4/orders/{id}/complete` (with the order's token, in the lifecycle's order) and
//! `POST …/s4/callback` (SwedbankPay's poke).
//!
//! Creating an order is three vendor calls. The first two are safe to repeat for one attempt: the
//! vendor prices the choice (`POST /package/{id}/validate`), and the reader becomes a subscriber
//! (looked up by an external id derived from the attempt key before one is created). The third,
//! `POST /order` for that subscriber, is not: S4 has no idempotency of its own. So the attempt's
//! lease keeps a second request of the same attempt out, the leader renews it (and learns that it
//! still leads) right before the order, and a leader that finds its key's order recorded answers
//! with that order instead of ordering again.

mod complete;
mod recover;
mod subscriber;

pub(super) use complete::{callback, complete_order};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::conformance::S4Expect;
use kasse_core::contract::{S4OrderAnswer, S4OrderRequest, S4Public, IDEMPOTENCY_KEY_HEADER};
use kasse_core::lifecycle::Route;
use kasse_core::money::Money;
use kasse_core::offer::{package_price, Backend, Offer};
use kasse_core::s4::{OrderCreate, OrderView, PackageDraft};
use serde_json::Value;

use super::{candidates, conform, parse_as, parse_value, vendor};
use super::{claim_attempt, finish, Answer, Claimed, JsonBody, OfferQuery, Reply, Shared};
use crate::error::ApiError;
use crate::idempotency::{canonical_hash, BodyHash, Leader};
use crate::ledger::OrderRecord;
use crate::order_token;
use crate::upstream::Vendor;

/// The publisher's S4 URLs, as the widget is told them.
pub(super) fn public(state: &Shared) -> S4Public {
    let c = state.settings.s4.as_ref();
    S4Public {
        merchant_agreement_url: c.and_then(|c| c.merchant_agreement_url.clone()),
        callback_url: c.and_then(|c| c.callback_url.clone()),
    }
}

pub(super) async fn create_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    vendor(&state.s4, "S4")?;
    let raw = parse_value(&body)?;
    let request: S4OrderRequest = parse_as(raw.clone())?;
    let template = request.order.template_package_id.clone();
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::S4, |o| {
        o.s4.as_ref()
            .is_some_and(|t| t.template_package_id.eq_ignore_ascii_case(&template))
    })?;
    let public = public(&state);
    let expect = S4Expect {
        url_prefixes: &state.settings.allowed_return_url_prefixes,
        public: &public,
    };
    let offer = conform(offers, &request, |r, offer| {
        kasse_core::conformance::check_s4_request_against_offer(r, offer, expect)
    })?;
    let key = super::idempotency_key(&headers)?;
    let hash = canonical_hash(&[&Value::String(offer.id.clone()), &raw]);
    let leader = match claim_attempt(&state, Backend::S4, &key, IDEMPOTENCY_KEY_HEADER, hash).await? {
        Claimed::Leader(l) => l,
        Claimed::Replayed(r) => return Ok(r),
    };
    let attempt = Attempt {
        offer: offer.clone(),
        key,
        hash,
    };
    let task = tokio::spawn(forward_order(state.clone(), request, attempt, leader));
    let answer = task.await.map_err(|_| ApiError::internal("the order task failed"))?;
    answer.map(IntoResponse::into_response)
}

/// One reader attempt: the offer it buys, its key and its body's hash.
struct Attempt {
    offer: Offer,
    key: String,
    hash: BodyHash,
}

/// Prices the choice at the vendor, finds or creates the subscriber, creates the order, records
/// it with its token, and publishes the answer.
async fn forward_order(state: Shared, request: S4OrderRequest, attempt: Attempt, leader: Leader) -> Answer {
    let s4 = state.s4.as_ref().expect("checked by the handler");
    let answer = match recover::recorded(&state, s4, &attempt).await {
        Ok(Some(answer)) => answer,
        Ok(None) => make_order(&state, s4, request, &attempt, &leader).await,
        Err(e) => Err(e),
    };
    let status = answer.as_ref().map_or_else(|e| e.status, |r| r.status);
    finish(leader, answer, kasse_core::attempt::is_final_answer(status.as_u16())).await
}

async fn make_order(
    state: &Shared,
    s4: &Vendor,
    request: S4OrderRequest,
    attempt: &Attempt,
    leader: &Leader,
) -> Answer {
    let S4OrderRequest { mut order, contact } = request;
    let offer = &attempt.offer;
    let chosen = order
        .template_package_choices
        .as_ref()
        .and_then(|c| c.products.clone())
        .unwrap_or_default();
    let price = package_price(offer, &chosen);
    check_vendor_price(s4, &order, offer, price).await?;
    let subscriber = subscriber::find_or_create(s4, &attempt.key, contact).await?;
    order.subscriber_id = Some(subscriber);
    // Carried by S4 to the subscription, demands and invoices: the publisher can find an order
    // by the attempt that made it.
    order.order_reference = Some(attempt.key.clone());
    if let Some(c) = &state.settings.s4 {
        set_accounts(c, &mut order);
    }
    // Past this point a second call is a second order: go on only while this leader still leads.
    if !leader.renew().await? {
        tracing::warn!(offer = %offer.id, "s4 attempt taken over while its leader worked; not ordering");
        return Err(super::attempt::in_progress());
    }
    match s4.send_json::<_, OrderView>(Method::POST, "/order", Some(&order)).await {
        Ok(view) => record_order(state, s4, &order, attempt, price, view).await,
        Err(e) => {
            tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 order failed upstream");
            Err(e.to_api_error())
        }
    }
}

/// S4 prices the order's choices itself (`POST /package/{id}/validate`) before the order is
/// made: a price that is not the one the reader was shown (the catalog's for this choice) is
/// refused with 409 `price_changed` and the vendor's price, and no order is made.
async fn check_vendor_price(s4: &Vendor, order: &OrderCreate, offer: &Offer, shown: Money) -> Result<(), ApiError> {
    let choices = order.template_package_choices.clone().unwrap_or_default();
    let path = format!("/package/{}/validate", order.template_package_id);
    let draft: PackageDraft = s4.send_json(Method::POST, &path, Some(&choices)).await.map_err(|e| {
        tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 package validation failed upstream");
        e.to_api_error()
    })?;
    if draft.price == shown {
        return Ok(());
    }
    tracing::warn!(offer = %offer.id, vendor = %draft.price, shown = %shown, "s4 price differs from the catalog");
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "price_changed",
        "the vendor's price for these choices is not the price shown",
    )
    .with_message_key(kasse_core::i18n::MessageKey::PriceChanged.as_str());
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
    s4: &Vendor,
    order: &OrderCreate,
    attempt: &Attempt,
    price: Money,
    view: OrderView,
) -> Answer {
    let method = order.payment_agreement_parameters.as_ref().map(|p| p.payment_method);
    let route = method.map_or(Route::S4Direct, Route::s4);
    let (token, token_hash) = order_token::issue(&state.token_key, "s4", &attempt.key);
    let now = super::now_ms();
    let record = OrderRecord {
        backend: Backend::S4,
        vendor_order_id: view.id.to_ascii_lowercase(),
        offer: attempt.offer.id.clone(),
        method: method.map_or("agreement", |m| m.wire_name()).to_string(),
        route,
        amount_minor: price.minor(),
        currency: attempt.offer.currency.code().to_string(),
        state: route.initial_state(),
        idempotency_key: attempt.key.clone(),
        body_hash: attempt.hash,
        answer: serde_json::json!({ "id": view.id }).to_string(),
        credentials: Vec::new(),
        token_hash,
        created_ms: now,
        updated_ms: now,
    };
    match state.ledger.insert(record).await {
        Ok(()) => {}
        Err(crate::ledger::StoreError::Duplicate) => return recover::superseded(state, s4, attempt, &view.id).await,
        Err(e) => {
            tracing::error!(s4_order_id = %view.id, error = %e, "s4 order created at the vendor but not recorded");
            return Err(ApiError::internal("the order could not be recorded; try again"));
        }
    }
    tracing::info!(s4_order_id = %view.id, offer = %attempt.offer.id, "s4 order registered");
    let answer = S4OrderAnswer {
        order_token: Some(token),
        ..answer_of(view)
    };
    Ok(Reply::new(StatusCode::CREATED, &answer))
}

/// What the widget needs of the vendor's order view.
fn answer_of(v: OrderView) -> S4OrderAnswer {
    S4OrderAnswer {
        id: v.id,
        status: v.status,
        terminal_redirect_url: v.terminal_redirect_url,
        order_token: None,
    }
}
