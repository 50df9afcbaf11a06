//! `GET /kasse/v1/offers/{id}`: an offer of the catalog, the payment methods the widget may show,
//! and the public vendor data the widget needs; `GET …/{id}/access`: whether a logged-in reader
//! has it already. `GET …/{id}/preview` is in [`super::preview`].

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kasse_core::contract::{AccessInfo, ConnectIdPublic, OfferInfo};
use kasse_core::offer::{Backend, Offer};

use super::{find_offer, Shared};
use crate::error::ApiError;

fn methods(offer: &Offer) -> Vec<String> {
    match offer.backend {
        Backend::ConnectId => kasse_core::connectid::PaymentMethod::for_offer(offer)
            .into_iter()
            .map(|m| m.wire_name().to_string())
            .collect(),
        Backend::S4 => kasse_core::s4::S4PaymentMethod::for_offer(offer)
            .into_iter()
            .map(|m| m.wire_name().to_string())
            .collect(),
    }
}

pub(super) async fn get_offer(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let offer = find_offer(&state.settings, &id)?;
    let mut resp = Json(offer_info(&state, offer)).into_response();
    // Prices change: a minute of caching spares the gateway without showing a stale price long.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}

/// What the widget knows of `offer`: the offer, its methods and the vendor's public data.
pub(super) fn offer_info(state: &Shared, offer: &Offer) -> OfferInfo {
    let connect_id = match (offer.backend, &state.settings.connectid) {
        (Backend::ConnectId, Some(c)) => Some(ConnectIdPublic {
            client_id: c.client_id.clone(),
            fulfillment_url: c.fulfillment_url.to_string(),
            login: c.login.is_some(),
        }),
        _ => None,
    };
    OfferInfo {
        offer: offer.clone(),
        methods: methods(offer),
        connect_id,
        s4: (offer.backend == Backend::S4).then(|| super::s4::public(state)),
    }
}

/// `GET /kasse/v1/offers/{id}/access` (with the reader's session): whether the logged-in reader
/// has the offer's product already (`POST /v1/customer/access` with their token). 401
/// `login_required` without a session.
pub(super) async fn get_access(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let offer = find_offer(&state.settings, &id)?;
    let cid = super::vendor(&state.connectid, "ConnectID")?;
    let tokens = super::login::reader_tokens(&state, &headers)
        .await?
        .ok_or_else(super::login::login_required)?;
    let Some(product) = offer.access_product() else {
        // Nothing to check against: the offer sells no named product.
        return Ok(crate::error::uncached_json(
            StatusCode::OK,
            &AccessInfo { has_access: false },
        ));
    };
    let answer: serde_json::Value = cid
        .send_json_as_user(
            &tokens.access_token,
            axum::http::Method::POST,
            "/v1/customer/access",
            Some(&serde_json::json!({ "product": product })),
        )
        .await
        .map_err(|e| match e {
            crate::upstream::UpstreamError::Vendor(v) if v.status() == 401 => super::login::login_required(),
            e => e.to_api_error(),
        })?;
    let has_access = answer
        .get("access")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    Ok(crate::error::uncached_json(StatusCode::OK, &AccessInfo { has_access }))
}
