//! Shared helpers for the HTTP-level tests: a real sandbox on 127.0.0.1:0, a reqwest client that
//! does not follow redirects (so tests can inspect them), tokens, and valid bodies to mutate.
#![allow(dead_code)]

use kasse_sandbox::{Sandbox, SandboxConfig};
use reqwest::redirect::Policy;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::time::Duration;

/// ConnectID's example order body, verbatim (the golden vector).
pub const SEED_000_ORDER: &str = include_str!("../fixtures/seed000_order.json");

pub const CLIENT_ID: &str = "kasse-demo";
pub const CLIENT_SECRET: &str = "kasse-demo-secret";
pub const TENANT: &str = "00000000-0000-0000-0000-0000000000aa";
pub const S4_CLIENT: &str = "kasse-s4-demo";
pub const S4_SECRET: &str = "kasse-s4-demo-secret";

pub async fn start() -> Sandbox {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// A client that does not follow redirects, with a timeout so no test can hang.
pub fn http() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A client that follows redirects (a browser clicking through).
pub fn browser() -> Client {
    Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
}

pub async fn client_token(base: &str) -> String {
    let req = http()
        .post(format!("{base}/user/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")]);
    access_token(req).await
}

pub async fn s4_token(base: &str) -> String {
    let req = http().post(format!("{base}/s4/oauth2/token")).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", S4_CLIENT),
        ("client_secret", S4_SECRET),
    ]);
    access_token(req).await
}

/// Sends a token request that must succeed; returns its `access_token`.
async fn access_token(req: RequestBuilder) -> String {
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

pub fn seed_order() -> Value {
    serde_json::from_str(SEED_000_ORDER).unwrap()
}

/// A minimal valid order: DIGI1M (149 NOK) by invoice, recurring.
pub fn digi_order(external: &str) -> Value {
    json!({
        "externalOrderId": external,
        "paymentMethod": "invoice",
        "orderAmount": 149,
        "currency": "NOK",
        "recurring": true,
        "payer": {
            "firstName": "Kari",
            "lastName": "Nordmann",
            "postalCode": "0101",
            "emails": ["kari.nordmann@example.no"]
        },
        "orderLines": [{
            "productSpecType": "coupon",
            "productSpecCode": "DIGI1M",
            "productSpecNo": 1001,
            "quantity": 1,
            "unitPrice": 149
        }]
    })
}

/// Sets (or with `Value::Null`… see `remove`) a field by JSON pointer, creating nothing.
pub fn set(mut v: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut v
    } else {
        v.pointer_mut(parent).unwrap()
    };
    match target {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("not a container at {parent}"),
    }
    v
}

pub fn remove(mut v: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut v
    } else {
        v.pointer_mut(parent).unwrap()
    };
    target.as_object_mut().unwrap().remove(key);
    v
}

/// A plain GET (no token).
pub async fn get(url: &str) -> Response {
    http().get(url).send().await.unwrap()
}

/// A GET with a bearer token.
pub async fn get_as(url: &str, token: &str) -> Response {
    http().get(url).bearer_auth(token).send().await.unwrap()
}

/// A JSON POST with a bearer token.
pub async fn post_as(url: &str, token: &str, body: &Value) -> Response {
    http().post(url).bearer_auth(token).json(body).send().await.unwrap()
}

/// A JSON POST with a bearer token; returns the status and the JSON answer.
pub async fn post_for_json(url: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    error_of(post_as(url, token, body).await).await
}

pub async fn post_order(base: &str, token: &str, body: &Value) -> Response {
    post_as(&format!("{base}/capi/v1/client/order"), token, body).await
}

/// Registers an order that must be accepted; returns its id.
pub async fn create_order(base: &str, token: &str, body: &Value) -> i64 {
    let r = post_order(base, token, body).await;
    let status = r.status();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "order refused: {answer}");
    answer["orderId"].as_i64().unwrap()
}

