//! S4: token, tenant header, validation errors, terminal page (Approve / Cancel, followed through
//! the redirects), complete, read, cancel.

mod common;

use common::s4_call as s4;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const TV: &str = "10000000-0000-0000-0000-000000000000";
const NEWS: &str = "10000000-0000-0000-0000-000000000001";

async fn s4_create(base: &str, token: &str, body: Value) -> (StatusCode, Value) {
    s4(base, token, reqwest::Method::POST, "/order", Some(body)).await
}

async fn s4_complete(base: &str, token: &str, id: &str, body: Option<Value>) -> (StatusCode, Value) {
    let path = format!("/order/{id}/complete");
    s4(base, token, reqwest::Method::POST, &path, body).await
}

async fn s4_read(base: &str, token: &str, id: &str) -> (StatusCode, Value) {
    let path = format!("/order/{id}");
    s4(base, token, reqwest::Method::GET, &path, None).await
}

async fn s4_cancel(base: &str, token: &str, id: &str) -> (StatusCode, Value) {
    let path = format!("/order/{id}");
    s4(base, token, reqwest::Method::DELETE, &path, None).await
}

fn seed_001_choices() -> Value {
    // S4's order example, with its `priceOveride` spelling tested separately.
    json!({
        "subscriberId": "11111111-2222-3333-4444-000000000000",
        "templatePackageId": TV,
        "paymentAgreementId": "44444444-5555-6666-7777-000000000000",
        "organizationId": "20000000-0000-0000-0000-000000000000",
        "templatePackageChoices": {
            "products": ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000006"]
        }
    })
}

fn vipps_order(shop: &str) -> Value {
    json!({
        "externalSubscriberId": "reader-1",
        "templatePackageId": NEWS,
        "paymentAgreementParameters": {
            "paymentMethod": "Vipps",
            "vippsMobilePayParameters": {
                "customerPhoneNumber": "+4791234567",
                "merchantAgreementUrl": format!("{shop}/agreement"),
                "merchantRedirectUrl": format!("{shop}/order/complete"),
                "accountId": "acc-1",
                "profileScope": "name address email"
            }
        }
    })
}

fn swedbank_order(shop: &str) -> Value {
    json!({
        "subscriberNumber": 4711,
        "templatePackageId": NEWS,
        "paymentAgreementParameters": {
            "paymentMethod": "SwedbankPay",
            "payExEcommerceParameters": {
                "callbackUrl": format!("{shop}/api/payment/callback"),
                "cancelUrl": format!("{shop}/order/cancel"),
                "completeUrl": format!("{shop}/order/complete"),
                "culture": "nb-NO"
            }
        }
    })
}

