//! Marketing consent through the gateway: the active text in the reader's language, and one
//! consent event for a paid order of an offer that asks — never before payment, never twice,
//! never without the order's token.

mod common;

use common::*;
use serde_json::json;

const ORDERS: &str = "/kasse/v1/connectid/orders";

/// A stack whose invoice offer asks for the demo consent too (it completes by API, so a test
/// can pay it without a browser).
async fn stack() -> Stack {
    Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        let consent = s.offers["digital-month"].consent.clone();
        s.offers.get_mut("invoice-year").unwrap().consent = consent;
    })
    .await
}

#[tokio::test]
async fn the_consent_text_comes_in_the_readers_language() {
    let stack = stack().await;
    for (locale, expected) in [("nb", "Ja"), ("da", "Ja"), ("fi", "Kyllä"), ("en", "Yes")] {
        let (status, v) = stack
            .get(&format!("/kasse/v1/offers/digital-month/consent?locale={locale}"))
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["consentId"], "nyhetsbrev");
        assert!(v["text"].as_str().unwrap().starts_with(expected), "{locale}: {v}");
    }
    let (status, _) = stack.get("/kasse/v1/offers/gift-3m/consent").await;
    assert_eq!(status, 404, "an offer that asks for none");
    stack.shutdown().await;
}

#[tokio::test]
async fn one_consent_event_for_a_paid_order_and_none_otherwise() {
    let stack = stack().await;
    let order = connectid_order(&stack, "invoice-year", "invoice", "consent-order-1");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201, "{v}");
    let id = v["orderId"].as_i64().unwrap();
    let consent = format!("{ORDERS}/{id}/consent");
    // Not paid yet: no consent on its behalf.
    let (status, v) = stack.post(&consent, &json!({})).await;
    assert_eq!((status, error_code(&v)), (409, "wrong_step"), "{v}");
    // Without the order's token: not found, nothing sent.
    let (status, _) = stack.post_as(&consent, None, &json!({})).await;
    assert_eq!(status, 404);
    assert!(stack.sandbox_list("consents").await.is_empty());
    let (status, _) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!(status, 200);
    // Paid now, and still nothing for a caller without the token, or with another order's.
    let (status, _) = stack.post_as(&consent, None, &json!({})).await;
    assert_eq!(status, 404);
    let other = connectid_order(&stack, "invoice-year", "invoice", "consent-order-2");
    let (_, theirs) = stack.post(ORDERS, &other).await;
    let (status, _) = stack.post_as(&consent, theirs["orderToken"].as_str(), &json!({})).await;
    assert_eq!(status, 404, "another order's token");
    assert!(stack.sandbox_list("consents").await.is_empty());
    for _ in 0..2 {
        let (status, v) = stack.post(&consent, &json!({})).await;
        assert_eq!((status, &v["registered"]), (201, &json!(true)), "{v}");
    }
    let events = stack.sandbox_list("consents").await;
    assert_eq!(events.len(), 1, "once per order: {events:?}");
    assert_eq!(events[0]["subjectType"], "ORDER");
    assert_eq!(events[0]["subject"], id.to_string());
    assert_eq!(events[0]["action"], true);
    assert_eq!(events[0]["source"], "kasse-demo");
    stack.shutdown().await;
}

/// The gateway's own key for an order's consent is not one a client can send: an order keyed
/// `consent-<the next order id>` (ConnectID's ids count up) must not take the consent's place.
#[tokio::test]
async fn an_order_keyed_like_a_consent_does_not_block_that_consent() {
    let stack = stack().await;
    let probe = connectid_order(&stack, "invoice-year", "invoice", "consent-probe-1");
    let (status, v) = stack.post(ORDERS, &probe).await;
    assert_eq!(status, 201, "{v}");
    let victims = v["orderId"].as_i64().unwrap() + 2;
    let squat = connectid_order(&stack, "invoice-year", "invoice", &format!("consent-{victims}"));
    let (status, v) = stack.post(ORDERS, &squat).await;
    assert_eq!(status, 201, "{v}");
    let order = connectid_order(&stack, "invoice-year", "invoice", "consent-victim-1");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!((status, v["orderId"].as_i64()), (201, Some(victims)), "{v}");
    let (status, _) = stack.post(&format!("{ORDERS}/{victims}/complete"), &json!({})).await;
    assert_eq!(status, 200);
    let (status, v) = stack.post(&format!("{ORDERS}/{victims}/consent"), &json!({})).await;
    assert_eq!((status, &v["registered"]), (201, &json!(true)), "{v}");
    let events = stack.sandbox_list("consents").await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["subject"], victims.to_string());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_logged_in_reader_consents_as_the_customer() {
    let stack = stack().await;
    let kari = common::login::log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let in_session = |path: String, token: Option<String>| {
        let mut r = stack
            .http
            .post(stack.url(&path))
            .header(reqwest::header::COOKIE, &kari.cookie)
            .header("Kasse-Session", "1")
            .json(&json!({}));
        if let Some(t) = token {
            r = r.header("Kasse-Order-Token", t);
        }
        r.send()
    };
    let order = connectid_order(&stack, "invoice-year", "invoice", "consent-user-01");
    let r = stack
        .http
        .post(stack.url(ORDERS))
        .header(reqwest::header::COOKIE, &kari.cookie)
        .header("Kasse-Session", "1")
        .json(&order)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    let (id, token) = (
        v["orderId"].as_i64().unwrap(),
        v["orderToken"].as_str().unwrap().to_owned(),
    );
    let r = in_session(format!("{ORDERS}/{id}/complete"), Some(token.clone()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = in_session(format!("{ORDERS}/{id}/consent"), Some(token)).await.unwrap();
    assert_eq!(r.status(), 201);
    let events = stack.sandbox_list("consents").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["subjectType"], "CONNECT");
    assert_eq!(events[0]["subject"], "100001", "Kari's customer number");
    stack.shutdown().await;
}
