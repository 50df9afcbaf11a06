//! A real sandbox and a real gateway on ephemeral 127.0.0.1 ports, and the orders the widget
//! would build (with kasse-core's builders, from the gateway's own catalog).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use kasse_core::checkout::{build_client_order, build_s4_request, CheckoutForm, S4Urls};
use kasse_gateway::config::{GatewayConfig, Settings};
use kasse_gateway::Gateway;
use kasse_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub const EXAMPLE: &str = include_str!("../../gateway.example.toml");

/// An S4 offer on the "TV and Internet" template of the sandbox's seed.toml, which allows a price
/// override: the tests need one to show that a changed override is refused.
pub const TV_OFFER: &str = r#"
[[offers]]
id = "s4-tv-basic"
backend = "s4"
title = "Basic TV + Slow Internet"
price = 2000
currency = "NOK"
period = { count = 1, unit = "month" }
recurring = true

[offers.s4]
templatePackageId = "10000000-0000-0000-0000-000000000000"
organizationId = "20000000-0000-0000-0000-000000000000"
products = ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000006"]
priceOverride = true
paymentMethods = ["Vipps", "SwedbankPay"]
"#;

/// A ConnectID offer of the gateway's catalog whose coupon the vendor does not know: an order the
/// gateway accepts and the vendor refuses.
pub const UNKNOWN_COUPON_OFFER: &str = r#"
[[offers]]
id = "unknown-coupon"
backend = "connectId"
title = "An offer the vendor does not sell"
price = 10
currency = "NOK"
period = { count = 1, unit = "month" }
allowedMethods = ["invoice"]
productSpec = { type = "coupon", code = "NOSUCH", number = 9999 }
"#;

/// A prepayment voucher as the publisher's server signs it (the demo secret), valid for 10 minutes.
pub fn voucher(offer: &str, amount: i64, transaction_id: &str, jti: &str) -> String {
    let key = kasse_gateway::prepayment::VoucherKey::new(b"kasse-demo-prepayment-secret").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    kasse_gateway::prepayment::sign(
        &key,
        &kasse_gateway::prepayment::VoucherClaims {
            offer: offer.into(),
            amount,
            currency: "NOK".into(),
            transaction_id: transaction_id.into(),
            merchant_id: "54823419".into(),
            exp: now + 600,
            jti: jti.into(),
        },
    )
}

/// Now, milliseconds since the epoch: an order's `orderDate` must be close to the gateway's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn demo_env(name: &str) -> Option<String> {
    match name {
        "KASSE_CONNECTID_SECRET" => Some("kasse-demo-secret".into()),
        "KASSE_PREPAYMENT_SECRET" => Some("kasse-demo-prepayment-secret".into()),
        "KASSE_ORDER_TOKEN_SECRET" => Some("kasse-demo-order-token-secret-0123456789".into()),
        "KASSE_S4_SECRET" => Some("kasse-s4-demo-secret".into()),
        _ => None,
    }
}

pub async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// The example config, pointed at `sandbox_base`, on an ephemeral port, generous rate limit.
pub fn settings(sandbox_base: &str) -> Settings {
    let text =
        format!("{}\n{}\n{}", EXAMPLE, TV_OFFER, UNKNOWN_COUPON_OFFER).replace("http://127.0.0.1:8090", sandbox_base);
    let mut config = GatewayConfig::from_toml(&text).expect("example parses");
    config.server.listen = Some("127.0.0.1:0".into());
    config.server.static_dir = None;
    config.server.rate_limit_per_second = 1000;
    config.server.rate_limit_burst = 1000;
    config.server.upstream_timeout_ms = 3000;
    // A real SQLite, in memory: these tests never restart a gateway (tests/durable.rs does).
    config.server.store = Some("sqlite::memory:".into());
    config.server.allowed_origins = Some(vec!["https://www.avis.example".into()]);
    config.server.allowed_return_url_prefixes = Some(vec!["https://www.avis.example/kasse/".into()]);
    config.resolve_with_env(&demo_env).expect("test config resolves")
}

pub async fn gateway(settings: Settings) -> Gateway {
    kasse_gateway::serve_settings(settings).await.expect("gateway starts")
}

