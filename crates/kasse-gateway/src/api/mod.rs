//! The widget-facing API under `/kasse/v1` (described in `openapi.yaml`).
//!
//! Every order the browser built is checked against the gateway's own catalog with kasse-core
//! (`conformance`) before it is forwarded; the gateway adds no order rules of its own beyond the
//! protocol (idempotency key present, URLs on the allowlist, claims only by the payer).
//!
//! One file per resource: [`offers`], [`connectid`] orders, [`s4`] orders. This file holds the
//! router and what the handlers share: body extraction, parsing, and matching an order to an offer.

mod attempt;
mod connectid;

pub use connectid::give_due_access;
mod consent;
mod login;
mod offers;
mod preview;
mod s4;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use kasse_core::error_code::FieldError;
use kasse_core::offer::{Backend, Offer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Settings;
use crate::error::{uncached_json, ApiError, FieldProblem};
use crate::idempotency::Attempts;
use crate::ledger::OrderStore;
use crate::order_token::TokenKey;

use crate::upstream::Vendor;
use attempt::{claim_attempt, finish, idempotency_key, Claimed};

/// A successful answer of the API, storable for idempotent replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
}

impl Reply {
    fn new<T: Serialize>(status: StatusCode, body: &T) -> Reply {
        Reply {
            status,
            body: serde_json::to_value(body).unwrap_or(Value::Null),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        uncached_json(self.status, &self.body)
    }
}

/// A finished order answer: errors stay [`ApiError`]s, so a replayed refusal is rendered by the
/// same code as a fresh one.
pub type Answer = Result<Reply, ApiError>;

/// Shared state of the API handlers.
pub struct AppState {
    /// The checked configuration.
    pub settings: Arc<Settings>,
    /// ConnectID client, when configured.
    pub connectid: Option<Vendor>,
    /// S4 client, when configured.
    pub s4: Option<Vendor>,
    /// The attempt keys (`externalOrderId`, `Idempotency-Key`) and their answers.
    pub attempts: Attempts,
    /// The record of every order registered here.
    pub ledger: Arc<dyn OrderStore>,
    /// The order-token secret: configured, or else the ledger's own.
    pub token_key: TokenKey,
    /// Logins begun and readers' sessions.
    pub sessions: Arc<dyn crate::ledger::SessionStore>,
    /// Seals readers' tokens at rest (a key derived from the order-token secret).
    pub sealer: crate::login::seal::Sealer,
    /// Orders whose access the gateway gives by itself if the reader never asks.
    pub pending: Arc<dyn crate::ledger::PendingAccessStore>,
    /// Seals the credentials those orders' access goes to (a key of its own).
    pub access_sealer: crate::login::seal::Sealer,
    /// HTTP client for ConnectID's login side (user tokens, profile).
    pub http: reqwest::Client,
    /// Consent texts read from ConnectID, kept for a while.
    pub consent_texts: ConsentTexts,
}

pub use consent::ConsentTexts;

type Shared = Arc<AppState>;

/// One route of the API: method, path (axum and OpenAPI syntax alike) and handler. The router is
/// built from this list, and a test checks each entry against `openapi.yaml`.
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path, e.g. `/kasse/v1/offers/{id}`.
    pub path: &'static str,
    /// The handler.
    pub handler: MethodRouter<Shared>,
}

/// Every API route.
pub fn routes() -> Vec<Route> {
    let r = |method: Method, path: &'static str, handler: MethodRouter<Shared>| Route { method, path, handler };
    vec![
        r(Method::GET, "/kasse/v1/offers/{id}", get(offers::get_offer)),
        r(Method::GET, "/kasse/v1/offers/{id}/access", get(offers::get_access)),
        r(
            Method::GET,
            "/kasse/v1/offers/{id}/preview",
            // Kilobytes of HTML and CSS, unlike the other answers' few hundred bytes of JSON.
            get(preview::get_preview).layer(tower_http::compression::CompressionLayer::new()),
        ),
        r(Method::GET, "/kasse/v1/offers/{id}/consent", get(consent::get_text)),
        r(
            Method::POST,
            "/kasse/v1/connectid/orders/{id}/consent",
            post(consent::register),
        ),
        r(
            Method::POST,
            "/kasse/v1/connectid/orders",
            post(connectid::create_order),
        ),
        r(
            Method::POST,
            "/kasse/v1/connectid/orders/{id}/complete",
            post(connectid::complete_order),
        ),
        r(
            Method::POST,
            "/kasse/v1/connectid/orders/{id}/user",
            post(connectid::assign_user),
        ),
        r(
            Method::GET,
            "/kasse/v1/connectid/orders/{id}/status",
            get(connectid::order_status),
        ),
        r(
            Method::POST,
            "/kasse/v1/connectid/subscriptions",
            post(connectid::start_subscription),
        ),
        r(Method::POST, "/kasse/v1/s4/orders", post(s4::create_order)),
        r(
            Method::POST,
            "/kasse/v1/s4/orders/{id}/complete",
            post(s4::complete_order),
        ),
        r(Method::POST, "/kasse/v1/s4/callback", post(s4::callback)),
        r(Method::GET, "/kasse/v1/login", get(login::begin)),
        r(Method::GET, "/kasse/v1/login/callback", get(login::callback)),
        r(Method::GET, "/kasse/v1/session", get(login::session)),
        r(Method::POST, "/kasse/v1/logout", post(login::logout)),
    ]
}

