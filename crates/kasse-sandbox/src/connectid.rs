//! ConnectID: OAuth token endpoint, bearer-token check and rate limit for `/capi/…`, and the
//! client-mode and user-mode API endpoints.

use crate::errors::{CidError, ErrorTag, OAuthError};
use crate::reqlog::ClientTag;
use crate::rules::validate_order;
use crate::store::{kind, InsertOutcome, NewOrder, OrderRow};
use crate::util::{
    absolute_http_url, is_e164, is_email, money_json, now_ms, random_token, with_query,
};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// The authenticated caller of a `/capi/…` endpoint.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The OAuth client.
    pub client_id: String,
    /// The logged-in user (user tokens only).
    pub unique_user_id: Option<String>,
}

/// Payment methods whose orders may be completed by `POST /v1/client/order/fulfillment` without
/// being prepaid (reference: "Allowed for sms, invoice, free, kco, creditcardPayex, other").
const API_FULFILLABLE: [&str; 6] = ["sms", "invoice", "free", "kco", "creditcardPayex", "other"];

/// Payment methods the hosted fulfillment page refuses (reference: "Not for other or sms").
pub const NOT_REDIRECT_FULFILLABLE: [&str; 2] = ["other", "sms"];

impl From<rusqlite::Error> for CidError {
    fn from(e: rusqlite::Error) -> Self {
        CidError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            exception_type: "InternalServerErrorException",
            message: format!("sandbox database error: {e}"),
        }
    }
}

impl From<rusqlite::Error> for OAuthError {
    fn from(e: rusqlite::Error) -> Self {
        OAuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("sandbox database error: {e}"),
        )
    }
}

/// ConnectID routes (token endpoint and `/capi/…`).
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let capi = Router::new()
        .route("/capi/v1/client/order", post(register_order_client))
        .route("/capi/v1/client/order/fulfillment", post(fulfill_order))
        .route("/capi/v1/client/order/{order_id}/user", post(assign_user))
        .route("/capi/v1/client/order/status/{order_id}", get(order_status))
        .route("/capi/v1/client/coupon/price", post(coupon_price))
        .route(
            "/capi/v1/client/coupon/{product_id}",
            get(coupons_of_product),
        )
        .route("/capi/v1/order", post(register_order_user))
        .route("/capi/v1/subscription", post(start_subscription))
        .route_layer(from_fn_with_state(state, capi_auth));
    Router::new()
        .route("/user/oauth/token", post(token))
        .merge(capi)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn set_rate_headers(headers: &mut HeaderMap, remaining: u32, reset: i64) {
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    headers.insert("x-mediaconnect-api-version", HeaderValue::from_static("1"));
}

/// Checks the bearer token (client token for `/capi/v1/client/…`, user token for the user-mode
/// endpoints), then the per-client rate limit.
async fn capi_auth(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let user_mode = !request.uri().path().starts_with("/capi/v1/client/");
    let Some(token) = bearer(request.headers()).map(String::from) else {
        return OAuthError::invalid_token("Full authentication is required: missing bearer token")
            .into_response();
    };
    let row = match state.store.token(&token) {
        Ok(Some(row)) => row,
        Ok(None) => return OAuthError::invalid_token("Invalid access token").into_response(),
        Err(e) => return OAuthError::from(e).into_response(),
    };
    if row.expires_ms <= now_ms() {
        return OAuthError::invalid_token("Access token expired").into_response();
    }
    let wanted = if user_mode { kind::USER } else { kind::CLIENT };
    if row.kind != wanted {
        let what = if user_mode {
            "this endpoint acts for a logged-in user: it needs a user token (authorization code grant)"
        } else {
            "client-mode endpoints need a client-credentials token"
        };
        let mut response = OAuthError::invalid_token(what).into_response();
        response.extensions_mut().insert(ClientTag(row.client_id));
        return response;
    }
    let verdict = state.limiter.check(&row.client_id, now_ms());
    if !verdict.allowed {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({
                "exceptionType": "RateLimitExceededException",
                "errorMessage": format!(
                    "rate limit exceeded ({} calls/s, {} calls/min per client)",
                    state.config.rate_per_sec, state.config.rate_per_min
                ),
            })),
        )
            .into_response();
        set_rate_headers(
            response.headers_mut(),
            verdict.remaining,
            verdict.reset_secs,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(verdict.reset_secs));
        response.extensions_mut().insert(ClientTag(row.client_id));
        response
            .extensions_mut()
            .insert(ErrorTag("rate limit exceeded".into()));
        return response;
    }
    request.extensions_mut().insert(Caller {
        client_id: row.client_id.clone(),
        unique_user_id: row.unique_user_id.clone(),
    });
    let mut response = next.run(request).await;
    set_rate_headers(
        response.headers_mut(),
        verdict.remaining,
        verdict.reset_secs,
    );
    response.extensions_mut().insert(ClientTag(row.client_id));
    response
}

