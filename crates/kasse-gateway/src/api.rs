//! The widget-facing API under `/kasse/v1` (described in `openapi.yaml`).
//!
//! Every order the browser built is checked against the gateway's own catalog with kasse-core
//! (`conformance`) before it is forwarded; the gateway adds no order rules of its own beyond the
//! protocol (idempotency key present, URLs on the allowlist, claims only by the payer).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use kasse_core::connectid::{
    AssignUserRequest, AssignUserResponse, ClientOrder, CompleteOrderRequest, CompleteOrderResponse, CompleteStatus,
    OrderCreated, OrderStatusResponse,
};
use kasse_core::offer::{Backend, Offer, ProductSpec};
use kasse_core::s4::{CompleteOrder, OrderCreate, OrderView};
use kasse_core::error_code::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::Settings;
use crate::error::{ApiError, FieldProblem};
use crate::idempotency::{canonical_hash, Claim, IdempotencyStore};
use crate::owners::OrderRegistry;
use crate::upstream::Vendor;

/// A finished answer of the API, storable for idempotent replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
    /// `Retry-After`, when retrying helps.
    pub retry_after: Option<u64>,
}

impl Answer {
    fn ok<T: Serialize>(status: StatusCode, body: &T) -> Answer {
        Answer { status, body: serde_json::to_value(body).unwrap_or(Value::Null), retry_after: None }
    }
}

impl From<ApiError> for Answer {
    fn from(e: ApiError) -> Answer {
        let retry_after = e.body.retry_after;
        Answer {
            status: e.status,
            body: json!({ "error": serde_json::to_value(&e.body).unwrap_or(Value::Null) }),
            retry_after,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body)).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    }
}

/// Shared state of the API handlers.
pub struct AppState {
    /// The checked configuration.
    pub settings: Arc<Settings>,
    /// ConnectID client, when configured.
    pub connectid: Option<Vendor>,
    /// S4 client, when configured.
    pub s4: Option<Vendor>,
    /// `externalOrderId` replay store.
    pub idempotency: IdempotencyStore<Answer>,
    /// Orders registered here and who may claim them.
    pub orders: OrderRegistry,
}

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
        r(Method::GET, "/kasse/v1/offers/{id}", get(get_offer)),
        r(Method::POST, "/kasse/v1/connectid/orders", post(create_connectid_order)),
        r(Method::POST, "/kasse/v1/connectid/orders/{id}/complete", post(complete_connectid_order)),
        r(Method::POST, "/kasse/v1/connectid/orders/{id}/user", post(assign_user)),
        r(Method::GET, "/kasse/v1/connectid/orders/{id}/status", get(connectid_status)),
        r(Method::POST, "/kasse/v1/s4/orders", post(create_s4_order)),
        r(Method::POST, "/kasse/v1/s4/orders/{id}/complete", post(complete_s4_order)),
    ]
}

/// `(method, path)` of every API route, for the OpenAPI check and documentation.
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().into_iter().map(|r| (r.method, r.path)).collect()
}

// ---------------------------------------------------------------------------------------------
// Body extraction: every rejection in the API's error shape (413 included).

/// The raw JSON body; empty allowed only where the handler says so.
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            let status = rej.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(status, "body_too_large", "the request body is larger than the gateway accepts")
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
        ApiError::bad_request("invalid_json", format!("the body is not JSON (line {}, column {})", e.line(), e.column()))
    })
}

fn parse_as<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| {
        // serde's message names the field and the expected type; it may quote the sent value,
        // which goes back only to the sender, never to the log.
        ApiError::bad_request("invalid_body", format!("the body does not have the expected shape: {e}"))
    })
}

fn problems(errors: Vec<FieldError>) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|e| FieldProblem { field: e.path, code: e.code.as_str().to_owned() })
        .collect()
}

fn refused(errors: Vec<FieldError>) -> ApiError {
    let key = errors.first().map(|e| e.code.message_key().as_str());
    let mut e = ApiError::from_problems("the order does not match the offer or is invalid", problems(errors));
    if let Some(k) = key {
        e = e.with_message_key(k);
    }
    e
}

fn parse_order_id(id: &str) -> Result<i64, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("order_not_found", "no such order"))
}

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

// ---------------------------------------------------------------------------------------------
// Offers

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

