//! Every endpoint forwards to a real sandbox; idempotency on `externalOrderId`.

mod common;

use common::*;
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

#[tokio::test]
async fn connectid_order_is_forwarded_and_stored_by_the_vendor() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "fwd-0001");
    let (status, v) = stack
        .post("/kasse/v1/connectid/orders?offer=digital-month", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    let order_id = v["orderId"].as_i64().expect("orderId");
    let stored = stack.sandbox_orders().await;
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["orderId"], json!(order_id));
    assert_eq!(stored[0]["externalOrderId"], "fwd-0001");
    assert_eq!(stored[0]["clientId"], "kasse-demo");
    // The vendor got exactly what the widget built.
    assert_eq!(stored[0]["body"], order);

    // Without ?offer the gateway finds the offer by the order's coupon.
    let order = connectid_order(&stack, "se-digital", "kco", "fwd-0002");
    let (status, v) = stack.post("/kasse/v1/connectid/orders", &order).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(stack.sandbox_order_count().await, 2);
    stack.shutdown().await;
}

#[tokio::test]
async fn status_complete_and_assign_user_are_forwarded() {
    let stack = Stack::start().await;
    // Invoice: no interactive payment, completed by API, then the payer claims access (flow 1b).
    let order = connectid_order(&stack, "invoice-year", "invoice", "fwd-invoice");
    let (status, v) = stack
        .post("/kasse/v1/connectid/orders?offer=invoice-year", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["orderId"].as_i64().unwrap();

    let (status, v) = stack.get(&format!("/kasse/v1/connectid/orders/{id}/status")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["orders"][0]["orderId"], json!(id));
    assert_eq!(v["orders"][0]["externalOrderId"], "fwd-invoice");
    assert_eq!(v["orders"][0]["orderStatus"], "preliminary");

    let (status, v) = stack
        .post(&format!("/kasse/v1/connectid/orders/{id}/complete"), &json!({}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["fulfillmentStatus"], "OK");
    let (_, v) = stack.get(&format!("/kasse/v1/connectid/orders/{id}/status")).await;
    assert_ne!(v["orders"][0]["orderStatus"], "preliminary", "{v}");

    let (status, v) = stack
        .post(
            &format!("/kasse/v1/connectid/orders/{id}/user"),
            &json!({"credential": "Kari.Nordmann@example.no"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["orderId"], json!(id));
    assert!(v["uniqueUserId"].as_str().is_some_and(|u| !u.is_empty()));
    let stored = stack.sandbox_orders().await;
    assert!(
        !stored[0]["assignment"].is_null(),
        "the vendor recorded the assignment: {stored}"
    );
    stack.shutdown().await;
}

#[tokio::test]
async fn assign_user_with_a_foreign_credential_is_refused_before_the_vendor() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "invoice-year", "invoice", "claim-0001");
    let (_, v) = stack.post("/kasse/v1/connectid/orders", &order).await;
    let id = v["orderId"].as_i64().unwrap();
    let (status, _) = stack
        .post(&format!("/kasse/v1/connectid/orders/{id}/complete"), &json!({}))
        .await;
    assert_eq!(status, 200);
    let before = stack.sandbox_orders().await;
    for credential in ["sven.svensson@example.se", "+46701234567"] {
        let (status, v) = stack
            .post(
                &format!("/kasse/v1/connectid/orders/{id}/user"),
                &json!({"credential": credential}),
            )
            .await;
        assert_eq!(status, 403, "{v}");
        assert_eq!(error_code(&v), "credential_mismatch");
        assert_eq!(v["error"]["field"], "credential");
    }
    assert_eq!(stack.sandbox_orders().await, before, "the vendor saw no assignment");
    // The payer's phone works as well as the e-mail.
    let (status, v) = stack
        .post(
            &format!("/kasse/v1/connectid/orders/{id}/user"),
            &json!({"credential": "+4791234567"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    // An order not registered through this gateway cannot be claimed, completed or read.
    let (status, _) = stack
        .post(
            "/kasse/v1/connectid/orders/999999/user",
            &json!({"credential": "kari.nordmann@example.no"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = stack
        .post("/kasse/v1/connectid/orders/999999/complete", &json!({}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = stack.get("/kasse/v1/connectid/orders/999999/status").await;
    assert_eq!(status, 404);
    stack.shutdown().await;
}

#[tokio::test]
async fn s4_order_is_forwarded_and_completed() {
    let stack = Stack::start().await;
    let order = s4_order(&stack, "s4-news-monthly", "Vipps", "sub-1");
    let (status, v) = stack
        .post_keyed("/kasse/v1/s4/orders?offer=s4-news-monthly", "s4-attempt-1", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["status"], "InProgress");
    let terminal = v["terminalRedirectUrl"].as_str().expect("terminal URL");
    assert!(terminal.starts_with(&stack.sandbox.base_url()), "{terminal}");
    let stored = stack.sandbox_orders().await;
    assert_eq!(stored[0]["api"], "s4");
    assert_eq!(stored[0]["orderId"].as_str().unwrap().to_lowercase(), id.to_lowercase());

    // The reader approves on the (sandbox) Vipps page; then completion completes.
    let pressed = press_on_terminal(terminal, "approve").await;
    assert!(pressed.is_redirection() || pressed.is_success(), "{pressed}");
    let (status, v) = stack
        .post(
            &format!("/kasse/v1/s4/orders/{id}/complete"),
            &json!({"maxPollingTimeout": 1000}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "Completed");
    assert_eq!(v["id"].as_str().unwrap().to_lowercase(), id.to_lowercase());
    let (status, _) = stack
        .post(
            "/kasse/v1/s4/orders/00000000-0000-0000-0000-00000000dead/complete",
            &json!({}),
        )
        .await;
    assert_eq!(status, 404, "unknown S4 orders are not forwarded");

    // The price-override template: the order carries the offer's price as override.
    let order = s4_order(&stack, "s4-tv-basic", "Vipps", "sub-2");
    let (status, v) = stack.post_keyed("/kasse/v1/s4/orders", "s4-attempt-2", &order).await;
    assert_eq!(status, 201, "{v}");
    stack.shutdown().await;
}

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

#[tokio::test]
async fn a_prepaid_order_with_its_payment_facts_is_registered_and_completed() {
    // Flow 2b: paid before registration (gift card); the widget attaches the payment's facts.
    let stack = Stack::start().await;
    let mut order = connectid_order(&stack, "gift-3m", "invoice", "prepaid-1");
    order["paymentInfoPayEx"] = json!({"transactionId": "472", "merchantId": "54823419"});
    let voucher = common::voucher("gift-3m", 39_900, "472", "jti-prepaid-1");
    let (status, v) = stack.post_voucher("/kasse/v1/connectid/orders", &voucher, &order).await;
    assert_eq!(status, 201, "{v}");
    let id = v["orderId"].as_i64().unwrap();
    assert_eq!(
        stack.sandbox_orders().await[0]["body"]["paymentInfoPayEx"]["transactionId"],
        "472"
    );
    let (status, v) = stack
        .post(&format!("/kasse/v1/connectid/orders/{id}/complete"), &json!({}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["fulfillmentStatus"], "OK");
    stack.shutdown().await;
}

#[tokio::test]
async fn the_publishers_order_fields_come_from_the_config_only() {
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        s.connectid.as_mut().unwrap().order_fields = kasse_gateway::config::OrderFieldsConfig {
            merchant_id: Some("54823419".into()),
            company_code: Some("AVIS".into()),
            seller: Some("web".into()),
            sales_method: Some("kasse".into()),
        };
    })
    .await;
    let order = connectid_order(&stack, "invoice-year", "invoice", "order-fields-1");
    let (status, v) = stack
        .post("/kasse/v1/connectid/orders?offer=invoice-year", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    let sent = &stack.sandbox_orders().await[0]["body"];
    assert_eq!(sent["merchantId"], "54823419");
    assert_eq!(sent["companyCode"], "AVIS");
    assert_eq!(sent["seller"], "web");
    assert_eq!(sent["salesMethod"], "kasse");

    // The browser still may not choose them.
    let mut forged = connectid_order(&stack, "invoice-year", "invoice", "order-fields-2");
    forged["companyCode"] = json!("OTHER");
    let (status, v) = stack
        .post("/kasse/v1/connectid/orders?offer=invoice-year", &forged)
        .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(stack.sandbox_order_count().await, 1);
    stack.shutdown().await;
}

#[tokio::test]
async fn the_publishers_s4_accounts_come_from_the_config() {
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        let s4 = s.s4.as_mut().unwrap();
        s4.vipps_account_id = Some("avis-vipps".into());
        s4.payex_account_id = Some("avis-payex".into());
    })
    .await;
    let vipps = s4_order(&stack, "s4-tv-basic", "Vipps", "sub-accounts-1");
    let (status, v) = stack.post_keyed("/kasse/v1/s4/orders", "s4-accounts-1", &vipps).await;
    assert_eq!(status, 201, "{v}");
    let swedbank = s4_order(&stack, "s4-tv-basic", "SwedbankPay", "sub-accounts-2");
    let (status, v) = stack
        .post_keyed("/kasse/v1/s4/orders", "s4-accounts-2", &swedbank)
        .await;
    assert_eq!(status, 201, "{v}");
    let orders = stack.sandbox_orders().await;
    let sent: Vec<&Value> = orders.as_array().unwrap().iter().map(|o| &o["body"]).collect();
    let params = |o: &Value, p: &str| o.pointer(&format!("/paymentAgreementParameters/{p}")).cloned();
    assert!(
        sent.iter()
            .any(|o| params(o, "vippsMobilePayParameters/accountId") == Some(json!("avis-vipps"))),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|o| params(o, "payExEcommerceParameters/payExAccountId") == Some(json!("avis-payex"))),
        "{sent:?}"
    );
    stack.shutdown().await;
}

#[tokio::test]
async fn an_s4_agreement_the_reader_did_not_approve_is_cancelled_at_the_vendor() {
    let stack = Stack::start().await;
    let order = s4_order(&stack, "s4-news-monthly", "Vipps", "sub-not-approved");
    let (status, v) = stack
        .post_keyed("/kasse/v1/s4/orders?offer=s4-news-monthly", "s4-not-approved-1", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    // Back on the article without approving: complete says 409, and the order is deleted.
    let path = format!("/kasse/v1/s4/orders/{id}/complete");
    let (status, v) = stack.post(&path, &json!({"maxPollingTimeout": 0})).await;
    assert_eq!((status, error_code(&v)), (409, "payment_not_approved"), "{v}");
    assert_eq!(v["error"]["messageKey"], "payment_cancelled");
    assert_eq!(stack.sandbox_orders().await[0]["state"], "Cancelled");
    let deletes = Value::Array(stack.sandbox_list("requests").await);
    let deleted = deletes
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "DELETE" && r["status"] == 202)
        .count();
    assert_eq!(deleted, 1, "the gateway deleted the order at S4");
    // The order is over: completing again answers the same, from the record, without the vendor.
    let (status, v) = stack.post(&path, &json!({})).await;
    assert_eq!((status, error_code(&v)), (409, "payment_not_approved"), "{v}");
    let requests = Value::Array(stack.sandbox_list("requests").await);
    let completes = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with("/complete")))
        .count();
    assert_eq!(completes, 1, "the second completion reached no vendor: {requests}");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_s4_price_the_vendor_does_not_charge_is_refused_before_any_order() {
    // The catalog says 139; S4 prices the same package at 149.
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        let mut cheap = s.offers["s4-news-monthly"].clone();
        cheap.id = "s4-news-cheap".into();
        cheap.price = kasse_core::money::Money::from_major(139).unwrap();
        s.offers.insert(cheap.id.clone(), cheap);
    })
    .await;
    let order = s4_order(&stack, "s4-news-cheap", "Vipps", "sub-cheap");
    let (status, v) = stack
        .post_keyed("/kasse/v1/s4/orders?offer=s4-news-cheap", "s4-price-1", &order)
        .await;
    assert_eq!((status, error_code(&v)), (409, "price_changed"), "{v}");
    assert_eq!(
        v["error"]["price"],
        json!(149),
        "the vendor's price, to show the reader"
    );
    assert_eq!(stack.sandbox_order_count().await, 0, "no order at the vendor");

    // The catalog's own offer is priced as the vendor prices it, and goes through.
    let order = s4_order(&stack, "s4-news-monthly", "Vipps", "sub-right");
    let (status, v) = stack
        .post_keyed("/kasse/v1/s4/orders?offer=s4-news-monthly", "s4-price-2", &order)
        .await;
    assert_eq!(status, 201, "{v}");
    stack.shutdown().await;
}
