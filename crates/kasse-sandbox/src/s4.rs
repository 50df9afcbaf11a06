//! Info-Subscription "S4": token endpoint, order API and the simulated Vipps / MobilePay /
//! SwedbankPay page behind `terminalRedirectUrl`.
//!
//! Order life: `POST /order` → `InProgress` (interactive methods get a `terminalRedirectUrl`);
//! the terminal page records Approve or Cancel (Cancel → `Cancelled`); `POST /order/{id}/complete`
//! turns an approved (or non-interactive) order into `Completed`, waiting up to `maxPollingTimeout`
//! ms for a pending terminal decision; `DELETE /order/{id}` cancels an unfinished order.
//! Vipps/MobilePay orders "complete by themselves about 5 minutes later" at the vendor; the sandbox
//! does not simulate that delay: the client calls complete.

use crate::connectid::{client_credentials, oauth_params};
use crate::errors::{ErrorTag, FieldError, OAuthError, S4Error};
use crate::pages::page;
use crate::reqlog::ClientTag;
use crate::seed::{S4Template, S4Tenant};
use crate::store::{kind, NewS4Order, S4OrderRow};
use crate::util::{
    absolute_http_url, is_e164, is_guid, money_cents, money_json, money_text, now_ms, random_token,
    with_query,
};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The authenticated S4 caller.
#[derive(Debug, Clone)]
pub struct S4Caller {
    /// OAuth client.
    pub client_id: String,
    /// Tenant from `S4-TenantId`.
    pub tenant_id: String,
}

/// Payment methods of `paymentAgreementParameters` (reference s4-api.md).
const METHODS: [&str; 12] = [
    "Invoice",
    "Vipps",
    "MobilePay",
    "SwedbankPay",
    "AvtaleGiro",
    "eFaktura",
    "EHF",
    "Email",
    "OIO",
    "Autogiro",
    "BetalingsService",
    "Mollie",
];

/// The vendor caps `maxPollingTimeout` at about a minute.
const MAX_POLLING_MS: u64 = 60_000;

impl From<rusqlite::Error> for S4Error {
    fn from(e: rusqlite::Error) -> Self {
        S4Error::plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox database error: {e}"),
        )
    }
}

/// S4 routes.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let api = Router::new()
        .route("/s4/order", post(create_order))
        .route("/s4/order/{id}", get(read_order).delete(cancel_order))
        .route("/s4/order/{id}/complete", post(complete_order))
        .route_layer(from_fn_with_state(state, s4_auth));
    Router::new()
        .route("/s4/oauth2/token", post(token))
        .route(
            "/s4/terminal/{id}",
            get(terminal_page).post(terminal_decision),
        )
        .merge(api)
}

async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let params = oauth_params(&headers, query, &body);
    let (client_id, secret) = client_credentials(&headers, &params);
    let tag = |mut r: Response| {
        if let Some(c) = &client_id {
            r.extensions_mut().insert(ClientTag(c.clone()));
        }
        r
    };
    if params.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return tag(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported",
        )
        .into_response());
    }
    let client = client_id.as_deref().and_then(|c| state.seed.s4_client(c));
    let Some(client) = client.filter(|c| secret.as_deref() == Some(c.client_secret.as_str()))
    else {
        return tag(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        )
        .into_response());
    };
    let ttl = state.config.s4_token_ttl.as_secs();
    let token = random_token();
    if let Err(e) = state.store.insert_token(
        &token,
        kind::S4,
        &client.client_id,
        None,
        now_ms() + ttl as i64 * 1000,
    ) {
        return tag(OAuthError::from(e).into_response());
    }
    tag((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl})),
    )
        .into_response())
}

