//! `GET /kasse/v1/offers/{id}`: an offer of the catalog, the payment methods the widget may show,
//! and the public ConnectID data the widget needs to send the reader to the hosted page.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kasse_core::contract::{ConnectIdPublic, OfferInfo};
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
    let connect_id = match (offer.backend, &state.settings.connectid) {
        (Backend::ConnectId, Some(c)) => Some(ConnectIdPublic {
            client_id: c.client_id.clone(),
            fulfillment_url: c.fulfillment_url.to_string(),
        }),
        _ => None,
    };
    let mut resp = Json(OfferInfo {
        offer: offer.clone(),
        methods: methods(offer),
        connect_id,
        s4: (offer.backend == Backend::S4).then(|| super::s4::public(&state)),
    })
    .into_response();
    // Prices change: a minute of caching spares the gateway without showing a stale price long.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}
