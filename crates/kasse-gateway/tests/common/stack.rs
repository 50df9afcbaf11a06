//! The stack: a sandbox and a gateway in process, and an HTTP client that sends each order's
//! token the way the widget does; the sandbox's control endpoints as the oracle.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use kasse_gateway::config::Settings;
use kasse_gateway::Gateway;
use kasse_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use super::{gateway, sandbox, settings};

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