async fn s4_auth(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let unauthorized = |m: &str| S4Error::plain(StatusCode::UNAUTHORIZED, m).into_response();
    let Some(token) = token else {
        return unauthorized("missing bearer token");
    };
    let row = match state.store.token(&token) {
        Ok(Some(row)) if row.kind == kind::S4 => row,
        Ok(_) => return unauthorized("invalid token"),
        Err(e) => return S4Error::from(e).into_response(),
    };
    if row.expires_ms <= now_ms() {
        return unauthorized("token expired");
    }
    let tagged = |mut r: Response| {
        r.extensions_mut().insert(ClientTag(row.client_id.clone()));
        r
    };
    let tenant = request
        .headers()
        .get("s4-tenantid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let Some(tenant) = tenant else {
        return tagged(
            S4Error::validation(vec![FieldError {
                field: "S4-TenantId".into(),
                message: "The S4-TenantId header is required.".into(),
            }])
            .into_response(),
        );
    };
    let allowed = state
        .seed
        .s4_client(&row.client_id)
        .is_some_and(|c| c.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)))
        && state.seed.s4_tenant(&tenant).is_some();
    if !allowed {
        return tagged(
            S4Error::plain(
                StatusCode::FORBIDDEN,
                format!("client is not allowed for tenant {tenant}"),
            )
            .into_response(),
        );
    }
    request.extensions_mut().insert(S4Caller {
        client_id: row.client_id.clone(),
        tenant_id: tenant,
    });
    tagged(next.run(request).await)
}

fn field(errors: &mut Vec<FieldError>, field: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

/// A GUID field: `None` when absent, an error when present but malformed.
fn guid_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_guid(s) => Some(s.to_lowercase()),
        Some(_) => {
            field(
                errors,
                &format!("{path}{key}"),
                "The value is not a valid GUID.",
            );
            None
        }
    }
}

fn url_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => {
            if required {
                field(errors, &format!("{path}{key}"), "The field is required.");
            }
            None
        }
        Some(Value::String(s)) if absolute_http_url(s).is_some() => Some(s.clone()),
        Some(_) => {
            field(
                errors,
                &format!("{path}{key}"),
                "Must be an absolute http(s) URL.",
            );
            None
        }
    }
}

/// What a valid S4 order is.
struct ValidS4 {
    template_package_id: String,
    organization_id: String,
    subscriber_id: Option<String>,
    payment_agreement_id: Option<String>,
    payment_method: Option<String>,
    interactive: bool,
    price_cents: i64,
}

