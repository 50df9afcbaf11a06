//! Vendor failures (injected by the sandbox) map to the error shape with `retryAfter`, retries
//! with the same `externalOrderId` never create a second order, and the token broker refreshes.

mod common;

use std::time::Duration;

use common::*;
use kasse_sandbox::SandboxConfig;
use serde_json::{json, Value};

const ORDERS: &str = "/kasse/v1/connectid/orders";

fn connectid_orders(all: &Value) -> Vec<Value> {
    all.as_array()
        .unwrap()
        .iter()
        .filter(|o| o["api"] == "connectid")
        .cloned()
        .collect()
}

#[tokio::test]
async fn vendor_429_maps_to_429_with_retry_after_and_a_retry_goes_through() {
    let stack = Stack::start().await;
    stack.set_faults(json!({"rate": 1.0, "kinds": ["429"]})).await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "fault-429");
    let r = stack.http.post(stack.url(ORDERS)).json(&order).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "rate_limited");
    assert_eq!(v["error"]["retryAfter"], 1);
    assert_eq!(v["error"]["messageKey"], "err_try_again_later");
    assert_eq!(stack.sandbox_order_count().await, 0);

    // Not replayed: the retry reaches the vendor.
    stack.set_faults(json!({"rate": 0.0})).await;
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(stack.sandbox_order_count().await, 1);
    stack.shutdown().await;
}

#[tokio::test]
async fn vendor_500_maps_to_502_with_retry_after() {
    let stack = Stack::start().await;
    stack.set_faults(json!({"rate": 1.0, "kinds": ["500"]})).await;
    let order = connectid_order(&stack, "digital-month", "kco", "fault-500");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 502, "{v}");
    assert_eq!(error_code(&v), "vendor_unavailable");
    assert!(v["error"]["retryAfter"].as_u64().is_some_and(|s| s >= 1), "{v}");
    stack.set_faults(json!({"rate": 0.0})).await;
    let (status, _) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201);
    assert_eq!(stack.sandbox_order_count().await, 1);
    stack.shutdown().await;
}

#[tokio::test]
async fn vendor_timeout_maps_to_504_and_the_retry_finds_the_late_order() {
    let stack = Stack::start_with(SandboxConfig::default(), |s| {
        s.upstream_timeout = Duration::from_millis(400);
    })
    .await;
    // The vendor sleeps past the gateway's timeout, then stores the order anyway.
    stack
        .set_faults(json!({"rate": 1.0, "kinds": ["timeout"], "timeout_ms": 900}))
        .await;
    let order = connectid_order(&stack, "digital-month", "vippsRecurring", "ftimeout");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 504, "{v}");
    assert_eq!(error_code(&v), "vendor_timeout");
    assert!(v["error"]["retryAfter"].as_u64().is_some());
    stack.set_faults(json!({"rate": 0.0})).await;
    // Let the late request land (bounded wait).
    for _ in 0..50 {
        if stack.sandbox_order_count().await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stored = connectid_orders(&stack.sandbox_orders().await);
    assert_eq!(stored.len(), 1, "the timed-out request was stored by the vendor");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        v["orderId"], stored[0]["orderId"],
        "the retry got the order the vendor already had"
    );
    assert_eq!(
        connectid_orders(&stack.sandbox_orders().await).len(),
        1,
        "no second order"
    );
    stack.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_is_retried_into_the_same_order() {
    let stack = Stack::start().await;
    // "drop": the vendor stores the order and the answer is lost (a 502 from a proxy).
    stack.set_faults(json!({"rate": 1.0, "kinds": ["drop"]})).await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "fault-drop");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 502, "{v}");
    assert!(v["error"]["retryAfter"].is_u64(), "{v}");
    let stored = connectid_orders(&stack.sandbox_orders().await);
    assert_eq!(stored.len(), 1);

    stack.set_faults(json!({"rate": 0.0})).await;
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["orderId"], stored[0]["orderId"]);
    let stored = connectid_orders(&stack.sandbox_orders().await);
    assert_eq!(stored.len(), 1, "still one order");
    let events: Vec<&str> = stored[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert!(
        events.contains(&"duplicate-accepted"),
        "the vendor deduplicated the retry: {events:?}"
    );
    // From now on the answer is replayed by the gateway itself.
    let r = stack.http.post(stack.url(ORDERS)).json(&order).send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    stack.shutdown().await;
}