/// OAuth parameters from the query string, a form body or a JSON body (clients differ).
pub fn oauth_params(
    headers: &HeaderMap,
    query: HashMap<String, String>,
    body: &[u8],
) -> HashMap<String, String> {
    let mut params = query;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            for (k, v) in map {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                params.insert(k, text);
            }
        }
    } else {
        for (k, v) in url::form_urlencoded::parse(body) {
            params.insert(k.into_owned(), v.into_owned());
        }
    }
    params
}

/// Client id and secret from `Authorization: Basic` or the parameters.
pub fn client_credentials(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some((scheme, encoded)) = value.split_once(' ') {
            if scheme.eq_ignore_ascii_case("basic") {
                if let Ok(decoded) =
                    base64::engine::general_purpose::STANDARD.decode(encoded.trim())
                {
                    if let Ok(text) = String::from_utf8(decoded) {
                        if let Some((id, secret)) = text.split_once(':') {
                            // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
                            let decode = |s: &str| {
                                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                                    .next()
                                    .map(|(_, v)| v.into_owned())
                                    .unwrap_or_default()
                            };
                            return (Some(decode(id)), Some(decode(secret)));
                        }
                    }
                }
            }
        }
    }
    (
        params.get("client_id").cloned(),
        params.get("client_secret").cloned(),
    )
}

fn token_response(token: &str, ttl_secs: u64, refresh: Option<&str>, client_id: &str) -> Response {
    let mut body = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl_secs,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    let mut response = ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response();
    response
        .extensions_mut()
        .insert(ClientTag(client_id.to_string()));
    response
}

fn tagged(mut response: Response, client_id: Option<&str>) -> Response {
    if let Some(c) = client_id {
        response.extensions_mut().insert(ClientTag(c.to_string()));
    }
    response
}

/// `POST /user/oauth/token`: client credentials, authorization code (PKCE), refresh token.
async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let params = oauth_params(&headers, query, &body);
    let (client_id, secret) = client_credentials(&headers, &params);
    let result = issue_token(&state, &params, client_id.as_deref(), secret.as_deref());
    match result {
        Ok(response) => response,
        Err(e) => tagged(e.into_response(), client_id.as_deref()),
    }
}

