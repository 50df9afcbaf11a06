//! `POST /capi/v1/client/order` and `POST /capi/v1/order`: every rule's accept and reject case.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Posts an order body exactly as given (bytes, not re-serialized JSON).
async fn post_raw_order(base: &str, token: &str, body: &'static str) -> reqwest::Response {
    http()
        .post(format!("{base}/capi/v1/client/order"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn seed_000_example_is_accepted_as_is_and_stored_verbatim() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let r = post_raw_order(&base, &token, SEED_000_ORDER).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let id = body["orderId"].as_i64().expect("an integer orderId");
    assert_eq!(order_state(&base, &token, id).await, "preliminary");
    let orders = admin_orders(&base).await;
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0]["rawBody"], SEED_000_ORDER,
        "the oracle keeps the body byte for byte"
    );
    assert_eq!(orders[0]["body"]["payer"]["lastName"], "Nordmann");
    assert_eq!(orders[0]["state"], "preliminary");
    assert!(orders[0]["createdAt"].as_i64().unwrap() > 0);
    sb.shutdown().await;
}

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

fn accept_cases() -> Vec<(&'static str, Value)> {
    let d = || digi_order("a");
    let line = |l: Value| set(set(digi_order("a"), "/orderLines/0", l), "/orderAmount", json!(149));
    vec![
        (
            "companyName instead of lastName",
            set(remove(d(), "/payer/lastName"), "/payer/companyName", json!("Avis AS")),
        ),
        (
            "phone instead of e-mail",
            set(
                remove(d(), "/payer/emails"),
                "/payer/phoneNumbers",
                json!(["+4791234567"]),
            ),
        ),
        ("no orderAmount", remove(d(), "/orderAmount")),
        (
            "no unitPrice on a coupon line (catalog price)",
            remove(d(), "/orderLines/0/unitPrice"),
        ),
        (
            "quantity 2",
            set(set(d(), "/orderLines/0/quantity", json!(2)), "/orderAmount", json!(298)),
        ),
        (
            "decimal amounts",
            set(
                set(
                    set(
                        d(),
                        "/orderLines/0",
                        json!({"productSpecType": "product", "product": "DIGI", "quantity": 1, "unitPrice": 149.5}),
                    ),
                    "/orderAmount",
                    json!(149.5),
                ),
                "/currency",
                json!("NOK"),
            ),
        ),
        (
            "product line",
            line(json!({"productSpecType": "product", "product": "DIGI", "quantity": 1, "unitPrice": 149})),
        ),
        (
            "issue line",
            line(
                json!({"productSpecType": "issue", "productSpecCode": "HELG", "productSpecNo": 12, "product": "HELG", "quantity": 1, "unitPrice": 149}),
            ),
        ),
        (
            "article line",
            line(
                json!({"productSpecType": "article", "quantity": 1, "unitPrice": 149, "articleDetail": {"articleRef": "A-1", "articleDesc": "Tote bag"}}),
            ),
        ),
        (
            "line with a complete receiver",
            set(
                d(),
                "/orderLines/0/receiver",
                json!({"lastName": "Hansen", "postalCode": "5003", "phoneNumbers": ["+4790000000"]}),
            ),
        ),
        (
            "prepaid kco with paymentInfo",
            set(
                set(set(d(), "/paymentMethod", json!("kco")), "/prepaid", json!(true)),
                "/paymentInfoKlarna",
                json!({"orderId": "k-1"}),
            ),
        ),
        (
            "prepaid invoice",
            set(
                set(d(), "/prepaid", json!(true)),
                "/paymentInfoPayEx",
                json!({"transactionId": "1"}),
            ),
        ),
        ("sms not prepaid", set(d(), "/paymentMethod", json!("sms"))),
        (
            "vippsRecurring recurring",
            set(d(), "/paymentMethod", json!("vippsRecurring")),
        ),
        (
            "swishPayex not recurring",
            set(
                set(d(), "/paymentMethod", json!("swishPayex")),
                "/recurring",
                json!(false),
            ),
        ),
        ("free", set(d(), "/paymentMethod", json!("free"))),
        (
            "Swedish coupon in SEK",
            set(
                set(
                    set(
                        set(d(), "/orderLines/0/productSpecCode", json!("SEDIG")),
                        "/orderLines/0/productSpecNo",
                        json!(2001),
                    ),
                    "/orderLines/0/unitPrice",
                    json!(129),
                ),
                "/orderAmount",
                json!(129),
            )
            .pipe(|v| set(v, "/currency", json!("SEK"))),
        ),
        ("no externalOrderId", remove(d(), "/externalOrderId")),
    ]
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

#[tokio::test]
async fn valid_variants_are_accepted() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    for (i, (name, body)) in accept_cases().into_iter().enumerate() {
        // Distinct externalOrderIds: these are different orders.
        let body = if body.get("externalOrderId").is_some() {
            set(body, "/externalOrderId", json!(format!("accept-{i}")))
        } else {
            body
        };
        let r = post_order(&base, &token, &body).await;
        let status = r.status();
        let answer: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        assert!(answer["orderId"].as_i64().is_some(), "{name}: {answer}");
    }
    assert_eq!(admin_orders(&base).await.len(), accept_cases().len());
    sb.shutdown().await;
}

#[tokio::test]
async fn duplicate_external_order_id_same_body_same_order_different_body_refused() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let body = digi_order("dup-1");
    let first = post_order(&base, &token, &body).await;
    assert!(first.headers().get("x-sandbox-duplicate").is_none());
    let first_id = first.json::<Value>().await.unwrap()["orderId"].as_i64().unwrap();

    let again = post_order(&base, &token, &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["x-sandbox-duplicate"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["orderId"], first_id);

    let changed = set(body, "/payer/postalCode", json!("0202"));
    let (status, err) = error_of(post_order(&base, &token, &changed).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["exceptionType"], "DuplicateExternalOrderIdException");
    assert!(err["errorMessage"].as_str().unwrap().contains(&first_id.to_string()));
    assert_eq!(admin_orders(&base).await.len(), 1, "exactly one order stored");
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