fn validate_s4(body: &Value, tenant: &S4Tenant) -> Result<ValidS4, S4Error> {
    let mut errors = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: "The request body must be a JSON object.".into(),
        }]));
    };
    let subscriber_id = guid_field(obj, "subscriberId", "", &mut errors);
    let has_new_subscriber = ["externalSubscriberId", "subscriberNumber"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(|v| !v.is_null()));
    if obj.get("subscriberId").is_none_or(Value::is_null) && !has_new_subscriber {
        field(
            &mut errors,
            "subscriberId",
            "subscriberId, externalSubscriberId or subscriberNumber is required.",
        );
    }

    let template_id = guid_field(obj, "templatePackageId", "", &mut errors);
    let template: Option<&S4Template> = match &template_id {
        Some(id) => {
            let t = tenant
                .templates
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(id));
            if t.is_none() {
                field(
                    &mut errors,
                    "templatePackageId",
                    format!("Template package {id} not found."),
                );
            }
            t
        }
        None => {
            if obj.get("templatePackageId").is_none_or(Value::is_null) {
                field(&mut errors, "templatePackageId", "The field is required.");
            }
            None
        }
    };

    let organization_id = match guid_field(obj, "organizationId", "", &mut errors) {
        Some(o) => {
            if !tenant
                .organizations
                .iter()
                .any(|x| x.eq_ignore_ascii_case(&o))
            {
                field(
                    &mut errors,
                    "organizationId",
                    format!("Organization {o} not found."),
                );
            }
            o
        }
        None => tenant.organizations.first().cloned().unwrap_or_default(),
    };

    // Products and price.
    let mut price_cents: i64 = template
        .map(|t| {
            t.products
                .iter()
                .map(|p| (p.full_price * 100.0).round() as i64)
                .sum()
        })
        .unwrap_or(0);
    match obj.get("templatePackageChoices") {
        None | Some(Value::Null) => {}
        Some(Value::Object(choices)) => {
            const P: &str = "templatePackageChoices.";
            match choices.get("products") {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    if items.is_empty() {
                        field(
                            &mut errors,
                            "templatePackageChoices.products",
                            "Choose at least one product.",
                        );
                    }
                    let mut chosen: Vec<String> = Vec::new();
                    let mut sum = 0;
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("{P}products[{i}]");
                        let Some(id) = item.as_str().filter(|s| is_guid(s)).map(str::to_lowercase)
                        else {
                            field(&mut errors, &path, "The value is not a valid GUID.");
                            continue;
                        };
                        if chosen.contains(&id) {
                            field(&mut errors, &path, format!("Product {id} is chosen twice."));
                            continue;
                        }
                        if let Some(t) = template {
                            match t
                                .products
                                .iter()
                                .find(|p| p.product_id.eq_ignore_ascii_case(&id))
                            {
                                Some(p) => sum += (p.full_price * 100.0).round() as i64,
                                None => field(
                                    &mut errors,
                                    &path,
                                    format!("Product {id} is not part of the template package."),
                                ),
                            }
                        }
                        chosen.push(id);
                    }
                    price_cents = sum;
                }
                Some(_) => field(
                    &mut errors,
                    "templatePackageChoices.products",
                    "Must be an array of GUIDs.",
                ),
            }
            // S4's order example spells it `priceOveride`; the SDK says `priceOverride`. Both are read.
            let overrides: Vec<(&str, &Value)> = ["priceOverride", "priceOveride"]
                .iter()
                .filter_map(|k| choices.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
                .collect();
            if overrides.len() == 2 && overrides[0].1 != overrides[1].1 {
                field(
                    &mut errors,
                    "templatePackageChoices.priceOverride",
                    "priceOverride and priceOveride disagree.",
                );
            }
            if let Some((key, value)) = overrides.first() {
                let path = format!("{P}{key}");
                match money_cents(value) {
                    Err(_) => field(
                        &mut errors,
                        &path,
                        "Must be a non-negative number with at most two decimals.",
                    ),
                    Ok(cents) => {
                        if template.is_some_and(|t| !t.allows_price_override) {
                            field(
                                &mut errors,
                                &path,
                                "The template package does not allow price overrides.",
                            );
                        }
                        price_cents = cents;
                    }
                }
            }
        }
        Some(_) => field(&mut errors, "templatePackageChoices", "Must be an object."),
    }

    // Payment: an existing agreement, or parameters to create one.
    let payment_agreement_id = guid_field(obj, "paymentAgreementId", "", &mut errors);
    let params = obj
        .get("paymentAgreementParameters")
        .filter(|v| !v.is_null());
    let mut payment_method = None;
    let mut interactive = false;
    match (
        obj.get("paymentAgreementId").filter(|v| !v.is_null()),
        params,
    ) {
        (None, None) => field(
            &mut errors,
            "paymentAgreementId",
            "paymentAgreementId or paymentAgreementParameters is required.",
        ),
        (Some(_), Some(_)) => field(
            &mut errors,
            "paymentAgreementParameters",
            "Give either paymentAgreementId or paymentAgreementParameters, not both.",
        ),
        (None, Some(Value::Object(p))) => {
            const P: &str = "paymentAgreementParameters.";
            match p.get("paymentMethod").and_then(Value::as_str) {
                Some(m) if METHODS.contains(&m) => {
                    payment_method = Some(m.to_string());
                    match m {
                        "Vipps" | "MobilePay" => {
                            interactive = true;
                            match p.get("vippsMobilePayParameters") {
                                Some(Value::Object(v)) => {
                                    let path = format!("{P}vippsMobilePayParameters.");
                                    url_field(v, "merchantAgreementUrl", &path, true, &mut errors);
                                    url_field(v, "merchantRedirectUrl", &path, true, &mut errors);
                                    if let Some(phone) =
                                        v.get("customerPhoneNumber").filter(|x| !x.is_null())
                                    {
                                        if !phone.as_str().is_some_and(is_e164) {
                                            field(
                                                &mut errors,
                                                &format!("{path}customerPhoneNumber"),
                                                "Must be a phone number in +E.164 form.",
                                            );
                                        }
                                    }
                                }
                                _ => field(
                                    &mut errors,
                                    "paymentAgreementParameters.vippsMobilePayParameters",
                                    format!("The field is required when paymentMethod is {m}."),
                                ),
                            }
                        }
                        "SwedbankPay" => {
                            interactive = true;
                            match p.get("payExEcommerceParameters") {
                                Some(Value::Object(v)) => {
                                    let path = format!("{P}payExEcommerceParameters.");
                                    for key in ["callbackUrl", "cancelUrl", "completeUrl"] {
                                        url_field(v, key, &path, true, &mut errors);
                                    }
                                    if let Some(c) = v.get("culture").filter(|x| !x.is_null()) {
                                        let ok = c.as_str().is_some_and(|c| {
                                            let b = c.as_bytes();
                                            b.len() == 5
                                                && b[2] == b'-'
                                                && b[..2].iter().all(u8::is_ascii_lowercase)
                                                && b[3..].iter().all(u8::is_ascii_uppercase)
                                        });
                                        if !ok {
                                            field(
                                                &mut errors,
                                                &format!("{path}culture"),
                                                "Must be a culture code like nb-NO.",
                                            );
                                        }
                                    }
                                }
                                _ => field(
                                    &mut errors,
                                    "paymentAgreementParameters.payExEcommerceParameters",
                                    "The field is required when paymentMethod is SwedbankPay.",
                                ),
                            }
                        }
                        _ => {}
                    }
                }
                Some(m) => field(
                    &mut errors,
                    "paymentAgreementParameters.paymentMethod",
                    format!("Unknown payment method {m}."),
                ),
                None => field(
                    &mut errors,
                    "paymentAgreementParameters.paymentMethod",
                    "The field is required.",
                ),
            }
        }
        (None, Some(_)) => field(
            &mut errors,
            "paymentAgreementParameters",
            "Must be an object.",
        ),
        // An existing agreement: its method is the vendor's business, not the order's.
        (Some(_), None) => {}
    }

    if !errors.is_empty() {
        return Err(S4Error::validation(errors));
    }
    Ok(ValidS4 {
        template_package_id: template_id.unwrap_or_default(),
        organization_id,
        subscriber_id,
        payment_agreement_id,
        payment_method,
        interactive,
        price_cents,
    })
}

