//! A real sandbox and a real gateway on ephemeral 127.0.0.1 ports, and the orders the widget
//! would build (with kasse-core's builders, from the gateway's own catalog). Here the gateway's
//! test configuration and small JSON helpers; the stack in `stack`, the bodies in `bodies`.
#![allow(dead_code)]

use kasse_gateway::config::{GatewayConfig, Settings};
use kasse_gateway::Gateway;
use kasse_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub mod login;
pub mod postgres;
pub mod process;

mod bodies;
mod hosted;
mod stack;

// Each test binary uses some of these, as with `dead_code` above.
#[allow(unused_imports)]
pub use bodies::{
    connectid_order, connectid_order_for, form, now_ms, prepaid_order, s4_order, s4_order_choosing, s4_urls, voucher,
};
#[allow(unused_imports)]
pub use hosted::{pay_on_hosted_page, press_on_hosted_page, register, ORDERS};
#[allow(unused_imports)]
pub use stack::Stack;

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
