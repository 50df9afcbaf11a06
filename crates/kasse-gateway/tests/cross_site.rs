//! A cross-site page can make the reader's browser send their session cookie (a form post, an
//! image, a `fetch` without credentials mode checks), but not the `Kasse-Session` header, which
//! needs a CORS preflight only the allowed origins pass. Every call that acts in the reader's
//! name is tried here with the cookie alone, and with the header from a foreign origin: none acts
//! as the reader, and the vendor sees no call made with the reader's token.

mod common;

use common::login::*;
use common::*;
use reqwest::header::COOKIE;
use serde_json::{json, Value};

const FOREIGN: &str = "https://evil.example";

/// `method path` with the reader's cookie, and `Kasse-Session` and `Origin` as the test says.
async fn call(stack: &Stack, cookie: &str, path: &str, body: Option<&Value>, with: Vec<(&str, &str)>) -> (u16, Value) {
    let mut r = match body {
        Some(b) => stack.http.post(stack.url(path)).json(b),
        None => stack.http.get(stack.url(path)),
    };
    r = r.header(COOKIE, cookie);
    for (name, value) in with {
        r = r.header(name, value);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The vendor calls made with a reader's token (user mode), as the sandbox logged them.
async fn user_mode_calls(stack: &Stack) -> Vec<String> {
    let calls = stack.sandbox_list("requests").await;
    let user_paths = ["/capi/v1/order", "/capi/v1/subscription", "/capi/v1/customer/"];
    calls
        .iter()
        .filter_map(|c| c["path"].as_str())
        .filter(|p| user_paths.iter().any(|u| p.starts_with(u)))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_session_cookie_alone_acts_for_no_one() {
    let stack = Stack::start().await;
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let start = kasse_core::checkout::build_start_subscription(&stack.offer("digital-included"), now_ms()).unwrap();
    let start = serde_json::to_value(start).unwrap();
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "cross-site-0001");
    let starting = "/kasse/v1/connectid/subscriptions?offer=digital-included";
    let ordering = "/kasse/v1/connectid/orders?offer=digital-month";
    let access = "/kasse/v1/offers/digital-included/access";
    for (n, with) in [vec![], vec![("Kasse-Session", "1"), ("Origin", FOREIGN)]]
        .into_iter()
        .enumerate()
    {
        let key = format!("cross-site-start-{n}");
        let mut headers = with.clone();
        headers.push(("Idempotency-Key", &key));
        let (status, v) = call(&stack, &kari.cookie, starting, Some(&start), headers).await;
        assert!(matches!(status, 401 | 403), "start subscription {with:?}: {status} {v}");
        let (status, v) = call(&stack, &kari.cookie, access, None, with.clone()).await;
        assert!(matches!(status, 401 | 403), "access {with:?}: {status} {v}");
        assert!(!v.to_string().contains("hasAccess"), "{v}");
        let (status, v) = call(&stack, &kari.cookie, ordering, Some(&order), with.clone()).await;
        if with.is_empty() {
            // Without the header an order is the publisher's own (client mode), never the reader's.
            assert_eq!(status, 201, "{v}");
        } else {
            assert_eq!(status, 403, "a foreign origin: {v}");
        }
    }
    assert_eq!(
        user_mode_calls(&stack).await,
        Vec::<String>::new(),
        "nothing in the reader's name"
    );
    assert!(stack.sandbox_list("subscriptions").await.is_empty(), "nothing started");
    let orders = stack.sandbox_orders().await;
    let modes: Vec<&Value> = orders.as_array().unwrap().iter().map(|o| &o["mode"]).collect();
    assert_eq!(modes, vec![&json!("client")], "one order, the publisher's client call");
    stack.shutdown().await;
}