async fn get_offer(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let offer = state
        .settings
        .offers
        .get(&id)
        .ok_or_else(|| ApiError::not_found("offer_not_found", "no offer with this id"))?;
    let methods: Vec<Value> = match offer.backend {
        Backend::ConnectId => kasse_core::connectid::PaymentMethod::for_offer(offer)
            .into_iter()
            .filter_map(|m| serde_json::to_value(m).ok())
            .collect(),
        Backend::S4 => kasse_core::s4::S4PaymentMethod::for_offer(offer)
            .into_iter()
            .filter_map(|m| serde_json::to_value(m).ok())
            .collect(),
    };
    let connect_id = match (offer.backend, &state.settings.connectid) {
        (Backend::ConnectId, Some(c)) => Some(ConnectIdPublic {
            client_id: &c.client_id,
            fulfillment_url: c.fulfillment_url.as_str(),
        }),
        _ => None,
    };
    let mut resp = Json(OfferAnswer { offer, methods, connect_id }).into_response();
    // Prices change: a minute of caching spares the gateway without showing a stale price long.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}

/// `?offer=ID` on the order endpoints.
#[derive(Deserialize)]
pub struct OfferQuery {
    /// The offer the order buys. Absent: the catalog offer the order matches.
    pub offer: Option<String>,
}

/// The offer an order is checked against: the named one, or else the catalog's offers of the
/// back end whose product the order names. With several candidates the first that the order
/// conforms to wins, so an accepted order always buys exactly some catalog offer.
fn candidates<'a>(settings: &'a Settings, named: Option<&str>, backend: Backend, matches: impl Fn(&Offer) -> bool) -> Result<Vec<&'a Offer>, ApiError> {
    if let Some(id) = named {
        let offer = settings
            .offers
            .get(id)
            .ok_or_else(|| ApiError::not_found("offer_not_found", "no offer with this id"))?;
        return Ok(vec![offer]);
    }
    let found: Vec<&Offer> = settings.offers.values().filter(|o| o.backend == backend && matches(o)).collect();
    if found.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "offer_not_found",
            "the order matches no offer of the catalog; name it with ?offer=ID",
        ));
    }
    Ok(found)
}

fn conform<'a, T>(offers: Vec<&'a Offer>, order: &T, check: impl Fn(&T, &Offer) -> Result<(), Vec<FieldError>>) -> Result<&'a Offer, ApiError> {
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

// ---------------------------------------------------------------------------------------------
// ConnectID

async fn create_connectid_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    vendor(&state.connectid, "ConnectID")?;
    let raw = parse_value(&body)?;
    let order: ClientOrder = parse_as(raw.clone())?;
    let line = order.order_lines.first();
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::ConnectId, |o| {
        match (&o.product_spec, line) {
            (Some(ProductSpec::Coupon { code, number }), Some(l)) => {
                l.product_spec_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code)) && l.product_spec_no == Some(*number)
            }
            (Some(ProductSpec::Product { product }), Some(l)) => {
                l.product.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(product))
            }
            _ => false,
        }
    })?;
    let offer = conform(offers, &order, kasse_core::conformance::check_order_against_offer)?;
    let key = order
        .external_order_id
        .clone()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "required", "externalOrderId is required: it makes the order idempotent")
                .with_field("externalOrderId")
        })?;
    let hash = canonical_hash(&[&Value::String(offer.id.clone()), &raw]);

    let leader = match state.idempotency.claim(&key, hash).await {
        Claim::Conflict => {
            tracing::info!(external_order_id = %key, "externalOrderId reused with a different body");
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_conflict",
                "this externalOrderId was used for a different order; make a new one per attempt",
            )
            .with_field("externalOrderId"));
        }
        Claim::Replay(answer) => {
            tracing::info!(external_order_id = %key, status = answer.status.as_u16(), "replayed order answer");
            let mut r = answer.into_response();
            r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(r);
        }
        Claim::Leader(l) => l,
    };

    // The forward runs in its own task: a reader closing the tab must not cancel it half-way,
    // and waiting duplicates need its answer.
    let task_state = state.clone();
    let offer_id = offer.id.clone();
    let answer = tokio::spawn(async move {
        let cid = task_state.connectid.as_ref().expect("checked above");
        let result: Result<OrderCreated, _> = cid.send_json(Method::POST, "/v1/client/order", Some(&order)).await;
        match result {
            Ok(created) => {
                task_state.orders.remember_connectid(created.order_id, &order);
                tracing::info!(order_id = created.order_id, external_order_id = %key, offer = %offer_id, "connectid order registered");
                leader.finish(Answer::ok(StatusCode::CREATED, &created), true);
                Answer::ok(StatusCode::CREATED, &created)
            }
            Err(e) => {
                let keep = !e.retryable();
                tracing::warn!(external_order_id = %key, error = %e.log_code(), keep, "connectid order failed upstream");
                let answer = Answer::from(e.to_api_error());
                leader.finish(answer.clone(), keep);
                answer
            }
        }
    })
    .await
    .map_err(|_| ApiError::internal("the order task failed"))?;
    Ok(answer.into_response())
}

/// Body of `POST …/connectid/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompleteBody {
    callback_url: Option<String>,
}