fn view(state: &AppState, o: &S4OrderRow) -> Value {
    let body: Value = serde_json::from_str(&o.body).unwrap_or(Value::Null);
    let terminal = (o.interactive && o.status == "InProgress" && o.terminal_state == "pending")
        .then(|| format!("{}/s4/terminal/{}", state.base_url, o.id));
    json!({
        "id": o.id,
        "status": o.status,
        "terminalRedirectUrl": terminal,
        "subscriberId": o.subscriber_id,
        "subscriptionId": o.subscription_id,
        "paymentAgreementId": o.payment_agreement_id,
        "paymentMethod": o.payment_method,
        "templatePackageId": o.template_package_id,
        "organizationId": o.organization_id,
        "orderReference": body.get("orderReference"),
        "created": o.created_ms,
    })
}

fn own(state: &AppState, caller: &S4Caller, id: &str) -> Result<S4OrderRow, S4Error> {
    state
        .store
        .s4_order(id)?
        .filter(|o| o.tenant_id == caller.tenant_id && o.client_id == caller.client_id)
        .ok_or_else(|| S4Error::plain(StatusCode::NOT_FOUND, format!("Order {id} not found.")))
}

async fn create_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: format!("Malformed JSON: {e}"),
        }])
    })?;
    let tenant = state
        .seed
        .s4_tenant(&caller.tenant_id)
        .ok_or_else(|| S4Error::plain(StatusCode::FORBIDDEN, "unknown tenant"))?;
    let valid = validate_s4(&value, tenant)?;
    let id = uuid::Uuid::new_v4().to_string();
    state.store.insert_s4_order(&NewS4Order {
        id: id.clone(),
        client_id: caller.client_id.clone(),
        tenant_id: caller.tenant_id.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        payment_method: valid.payment_method,
        interactive: valid.interactive,
        price_cents: valid.price_cents,
        template_package_id: valid.template_package_id,
        organization_id: valid.organization_id,
        subscriber_id: valid.subscriber_id,
        payment_agreement_id: valid.payment_agreement_id,
    })?;
    let row = own(&state, &caller, &id)?;
    Ok((StatusCode::CREATED, Json(view(&state, &row))).into_response())
}