fn issue_token(
    state: &AppState,
    params: &HashMap<String, String>,
    client_id: Option<&str>,
    secret: Option<&str>,
) -> Result<Response, OAuthError> {
    let grant = params.get("grant_type").map(String::as_str).unwrap_or("");
    let bad_client = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        )
    };
    let client = client_id
        .and_then(|id| state.seed.client(id))
        .ok_or_else(bad_client)?;
    let ttl = state.config.token_ttl.as_secs();
    let now = now_ms();
    match grant {
        "client_credentials" => {
            if secret != Some(client.client_secret.as_str()) {
                return Err(bad_client());
            }
            let token = random_token();
            state.store.insert_token(
                &token,
                kind::CLIENT,
                &client.client_id,
                None,
                now + ttl as i64 * 1000,
            )?;
            Ok(token_response(&token, ttl, None, &client.client_id))
        }
        "authorization_code" | "refresh_token" => {
            // A public client (the browser) proves itself with PKCE instead of a secret; a secret,
            // when sent, must still be right.
            if secret.is_some_and(|s| s != client.client_secret) {
                return Err(bad_client());
            }
            let user_id = if grant == "authorization_code" {
                let invalid =
                    |d: &str| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", d);
                let code = params.get("code").ok_or_else(|| {
                    OAuthError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "code is required",
                    )
                })?;
                let row = state
                    .store
                    .take_code(code)?
                    .ok_or_else(|| invalid("Invalid authorization code"))?;
                if row.expires_ms <= now {
                    return Err(invalid("Authorization code expired"));
                }
                if row.client_id != client.client_id {
                    return Err(invalid("Authorization code was issued to another client"));
                }
                if params.get("redirect_uri") != Some(&row.redirect_uri) {
                    return Err(invalid("Redirect URI mismatch"));
                }
                let verifier = params
                    .get("code_verifier")
                    .ok_or_else(|| invalid("code_verifier is required (PKCE)"))?;
                if !pkce_matches(&row.method, &row.challenge, verifier) {
                    return Err(invalid("PKCE verification failed"));
                }
                row.unique_user_id
            } else {
                let refresh = params.get("refresh_token").ok_or_else(|| {
                    OAuthError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "refresh_token is required",
                    )
                })?;
                let row = state
                    .store
                    .token(refresh)?
                    .filter(|r| r.kind == kind::REFRESH && r.client_id == client.client_id)
                    .ok_or_else(|| {
                        OAuthError::new(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Invalid refresh token",
                        )
                    })?;
                if row.expires_ms <= now {
                    return Err(OAuthError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "Refresh token expired",
                    ));
                }
                row.unique_user_id.unwrap_or_default()
            };
            let token = random_token();
            state.store.insert_token(
                &token,
                kind::USER,
                &client.client_id,
                Some(&user_id),
                now + ttl as i64 * 1000,
            )?;
            let refresh = random_token();
            let refresh_ttl = state.config.refresh_ttl.as_millis() as i64;
            state.store.insert_token(
                &refresh,
                kind::REFRESH,
                &client.client_id,
                Some(&user_id),
                now + refresh_ttl,
            )?;
            Ok(token_response(
                &token,
                ttl,
                Some(&refresh),
                &client.client_id,
            ))
        }
        "" => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        )),
        other => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant type: {other}"),
        )),
    }
}

/// RFC 7636: `S256` compares BASE64URL(SHA256(verifier)) with the challenge; `plain` compares as is.
pub fn pkce_matches(method: &str, challenge: &str, verifier: &str) -> bool {
    match method {
        "S256" => {
            let digest = Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
        }
        "plain" => verifier == challenge,
        _ => false,
    }
}

fn parse_json(body: &[u8]) -> Result<Value, CidError> {
    serde_json::from_slice(body)
        .map_err(|e| CidError::validation(format!("malformed JSON body: {e}")))
}

/// A request body that must be a JSON object (the handlers below read their fields from it).
fn parse_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, CidError> {
    match parse_json(body)? {
        Value::Object(obj) => Ok(obj),
        _ => Err(CidError::validation(
            "the request body must be a JSON object",
        )),
    }
}

async fn register_order_client(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    register(&state, &caller, "client", &body)
}

async fn register_order_user(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    register(&state, &caller, "user", &body)
}

