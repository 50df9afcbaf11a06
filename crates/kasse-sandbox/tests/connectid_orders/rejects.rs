//! Refused orders: every rule's reject case with its named exception and message, malformed JSON,
//! and a client token at the user-mode endpoint; nothing refused is stored.

use crate::common::*;
use crate::post_raw_order;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// (name, mutation of a valid body, expected status, exceptionType, fragment of errorMessage)
type Case = (&'static str, Value, &'static str, &'static str);

fn reject_cases() -> Vec<Case> {
    let d = || digi_order("r-1");
    let s = seed_order;
    vec![
        (
            "payer missing",
            remove(d(), "/payer"),
            "ValidationException",
            "payer is required",
        ),
        (
            "no lastName nor companyName",
            remove(d(), "/payer/lastName"),
            "ValidationException",
            "companyName or lastName",
        ),
        (
            "blank lastName",
            set(d(), "/payer/lastName", json!("  ")),
            "ValidationException",
            "companyName or lastName",
        ),
        (
            "no postalCode",
            remove(d(), "/payer/postalCode"),
            "ValidationException",
            "payer.postalCode",
        ),
        (
            "no emails nor phones",
            remove(d(), "/payer/emails"),
            "ValidationException",
            "emails or phoneNumbers",
        ),
        (
            "empty emails",
            set(d(), "/payer/emails", json!([])),
            "ValidationException",
            "emails or phoneNumbers",
        ),
        (
            "bad e-mail",
            set(d(), "/payer/emails", json!(["kari@"])),
            "ValidationException",
            "payer.emails[0]",
        ),
        (
            "bad phone",
            set(remove(d(), "/payer/emails"), "/payer/phoneNumbers", json!(["ring meg"])),
            "ValidationException",
            "payer.phoneNumbers[0]",
        ),
        (
            "bad invoice e-mail",
            set(d(), "/payer/invoiceEmailAddress", json!("nope")),
            "ValidationException",
            "invoiceEmailAddress",
        ),
        (
            "marketing code without number",
            remove(s(), "/marketingCouponNumber"),
            "ValidationException",
            "marketingCouponCode and marketingCouponNumber",
        ),
        (
            "marketing number without code",
            remove(s(), "/marketingCouponCode"),
            "ValidationException",
            "marketingCouponCode and marketingCouponNumber",
        ),
        (
            "unknown marketing coupon",
            set(s(), "/marketingCouponNumber", json!(52)),
            "CouponNotFoundException",
            "NOA3263/52",
        ),
        (
            "marketing number as string",
            set(s(), "/marketingCouponNumber", json!("51")),
            "ValidationException",
            "marketingCouponNumber must be an integer",
        ),
        (
            "no order lines",
            set(d(), "/orderLines", json!([])),
            "ValidationException",
            "at least one order line",
        ),
        (
            "orderLines missing",
            remove(d(), "/orderLines"),
            "ValidationException",
            "at least one order line",
        ),
        (
            "unknown productSpecType",
            set(d(), "/orderLines/0/productSpecType", json!("bundle")),
            "ValidationException",
            "productSpecType",
        ),
        (
            "coupon line without code",
            remove(d(), "/orderLines/0/productSpecCode"),
            "ValidationException",
            "productSpecCode and orderLines[0].productSpecNo are required",
        ),
        (
            "coupon line without number",
            remove(d(), "/orderLines/0/productSpecNo"),
            "ValidationException",
            "productSpecNo are required",
        ),
        (
            "unknown coupon",
            set(d(), "/orderLines/0/productSpecNo", json!(9999)),
            "CouponNotFoundException",
            "DIGI1M/9999",
        ),
        (
            "coupon price differs",
            set(
                set(d(), "/orderLines/0/unitPrice", json!(99)),
                "/orderAmount",
                json!(99),
            ),
            "InvalidPriceException",
            "does not match the price 149",
        ),
        (
            "currency differs from coupon",
            set(d(), "/currency", json!("SEK")),
            "ValidationException",
            "currency SEK does not match",
        ),
        (
            "product line without product",
            json!({"productSpecType": "product", "quantity": 1, "unitPrice": 149}),
            "ValidationException",
            "product is required",
        ),
        (
            "unknown product",
            json!({"productSpecType": "product", "product": "NOPE", "quantity": 1, "unitPrice": 149}),
            "ProductNotFoundException",
            "NOPE",
        ),
        (
            "issue line without number",
            json!({"productSpecType": "issue", "productSpecCode": "X", "product": "DIGI", "quantity": 1, "unitPrice": 149}),
            "ValidationException",
            "required for productSpecType issue",
        ),
        (
            "article line without detail",
            json!({"productSpecType": "article", "quantity": 1, "unitPrice": 149}),
            "ValidationException",
            "articleDetail",
        ),
        (
            "quantity zero",
            set(d(), "/orderLines/0/quantity", json!(0)),
            "ValidationException",
            "quantity must be at least 1",
        ),
        (
            "access product without seconds",
            set(d(), "/orderLines/0/allowAccessProduct", json!("DIGI")),
            "ValidationException",
            "allowAccessSeconds",
        ),
        (
            "receiver incomplete",
            set(d(), "/orderLines/0/receiver", json!({"lastName": "Hansen"})),
            "ValidationException",
            "orderLines[0].receiver.postalCode",
        ),
        (
            "payment method missing",
            remove(d(), "/paymentMethod"),
            "ValidationException",
            "paymentMethod is required",
        ),
        (
            "unknown payment method",
            set(d(), "/paymentMethod", json!("bitcoin")),
            "InvalidPaymentMethodException",
            "bitcoin",
        ),
        (
            "sms cannot be prepaid",
            set(
                set(set(d(), "/paymentMethod", json!("sms")), "/prepaid", json!(true)),
                "/paymentInfoPayEx",
                json!({"transactionId": "1"}),
            ),
            "PaymentMethodNotSupportedException",
            "prepaid=true",
        ),
        (
            "other cannot be prepaid",
            set(
                set(set(d(), "/paymentMethod", json!("other")), "/prepaid", json!(true)),
                "/paymentInfoPayEx",
                json!({"transactionId": "1"}),
            ),
            "PaymentMethodNotSupportedException",
            "prepaid=true",
        ),
        (
            "vippsRecurring cannot be prepaid",
            set(
                set(
                    set(d(), "/paymentMethod", json!("vippsRecurring")),
                    "/prepaid",
                    json!(true),
                ),
                "/paymentInfoPayEx",
                json!({"transactionId": "1"}),
            ),
            "PaymentMethodNotSupportedException",
            "prepaid=true",
        ),
        (
            "prepaid without paymentInfo",
            set(set(d(), "/paymentMethod", json!("kco")), "/prepaid", json!(true)),
            "ValidationException",
            "paymentInfo",
        ),
        (
            "orderAmount differs from the lines",
            set(d(), "/orderAmount", json!(150)),
            "InvalidOrderAmountException",
            "orderAmount 150",
        ),
        (
            "orderAmount with three decimals",
            set(d(), "/orderAmount", json!(149.001)),
            "ValidationException",
            "more than two decimals",
        ),
        (
            "orderAmount as string",
            set(d(), "/orderAmount", json!("149")),
            "ValidationException",
            "orderAmount must be a number",
        ),
        (
            "lower-case currency",
            set(d(), "/currency", json!("nok")),
            "ValidationException",
            "three upper-case letters",
        ),
        (
            "four-letter currency",
            set(d(), "/currency", json!("NOKK")),
            "ValidationException",
            "three upper-case letters",
        ),
        (
            "recurring as string",
            set(d(), "/recurring", json!("true")),
            "ValidationException",
            "recurring must be a boolean",
        ),
        (
            "body not an object",
            json!([1, 2]),
            "ValidationException",
            "JSON object",
        ),
    ]
}

#[tokio::test]
async fn every_rule_rejects_with_a_named_exception() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    for (name, body, exception, fragment) in reject_cases() {
        // Cases given as a bare line replace the order's single line.
        let body = if body.get("productSpecType").is_some() {
            set(
                set(digi_order("r-1"), "/orderLines/0", body),
                "/orderAmount",
                json!(149),
            )
        } else {
            body
        };
        let (status, err) = error_of(post_order(&base, &token, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {err}");
        assert_eq!(err["exceptionType"], exception, "{name}: {err}");
        let message = err["errorMessage"].as_str().unwrap();
        assert!(message.contains(fragment), "{name}: {message:?} lacks {fragment:?}");
    }
    assert!(admin_orders(&base).await.is_empty(), "no rejected order is stored");
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_a_validation_error() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let r = post_raw_order(&base, &token, "{\"payer\": ").await;
    let (status, err) = error_of(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["exceptionType"], "ValidationException");
    assert!(err["errorMessage"].as_str().unwrap().contains("malformed JSON"));
    sb.shutdown().await;
}

#[tokio::test]
async fn client_token_cannot_register_in_user_mode() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let r = post_as(&format!("{base}/capi/v1/order"), &token, &digi_order("u-1")).await;
    let (status, err) = error_of(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["error"], "invalid_token");
    sb.shutdown().await;
}