async fn read_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let row = own(&state, &caller, &id)?;
    Ok(Json(view(&state, &row)).into_response())
}

async fn cancel_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let row = own(&state, &caller, &id)?;
    match row.status.as_str() {
        "InProgress" => {
            state
                .store
                .s4_finish(&row.id, "Cancelled", None, None, None)?;
        }
        "Cancelled" => {}
        other => {
            return Err(S4Error::plain(
                StatusCode::BAD_REQUEST,
                format!("Order {id} is {other} and cannot be cancelled."),
            ))
        }
    }
    let row = own(&state, &caller, &id)?;
    Ok(Json(view(&state, &row)).into_response())
}

fn finish_completed(state: &AppState, row: &S4OrderRow) -> rusqlite::Result<bool> {
    let subscriber = row
        .subscriber_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let agreement = row
        .payment_agreement_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let subscription = uuid::Uuid::new_v4().to_string();
    state.store.s4_finish(
        &row.id,
        "Completed",
        Some(&subscriber),
        Some(&subscription),
        Some(&agreement),
    )
}

async fn complete_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let max_wait = if body.iter().all(u8::is_ascii_whitespace) {
        0
    } else {
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            S4Error::validation(vec![FieldError {
                field: "$".into(),
                message: format!("Malformed JSON: {e}"),
            }])
        })?;
        match value.get("maxPollingTimeout") {
            None | Some(Value::Null) => 0,
            Some(v) => v.as_u64().ok_or_else(|| {
                S4Error::validation(vec![FieldError {
                    field: "maxPollingTimeout".into(),
                    message: "Must be a non-negative integer (milliseconds).".into(),
                }])
            })?,
        }
    }
    .min(MAX_POLLING_MS);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(max_wait);
    loop {
        let row = own(&state, &caller, &id)?;
        match row.status.as_str() {
            "Completed" | "Cancelled" | "Rejected" => {
                return Ok(Json(view(&state, &row)).into_response())
            }
            _ => {}
        }
        if !row.interactive || row.terminal_state == "approved" {
            finish_completed(&state, &row)?;
            let row = own(&state, &caller, &id)?;
            return Ok(Json(view(&state, &row)).into_response());
        }
        // Waiting for the reader on the payment page.
        if tokio::time::Instant::now() >= deadline {
            let mut response = (StatusCode::ACCEPTED, Json(view(&state, &row))).into_response();
            response
                .extensions_mut()
                .insert(ErrorTag("payment still pending".into()));
            return Ok(response);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Where the terminal page sends the reader back to: (approve URL, cancel URL).
fn return_urls(row: &S4OrderRow) -> Option<(String, String)> {
    let body: Value = serde_json::from_str(&row.body).ok()?;
    let params = body.get("paymentAgreementParameters")?;
    if let Some(p) = params.get("payExEcommerceParameters") {
        return Some((
            p.get("completeUrl")?.as_str()?.to_string(),
            p.get("cancelUrl")?.as_str()?.to_string(),
        ));
    }
    let redirect = params
        .get("vippsMobilePayParameters")?
        .get("merchantRedirectUrl")?
        .as_str()?;
    Some((redirect.to_string(), redirect.to_string()))
}

fn back_to(url: &str, order_id: &str) -> Response {
    match absolute_http_url(url) {
        Some(u) => Redirect::to(&with_query(u, &[("orderId", order_id)])).into_response(),
        None => (StatusCode::BAD_REQUEST, "bad return URL").into_response(),
    }
}

fn terminal_error(status: StatusCode, message: &str) -> Response {
    let mut response = (
        status,
        Html(page(
            "Payment",
            "Payment terminal",
            &format!("<p class=\"error\">{}</p>", text(message)),
        )),
    )
        .into_response();
    response
        .extensions_mut()
        .insert(ErrorTag(message.to_string()));
    response
}

async fn terminal_page(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let row = match state.store.s4_order(&id) {
        Ok(Some(row)) if row.interactive => row,
        _ => return terminal_error(StatusCode::NOT_FOUND, "Unknown payment."),
    };
    let Some((ok_url, cancel_url)) = return_urls(&row) else {
        return terminal_error(StatusCode::BAD_REQUEST, "The order has no return URL.");
    };
    match (row.status.as_str(), row.terminal_state.as_str()) {
        ("InProgress", "pending") => {}
        (_, "approved") | ("Completed", _) => return back_to(&ok_url, &row.id),
        _ => return back_to(&cancel_url, &row.id),
    }
    let method = row.payment_method.clone().unwrap_or_default();
    let template = state
        .seed
        .s4_tenant(&row.tenant_id)
        .and_then(|t| {
            t.templates
                .iter()
                .find(|x| x.id.eq_ignore_ascii_case(&row.template_package_id))
        })
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let what = if method == "SwedbankPay" {
        "Pay"
    } else {
        "Approve the agreement"
    };
    let body = format!(
        r#"<h1>{what}</h1>
<dl>
  <dt>Order</dt><dd id="order-id">{id}</dd>
  <dt>Plan</dt><dd>{template}</dd>
  <dt>Price</dt><dd id="amount">{price}</dd>
  <dt>Method</dt><dd id="method">{method}</dd>
</dl>
<form method="post" action="/s4/terminal/{id_attr}">
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="approve">Approve</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
  </div>
</form>
<p class="note">Sandbox stand-in for the {method} page.</p>"#,
        what = text(what),
        id = text(&row.id),
        id_attr = attr(&row.id),
        template = text(&template),
        price = money_text(row.price_cents),
        method = text(&method),
    );
    let mut response = Html(page("Payment", &method, &body)).into_response();
    response.extensions_mut().insert(ClientTag(row.client_id));
    response
}

async fn terminal_decision(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let row = match state.store.s4_order(&id) {
        Ok(Some(row)) if row.interactive => row,
        _ => return terminal_error(StatusCode::NOT_FOUND, "Unknown payment."),
    };
    let Some((ok_url, cancel_url)) = return_urls(&row) else {
        return terminal_error(StatusCode::BAD_REQUEST, "The order has no return URL.");
    };
    let approve = match form.get("action").map(String::as_str) {
        Some("approve") => true,
        Some("cancel") => false,
        _ => return terminal_error(StatusCode::BAD_REQUEST, "action must be approve or cancel"),
    };
    let decided = if approve {
        state.store.s4_terminal(&row.id, "approved")
    } else {
        state
            .store
            .s4_terminal(&row.id, "cancelled")
            .and_then(|changed| {
                if changed {
                    state
                        .store
                        .s4_finish(&row.id, "Cancelled", None, None, None)?;
                }
                Ok(changed)
            })
    };
    if decided.unwrap_or(false) {
        notify_callback(&state, &row, approve);
    }
    // Repeat what actually happened (a second click repeats the first decision).
    let now = state.store.s4_order(&row.id).ok().flatten().unwrap_or(row);
    let mut response = if now.terminal_state == "approved" || now.status == "Completed" {
        back_to(&ok_url, &now.id)
    } else {
        back_to(&cancel_url, &now.id)
    };
    response.extensions_mut().insert(ClientTag(now.client_id));
    response
}

/// SwedbankPay calls the merchant's `callbackUrl` when a payment changes; best effort.
fn notify_callback(state: &Arc<AppState>, row: &S4OrderRow, approved: bool) {
    let callback = serde_json::from_str::<Value>(&row.body).ok().and_then(|b| {
        b.pointer("/paymentAgreementParameters/payExEcommerceParameters/callbackUrl")
            .and_then(Value::as_str)
            .map(String::from)
    });
    let Some(url) = callback else { return };
    let http = state.http.clone();
    let app = Arc::clone(state);
    let order_id = row.id.clone();
    let status = if approved { "Approved" } else { "Cancelled" };
    let amount = money_json(row.price_cents);
    tokio::spawn(async move {
        let note = match http
            .post(&url)
            .json(&json!({"orderId": order_id, "paymentStatus": status, "amount": amount}))
            .send()
            .await
        {
            Ok(r) => format!("callback {status}: HTTP {}", r.status().as_u16()),
            Err(e) => format!("callback {status}: failed: {e}"),
        };
        let _ = app.store.event("s4", &order_id, &note);
    });
}