fn register(
    state: &AppState,
    caller: &Caller,
    mode: &'static str,
    body: &[u8],
) -> Result<Response, CidError> {
    let text =
        std::str::from_utf8(body).map_err(|_| CidError::validation("the body is not UTF-8"))?;
    let value = parse_json(body)?;
    let valid = validate_order(&value, &state.seed)?;
    let new = NewOrder {
        client_id: caller.client_id.clone(),
        mode,
        unique_user_id: caller.unique_user_id.clone(),
        external_order_id: valid.external_order_id.clone(),
        body: text.to_string(),
        payment_method: valid.payment_method,
        prepaid: valid.prepaid,
        amount_cents: valid.amount_cents,
        currency: valid.currency,
        customer_number: valid.customer_number,
    };
    match state.store.insert_order(&new)? {
        InsertOutcome::Created(id) => Ok(Json(json!({"orderId": id})).into_response()),
        // Observable on purpose: a test can tell a replayed order from a new one.
        InsertOutcome::Duplicate(id) => Ok((
            [("x-sandbox-duplicate", "true")],
            Json(json!({"orderId": id})),
        )
            .into_response()),
        InsertOutcome::Conflict(id) => Err(CidError::bad(
            "DuplicateExternalOrderIdException",
            format!(
                "externalOrderId {} is already used by order {id} with a different body",
                new.external_order_id.unwrap_or_default()
            ),
        )),
    }
}

/// The order of this client, or 404.
fn own_order(state: &AppState, caller: &Caller, order_id: i64) -> Result<OrderRow, CidError> {
    state
        .store
        .order(order_id)?
        .filter(|o| o.client_id == caller.client_id)
        .ok_or_else(|| CidError::order_not_found(order_id))
}

fn parse_order_id(text: &str) -> Result<i64, CidError> {
    text.parse::<i64>()
        .map_err(|_| CidError::validation(format!("orderId {text:?} must be an integer")))
}

/// `POST /capi/v1/client/order/fulfillment`: completes an order without user interaction.
async fn fulfill_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let order_id = obj
        .get("orderId")
        .and_then(Value::as_i64)
        .ok_or_else(|| CidError::validation("orderId is required and must be an integer"))?;
    let callback =
        match obj.get("callbackUrl") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(absolute_http_url(s).ok_or_else(|| {
                CidError::validation("callbackUrl must be an absolute http(s) URL")
            })?),
            Some(_) => return Err(CidError::validation("callbackUrl must be a string")),
        };
    let order = own_order(&state, &caller, order_id)?;
    let allowed = order.prepaid || API_FULFILLABLE.contains(&order.payment_method.as_str());
    let outcome: Result<(), String> = if !allowed {
        Err(format!(
            "paymentMethod {} needs interactive payment: use the fulfillment redirect",
            order.payment_method
        ))
    } else {
        match order.state.as_str() {
            "preliminary" => {
                if state
                    .store
                    .transition(order_id, "preliminary", "completed")?
                {
                    Ok(())
                } else {
                    // Someone else moved it in between (the hosted page); report what it is now.
                    match state.store.order(order_id)?.map(|o| o.state) {
                        Some(s) if s == "completed" => Ok(()),
                        Some(s) => Err(format!("order {order_id} is {s}")),
                        None => Err(format!("order {order_id} vanished")),
                    }
                }
            }
            // A retried fulfillment (after a lost answer) finds the order done: same answer.
            "completed" => Ok(()),
            other => Err(format!(
                "order {order_id} is {other} and cannot be fulfilled"
            )),
        }
    };
    if let Some(url) = callback {
        let status = if outcome.is_ok() { "success" } else { "failed" };
        let target = with_query(
            url,
            &[
                ("fulfillmentStatus", status),
                ("orderId", &order_id.to_string()),
            ],
        );
        let http = state.http.clone();
        let app = Arc::clone(&state);
        tokio::spawn(async move {
            let note = match http.get(&target).send().await {
                Ok(r) => format!("callback {status}: HTTP {}", r.status().as_u16()),
                Err(e) => format!("callback {status}: failed: {e}"),
            };
            let _ = app.store.event("connectid", &order_id.to_string(), &note);
        });
    }
    Ok(match outcome {
        Ok(()) => Json(json!({"fulfillmentStatus": "OK", "orderId": order_id})).into_response(),
        Err(message) => {
            let mut response = Json(json!({
                "fulfillmentStatus": "ERROR",
                "orderId": order_id,
                "errorMessage": message,
            }))
            .into_response();
            response.extensions_mut().insert(ErrorTag(message));
            response
        }
    })
}

