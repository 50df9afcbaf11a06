//! Idempotency on `externalOrderId`: the same body replays the first answer, a different body
//! conflicts, and concurrent duplicates make one upstream call.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn same_external_order_id_replays_and_a_different_body_conflicts() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "idem-0001");
    let (s1, v1) = stack.post("/kasse/v1/connectid/orders", &order).await;
    assert_eq!(s1, 201, "{v1}");
    let after_first = stack.sandbox_orders().await;

    let r = stack
        .http
        .post(stack.url("/kasse/v1/connectid/orders"))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let v2: Value = r.json().await.unwrap();
    assert_eq!(v2, v1, "the first answer, replayed");
    assert_eq!(stack.sandbox_orders().await, after_first, "no second upstream call");

    let mut other = order.clone();
    set(&mut other, "/paymentMethod", json!("kco"));
    let (s3, v3) = stack.post("/kasse/v1/connectid/orders", &other).await;
    assert_eq!(s3, 409, "{v3}");
    assert_eq!(error_code(&v3), "idempotency_conflict");
    assert_eq!(v3["error"]["field"], "externalOrderId");
    assert_eq!(stack.sandbox_orders().await, after_first);

    // Key order in the JSON does not make a different request.
    let reordered: Value = serde_json::from_str(&{
        let mut m: Vec<(String, Value)> = order.as_object().unwrap().clone().into_iter().collect();
        m.reverse();
        let obj: serde_json::Map<String, Value> = m.into_iter().collect();
        serde_json::to_string(&obj).unwrap()
    })
    .unwrap();
    let (s4, v4) = stack.post("/kasse/v1/connectid/orders", &reordered).await;
    assert_eq!((s4, v4), (201, v1));
    stack.shutdown().await;
}

#[tokio::test]
async fn concurrent_duplicates_make_one_upstream_call() {
    // Latency keeps the first request in flight while the others arrive.
    let stack = Stack::start().await;
    stack.set_faults(json!({"rate": 0.0, "latency_ms": 300})).await;
    let order = connectid_order(&stack, "digital-month", "kco", "idem-concurrent");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let http = stack.http.clone();
        let url = stack.url("/kasse/v1/connectid/orders");
        let order = order.clone();
        tasks.push(tokio::spawn(async move {
            let r = http.post(url).json(&order).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        let (status, v) = t.await.unwrap();
        assert_eq!(status, 201, "{v}");
        ids.push(v["orderId"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every duplicate got the same order: {ids:?}");
    let stored = stack.sandbox_orders().await;
    assert_eq!(stored.as_array().unwrap().len(), 1);
    let events: Vec<&str> = stored[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"].as_str().or(e.as_str()))
        .collect();
    assert!(
        !events.iter().any(|e| e.starts_with("duplicate")),
        "the vendor saw one request, not duplicates: {events:?}"
    );
    stack.shutdown().await;
}