#[tokio::test]
async fn final_vendor_refusals_are_replayed() {
    let stack = Stack::start().await;
    // Valid for the gateway's catalog but refused by the vendor: it does not know the coupon.
    let order = connectid_order(&stack, "unknown-coupon", "invoice", "frefused");
    let (status, v1) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 422, "{v1}");
    assert_eq!(error_code(&v1), "rejected");
    assert!(v1["error"].get("retryAfter").is_none(), "a refusal is final: {v1}");
    let r = stack.http.post(stack.url(ORDERS)).json(&order).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed() {
    let config = SandboxConfig {
        token_ttl: Duration::from_secs(2),
        ..SandboxConfig::default()
    };
    let stack = Stack::start_with(config, |_| {}).await;
    assert_eq!(
        stack.connectid_token_fetches(),
        0,
        "lazy: no token before the first call"
    );
    let (status, _) = stack
        .post(ORDERS, &connectid_order(&stack, "digital-month", "kco", "token-0001"))
        .await;
    assert_eq!(status, 201);
    let (status, _) = stack
        .post(ORDERS, &connectid_order(&stack, "digital-month", "kco", "token-0002"))
        .await;
    assert_eq!(status, 201);
    assert_eq!(stack.connectid_token_fetches(), 1, "cached between calls");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, v) = stack
        .post(ORDERS, &connectid_order(&stack, "digital-month", "kco", "token-0003"))
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(stack.connectid_token_fetches(), 2, "refreshed after expiry");
    stack.shutdown().await;
}

#[tokio::test]
async fn concurrent_first_calls_fetch_one_token() {
    let stack = Stack::start().await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let http = stack.http.clone();
        let url = stack.url(ORDERS);
        let order = connectid_order(&stack, "digital-month", "kco", &format!("concurrent-{i}"));
        tasks.push(tokio::spawn(async move {
            http.post(url).json(&order).send().await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    assert_eq!(stack.connectid_token_fetches(), 1);
    assert_eq!(stack.sandbox_order_count().await, 10);
    stack.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_is_replaced_after_one_401() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.sqlite");
    let config = SandboxConfig {
        db: Some(db.clone()),
        ..SandboxConfig::default()
    };
    let stack = Stack::start_with(config, |_| {}).await;
    let (status, _) = stack
        .post(ORDERS, &connectid_order(&stack, "digital-month", "kco", "revoked-1"))
        .await;
    assert_eq!(status, 201);
    // The vendor forgets every token (revocation, a key rotation): the cached one now gets 401.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let deleted = conn.execute("DELETE FROM tokens", []).unwrap();
    assert!(deleted >= 1);
    let (status, v) = stack
        .post(ORDERS, &connectid_order(&stack, "digital-month", "kco", "revoked-2"))
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(stack.connectid_token_fetches(), 2, "one new token after the 401");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_token_the_vendor_never_accepts_is_retried_once_only() {
    // Tokens from sandbox A are unknown to sandbox B: every API call gets 401.
    let a = sandbox(SandboxConfig::default()).await;
    let b = sandbox(SandboxConfig::default()).await;
    let mut s = settings(&b.base_url());
    let cid = s.connectid.as_mut().unwrap();
    cid.token_url = format!("{}/user/oauth/token", a.base_url()).parse().unwrap();
    let gw = gateway(s).await;
    let stack = Stack::of(b, gw);
    let (status, v) = stack
        .post(
            ORDERS,
            &connectid_order(&stack, "digital-month", "kco", "never-accepted"),
        )
        .await;
    assert_eq!(status, 502, "{v}");
    assert_eq!(error_code(&v), "unauthorized");
    assert!(
        v["error"].get("retryAfter").is_none(),
        "credentials problems are not retryable: {v}"
    );
    assert_eq!(
        stack.connectid_token_fetches(),
        2,
        "one retry with a fresh token, no more"
    );
    stack.shutdown().await;
    a.shutdown().await;
}
