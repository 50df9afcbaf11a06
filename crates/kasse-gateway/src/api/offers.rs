//! `GET /kasse/v1/offers/{id}`: an offer of the catalog, the payment methods the widget may show,
//! and the public ConnectID data the widget needs to send the reader to the hosted page.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kasse_core::offer::{Backend, Offer};
use serde::Serialize;
use serde_json::Value;

use super::{find_offer, Shared};
use crate::error::ApiError;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OfferAnswer<'a> {
    offer: &'a Offer,
    /// Methods the widget may show, after the vendor's support table (wire names).
    methods: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connect_id: Option<ConnectIdPublic<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectIdPublic<'a> {
    client_id: &'a str,
    fulfillment_url: &'a str,
}

fn methods(offer: &Offer) -> Vec<Value> {
    match offer.backend {
        Backend::ConnectId => kasse_core::connectid::PaymentMethod::for_offer(offer)
            .into_iter()
            .filter_map(|m| serde_json::to_value(m).ok())
            .collect(),
        Backend::S4 => kasse_core::s4::S4PaymentMethod::for_offer(offer)
            .into_iter()
            .filter_map(|m| serde_json::to_value(m).ok())
            .collect(),
    }
}

pub(super) async fn get_offer(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let offer = find_offer(&state.settings, &id)?;
    let connect_id = match (offer.backend, &state.settings.connectid) {
        (Backend::ConnectId, Some(c)) => Some(ConnectIdPublic {
            client_id: &c.client_id,
            fulfillment_url: c.fulfillment_url.as_str(),
        }),
        _ => None,
    };
    let mut resp = Json(OfferAnswer {
        offer,
        methods: methods(offer),
        connect_id,
    })
    .into_response();
    // Prices change: a minute of caching spares the gateway without showing a stale price long.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}
