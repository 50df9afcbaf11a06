//! ConnectID orders forwarded: registered and stored by the vendor as the widget built them,
//! status, complete and assign user (a foreign credential refused before the vendor), a prepaid
//! order with its payment facts, and the publisher's order fields from the config only.

use crate::common::{self, *};
use serde_json::json;

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
