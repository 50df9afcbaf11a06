//! S4 orders forwarded: registered and completed after the terminal, the publisher's accounts from
//! the config, an agreement the reader did not approve cancelled at the vendor, and a price the
//! vendor does not charge refused before any order.

use crate::common::*;
use serde_json::{json, Value};

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
    let stored = stack.sandbox_orders().await;
    let made = stored
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["orderId"] == v["id"])
        .expect("at S4");
    let price = serde_json::to_value(stack.offer("s4-tv-basic").price).unwrap();
    let sent = &made["body"]["templatePackageChoices"]["priceOverride"];
    assert_eq!(
        (sent, &made["price"]),
        (&price, &price),
        "the catalog's price, charged: {made}"
    );
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
    let terminal = v["terminalRedirectUrl"].as_str().expect("terminal URL").to_owned();
    let path = format!("/kasse/v1/s4/orders/{id}/complete");
    // Not decided yet (the reader has not been to the payment page): still in progress, and the
    // order stands ("0 = fully asynchronous").
    let (status, v) = stack.post(&path, &json!({"maxPollingTimeout": 0})).await;
    assert_eq!((status, &v["status"]), (200, &json!("InProgress")), "{v}");
    assert_eq!(stack.sandbox_orders().await[0]["state"], "InProgress");
    // Cancelled on the payment page: complete says 409, and the order is deleted.
    assert!(press_on_terminal(&terminal, "cancel").await.is_redirection());
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
    assert_eq!(completes, 2, "the last completion reached no vendor: {requests}");
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
