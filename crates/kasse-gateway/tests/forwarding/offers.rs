//! The gateway's own answers: an offer with its public client data and no secret, and `/healthz`.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn offer_carries_public_client_data_and_no_secret() {
    let stack = Stack::start().await;
    let r = stack
        .http
        .get(stack.url("/kasse/v1/offers/digital-month"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.contains("kasse-demo-secret"), "no secret in {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["offer"]["id"], "digital-month");
    assert_eq!(v["offer"]["price"], json!(149));
    assert_eq!(v["connectId"]["clientId"], "kasse-demo");
    assert_eq!(
        v["connectId"]["fulfillmentUrl"],
        format!("{}/user/fulfillment", stack.sandbox.base_url())
    );
    assert_eq!(v["methods"], json!(["creditcardPayex", "vippsRecurring", "kco"]));

    let (status, v) = stack.get("/kasse/v1/offers/s4-news-monthly").await;
    assert_eq!(status, 200);
    assert_eq!(v["methods"], json!(["Vipps", "MobilePay", "SwedbankPay"]));
    assert!(v.get("connectId").is_none());

    let (status, v) = stack.get("/kasse/v1/offers/nope").await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&v), "offer_not_found");
    stack.shutdown().await;
}

#[tokio::test]
async fn healthz_answers() {
    let stack = Stack::start().await;
    let (status, v) = stack.get("/healthz").await;
    assert_eq!((status, v), (200, json!({"status": "ok"})));
    stack.shutdown().await;
}