/// A sandbox and a gateway in process. Like the widget, it remembers each ConnectID order's token
/// from the registration answer and sends it on later calls to that order (`post`, `get`);
/// `post_as` and `get_as` send what the test says instead.
pub struct Stack {
    pub sandbox: Sandbox,
    pub gateway: Gateway,
    pub http: reqwest::Client,
    tokens: Mutex<HashMap<String, String>>,
}

const ORDERS: &str = "/kasse/v1/connectid/orders";
const S4_ORDERS: &str = "/kasse/v1/s4/orders";

/// The order a path acts on: `/kasse/v1/{connectid,s4}/orders/{id}/…`, lower-cased.
fn order_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix(ORDERS).or_else(|| path.strip_prefix(S4_ORDERS))?;
    Some(rest.strip_prefix('/')?.split('/').next()?.to_ascii_lowercase())
}

/// Remembers the token a registration answered, by order id.
fn remember(tokens: &Mutex<HashMap<String, String>>, v: &Value) {
    let id = v["orderId"]
        .as_i64()
        .map(|n| n.to_string())
        .or_else(|| v["id"].as_str().map(str::to_ascii_lowercase));
    if let (Some(id), Some(token)) = (id, v["orderToken"].as_str()) {
        tokens.lock().unwrap().insert(id, token.to_string());
    }
}

impl Stack {
    pub async fn start() -> Stack {
        Stack::start_with(SandboxConfig::default(), |_| {}).await
    }