/// `(method, path)` of every API route, for the OpenAPI check and documentation.
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The raw JSON body; empty allowed only where the handler says so. Every rejection, 413
/// included, is answered in the API's error shape rather than axum's plain text.
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            });
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            let status = rej.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    "body_too_large",
                    "the request body is larger than the gateway accepts",
                )
            } else {
                ApiError::new(status, "invalid_body", "the request body could not be read")
            }
        })?;
        // A JSON content type is required for any body: it forces a CORS preflight, so a plain
        // cross-site form cannot post an order.
        if !bytes.is_empty() && is_json != Some(true) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            ));
        }
        Ok(JsonBody(bytes))
    }
}

fn parse_value(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the body is not JSON (line {}, column {})", e.line(), e.column()),
        )
    })
}

fn parse_as<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // An unknown field is named by its path (`payer.customerId`): the order types refuse
        // what no rule checks. serde's message may quote the sent value, which goes back only to
        // the sender, never to the log.
        let unknown = inner.to_string().starts_with("unknown field");
        let code = if unknown { "unknown_field" } else { "invalid_body" };
        let e = ApiError::bad_request(
            code,
            format!("the body does not have the expected shape at `{path}`: {inner}"),
        );
        if path == "." {
            e
        } else {
            e.with_field(path)
        }
    })
}

/// An optional body: empty means `T::default()`.
fn parse_optional<T: serde::de::DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        Ok(T::default())
    } else {
        parse_as(parse_value(bytes)?)
    }
}

/// 422 from kasse-core's rule results; the first problem's message key lets the widget show the
/// reader a sentence instead of a code.
fn refused(errors: Vec<FieldError>) -> ApiError {
    let key = errors.first().map(|e| e.code.message_key().as_str());
    let problems = errors
        .into_iter()
        .map(|e| FieldProblem {
            field: e.path,
            code: e.code.as_str().to_owned(),
        })
        .collect();
    let mut e = ApiError::from_problems("the order does not match the offer or is invalid", problems);
    if let Some(k) = key {
        e = e.with_message_key(k);
    }
    e
}

/// 404 for an order this gateway did not register: the API must not act on the publisher's
/// other orders at the vendor.
fn unknown_order() -> ApiError {
    ApiError::not_found(
        "order_not_found",
        "no order with this id was registered through this gateway",
    )
}

use crate::ledger::now_ms;

fn vendor<'a>(v: &'a Option<Vendor>, name: &str) -> Result<&'a Vendor, ApiError> {
    v.as_ref()
        .ok_or_else(|| ApiError::not_found("backend_not_configured", format!("this gateway has no {name} back end")))
}

fn check_url(path: &str, url: &Option<String>, prefixes: &[String]) -> Result<(), FieldError> {
    match url {
        Some(u) if !kasse_core::conformance::url_has_allowed_prefix(u, prefixes) => {
            Err(FieldError::new(path, kasse_core::error_code::ErrorCode::UrlNotAllowed))
        }
        _ => Ok(()),
    }
}

/// `?offer=ID` on the order endpoints.
#[derive(Deserialize)]
pub struct OfferQuery {
    /// The offer the order buys. Absent: the catalog offer the order matches.
    pub offer: Option<String>,
}

fn find_offer<'a>(settings: &'a Settings, id: &str) -> Result<&'a Offer, ApiError> {
    settings
        .offers
        .get(id)
        .ok_or_else(|| ApiError::not_found("offer_not_found", "no offer with this id"))
}

/// The offer an order is checked against: the named one, or else the catalog's offers of the
/// back end whose product the order names. With several candidates the first that the order
/// conforms to wins, so an accepted order always buys exactly some catalog offer.
fn candidates<'a>(
    settings: &'a Settings,
    named: Option<&str>,
    backend: Backend,
    matches: impl Fn(&Offer) -> bool,
) -> Result<Vec<&'a Offer>, ApiError> {
    if let Some(id) = named {
        return Ok(vec![find_offer(settings, id)?]);
    }
    let found: Vec<&Offer> = settings
        .offers
        .values()
        .filter(|o| o.backend == backend && matches(o))
        .collect();
    if found.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "offer_not_found",
            "the order matches no offer of the catalog; name it with ?offer=ID",
        ));
    }
    Ok(found)
}

/// The first candidate the order conforms to, or the first candidate's problems.
fn conform<'a, T>(
    offers: Vec<&'a Offer>,
    order: &T,
    check: impl Fn(&T, &Offer) -> Result<(), Vec<FieldError>>,
) -> Result<&'a Offer, ApiError> {
    let mut first_errors = None;
    for offer in offers {
        match check(order, offer) {
            Ok(()) => return Ok(offer),
            Err(e) => {
                first_errors.get_or_insert(e);
            }
        }
    }
    Err(refused(first_errors.unwrap_or_default()))
}
