//! The vendor's hosted pages: the ConnectID fulfillment (payment) page and login page.
//! Plain server-rendered HTML, no JavaScript: buttons are form submissions.

use crate::connectid::NOT_REDIRECT_FULFILLABLE;
use crate::errors::ErrorTag;
use crate::reqlog::ClientTag;
use crate::store::{CodeRow, OrderRow};
use crate::util::{absolute_http_url, money_text, now_ms, random_token, with_query};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde::Deserialize;
use serde_json::Value;
use crate::state::OrderState;
use std::collections::HashMap;
use std::sync::Arc;

/// How long an authorization code lives.
const CODE_TTL_MS: i64 = 10 * 60 * 1000;

/// Page routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/user/fulfillment", get(fulfillment_page))
        .route("/user/fulfillment/decision", post(fulfillment_decision))
        .route(
            "/user/oauth/authorize",
            get(authorize_page).post(authorize_submit),
        )
}

/// Wraps a body in the vendor-styled page shell.
pub fn page(title: &str, vendor: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; background: #eef1f5; color: #1b1f24; margin: 0; }}
  header {{ background: #12355b; color: #fff; padding: 12px 20px; font-weight: 600; }}
  header small {{ font-weight: 400; opacity: .8; margin-left: 8px; }}
  main {{ max-width: 460px; margin: 32px auto; background: #fff; border-radius: 8px; padding: 24px;
          box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
  h1 {{ font-size: 1.3rem; margin-top: 0; }}
  dl {{ display: grid; grid-template-columns: auto 1fr; gap: 6px 16px; }}
  dt {{ color: #5a6573; }} dd {{ margin: 0; font-weight: 600; }}
  .buttons {{ display: flex; gap: 8px; margin-top: 20px; flex-wrap: wrap; }}
  button {{ font: inherit; padding: 10px 18px; border-radius: 6px; border: 1px solid #12355b; cursor: pointer; }}
  button.primary {{ background: #12355b; color: #fff; }}
  button.secondary {{ background: #fff; color: #12355b; }}
  button.danger {{ background: #fff; color: #a61b1b; border-color: #a61b1b; }}
  label {{ display: block; margin-top: 12px; }}
  input[type=email], input[type=password] {{ width: 100%; box-sizing: border-box; padding: 8px; font: inherit; }}
  .error {{ color: #a61b1b; font-weight: 600; }}
  .note {{ color: #5a6573; font-size: .85rem; margin-top: 20px; }}
</style>
</head>
<body>
<header>{vendor}<small>sandbox</small></header>
<main>
{body}
</main>
</body>
</html>
"#,
        title = text(title),
        vendor = text(vendor),
    )
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>Something went wrong</h1><p class=\"error\">{}</p>",
        text(message)
    );
    let mut response = (status, Html(page("Error", "ConnectID", &body))).into_response();
    response
        .extensions_mut()
        .insert(ErrorTag(message.to_string()));
    response
}

fn redirect(to: String) -> Response {
    // 303: the browser follows with a GET, whatever the method of the form post was.
    Redirect::to(&to).into_response()
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        attr(name),
        attr(value)
    )
}

/// The fulfillment parameters as the client sends them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentParams {
    client_id: Option<String>,
    order_id: Option<String>,
    return_url: Option<String>,
    error_url: Option<String>,
    action: Option<String>,
}

/// What a fulfillment request resolves to.
enum Resolved {
    /// Redirect now (error, prepaid, already decided).
    Go(Response),
    /// Show the page / apply the decision for this order.
    Order(Box<OrderRow>, url::Url),
}

fn resolve(state: &AppState, p: &FulfillmentParams) -> Resolved {
    let Some(return_url) = p.return_url.as_deref().and_then(absolute_http_url) else {
        return Resolved::Go(error_page(
            StatusCode::BAD_REQUEST,
            "returnUrl is required and must be an absolute http(s) URL",
        ));
    };
    let error_url = match p.error_url.as_deref() {
        None | Some("") => return_url.clone(),
        Some(e) => match absolute_http_url(e) {
            Some(u) => u,
            None => {
                return Resolved::Go(error_page(
                    StatusCode::BAD_REQUEST,
                    "errorUrl must be an absolute http(s) URL",
                ))
            }
        },
    };
    let go_error = |reason: &str| {
        let mut response = redirect(with_query(
            error_url.clone(),
            &[("fulfillmentStatus", "error"), ("errorCode", reason)],
        ));
        response
            .extensions_mut()
            .insert(ErrorTag(reason.to_string()));
        Resolved::Go(response)
    };
    let Some(client) = p.client_id.as_deref().and_then(|c| state.seed.client(c)) else {
        return go_error("unknown_client");
    };
    let order = p
        .order_id
        .as_deref()
        .and_then(|o| o.trim().parse::<i64>().ok())
        .and_then(|id| state.store.order(id).ok().flatten())
        .filter(|o| o.client_id == client.client_id);
    let Some(order) = order else {
        return go_error("unknown_order");
    };
    if NOT_REDIRECT_FULFILLABLE.contains(&order.payment_method.as_str()) {
        return go_error("payment_method_not_supported");
    }
    Resolved::Order(Box::new(order), return_url)
}

fn back(return_url: url::Url, status: &str) -> Response {
    redirect(with_query(return_url, &[("fulfillmentStatus", status)]))
}

/// The outcome an already-decided order repeats on a revisit.
fn repeat_outcome(state: OrderState) -> Option<&'static str> {
    match state {
        OrderState::Completed => Some("success"),
        OrderState::Cancelled => Some("cancel"),
        OrderState::Failed => Some("error"),
        OrderState::Preliminary => None,
    }
}

fn order_lines_html(order: &OrderRow) -> String {
    let body: Value = serde_json::from_str(&order.body).unwrap_or(Value::Null);
    let mut out = String::new();
    if let Some(lines) = body.get("orderLines").and_then(Value::as_array) {
        for line in lines {
            let label = match (
                line.get("productSpecCode").and_then(Value::as_str),
                line.get("productSpecNo").and_then(Value::as_i64),
                line.get("product").and_then(Value::as_str),
            ) {
                (Some(code), Some(no), _) => format!("{code}/{no}"),
                (_, _, Some(product)) => product.to_string(),
                _ => "article".to_string(),
            };
            let quantity = line.get("quantity").and_then(Value::as_i64).unwrap_or(1);
            out.push_str(&format!("<li>{} × {}</li>", quantity, text(&label)));
        }
    }
    out
}

async fn fulfillment_page(
    State(state): State<Arc<AppState>>,
    Query(p): Query<FulfillmentParams>,
) -> Response {
    let (order, return_url) = match resolve(&state, &p) {
        Resolved::Go(response) => return tag(response, p.client_id.as_deref()),
        Resolved::Order(order, url) => (order, url),
    };
    if let Some(outcome) = repeat_outcome(order.state) {
        return tag(back(return_url, outcome), p.client_id.as_deref());
    }
    if order.prepaid {
        // Paid before ordering: nothing to do here but to confirm and send the reader back.
        let _ = state
            .store
            .transition(order.order_id, OrderState::Preliminary, OrderState::Completed);
        return tag(back(return_url, "success"), p.client_id.as_deref());
    }
    let currency = order.currency.clone().unwrap_or_default();
    let body = format!(
        r#"<h1>Confirm your order</h1>
<dl>
  <dt>Order</dt><dd id="order-id">{order_id}</dd>
  <dt>Amount</dt><dd id="amount">{amount} {currency}</dd>
  <dt>Payment method</dt><dd id="method">{method}</dd>
</dl>
<ul>{lines}</ul>
<form method="post" action="/user/fulfillment/decision">
  {h_client}{h_order}{h_return}{h_error}
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="pay">Pay</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
    <button class="danger" type="submit" name="action" value="fail">Fail</button>
  </div>
</form>
<p class="note">Sandbox payment page: "Pay" completes the order, "Cancel" cancels it, "Fail" simulates a declined payment.</p>"#,
        order_id = order.order_id,
        amount = money_text(order.amount_cents),
        currency = text(&currency),
        method = text(&order.payment_method),
        lines = order_lines_html(&order),
        h_client = hidden("clientId", &order.client_id),
        h_order = hidden("orderId", &order.order_id.to_string()),
        h_return = hidden("returnUrl", p.return_url.as_deref().unwrap_or_default()),
        h_error = hidden("errorUrl", p.error_url.as_deref().unwrap_or_default()),
    );
    let mut response = Html(page("Payment", "ConnectID", &body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("static header"),
    );
    tag(response, Some(&order.client_id))
}

fn tag(mut response: Response, client_id: Option<&str>) -> Response {
    if let Some(c) = client_id {
        response.extensions_mut().insert(ClientTag(c.to_string()));
    }
    response
}

async fn fulfillment_decision(
    State(state): State<Arc<AppState>>,
    Form(p): Form<FulfillmentParams>,
) -> Response {
    let (order, return_url) = match resolve(&state, &p) {
        Resolved::Go(response) => return tag(response, p.client_id.as_deref()),
        Resolved::Order(order, url) => (order, url),
    };
    let (to, outcome) = match p.action.as_deref() {
        Some("pay") => (OrderState::Completed, "success"),
        Some("cancel") => (OrderState::Cancelled, "cancel"),
        Some("fail") => (OrderState::Failed, "error"),
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "action must be pay, cancel or fail",
            )
        }
    };
    let outcome = match state.store.transition(order.order_id, OrderState::Preliminary, to) {
        Ok(true) => outcome,
        // Decided before (double submit, back button): repeat the first outcome.
        Ok(false) => match state.store.order(order.order_id) {
            Ok(Some(o)) => repeat_outcome(o.state).unwrap_or("error"),
            _ => "error",
        },
        Err(_) => "error",
    };
    tag(back(return_url, outcome), Some(&order.client_id))
}

fn authorize_error(redirect_uri: &url::Url, error: &str, state_param: Option<&str>) -> Response {
    let mut params = vec![("error", error)];
    if let Some(s) = state_param {
        params.push(("state", s));
    }
    let mut response = redirect(with_query(redirect_uri.clone(), &params));
    response
        .extensions_mut()
        .insert(ErrorTag(error.to_string()));
    response
}

/// Checks the authorization request; `Err` is the response to send instead of a login page.
fn check_authorize(
    state: &AppState,
    p: &HashMap<String, String>,
) -> Result<(String, url::Url), Box<Response>> {
    let client = p
        .get("client_id")
        .and_then(|c| state.seed.client(c))
        .ok_or_else(|| Box::new(error_page(StatusCode::BAD_REQUEST, "unknown client_id")))?;
    // A bad redirect_uri is shown, never redirected to (RFC 6749 §4.1.2.1).
    let redirect_uri = p
        .get("redirect_uri")
        .and_then(|r| absolute_http_url(r))
        .ok_or_else(|| {
            Box::new(error_page(
                StatusCode::BAD_REQUEST,
                "redirect_uri must be an absolute http(s) URL",
            ))
        })?;
    let raw_redirect = p.get("redirect_uri").cloned().unwrap_or_default();
    if !client.redirect_uris.is_empty() && !client.redirect_uris.contains(&raw_redirect) {
        return Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            "redirect_uri is not registered for this client",
        )));
    }
    let state_param = p.get("state").map(String::as_str);
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(Box::new(authorize_error(
            &redirect_uri,
            "unsupported_response_type",
            state_param,
        )));
    }
    if p.get("code_challenge").is_none_or(|c| c.len() < 43) {
        return Err(Box::new(authorize_error(
            &redirect_uri,
            "invalid_request",
            state_param,
        )));
    }
    let method = p
        .get("code_challenge_method")
        .map(String::as_str)
        .unwrap_or("plain");
    if method != "S256" && method != "plain" {
        return Err(Box::new(authorize_error(
            &redirect_uri,
            "invalid_request",
            state_param,
        )));
    }
    Ok((client.client_id.clone(), redirect_uri))
}

const AUTHORIZE_KEYS: [&str; 6] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
];

fn login_page(state: &AppState, p: &HashMap<String, String>, error: Option<&str>) -> String {
    let hidden_fields: String = AUTHORIZE_KEYS
        .iter()
        .filter_map(|k| p.get(*k).map(|v| hidden(k, v)))
        .collect();
    let users: String = state
        .seed
        .connectid
        .users
        .iter()
        .map(|u| format!("<li>{} / {}</li>", text(&u.email), text(&u.password)))
        .collect();
    let error_html = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", text(e)))
        .unwrap_or_default();
    page(
        "Log in",
        "ConnectID",
        &format!(
            r#"<h1>Log in</h1>
{error_html}
<form method="post" action="/user/oauth/authorize">
  {hidden_fields}
  <label>E-mail <input type="email" name="email" autocomplete="username"></label>
  <label>Password <input type="password" name="password" autocomplete="current-password"></label>
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="login">Log in</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
  </div>
</form>
<p class="note">Sandbox test users:</p><ul class="note">{users}</ul>"#
        ),
    )
}

async fn authorize_page(
    State(state): State<Arc<AppState>>,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    match check_authorize(&state, &p) {
        Err(response) => *response,
        Ok((client_id, _)) => tag(
            Html(login_page(&state, &p, None)).into_response(),
            Some(&client_id),
        ),
    }
}

async fn authorize_submit(
    State(state): State<Arc<AppState>>,
    Form(p): Form<HashMap<String, String>>,
) -> Response {
    let (client_id, redirect_uri) = match check_authorize(&state, &p) {
        Err(response) => return *response,
        Ok(ok) => ok,
    };
    let state_param = p.get("state").map(String::as_str);
    if p.get("action").map(String::as_str) == Some("cancel") {
        return tag(
            authorize_error(&redirect_uri, "access_denied", state_param),
            Some(&client_id),
        );
    }
    let email = p.get("email").map(String::as_str).unwrap_or_default();
    let password = p.get("password").map(String::as_str).unwrap_or_default();
    let user = match state.store.login(email, password) {
        Ok(Some(user)) => user,
        Ok(None) => {
            let mut response = (
                StatusCode::UNAUTHORIZED,
                Html(login_page(&state, &p, Some("Wrong e-mail or password."))),
            )
                .into_response();
            response
                .extensions_mut()
                .insert(ErrorTag("login failed".into()));
            return tag(response, Some(&client_id));
        }
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let code = random_token();
    let row = CodeRow {
        client_id: client_id.clone(),
        redirect_uri: p.get("redirect_uri").cloned().unwrap_or_default(),
        challenge: p.get("code_challenge").cloned().unwrap_or_default(),
        method: p
            .get("code_challenge_method")
            .cloned()
            .unwrap_or_else(|| "plain".into()),
        unique_user_id: user,
        expires_ms: now_ms() + CODE_TTL_MS,
    };
    if let Err(e) = state.store.insert_code(&code, &row) {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = state_param {
        params.push(("state", s));
    }
    tag(
        redirect(with_query(redirect_uri, &params)),
        Some(&client_id),
    )
}