#[tokio::test]
async fn token_and_tenant_are_required() {
    let sb = start().await;
    let base = sb.base_url();
    let r = http()
        .post(format!("{base}/s4/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", S4_CLIENT),
            ("client_secret", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    let r = http()
        .post(format!("{base}/s4/oauth2/token"))
        .basic_auth(S4_CLIENT, Some(S4_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["expires_in"], 3600);

    let token = s4_token(&base).await;
    let r = http()
        .post(format!("{base}/s4/order"))
        .header("S4-TenantId", TENANT)
        .json(&seed_001_choices())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http()
        .post(format!("{base}/s4/order"))
        .bearer_auth(&token)
        .json(&seed_001_choices())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "S4-TenantId");
    let r = http()
        .post(format!("{base}/s4/order"))
        .bearer_auth(&token)
        .header("S4-TenantId", "SOMETENANT")
        .json(&seed_001_choices())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A ConnectID token is not an S4 token.
    let cid = client_token(&base).await;
    let r = http()
        .get(format!("{base}/s4/order/x"))
        .bearer_auth(&cid)
        .header("S4-TenantId", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    sb.shutdown().await;
}

#[tokio::test]
async fn validation_errors_name_the_fields() {
    let sb = start().await;
    let base = sb.base_url();
    let token = s4_token(&base).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"templatePackageId": TV, "paymentAgreementId": "44444444-5555-6666-7777-000000000000"}),
            "subscriberId",
        ),
        (
            json!({"subscriberId": "nope", "templatePackageId": TV, "paymentAgreementId": "44444444-5555-6666-7777-000000000000"}),
            "subscriberId",
        ),
        (
            set(
                seed_001_choices(),
                "/templatePackageId",
                json!("10000000-0000-0000-0000-0000000000ff"),
            ),
            "templatePackageId",
        ),
        (remove(seed_001_choices(), "/templatePackageId"), "templatePackageId"),
        (
            set(
                seed_001_choices(),
                "/organizationId",
                json!("20000000-0000-0000-0000-0000000000ff"),
            ),
            "organizationId",
        ),
        (
            set(
                seed_001_choices(),
                "/templatePackageChoices/products",
                json!(["00000000-0000-0000-0000-000000000101"]),
            ),
            "templatePackageChoices.products[0]",
        ),
        (
            set(seed_001_choices(), "/templatePackageChoices/products", json!([])),
            "templatePackageChoices.products",
        ),
        (remove(seed_001_choices(), "/paymentAgreementId"), "paymentAgreementId"),
        (
            remove(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters/merchantRedirectUrl",
            ),
            "paymentAgreementParameters.vippsMobilePayParameters.merchantRedirectUrl",
        ),
        (
            remove(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters",
            ),
            "paymentAgreementParameters.vippsMobilePayParameters",
        ),
        (
            set(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters/customerPhoneNumber",
                json!("91234567"),
            ),
            "paymentAgreementParameters.vippsMobilePayParameters.customerPhoneNumber",
        ),
        (
            set(
                swedbank_order("http://s"),
                "/paymentAgreementParameters/payExEcommerceParameters/completeUrl",
                json!("/relative"),
            ),
            "paymentAgreementParameters.payExEcommerceParameters.completeUrl",
        ),
        (
            set(
                swedbank_order("http://s"),
                "/paymentAgreementParameters/paymentMethod",
                json!("Bitcoin"),
            ),
            "paymentAgreementParameters.paymentMethod",
        ),
        // Price override on a template that does not allow it (the S4 example's spelling).
        (
            json!({"subscriberId": "11111111-2222-3333-4444-000000000000", "templatePackageId": NEWS,
                "paymentAgreementId": "44444444-5555-6666-7777-000000000000",
                "templatePackageChoices": {"priceOveride": 99}}),
            "templatePackageChoices.priceOveride",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = s4_create(&base, &token, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {err}");
        assert!(err["message"].as_str().is_some());
        let fields: Vec<&str> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field} not in {fields:?} for {body}");
    }
    assert!(admin_orders(&base).await.is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn seed_001_orders_are_accepted_and_priced() {
    let sb = start().await;
    let base = sb.base_url();
    let token = s4_token(&base).await;
    let (status, view) = s4_create(&base, &token, seed_001_choices()).await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["status"], "InProgress");
    assert!(
        view["terminalRedirectUrl"].is_null(),
        "an existing agreement needs no payment page"
    );
    let (status, view) = s4_complete(
        &base,
        &token,
        view["id"].as_str().unwrap(),
        Some(json!({"maxPollingTimeout": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["status"], "Completed");
    assert!(view["subscriptionId"].as_str().is_some());
    assert_eq!(view["subscriberId"], "11111111-2222-3333-4444-000000000000");

    // S4's override example (its spelling), on the template that allows it.
    let override_body = set(
        remove(seed_001_choices(), "/templatePackageChoices"),
        "/templatePackageChoices",
        json!({"priceOveride": 2000}),
    );
    let (status, _) = s4_create(&base, &token, override_body).await;
    assert_eq!(status, StatusCode::CREATED);
    let orders = admin_orders(&base).await;
    assert_eq!(orders[0]["price"], 7000, "Basic TV 1000 + Slow Internet 6000");
    assert_eq!(orders[1]["price"], 2000);
    sb.shutdown().await;
}

#[tokio::test]
async fn vipps_terminal_approve_then_complete() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (status, view) = s4_create(&base, &token, vipps_order(&shop)).await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    let id = view["id"].as_str().unwrap().to_string();
    let terminal = view["terminalRedirectUrl"]
        .as_str()
        .expect("a terminal URL")
        .to_string();
    assert!(terminal.starts_with(&base));

    let page = browser_text(&terminal).await;
    assert!(page.contains(">Approve<") && page.contains(">Cancel<"));
    assert!(page.contains("149.00"));
    let (action, _) = form_fields(&page);
    let landed = browser_post_form(&format!("{base}{action}"), &[("action", "approve")])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(landed, format!("SHOP /order/complete?orderId={id}"));

    let (_, read) = s4_read(&base, &token, &id).await;
    assert_eq!(read["status"], "InProgress", "approved, not yet completed");
    assert!(read["terminalRedirectUrl"].is_null());
    let (status, done) = s4_complete(&base, &token, &id, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(done["status"], "Completed");
    assert!(done["paymentAgreementId"].as_str().is_some());
    let (status, _) = s4_cancel(&base, &token, &id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a completed order cannot be cancelled");
    sb.shutdown().await;
}

#[tokio::test]
async fn an_agreement_not_approved_in_time_is_409() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (_, view) = s4_create(&base, &token, vipps_order(&shop)).await;
    let id = view["id"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    let (status, _) = s4_complete(&base, &token, &id, Some(json!({"maxPollingTimeout": 200}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(200),
        "it waited for the reader"
    );
    let (_, read) = s4_read(&base, &token, &id).await;
    assert_eq!(
        read["status"], "InProgress",
        "409 alone cancels nothing: the client deletes"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn swedbankpay_terminal_cancel_goes_to_cancel_url_and_cancels() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (_, view) = s4_create(&base, &token, swedbank_order(&shop)).await;
    let id = view["id"].as_str().unwrap().to_string();
    let terminal = view["terminalRedirectUrl"].as_str().unwrap().to_string();
    // A pending complete call sees the cancel as soon as it happens.
    let waiter = {
        let (base, token, id) = (base.clone(), token.clone(), id.clone());
        tokio::spawn(async move { s4_complete(&base, &token, &id, Some(json!({"maxPollingTimeout": 5000}))).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let landed = browser_post_form(&terminal, &[("action", "cancel")])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(landed, format!("SHOP /order/cancel?orderId={id}"));
    let (status, _) = waiter.await.unwrap();
    assert_eq!(status, StatusCode::CONFLICT, "cancelled: not approved");
    let (_, seen) = s4_read(&base, &token, &id).await;
    assert_eq!(seen["status"], "Cancelled");
    // Revisiting the terminal repeats the outcome.
    let again = get(&terminal).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert!(location(&again).contains("/order/cancel"));
    sb.shutdown().await;
}

#[tokio::test]
async fn delete_cancels_and_unknown_orders_are_404() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (_, view) = s4_create(&base, &token, vipps_order(&shop)).await;
    let id = view["id"].as_str().unwrap();
    let (status, cancelled) = s4_cancel(&base, &token, id).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::ACCEPTED, Some("Cancelled"))
    );
    let (status, _) = s4_cancel(&base, &token, id).await;
    assert_eq!(status, StatusCode::ACCEPTED, "cancelling twice is harmless");
    let (status, _) = s4_complete(&base, &token, id, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a cancelled order is not approved");
    let (status, err) = s4_read(&base, &token, "99999999-0000-0000-0000-000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(err["message"].as_str().is_some());
    sb.shutdown().await;
}
