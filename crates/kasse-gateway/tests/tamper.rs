//! Every tampered order is refused with a 4xx and never reaches the vendor: the sandbox's
//! `/__sandbox/orders` is byte-for-byte the same afterwards, and its request log holds no call
//! of the gateway's (an S4 subscriber lookup or creation would carry the reader's details).

mod common;

use common::*;
use serde_json::{json, Value};

/// The vendor calls the sandbox logged, but for access-token fetches (which carry no reader's
/// data and may happen at any time).
async fn vendor_calls(stack: &Stack) -> Vec<Value> {
    let mut calls = stack.sandbox_list("requests").await;
    calls.retain(|c| !c["path"].as_str().unwrap_or_default().contains("token"));
    calls
}

async fn refused(stack: &Stack, path: &str, body: &Value) -> Value {
    let before = stack.sandbox_orders().await;
    let calls_before = vendor_calls(stack).await;
    let (status, v) = stack.post(path, body).await;
    assert!(
        (400..500).contains(&status),
        "tampered order refused with 4xx, got {status}: {v}"
    );
    assert!(v["error"]["code"].is_string(), "error shape: {v}");
    assert_eq!(
        stack.sandbox_orders().await,
        before,
        "the vendor's orders are unchanged"
    );
    assert_eq!(vendor_calls(stack).await, calls_before, "the vendor was not called");
    v
}

