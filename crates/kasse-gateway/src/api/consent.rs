//! Marketing consent: `GET /kasse/v1/offers/{id}/consent` (the consent's active text in the
//! reader's language, read from ConnectID and kept for a while) and
//! `POST /kasse/v1/connectid/orders/{id}/consent` (the reader ticked the box and the order went
//! through: one consent event, never more, never for an unticked box — the widget only calls it
//! when ticked, and the gateway only for a paid order of an offer that asks).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::connectid::{consent_event, ConsentSubject, ConsentTextHistory};
use kasse_core::contract::ConsentInfo;
use kasse_core::i18n::Locale;
use kasse_core::lifecycle::OrderState;
use kasse_core::offer::Backend;
use serde::Deserialize;
use serde_json::Value;

use super::{find_offer, vendor, Shared};
use crate::error::{uncached_json, ApiError};
use crate::idempotency::canonical_hash;
use crate::upstream::Vendor;

/// How long a consent text is kept: texts change seldom, and a reader must not wait for them.
const TEXT_TTL: Duration = Duration::from_secs(600);

/// The consent texts by issuer, fetched at most once per [`TEXT_TTL`].
#[derive(Default)]
pub struct ConsentTexts(Mutex<HashMap<String, (Instant, Arc<ConsentTextHistory>)>>);

impl ConsentTexts {
    async fn of(&self, cid: &Vendor, issuer: &str) -> Result<Arc<ConsentTextHistory>, ApiError> {
        if let Some((at, texts)) = self.0.lock().expect("not poisoned").get(issuer) {
            if at.elapsed() < TEXT_TTL {
                return Ok(texts.clone());
            }
        }
        let issuer_path: String = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect();
        let path = format!("/v1/client/customer/privacy/consent/text/history/{issuer_path}?onlyActive=true");
        let texts: ConsentTextHistory = cid.send_json::<(), _>(Method::GET, &path, None).await.map_err(|e| {
            tracing::warn!(error = %e.log_code(), "consent texts failed upstream");
            e.to_api_error()
        })?;
        let texts = Arc::new(texts);
        self.0
            .lock()
            .expect("not poisoned")
            .insert(issuer.to_owned(), (Instant::now(), texts.clone()));
        Ok(texts)
    }
}

/// `?locale=` of the text request.
#[derive(Deserialize)]
pub(super) struct LocaleQuery {
    locale: Option<String>,
}

/// `GET /kasse/v1/offers/{id}/consent?locale=nb`.
pub(super) async fn get_text(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<LocaleQuery>,
) -> Result<Response, ApiError> {
    let offer = find_offer(&state.settings, &id)?;
    let spec = offer
        .consent
        .as_ref()
        .ok_or_else(|| ApiError::not_found("consent_not_found", "this offer asks for no consent"))?;
    let cid = vendor(&state.connectid, "ConnectID")?;
    let texts = state.consent_texts.of(cid, &spec.issuer).await?;
    let locale = Locale::negotiate(q.locale.as_deref().unwrap_or("en"));
    let text = texts
        .active_text(&spec.consent_id, locale, super::now_ms())
        .ok_or_else(|| ApiError::not_found("consent_not_found", "ConnectID has no active text for this consent"))?;
    Ok(uncached_json(
        StatusCode::OK,
        &ConsentInfo {
            consent_id: spec.consent_id.clone(),
            text,
        },
    ))
}

/// `POST /kasse/v1/connectid/orders/{id}/consent` (with the order's token).
pub(super) async fn register(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let record = super::connectid::own_order_of(&state, &id, &headers).await?;
    let offer = find_offer(&state.settings, &record.offer)?;
    let spec = offer
        .consent
        .as_ref()
        .ok_or_else(|| ApiError::not_found("consent_not_found", "this offer asks for no consent"))?;
    if !matches!(record.state, OrderState::Paid | OrderState::AccessGiven) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "wrong_step",
            "consent follows a paid order",
        ));
    }
    let subject = consent_subject(&state, &headers, &record.vendor_order_id).await?;
    let source = state
        .settings
        .connectid
        .as_ref()
        .map_or("kasse", |c| c.consent_source.as_str());
    let event =
        consent_event(true, &spec.consent_id, &subject, source, super::now_ms()).expect("a ticked box makes an event");
    // Once per order: a retry or double click replays the first answer. The `:` keeps the key
    // out of clients' reach (an attempt key a client sends is only `A-Z a-z 0-9 - _`), so no order
    // can be registered under it ahead of the consent; ConnectID's order ids count up.
    let key = format!("consent:{}", record.vendor_order_id);
    let hash = canonical_hash(&[&Value::String(spec.consent_id.clone())]);
    let leader = match super::claim_attempt(&state, Backend::ConnectId, &key, "consent", hash).await? {
        super::Claimed::Leader(l) => l,
        super::Claimed::Replayed(r) => return Ok(r),
    };
    let sent = cid
        .send_json::<_, Value>(Method::POST, "/v1/client/customer/privacy/consentEvent", Some(&event))
        .await;
    let answer = match sent {
        Ok(_) => {
            tracing::info!(order_id = %record.vendor_order_id, "consent registered");
            Ok(super::Reply::new(
                StatusCode::CREATED,
                &serde_json::json!({ "registered": true }),
            ))
        }
        Err(e) => Err(e.to_api_error()),
    };
    let keep = answer.is_ok();
    super::finish(leader, answer, keep)
        .await
        .map(IntoResponse::into_response)
}

/// A logged-in reader consents as the customer; one who is not (or has no customer number yet),
/// through the order.
async fn consent_subject(
    state: &Shared,
    headers: &HeaderMap,
    vendor_order_id: &str,
) -> Result<ConsentSubject, ApiError> {
    let by_order = || ConsentSubject::Order(vendor_order_id.parse().unwrap_or_default());
    let Some(tokens) = super::login::reader_tokens(state, headers).await? else {
        return Ok(by_order());
    };
    let c = state.settings.connectid.as_ref().expect("a ConnectID back end");
    let profile = crate::login::profile(&state.http, c, &tokens.access_token)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_unavailable",
                "ConnectID did not answer",
            )
        })?;
    Ok(match profile.reader_profile().customer_number {
        Some(n) => ConsentSubject::Customer(n),
        None => by_order(),
    })
}