/// `POST /capi/v1/client/order/{orderId}/user`: gives a completed order's reader an account.
async fn assign_user(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, CidError> {
    let order_id = parse_order_id(&order_id)?;
    let obj = &parse_object(&body)?;
    let credential = obj
        .get("credential")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| CidError::validation("credential is required"))?;
    if !(is_email(credential) || is_e164(credential)) {
        return Err(CidError::validation(
            "credential must be an e-mail address or a phone number in +E.164 form (e.g. +4712345678)",
        ));
    }
    let send_message = match obj.get("isSendMessage") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(CidError::validation("isSendMessage must be a boolean")),
    };
    if send_message
        && obj
            .get("overrideClientId")
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(CidError::validation(
            "overrideClientId is required when isSendMessage is true",
        ));
    }
    for key in ["returnUrl", "errorUrl"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
            if v.as_str().and_then(absolute_http_url).is_none() {
                return Err(CidError::validation(format!(
                    "{key} must be an absolute http(s) URL"
                )));
            }
        }
    }
    if let Some(v) = obj.get("linkLifetime").filter(|v| !v.is_null()) {
        if v.as_i64().is_none_or(|n| n <= 0) {
            return Err(CidError::validation(
                "linkLifetime must be a positive integer",
            ));
        }
    }
    let order = own_order(&state, &caller, order_id)?;
    if order.state != "completed" {
        return Err(CidError::bad(
            "OrderNotCompletedException",
            format!(
                "order {order_id} is {}: only a completed order can be assigned a user",
                order.state
            ),
        ));
    }
    let (user, created) = state.store.user_for_credential(credential)?;
    if let Some(previous) = &order.unique_user_id {
        if *previous != user.unique_user_id {
            return Err(CidError::bad(
                "OrderAlreadyAssignedException",
                format!("order {order_id} already belongs to another user"),
            ));
        }
        // A retried assignment gets the first answer again.
        if let Some(answer) = order
            .assignment
            .as_deref()
            .and_then(|a| serde_json::from_str::<Value>(a).ok())
        {
            return Ok(Json(answer).into_response());
        }
    }
    let answer = json!({
        "orderId": order_id,
        "uniqueUserId": user.unique_user_id,
        "isNewUser": created,
        "isPasswordSet": user.password_set,
    });
    state
        .store
        .assign(order_id, &user.unique_user_id, &answer)?;
    Ok(Json(answer).into_response())
}

/// `GET /capi/v1/client/order/status/{orderId}`.
async fn order_status(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(order_id): Path<String>,
) -> Result<Response, CidError> {
    let order_id = parse_order_id(&order_id)?;
    let order = own_order(&state, &caller, order_id)?;
    Ok(Json(json!({
        "orders": [{
            "orderId": order.order_id,
            "externalOrderId": order.external_order_id,
            "orderTime": order.created_ms,
            "orderStatus": order.state,
            "orderAmount": money_json(order.amount_cents),
            "customerNumber": order.customer_number,
        }]
    }))
    .into_response())
}

fn field_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    max: usize,
    required: bool,
) -> Result<Option<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) if required => {
            Err(CidError::validation(format!("{key} is required")))
        }
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => Err(CidError::validation(format!(
            "{key} must be at most {max} characters"
        ))),
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            Err(CidError::validation(format!("{key} is required")))
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(CidError::validation(format!("{key} must be a string"))),
    }
}

/// `POST /capi/v1/client/coupon/price`.
async fn coupon_price(
    State(state): State<Arc<AppState>>,
    Extension(_caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let code = field_str(obj, "couponCode", 12, true)?.unwrap_or_default();
    let number = obj
        .get("couponNumber")
        .and_then(Value::as_i64)
        .ok_or_else(|| CidError::validation("couponNumber is required and must be an integer"))?;
    field_str(obj, "countryCode", 3, false)?;
    field_str(obj, "postalCode", 10, false)?;
    let customer_number = match obj.get("customerNumber") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| CidError::validation("customerNumber must be an integer"))?,
        ),
    };
    let coupon = state.seed.coupon(code, number).ok_or_else(|| {
        CidError::bad(
            "CouponNotFoundException",
            format!("coupon {code}/{number} not found"),
        )
    })?;
    let price = coupon.price_cents();
    // The price includes VAT: vat = price × p / (100 + p), rounded to øre.
    let vat = ((price as f64) * coupon.vat_percent / (100.0 + coupon.vat_percent)).round() as i64;
    Ok(Json(json!({
        "companyCode": coupon.company_code,
        "product": coupon.product,
        "price": money_json(price),
        "vatAmount": money_json(vat),
        "vatpercent": coupon.vat_percent,
        "vatInclude": true,
        "currency": coupon.currency,
        "distAmount": 0,
        "distAmountvat": 0,
        "customerNumber": customer_number,
    }))
    .into_response())
}

