//! Completing an order by API (`/order/fulfillment`: which methods may, retries, the callback)
//! and then assigning its user (`/order/{id}/user`: completed orders and valid credentials only).

use crate::common::*;
use crate::{card_order, press};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn fulfill(base: &str, token: &str, body: Value) -> (StatusCode, Value) {
    post_for_json(&format!("{base}/capi/v1/client/order/fulfillment"), token, &body).await
}

#[tokio::test]
async fn fulfillment_api_completes_allowed_methods_only() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = client_token(&base).await;

    let invoice = create_order(&base, &token, &digi_order("ful-invoice")).await;
    let (status, body) = fulfill(
        &base,
        &token,
        json!({"orderId": invoice, "callbackUrl": format!("{shop}/cb")}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"fulfillmentStatus": "OK", "orderId": invoice}));
    assert_eq!(order_state(&base, &token, invoice).await, "completed");
    // A retry after a lost answer gets the same answer; nothing changes.
    let (_, again) = fulfill(&base, &token, json!({"orderId": invoice})).await;
    assert_eq!(again["fulfillmentStatus"], "OK");

    // Non-prepaid vippsEcommerce needs the interactive redirect.
    let vipps = create_order(
        &base,
        &token,
        &set(
            set(digi_order("ful-vipps"), "/paymentMethod", json!("vippsEcommerce")),
            "/recurring",
            json!(false),
        ),
    )
    .await;
    let (status, body) = fulfill(&base, &token, json!({"orderId": vipps})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["fulfillmentStatus"], "ERROR");
    assert!(body["errorMessage"].as_str().unwrap().contains("vippsEcommerce"));
    assert_eq!(order_state(&base, &token, vipps).await, "preliminary");

    // Nor is an unpaid card or Klarna order completed by API (interactive payment: the redirect).
    for method in ["creditcardPayex", "kco"] {
        let unpaid = create_order(
            &base,
            &token,
            &set(digi_order(&format!("ful-{method}")), "/paymentMethod", json!(method)),
        )
        .await;
        let (status, body) = fulfill(&base, &token, json!({"orderId": unpaid})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["fulfillmentStatus"], "ERROR", "{method}: {body}");
        assert!(body["errorMessage"].as_str().unwrap().contains(method));
        assert_eq!(order_state(&base, &token, unpaid).await, "preliminary");
    }

    // …but a prepaid vippsEcommerce order may be completed by API.
    let prepaid = set(
        set(
            set(digi_order("ful-vipps-pre"), "/paymentMethod", json!("vippsEcommerce")),
            "/prepaid",
            json!(true),
        ),
        "/paymentInfoVipps",
        json!({"orderId": "v-1"}),
    );
    let prepaid = create_order(&base, &token, &prepaid).await;
    assert_eq!(
        fulfill(&base, &token, json!({"orderId": prepaid})).await.1["fulfillmentStatus"],
        "OK"
    );

    // A cancelled order cannot be fulfilled.
    let card = create_order(&base, &token, &card_order("ful-cancel")).await;
    press(&base, &shop, card, "cancel").await;
    let (_, body) = fulfill(&base, &token, json!({"orderId": card})).await;
    assert_eq!(body["fulfillmentStatus"], "ERROR");

    let (status, body) = fulfill(&base, &token, json!({"orderId": 424242})).await;
    assert_eq!(
        (status, body["exceptionType"].as_str()),
        (StatusCode::NOT_FOUND, Some("OrderNotFoundException"))
    );
    let (status, body) = fulfill(&base, &token, json!({"orderId": "1"})).await;
    assert_eq!(
        (status, body["exceptionType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ValidationException"))
    );
    let (status, _) = fulfill(&base, &token, json!({"orderId": invoice, "callbackUrl": "/cb"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The callback was called with the outcome (the shop saw it, the order's history says so).
    let mut called = false;
    for _ in 0..50 {
        let orders = admin_orders(&base).await;
        let o = orders.iter().find(|o| o["orderId"] == invoice).unwrap();
        if o["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "callback success: HTTP 200")
        {
            called = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(called, "callbackUrl got a GET with fulfillmentStatus=success");
    sb.shutdown().await;
}

async fn assign(base: &str, token: &str, order: i64, body: Value) -> (StatusCode, Value) {
    post_for_json(&format!("{base}/capi/v1/client/order/{order}/user"), token, &body).await
}

#[tokio::test]
async fn assign_user_needs_a_completed_order_and_a_valid_credential() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let order = create_order(&base, &token, &digi_order("assign-1")).await;

    let (status, err) = assign(&base, &token, order, json!({"credential": "ny.leser@example.no"})).await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("OrderNotCompletedException"))
    );

    fulfill(&base, &token, json!({"orderId": order})).await;
    for bad in ["91234567", "not-an-email", "+47 912 34 567", ""] {
        let (status, err) = assign(&base, &token, order, json!({"credential": bad})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(err["exceptionType"], "ValidationException");
    }
    let (status, err) = assign(
        &base,
        &token,
        order,
        json!({"credential": "ny.leser@example.no", "isSendMessage": true}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["errorMessage"].as_str().unwrap().contains("overrideClientId"));

    let (status, answer) = assign(
        &base,
        &token,
        order,
        json!({"credential": "ny.leser@example.no", "isSendMessage": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["orderId"], order);
    assert_eq!(answer["isNewUser"], true);
    assert_eq!(answer["isPasswordSet"], false);
    let user = answer["uniqueUserId"].as_str().unwrap().to_string();
    // Retried: the same answer.
    let (_, again) = assign(&base, &token, order, json!({"credential": "ny.leser@example.no"})).await;
    assert_eq!(again, answer);
    // Another user for the same order: refused.
    let (_, err) = assign(&base, &token, order, json!({"credential": "+4791234567"})).await;
    assert_eq!(err["exceptionType"], "OrderAlreadyAssignedException");

    // A seed test user by e-mail and by phone: an existing user.
    let second = create_order(&base, &token, &digi_order("assign-2")).await;
    fulfill(&base, &token, json!({"orderId": second})).await;
    let (_, answer) = assign(&base, &token, second, json!({"credential": "Kari.Nordmann@example.no"})).await;
    assert_eq!(answer["isNewUser"], false);
    assert_eq!(answer["isPasswordSet"], true);
    let third = create_order(&base, &token, &digi_order("assign-3")).await;
    fulfill(&base, &token, json!({"orderId": third})).await;
    let (_, by_phone) = assign(&base, &token, third, json!({"credential": "+4791234567"})).await;
    assert_eq!(by_phone["uniqueUserId"], answer["uniqueUserId"]);
    assert_ne!(by_phone["uniqueUserId"], user.as_str());

    let (status, err) = assign(&base, &token, 987654, json!({"credential": "a@b.no"})).await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::NOT_FOUND, Some("OrderNotFoundException"))
    );
    sb.shutdown().await;
}