pub async fn order_state(base: &str, token: &str, order_id: i64) -> String {
    let r = http()
        .get(format!("{base}/capi/v1/client/order/status/{order_id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["orders"][0]["orderStatus"].as_str().unwrap().to_string()
}

/// The JSON answer of a sandbox control endpoint (`/__sandbox/...`, no token).
pub async fn sandbox_json<T: DeserializeOwned>(base: &str, path: &str) -> T {
    get(&format!("{base}/__sandbox/{path}")).await.json().await.unwrap()
}

pub async fn admin_orders(base: &str) -> Vec<Value> {
    sandbox_json(base, "orders").await
}

/// The sandbox's request log.
pub async fn request_log(base: &str) -> Vec<Value> {
    sandbox_json(base, "requests").await
}

/// Configures fault injection, which must be accepted; returns the sandbox's answer.
pub async fn set_faults(base: &str, body: Value) -> Value {
    let r = http()
        .post(format!("{base}/__sandbox/faults"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// `POST /__sandbox/reset`; returns its status.
pub async fn reset(base: &str) -> StatusCode {
    http()
        .post(format!("{base}/__sandbox/reset"))
        .send()
        .await
        .unwrap()
        .status()
}

/// Posts a form as a browser would (following redirects).
pub async fn browser_post_form<F: Serialize + ?Sized>(url: &str, form: &F) -> Response {
    browser().post(url).form(form).send().await.unwrap()
}

/// The text a browser ends up with after a GET (following redirects).
pub async fn browser_text(url: &str) -> String {
    browser().get(url).send().await.unwrap().text().await.unwrap()
}

/// The hidden inputs and the action of the first form of a page.
pub fn form_fields(html: &str) -> (String, Vec<(String, String)>) {
    let action = attr_after(html, "<form", "action").expect("a form");
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<input type=\"hidden\"") {
        let tag_end = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i..=tag_end];
        let name = attr_after(tag, "<input", "name").unwrap();
        let value = attr_after(tag, "<input", "value").unwrap_or_default();
        fields.push((name, value));
        rest = &rest[tag_end..];
    }
    (action, fields)
}

fn attr_after(html: &str, tag: &str, name: &str) -> Option<String> {
    let start = html.find(tag)?;
    let tag_end = html[start..].find('>')? + start;
    let tag_text = &html[start..tag_end];
    let needle = format!("{name}=\"");
    let i = tag_text.find(&needle)? + needle.len();
    let j = tag_text[i..].find('"')? + i;
    Some(html_escape::decode_html_entities(&tag_text[i..j]).into_owned())
}

/// A tiny "shop" on 127.0.0.1:0 that answers every GET with its own path and query, standing in for
/// the publisher's return/error pages.
pub async fn shop() -> String {
    use axum::http::Uri;
    let app = axum::Router::new().fallback(|uri: Uri| async move { format!("SHOP {uri}") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// A `Location` header.
pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

pub async fn error_of(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    (status, r.json().await.unwrap())
}

/// One S4 API call with the client token and the demo tenant: status and JSON (Null if none).
pub async fn s4_call(
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = http()
        .request(method, format!("{base}/s4{path}"))
        .bearer_auth(token)
        .header("S4-TenantId", TENANT);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The seed's demo readers: Kari has nothing, Ola already has digital access (`DIGI`).
pub const KARI: &str = "kari.nordmann@example.no";
pub const KARI_ID: &str = "6f1c1a8e-0000-4000-8000-000000000001";
pub const OLA: &str = "ola.nordmann@example.no";
pub const OLA_ID: &str = "6f1c1a8e-0000-4000-8000-000000000003";
pub const DEMO_PASSWORD: &str = "kasse-demo";

/// The login page's URL for the demo client, without PKCE (ConnectID documents none: its clients
/// are confidential and exchange the code with the secret).
pub fn authorize_url(base: &str, redirect_uri: &str, state: &str) -> String {
    let mut u = url::Url::parse(&format!("{base}/user/oauth/authorize")).unwrap();
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    u.to_string()
}

/// Opens the login page and submits its form with these credentials (no redirect followed).
pub async fn submit_login(base: &str, redirect_uri: &str, state: &str, email: &str, password: &str) -> Response {
    let page = get(&authorize_url(base, redirect_uri, state)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let (action, mut fields) = form_fields(&page.text().await.unwrap());
    fields.extend([
        ("email".into(), email.into()),
        ("password".into(), password.into()),
        ("action".into(), "login".into()),
    ]);
    http()
        .post(format!("{base}{action}"))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// Logs a reader in; returns the code, after checking that the redirect goes back to
/// `redirect_uri` and echoes `state`.
pub async fn login_code(base: &str, redirect_uri: &str, state: &str, email: &str) -> String {
    let r = submit_login(base, redirect_uri, state, email, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login accepted");
    let back = url::Url::parse(&location(&r)).unwrap();
    assert!(back.as_str().starts_with(redirect_uri), "{back}");
    let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some(state), "state echoed");
    q["code"].clone()
}

/// Exchanges a code with the client secret (Basic).
pub async fn exchange_code(base: &str, redirect_uri: &str, code: &str) -> Response {
    http()
        .post(format!("{base}/user/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .send()
        .await
        .unwrap()
}

/// A logged-in reader's access and refresh tokens.
pub struct UserTokens {
    pub access: String,
    pub refresh: String,
}

/// Logs a demo reader in with the demo password and exchanges the code.
pub async fn user_tokens(base: &str, email: &str) -> UserTokens {
    let redirect_uri = "http://127.0.0.1:9/callback";
    let code = login_code(base, redirect_uri, "st", email).await;
    let r = exchange_code(base, redirect_uri, &code).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    UserTokens {
        access: body["access_token"].as_str().unwrap().into(),
        refresh: body["refresh_token"].as_str().unwrap().into(),
    }
}

/// The refresh grant with the client secret.
pub async fn refresh(base: &str, refresh_token: &str) -> Response {
    http()
        .post(format!("{base}/user/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
        .send()
        .await
        .unwrap()
}