/// `GET /capi/v1/client/coupon/{productId}`: the coupons that sell a product.
async fn coupons_of_product(
    State(state): State<Arc<AppState>>,
    Extension(_caller): Extension<Caller>,
    Path(product_id): Path<String>,
) -> Result<Response, CidError> {
    if !state.seed.has_product(&product_id) {
        return Err(CidError {
            status: StatusCode::NOT_FOUND,
            exception_type: "ProductNotFoundException",
            message: format!("product {product_id} not found"),
        });
    }
    let coupons: Vec<Value> = state
        .seed
        .connectid
        .coupons
        .iter()
        .filter(|c| c.product == product_id)
        .map(|c| {
            json!({
                "couponCode": c.code,
                "couponNumber": c.number,
                "description": c.description,
                "couponPrice": money_json(c.price_cents()),
                "currency": c.currency,
                "periodLength": c.period_length,
                "periodType": c.period_type,
                "extraProducts": [],
            })
        })
        .collect();
    Ok(Json(json!({"coupons": coupons})).into_response())
}

/// `POST /capi/v1/subscription` (user token): ConnectID's start subscription.
async fn start_subscription(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    field_str(obj, "companyCode", 12, false)?;
    let product = field_str(obj, "product", 12, true)?.unwrap_or_default();
    let code = field_str(obj, "couponCode", 12, true)?.unwrap_or_default();
    field_str(obj, "customerReference", 37, false)?;
    let int = |key: &str, required: bool| -> Result<Option<i64>, CidError> {
        match obj.get(key) {
            None | Some(Value::Null) if required => {
                Err(CidError::validation(format!("{key} is required")))
            }
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| CidError::validation(format!("{key} must be an integer"))),
        }
    };
    let start = int("startTime", true)?.unwrap_or_default();
    let end = int("endTime", false)?;
    let number = int("couponNumber", true)?.unwrap_or_default();
    // ConnectID's start-subscription example sends `"copies": "1"` for an integer field: the vendor's Java mapper
    // coerces numeric strings, so the sandbox accepts that one spelling too.
    let copies = match obj.get("copies") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        None | Some(Value::Null) => return Err(CidError::validation("copies is required")),
        Some(_) => None,
    }
    .ok_or_else(|| CidError::validation("copies must be an integer"))?;
    if copies < 1 {
        return Err(CidError::validation("copies must be at least 1"));
    }
    if end.is_some_and(|e| e <= start) {
        return Err(CidError::validation("endTime must be after startTime"));
    }
    let coupon = state.seed.coupon(code, number).ok_or_else(|| {
        CidError::bad(
            "CouponNotFoundException",
            format!("coupon {code}/{number} not found"),
        )
    })?;
    if coupon.product != product {
        return Err(CidError::validation(format!(
            "product {product} is not the product of coupon {code}/{number}"
        )));
    }
    let user = caller.unique_user_id.clone().unwrap_or_default();
    state
        .store
        .insert_subscription(&caller.client_id, &user, &String::from_utf8_lossy(&body))?;
    Ok(Json(json!({"status": "OK"})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches("S256", challenge, verifier));
        assert!(!pkce_matches("S256", challenge, "wrong"));
        assert!(pkce_matches("plain", "abc", "abc"));
        assert!(!pkce_matches("S512", challenge, verifier));
    }
}
