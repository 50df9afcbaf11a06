//! `POST /kasse/v1/connectid/subscriptions?offer=ID`: a logged-in reader starts the offer's
//! subscription (ConnectID's `POST /v1/subscription` with the reader's token), idempotent on the
//! `Idempotency-Key` header: a double click starts one subscription.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::checkout::check_start_against_offer;
use kasse_core::connectid::{StartSubscription, StartSubscriptionResponse};
use kasse_core::contract::IDEMPOTENCY_KEY_HEADER;
use kasse_core::lifecycle::{next_start_step, StartFacts, StartStep};
use kasse_core::offer::{Backend, Offer};
use serde_json::{json, Value};

use super::super::{claim_attempt, find_offer, finish, parse_as, parse_value, refused, vendor};
use super::super::{Answer, Claimed, JsonBody, OfferQuery, Reply, Shared};
use super::check_order_date_ms;
use crate::error::ApiError;
use crate::login::UserTokens;
use crate::upstream::{UpstreamError, Vendor};

fn offer_of<'a>(state: &'a Shared, q: &OfferQuery) -> Result<&'a Offer, ApiError> {
    let id = q.offer.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
            "name the offer with ?offer=ID",
        )
        .with_field("offer")
    })?;
    let offer = find_offer(&state.settings, id)?;
    if offer.backend != Backend::ConnectId || offer.start_subscription.is_none() {
        return Err(ApiError::not_found(
            "offer_not_found",
            "no start-subscription offer with this id",
        ));
    }
    Ok(offer)
}

pub(in crate::api) async fn start_subscription(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    vendor(&state.connectid, "ConnectID")?;
    let offer = offer_of(&state, &q)?;
    let raw = parse_value(&body)?;
    let req: StartSubscription = parse_as(raw.clone())?;
    check_start_against_offer(&req, offer).map_err(refused)?;
    check_order_date_ms(req.start_time, "startTime")?;
    let key = super::super::idempotency_key(&headers)?;
    // Only in the reader's own name: a start subscription is never the publisher's client call.
    let tokens = super::super::login::reader_tokens(&state, &headers)
        .await?
        .ok_or_else(super::super::login::login_required)?;
    let hash = crate::idempotency::canonical_hash(&[&Value::String(offer.id.clone()), &Value::Bool(true), &raw]);
    let leader = match claim_attempt(&state, Backend::ConnectId, &key, IDEMPOTENCY_KEY_HEADER, hash).await? {
        Claimed::Leader(l) => l,
        Claimed::Replayed(r) => return Ok(r),
    };
    let product = offer
        .start_subscription
        .as_ref()
        .map(|s| s.product.clone())
        .unwrap_or_default();
    let state2 = state.clone();
    let answer = tokio::spawn(async move {
        let cid = state2.connectid.as_ref().expect("checked by the handler");
        let answer = start(cid, &tokens, &product, &req).await;
        let keep = answer.as_ref().map_or_else(
            |e| !e.status.is_server_error() && e.status != StatusCode::TOO_MANY_REQUESTS,
            |_| true,
        );
        finish(leader, answer, keep).await
    })
    .await
    .map_err(|_| ApiError::internal("the subscription task failed"))?;
    answer.map(IntoResponse::into_response)
}

/// Takes the steps [`next_start_step`] allows, with the reader's token: the access check, then
/// the start (or "already has access"). The session was checked by the handler.
async fn start(cid: &Vendor, tokens: &UserTokens, product: &str, req: &StartSubscription) -> Answer {
    let as_user = |e: UpstreamError| match e {
        UpstreamError::Vendor(v) if v.status() == 401 => super::super::login::login_required(),
        e => e.to_api_error(),
    };
    let mut facts = StartFacts {
        logged_in: true,
        ..StartFacts::default()
    };
    // Each step settles one fact, so the walk ends within the number of steps.
    for _ in 0..4 {
        match next_start_step(facts) {
            StartStep::LogIn => return Err(super::super::login::login_required()),
            StartStep::CheckAccess => {
                let access: Value = cid
                    .send_json_as_user(
                        &tokens.access_token,
                        Method::POST,
                        "/v1/customer/access",
                        Some(&json!({ "product": product })),
                    )
                    .await
                    .map_err(as_user)?;
                facts.has_access = Some(access.get("access").and_then(Value::as_bool) == Some(true));
            }
            StartStep::AlreadyHasAccess => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "already_has_access",
                    "the reader has this product already",
                )
                .with_message_key(kasse_core::i18n::MessageKey::AlreadyYours.as_str()))
            }
            StartStep::Start => {
                let _: StartSubscriptionResponse = cid
                    .send_json_as_user(&tokens.access_token, Method::POST, "/v1/subscription", Some(req))
                    .await
                    .map_err(as_user)?;
                tracing::info!(product, "subscription started for a logged-in reader");
                facts.started = true;
            }
            StartStep::Done => return Ok(Reply::new(StatusCode::CREATED, &json!({ "started": true }))),
        }
    }
    Err(ApiError::internal("the start-subscription steps did not end"))
}