async fn complete_connectid_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    let body: CompleteBody = if body.is_empty() { CompleteBody::default() } else { parse_as(parse_value(&body)?)? };
    check_url("callbackUrl", &body.callback_url, &state.settings.allowed_return_url_prefixes)
        .map_err(|e| refused(vec![e]))?;
    if !state.orders.knows_connectid(order_id) {
        return Err(ApiError::not_found("order_not_found", "no order with this id was registered through this gateway"));
    }
    let req = CompleteOrderRequest { order_id, callback_url: body.callback_url };
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
            Ok(Answer::ok(StatusCode::OK, &resp).into_response())
        }
        CompleteStatus::Error => {
            tracing::info!(order_id, "connectid completion answered ERROR");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "fulfillment_failed",
                format!("the vendor could not complete the order: {}", resp.error_message.unwrap_or_default()),
            )
            .with_message_key(kasse_core::i18n::MessageKey::ErrOrderRejected.as_str()))
        }
    }
}

async fn assign_user(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    let req: AssignUserRequest = parse_as(parse_value(&body)?)?;
    let mut errors = kasse_core::connectid::validate_assign_user(&req).err().unwrap_or_default();
    let prefixes = &state.settings.allowed_return_url_prefixes;
    errors.extend(check_url("returnUrl", &req.return_url, prefixes).err());
    errors.extend(check_url("errorUrl", &req.error_url, prefixes).err());
    // The message link may only name this gateway's own client.
    if let (Some(o), Some(c)) = (&req.override_client_id, &state.settings.connectid) {
        if o != &c.client_id {
            errors.push(FieldError::new("overrideClientId", kasse_core::error_code::ErrorCode::InvalidValue));
        }
    }
    if !errors.is_empty() {
        return Err(refused(errors));
    }
    match state.orders.may_claim(order_id, &req.credential) {
        None => {
            return Err(ApiError::not_found("order_not_found", "no order with this id was registered through this gateway"))
        }
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
    Ok(Answer::ok(StatusCode::OK, &resp).into_response())
}

async fn connectid_status(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let order_id = parse_order_id(&id)?;
    if !state.orders.knows_connectid(order_id) {
        return Err(ApiError::not_found("order_not_found", "no order with this id was registered through this gateway"));
    }
    let resp: OrderStatusResponse = cid
        .send_json::<(), _>(Method::GET, &format!("/v1/client/order/status/{order_id}"), None)
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "order status failed upstream");
            e.to_api_error()
        })?;
    Ok(Answer::ok(StatusCode::OK, &resp).into_response())
}

// ---------------------------------------------------------------------------------------------
// S4

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct S4Answer {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    terminal_redirect_url: Option<String>,
    status: kasse_core::s4::OrderStatus,
}

impl From<OrderView> for S4Answer {
    fn from(v: OrderView) -> S4Answer {
        S4Answer { id: v.id, terminal_redirect_url: v.terminal_redirect_url, status: v.status }
    }
}

async fn create_s4_order(
    State(state): State<Shared>,
    Query(q): Query<OfferQuery>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    let order: OrderCreate = parse_as(parse_value(&body)?)?;
    let offers = candidates(&state.settings, q.offer.as_deref(), Backend::S4, |o| {
        o.s4.as_ref()
            .is_some_and(|t| t.template_package_id.eq_ignore_ascii_case(&order.template_package_id))
    })?;
    let prefixes = state.settings.allowed_return_url_prefixes.clone();
    let offer = conform(offers, &order, |o, offer| {
        kasse_core::conformance::check_s4_order_against_offer(o, offer, &prefixes)
    })?;
    let view: OrderView = s4.send_json(Method::POST, "/order", Some(&order)).await.map_err(|e| {
        tracing::warn!(offer = %offer.id, error = %e.log_code(), "s4 order failed upstream");
        e.to_api_error()
    })?;
    state.orders.remember_s4(&view.id);
    tracing::info!(s4_order_id = %view.id, offer = %offer.id, "s4 order registered");
    Ok(Answer::ok(StatusCode::CREATED, &S4Answer::from(view)).into_response())
}

/// Body of `POST …/s4/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct S4CompleteBody {
    max_polling_timeout: Option<u32>,
}

async fn complete_s4_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let s4 = vendor(&state.s4, "S4")?;
    if !kasse_core::field::is_uuid(&id) || !state.orders.knows_s4(&id) {
        return Err(ApiError::not_found("order_not_found", "no order with this id was registered through this gateway"));
    }
    let body: S4CompleteBody = if body.is_empty() { S4CompleteBody::default() } else { parse_as(parse_value(&body)?)? };
    // The vendor may hold the call up to maxPollingTimeout; keep it well inside the gateway's own
    // upstream timeout so the answer is the vendor's, not a timeout.
    let cap = u32::try_from(state.settings.upstream_timeout.as_millis() / 2).unwrap_or(u32::MAX);
    let req = CompleteOrder { max_polling_timeout: body.max_polling_timeout.unwrap_or(0).min(cap) };
    let view: OrderView = s4
        .send_json(Method::POST, &format!("/order/{id}/complete"), Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(s4_order_id = %id, error = %e.log_code(), "s4 completion failed upstream");
            e.to_api_error()
        })?;
    tracing::info!(s4_order_id = %view.id, status = ?view.status, "s4 order completion answered");
    Ok(Answer::ok(StatusCode::OK, &S4Answer::from(view)).into_response())
}