    pub async fn start_with(sandbox_config: SandboxConfig, tweak: impl FnOnce(&mut Settings)) -> Stack {
        let sandbox = sandbox(sandbox_config).await;
        let mut s = settings(&sandbox.base_url());
        tweak(&mut s);
        let gateway = gateway(s).await;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Stack {
            sandbox,
            gateway,
            http,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// A stack of a sandbox and a gateway started by the test itself.
    pub fn of(sandbox: Sandbox, gateway: Gateway) -> Stack {
        Stack {
            sandbox,
            gateway,
            http: reqwest::Client::new(),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.gateway.base_url(), path)
    }

    /// The token the gateway answered for the order `id` (a ConnectID number or an S4 GUID).
    pub fn token_of(&self, id: &str) -> Option<String> {
        self.tokens.lock().unwrap().get(&id.to_ascii_lowercase()).cloned()
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let token = order_in_path(path).and_then(|id| self.token_of(&id));
        let (status, v) = self.post_as(path, token.as_deref(), body).await;
        if path.split('?').next() == Some(ORDERS) {
            remember(&self.tokens, &v);
        }
        (status, v)
    }

    /// POST an S4 order with the widget's `Idempotency-Key`.
    pub async fn post_keyed(&self, path: &str, key: &str, body: &Value) -> (u16, Value) {
        self.register_with(path, ("Idempotency-Key", key), body).await
    }

    /// POST a registration with one extra header, remembering the token it answers.
    async fn register_with(&self, path: &str, (name, value): (&str, &str), body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .header(name, value)
            .json(body)
            .send()
            .await
            .expect("gateway answers");
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        remember(&self.tokens, &v);
        (status, v)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let token = order_in_path(path).and_then(|id| self.token_of(&id));
        self.get_as(path, token.as_deref()).await
    }

    /// POST with a prepayment voucher.
    pub async fn post_voucher(&self, path: &str, voucher: &str, body: &Value) -> (u16, Value) {
        self.register_with(path, ("Kasse-Prepayment", voucher), body).await
    }

    /// POST with exactly this order token (or none).
    pub async fn post_as(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            request = request.header("Kasse-Order-Token", t);
        }
        let r = request.send().await.expect("gateway answers");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// GET with exactly this order token (or none).
    pub async fn get_as(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.http.get(self.url(path));
        if let Some(t) = token {
            request = request.header("Kasse-Order-Token", t);
        }
        let r = request.send().await.expect("gateway answers");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The sandbox's order oracle: every order it stored, with its events.
    pub async fn sandbox_orders(&self) -> Value {
        self.http
            .get(format!("{}/__sandbox/orders", self.sandbox.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// One of the sandbox's control lists (`requests`, `subscriptions`, `consents`,
    /// `s4/subscribers`, …), as the oracle of what the vendor saw.
    pub async fn sandbox_list(&self, name: &str) -> Vec<Value> {
        let v: Value = self
            .http
            .get(format!("{}/__sandbox/{name}", self.sandbox.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v.as_array().cloned().unwrap_or_default()
    }

    pub async fn sandbox_order_count(&self) -> usize {
        self.sandbox_orders().await.as_array().map(Vec::len).unwrap_or(0)
    }

    pub async fn set_faults(&self, faults: Value) {
        let r = self
            .http
            .post(format!("{}/__sandbox/faults", self.sandbox.base_url()))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "sandbox took the fault config");
    }

    pub fn offer(&self, id: &str) -> kasse_core::offer::Offer {
        self.gateway.state().settings.offers[id].clone()
    }

    pub fn connectid_token_fetches(&self) -> u64 {
        self.gateway.state().connectid.as_ref().unwrap().broker.fetch_count()
    }

    pub async fn shutdown(self) {
        self.gateway.shutdown().await;
        self.sandbox.shutdown().await;
    }
}

pub fn form(method: &str) -> CheckoutForm {
    CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        email: "kari.nordmann@example.no".into(),
        phone: "912 34 567".into(),
        street: "Osloveien 12".into(),
        postal_code: "0101".into(),
        postal_place: "Oslo".into(),
        country_code: "NO".into(),
        method: method.into(),
        accept_terms: true,
        ..CheckoutForm::default()
    }
}

/// The ConnectID order the widget builds for `offer` with `method`, as JSON.
pub fn connectid_order(stack: &Stack, offer: &str, method: &str, external_order_id: &str) -> Value {
    connectid_order_for(&stack.offer(offer), method, external_order_id)
}

/// The ConnectID order the widget builds for `offer` with `method`, as JSON.
pub fn connectid_order_for(offer: &kasse_core::offer::Offer, method: &str, external_order_id: &str) -> Value {
    let mut f = form(method);
    if offer.currency.code() == "SEK" {
        f.country_code = "SE".into();
        f.postal_code = "111 22".into();
        f.phone = "070 123 45 67".into();
    }
    let order = build_client_order(offer, &f, external_order_id, now_ms()).expect("core builds the order");
    serde_json::to_value(order).unwrap()
}

/// The return URLs on the tests' allowed prefix, and the publisher's own URLs as the example
/// configuration names them (what `GET /offers/{id}` tells the widget).
pub fn s4_urls() -> S4Urls {
    S4Urls {
        merchant_agreement_url: "http://127.0.0.1:8080/#kasse-agreements".into(),
        complete_url: "https://www.avis.example/kasse/complete".into(),
        cancel_url: "https://www.avis.example/kasse/cancel".into(),
        callback_url: "http://127.0.0.1:8080/kasse/v1/s4/callback".into(),
        ..S4Urls::default()
    }
}

/// What the widget posts for `offer` with `method` (`{order, contact}`), as JSON; `reader` is the
/// reader's last name, so that two tests' bodies differ.
pub fn s4_order(stack: &Stack, offer: &str, method: &str, reader: &str) -> Value {
    s4_order_choosing(stack, offer, method, reader, &[])
}

/// As [`s4_order`], with the reader's product choice.
pub fn s4_order_choosing(stack: &Stack, offer: &str, method: &str, reader: &str, products: &[&str]) -> Value {
    let offer = stack.offer(offer);
    let mut form = form(method);
    form.last_name = reader.into();
    form.products = products.iter().map(|p| p.to_string()).collect();
    let request = build_s4_request(&offer, &form, &s4_urls()).expect("core builds the S4 request");
    serde_json::to_value(request).unwrap()
}

/// Sets a JSON pointer to a value (creating the last key when absent).
pub fn set(v: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = v.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    match target {
        Value::Object(m) => {
            m.insert(key.to_owned(), new);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = new,
        _ => panic!("{parent} is not a container"),
    }
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"))
}
pub mod login;
pub mod postgres;
pub mod process;

/// The reader presses `action` (`approve`, `cancel`) on the sandbox's S4 terminal page at
/// `terminal`; the page's answer is a redirect back to the shop.
pub async fn press_on_terminal(terminal: &str, action: &str) -> reqwest::StatusCode {
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    no_redirect
        .post(terminal)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("action={action}"))
        .send()
        .await
        .unwrap()
        .status()
}