fn codes(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["error"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|p| p["code"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    c.push(error_code(v).to_owned());
    c
}

#[tokio::test]
async fn tampered_connectid_orders_are_refused() {
    let stack = Stack::start().await;
    let base = connectid_order(&stack, "digital-month", "creditcardPayex", "tamper-base");
    // A legitimate order first, so "unchanged" compares a non-empty list.
    let (status, _) = stack.post("/kasse/v1/connectid/orders", &base).await;
    assert_eq!(status, 201);

    // (name, JSON-pointer edits, the code expected among the refusal's codes)
    type Case = (&'static str, Vec<(&'static str, Value)>, &'static str);
    let cases: Vec<Case> = vec![
        // Price: line and total lowered together (consistent, so only the offer check catches it).
        (
            "price",
            vec![("/orderAmount", json!(1)), ("/orderLines/0/unitPrice", json!(1))],
            "price_mismatch",
        ),
        // Total alone.
        ("total", vec![("/orderAmount", json!(14.9))], "price_mismatch"),
        ("currency", vec![("/currency", json!("SEK"))], "currency_mismatch"),
        // Another coupon (the gift card) at this offer's price.
        (
            "coupon",
            vec![
                ("/orderLines/0/productSpecCode", json!("GAVE3M")),
                ("/orderLines/0/productSpecNo", json!(1003)),
            ],
            "product_mismatch",
        ),
        // A marketing coupon the offer does not carry.
        (
            "marketing coupon",
            vec![
                ("/marketingCouponCode", json!("NOA3263")),
                ("/marketingCouponNumber", json!(51)),
            ],
            "coupon_mismatch",
        ),
        // A method the offer does not show.
        (
            "method",
            vec![("/paymentMethod", json!("invoice"))],
            "method_not_allowed",
        ),
        // A product line instead of the coupon.
        (
            "product",
            vec![
                ("/orderLines/0/productSpecType", json!("product")),
                ("/orderLines/0/product", json!("HELG")),
            ],
            "product_mismatch",
        ),
        // Two copies at the offer price.
        (
            "quantity",
            vec![("/orderLines/0/quantity", json!(2)), ("/orderAmount", json!(298))],
            "invalid_quantity",
        ),
        // Recurring flipped.
        ("recurring", vec![("/recurring", json!(false))], "recurring_mismatch"),
        // Prepaid flipped.
        ("prepaid", vec![("/prepaid", json!(true))], "prepaid_mismatch"),
        // Longer access than the offer grants.
        (
            "access",
            vec![("/orderLines/0/allowAccessSeconds", json!(999_999_999))],
            "access_mismatch",
        ),
        // Bound to someone else's customer or user, or another merchant, seller or channel.
        (
            "customer",
            vec![("/payer/customerNumber", json!(71))],
            "unexpected_field",
        ),
        (
            "user",
            vec![("/uniqueUserId", json!("someone-else"))],
            "unexpected_field",
        ),
        ("merchant", vec![("/merchantId", json!("54823419"))], "unexpected_field"),
        ("company", vec![("/companyCode", json!("OTHER"))], "unexpected_field"),
        ("seller", vec![("/seller", json!("s1"))], "unexpected_field"),
        ("sales method", vec![("/salesMethod", json!("web"))], "unexpected_field"),
        // Delivered later, or to someone else, than the offer sells.
        (
            "start",
            vec![("/orderLines/0/startInfo", json!({"startDate": 1}))],
            "unexpected_field",
        ),
        (
            "receiver",
            vec![(
                "/orderLines/0/receiver",
                json!({"lastName": "R", "postalCode": "0101", "emails": ["r@example.no"]}),
            )],
            "unexpected_field",
        ),
        // A campaign string that is a payload.
        (
            "campaign",
            vec![("/campaignParameters", json!("x".repeat(201)))],
            "too_long",
        ),
    ];
    for (i, (name, edits, expected)) in cases.into_iter().enumerate() {
        let mut order = base.clone();
        set(&mut order, "/externalOrderId", json!(format!("tamper-{i}")));
        for (pointer, value) in edits {
            set(&mut order, pointer, value);
        }
        for path in [
            "/kasse/v1/connectid/orders?offer=digital-month",
            "/kasse/v1/connectid/orders",
        ] {
            let v = refused(&stack, path, &order).await;
            if path.contains("offer=") {
                assert!(
                    codes(&v).iter().any(|c| c == expected),
                    "{name}: expected {expected} among {:?}",
                    codes(&v)
                );
            }
        }
    }

    // A legitimate order of another offer cannot be passed off as this one.
    let mut other = connectid_order(&stack, "se-digital", "kco", "tamper-other");
    refused(&stack, "/kasse/v1/connectid/orders?offer=digital-month", &other).await;
    // An order without externalOrderId cannot be made idempotent.
    other = base.clone();
    other.as_object_mut().unwrap().remove("externalOrderId");
    let v = refused(&stack, "/kasse/v1/connectid/orders", &other).await;
    assert_eq!(v["error"]["field"], "externalOrderId");
    // Not JSON, wrong shape, wrong media type.
    let before = stack.sandbox_orders().await;
    let r = stack
        .http
        .post(stack.url("/kasse/v1/connectid/orders"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = stack
        .http
        .post(stack.url("/kasse/v1/connectid/orders"))
        .header("content-type", "text/plain")
        .body(serde_json::to_string(&base).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    refused(&stack, "/kasse/v1/connectid/orders", &json!({"orderAmount": "lots"})).await;
    assert_eq!(stack.sandbox_orders().await, before);
    stack.shutdown().await;
}

#[tokio::test]
async fn tampered_s4_orders_are_refused() {
    let stack = Stack::start().await;
    let base = s4_order(&stack, "s4-tv-basic", "Vipps", "sub-tamper");
    let (status, v) = stack.post_keyed("/kasse/v1/s4/orders", "s4-tamper-base", &base).await;
    assert_eq!(status, 201, "{v}");

    let vipps = "/order/paymentAgreementParameters/vippsMobilePayParameters";
    let cases: Vec<(&str, String, Value, &str)> = vec![
        (
            "price override",
            "/order/templatePackageChoices/priceOverride".into(),
            json!(1),
            "price_mismatch",
        ),
        (
            "product",
            "/order/templatePackageChoices/products".into(),
            json!([
                "00000000-0000-0000-0000-000000000001",
                "00000000-0000-0000-0000-000000000008"
            ]),
            "product_not_allowed",
        ),
        (
            "template",
            "/order/templatePackageId".into(),
            json!("10000000-0000-0000-0000-000000000001"),
            "product_mismatch",
        ),
        (
            "method",
            "/order/paymentAgreementParameters/paymentMethod".into(),
            json!("MobilePay"),
            "method_not_allowed",
        ),
        (
            "return URL",
            format!("{vipps}/merchantRedirectUrl"),
            json!("https://evil.example/kasse/"),
            "url_not_allowed",
        ),
        (
            "agreement URL on a look-alike host",
            format!("{vipps}/merchantAgreementUrl"),
            json!("https://www.avis.example.evil.example/kasse/"),
            "url_not_allowed",
        ),
        (
            "another merchant's Vipps account",
            format!("{vipps}/accountId"),
            json!("other-account"),
            "unexpected_field",
        ),
        (
            "a subscriber by external id",
            "/order/externalSubscriberId".into(),
            json!("kasse-someone-elses-attempt"),
            "unexpected_field",
        ),
        (
            "the gateway's order reference",
            "/order/orderReference".into(),
            json!("mine"),
            "unexpected_field",
        ),
        (
            "a contact S4 would refuse",
            "/contact/phone".into(),
            json!("12345"),
            "invalid_phone",
        ),
        (
            "someone else's subscriber",
            "/order/subscriberId".into(),
            json!("11111111-2222-3333-4444-000000000000"),
            "unexpected_field",
        ),
    ];
    for (name, pointer, value, expected) in cases {
        let mut order = base.clone();
        set(&mut order, &pointer, value);
        let v = refused(&stack, "/kasse/v1/s4/orders?offer=s4-tv-basic", &order).await;
        assert!(
            codes(&v).iter().any(|c| c == expected),
            "{name}: expected {expected} among {:?}",
            codes(&v)
        );
        refused(&stack, "/kasse/v1/s4/orders", &order).await;
    }

    // Fields no type knows, at any depth, are refused by name.
    for pointer in [
        "/campaignCode",
        "/order/campaignCode",
        "/order/templatePackageChoices/discount",
        "/order/paymentAgreementParameters/vippsMobilePayParameters/amount",
        "/contact/street",
    ] {
        let mut order = base.clone();
        set(&mut order, pointer, json!("x"));
        let v = refused(&stack, "/kasse/v1/s4/orders?offer=s4-tv-basic", &order).await;
        assert_eq!(error_code(&v), "unknown_field", "{pointer}: {v}");
    }

    // An override on a template whose offer carries none.
    let mut news = s4_order(&stack, "s4-news-monthly", "Vipps", "sub-news");
    set(&mut news, "/order/templatePackageChoices/priceOverride", json!(149));
    let v = refused(&stack, "/kasse/v1/s4/orders?offer=s4-news-monthly", &news).await;
    assert!(codes(&v).iter().any(|c| c == "price_override_not_allowed"), "{v}");

    // SwedbankPay URLs are checked too.
    let mut swedbank = s4_order(&stack, "s4-tv-basic", "SwedbankPay", "sub-sb");
    set(
        &mut swedbank,
        "/order/paymentAgreementParameters/payExEcommerceParameters/callbackUrl",
        json!("https://evil.example/collect"),
    );
    let v = refused(&stack, "/kasse/v1/s4/orders", &swedbank).await;
    assert!(codes(&v).iter().any(|c| c == "url_not_allowed"), "{v}");

    // A choice outside the package, or beyond its limits.
    let digital = "00000000-0000-0000-0000-000000000201";
    let pick = s4_order_choosing(&stack, "s4-avis-velg", "Invoice", "sub-pick", &[digital]);
    for (products, expected) in [
        (json!([]), "too_few_products"),
        (
            json!([digital, "00000000-0000-0000-0000-000000000001"]),
            "product_not_allowed",
        ),
        (json!([digital, digital]), "duplicate"),
    ] {
        let mut order = pick.clone();
        set(&mut order, "/order/templatePackageChoices/products", products);
        let v = refused(&stack, "/kasse/v1/s4/orders?offer=s4-avis-velg", &order).await;
        assert!(codes(&v).iter().any(|c| c == expected), "{expected}: {v}");
    }
    stack.shutdown().await;
}

#[tokio::test]
async fn urls_on_completion_and_assign_user_must_be_allowed() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "invoice-year", "invoice", "urls-0001");
    let (_, v) = stack.post("/kasse/v1/connectid/orders", &order).await;
    let id = v["orderId"].as_i64().unwrap();
    let v = refused(
        &stack,
        &format!("/kasse/v1/connectid/orders/{id}/complete"),
        &json!({"callbackUrl": "https://evil.example/cb"}),
    )
    .await;
    assert_eq!(v["error"]["field"], "callbackUrl");
    let v = refused(
        &stack,
        &format!("/kasse/v1/connectid/orders/{id}/user"),
        &json!({"credential": "kari.nordmann@example.no", "returnUrl": "https://evil.example/back"}),
    )
    .await;
    // Where a login link leads is the gateway's configuration: the browser may not say.
    assert_eq!(v["error"]["code"], "unknown_field");
    assert_eq!(v["error"]["field"], "returnUrl");
    for (key, value) in [
        ("isSendMessage", json!(true)),
        ("overrideClientId", json!("other-client")),
        ("linkLifetime", json!(1)),
    ] {
        let mut body = json!({"credential": "kari.nordmann@example.no"});
        body[key] = value;
        let v = refused(&stack, &format!("/kasse/v1/connectid/orders/{id}/user"), &body).await;
        assert_eq!(
            (v["error"]["code"].as_str(), v["error"]["field"].as_str()),
            (Some("unknown_field"), Some(key))
        );
    }
    // Checked normalised but forwarded raw, a backslash would move the host: refused as sent.
    for raw in [
        "https://www.avis.example\\@evil.example/kasse/",
        "https://www.avis.example/kasse/../x",
    ] {
        let v = refused(
            &stack,
            &format!("/kasse/v1/connectid/orders/{id}/complete"),
            &json!({ "callbackUrl": raw }),
        )
        .await;
        assert_eq!(v["error"]["field"], "callbackUrl", "{raw}");
    }
    stack.shutdown().await;
}
