//! ConnectID flows: hosted fulfillment page (three buttons, followed through the redirects),
//! fulfillment API, assign user, coupon price, order status, user mode (login, PKCE, user-mode
//! order, start subscription).

mod common;

use base64::Engine;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn fulfillment_url(base: &str, shop: &str, client: &str, order: &str) -> String {
    let mut u = url::Url::parse(&format!("{base}/user/fulfillment")).unwrap();
    u.query_pairs_mut()
        .append_pair("clientId", client)
        .append_pair("orderId", order)
        .append_pair("returnUrl", &format!("{shop}/return?cart=7"))
        .append_pair("errorUrl", &format!("{shop}/error"));
    u.to_string()
}

/// Opens the hosted page like a browser, presses a button, follows the redirects to the shop and
/// returns what the shop saw.
async fn press(base: &str, shop: &str, order_id: i64, button: &str) -> String {
    let page = browser()
        .get(fulfillment_url(base, shop, CLIENT_ID, &order_id.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for label in [">Pay<", ">Cancel<", ">Fail<"] {
        assert!(html.contains(label), "the page has a {label} button");
    }
    assert!(html.contains(&format!("<dd id=\"order-id\">{order_id}</dd>")));
    assert!(html.contains("149.00 NOK"), "amount and currency shown");
    assert!(html.contains("creditcardPayex"), "method shown");
    let (action, mut fields) = form_fields(&html);
    fields.push(("action".into(), button.into()));
    let landed = browser_post_form(&format!("{base}{action}"), &fields).await;
    assert_eq!(landed.status(), StatusCode::OK);
    landed.text().await.unwrap()
}

fn card_order(external: &str) -> Value {
    set(digi_order(external), "/paymentMethod", json!("creditcardPayex"))
}

#[tokio::test]
async fn hosted_page_pay_cancel_fail_redirect_back_and_set_the_state() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = client_token(&base).await;
    for (button, status, state) in [
        ("pay", "success", "completed"),
        ("cancel", "cancel", "cancelled"),
        ("fail", "error", "failed"),
    ] {
        let id = create_order(&base, &token, &card_order(&format!("page-{button}"))).await;
        let landed = press(&base, &shop, id, button).await;
        assert_eq!(
            landed,
            format!("SHOP /return?cart=7&fulfillmentStatus={status}"),
            "{button}: back at returnUrl with its own query kept"
        );
        assert_eq!(order_state(&base, &token, id).await, state, "{button}");
        // A second visit repeats the outcome instead of showing the page again.
        let again = get(&fulfillment_url(&base, &shop, CLIENT_ID, &id.to_string())).await;
        assert_eq!(again.status(), StatusCode::SEE_OTHER);
        assert!(location(&again).ends_with(&format!("fulfillmentStatus={status}")));
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn hosted_page_sends_prepaid_orders_straight_back_and_unknowns_to_error_url() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = client_token(&base).await;

    let prepaid = set(
        set(card_order("prepaid-1"), "/prepaid", json!(true)),
        "/paymentInfoPayEx",
        json!({"transactionId": "472"}),
    );
    let id = create_order(&base, &token, &prepaid).await;
    let r = get(&fulfillment_url(&base, &shop, CLIENT_ID, &id.to_string())).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("{shop}/return?cart=7&fulfillmentStatus=success"));
    assert_eq!(order_state(&base, &token, id).await, "completed");

    // Unknown order, unknown client, another client's view: the error URL.
    let open = create_order(&base, &token, &card_order("open-1")).await;
    for (client, order) in [
        (CLIENT_ID, "999999"),
        (CLIENT_ID, "abc"),
        ("someone-else", open.to_string().as_str()),
    ] {
        let landed = browser_text(&fulfillment_url(&base, &shop, client, order)).await;
        assert!(
            landed.starts_with("SHOP /error?fulfillmentStatus=error"),
            "{client}/{order}: {landed}"
        );
    }

    // `sms` and `other` orders cannot use the redirect.
    let sms = create_order(&base, &token, &set(digi_order("sms-1"), "/paymentMethod", json!("sms"))).await;
    let r = get(&fulfillment_url(&base, &shop, CLIENT_ID, &sms.to_string())).await;
    assert!(location(&r).contains("/error?fulfillmentStatus=error"));

    // Relative or non-http return URLs are refused outright, never redirected to.
    for bad in ["/relative", "javascript:alert(1)", ""] {
        let u = format!(
            "{base}/user/fulfillment?clientId={CLIENT_ID}&orderId={open}&returnUrl={}",
            urlencode(bad)
        );
        let r = get(&u).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "returnUrl {bad:?}");
        assert!(r.headers().get("location").is_none());
    }
    let u = format!(
        "{base}/user/fulfillment?clientId={CLIENT_ID}&orderId={open}&returnUrl={}&errorUrl=%2Ferr",
        urlencode(&format!("{shop}/return"))
    );
    assert_eq!(get(&u).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(order_state(&base, &token, open).await, "preliminary");
    sb.shutdown().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

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

#[tokio::test]
async fn coupon_price_and_coupon_list() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let price = |body: Value| {
        let token = token.clone();
        let base = base.clone();
        async move { post_for_json(&format!("{base}/capi/v1/client/coupon/price"), &token, &body).await }
    };
    let (status, p) = price(json!({"couponCode": "DIGI1M", "couponNumber": 1001, "customerNumber": 71})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["price"], 149);
    assert_eq!(p["currency"], "NOK");
    assert_eq!(p["product"], "DIGI");
    assert_eq!(p["customerNumber"], 71);
    for key in [
        "companyCode",
        "vatAmount",
        "vatpercent",
        "vatInclude",
        "distAmount",
        "distAmountvat",
    ] {
        assert!(p.get(key).is_some(), "{key}");
    }
    let (_, se) = price(json!({"couponCode": "SEDIG", "couponNumber": 2001})).await;
    assert_eq!(se["currency"], "SEK");
    assert_eq!(se["vatAmount"], 7.3, "6 % VAT included in 129 SEK");

    let (status, err) = price(json!({"couponCode": "DIGI1M", "couponNumber": 1})).await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("CouponNotFoundException"))
    );
    let (status, _) = price(json!({"couponCode": "THIRTEENCHARS", "couponNumber": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = price(json!({"couponCode": "DIGI1M"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let list: Value = get_as(&format!("{base}/capi/v1/client/coupon/DIGI"), &token)
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = list["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["couponCode"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DIGI1M", "DIGIPAPIR", "GAVE3M"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn order_status_has_the_reference_shape() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let id = create_order(&base, &token, &seed_order()).await;
    let status: Value = get_as(&format!("{base}/capi/v1/client/order/status/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let o = &status["orders"][0];
    assert_eq!(o["orderId"], id);
    assert_eq!(o["externalOrderId"], "23456");
    assert_eq!(o["orderStatus"], "preliminary");
    assert_eq!(o["orderAmount"], 150);
    assert_eq!(o["customerNumber"], 71);
    assert!(o["orderTime"].as_i64().unwrap() > 1_700_000_000_000);
    let r = get_as(&format!("{base}/capi/v1/client/order/status/{}", id + 1000), &token).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    sb.shutdown().await;
}

struct Login {
    access: String,
    refresh: String,
}

fn pkce_pair() -> (String, String) {
    let verifier = "kasse-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Logs a seed user in through the login page and exchanges the code with PKCE.
async fn login(base: &str, shop: &str, email: &str, password: &str) -> Login {
    let (verifier, challenge) = pkce_pair();
    let redirect_uri = format!("{shop}/callback");
    let mut u = url::Url::parse(&format!("{base}/user/oauth/authorize")).unwrap();
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("state", "xyz")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let page = get(u.as_str()).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("kari.nordmann@example.no"),
        "the page lists the test users"
    );
    let (action, mut fields) = form_fields(&html);
    fields.extend([
        ("email".into(), email.into()),
        ("password".into(), password.into()),
        ("action".into(), "login".into()),
    ]);
    let r = http()
        .post(format!("{base}{action}"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login accepted");
    let back = url::Url::parse(&location(&r)).unwrap();
    assert!(back.as_str().starts_with(&redirect_uri));
    let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "xyz");
    let code = q["code"].clone();

    // Wrong verifier: refused, and the code is burnt with it (single use).
    let exchange = |verifier: String, code: String| {
        let redirect_uri = redirect_uri.clone();
        async move {
            http()
                .post(format!("{base}/user/oauth/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT_ID),
                    ("code", code.as_str()),
                    ("redirect_uri", redirect_uri.as_str()),
                    ("code_verifier", verifier.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let ok = exchange(verifier.clone(), code.clone()).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let tokens: Value = ok.json().await.unwrap();
    let reused = exchange(verifier, code).await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST, "a code is single use");
    assert_eq!(reused.json::<Value>().await.unwrap()["error"], "invalid_grant");
    Login {
        access: tokens["access_token"].as_str().unwrap().into(),
        refresh: tokens["refresh_token"].as_str().unwrap().into(),
    }
}

#[tokio::test]
async fn user_mode_login_with_pkce_then_order_and_subscription() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let user = login(&base, &shop, "kari.nordmann@example.no", "kasse-demo").await;

    // Flow 1a: user-mode order, then the hosted page.
    let r = post_as(&format!("{base}/capi/v1/order"), &user.access, &card_order("user-1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["orderId"].as_i64().unwrap();
    let orders = admin_orders(&base).await;
    assert_eq!(orders[0]["mode"], "user");
    assert_eq!(orders[0]["uniqueUserId"], "6f1c1a8e-0000-4000-8000-000000000001");
    // The same rules apply in user mode.
    let r = post_as(
        &format!("{base}/capi/v1/order"),
        &user.access,
        &remove(digi_order("user-2"), "/payer"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A user token is no client token.
    let r = get_as(&format!("{base}/capi/v1/client/order/status/{id}"), &user.access).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Start subscription (ConnectID's start-subscription example shape; its "copies": "1" string included).
    let sub = |body: Value| {
        let base = base.clone();
        let token = user.access.clone();
        async move { post_for_json(&format!("{base}/capi/v1/subscription"), &token, &body).await }
    };
    let good = json!({"companyCode": "468979834", "product": "DIGI", "startTime": 1560336440000i64,
        "endTime": 1591958840000i64, "copies": "1", "couponCode": "DIGI1M", "couponNumber": 1001,
        "customerReference": "cvxgds"});
    assert_eq!(sub(good.clone()).await, (StatusCode::OK, json!({"status": "OK"})));
    let (status, err) = sub(set(good.clone(), "/couponNumber", json!(5223))).await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("CouponNotFoundException"))
    );
    let (status, _) = sub(set(good.clone(), "/product", json!("HELG"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "product must be the coupon's");
    let (status, _) = sub(remove(good.clone(), "/startTime")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = sub(set(good.clone(), "/customerReference", json!("x".repeat(38)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = sub(set(good, "/endTime", json!(1))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let subs: Vec<Value> = sandbox_json(&base, "subscriptions").await;
    assert_eq!(subs.len(), 1);

    // Refresh token gives a new access token for the same user.
    let r = http()
        .post(format!("{base}/user/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", user.refresh.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fresh = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(fresh, user.access);
    sb.shutdown().await;
}

/// Submits the login page's form (without following the redirect).
async fn authorize(base: &str, form: &[(&str, String)]) -> reqwest::Response {
    http()
        .post(format!("{base}/user/oauth/authorize"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_page_refuses_wrong_passwords_and_bad_requests() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let (_, challenge) = pkce_pair();
    let redirect_uri = format!("{shop}/callback");
    let form = |email: &str, password: &str, action: &str| {
        vec![
            ("response_type", "code".to_string()),
            ("client_id", CLIENT_ID.to_string()),
            ("redirect_uri", redirect_uri.clone()),
            ("state", "s1".to_string()),
            ("code_challenge", challenge.clone()),
            ("code_challenge_method", "S256".to_string()),
            ("email", email.to_string()),
            ("password", password.to_string()),
            ("action", action.to_string()),
        ]
    };
    let r = authorize(&base, &form("kari.nordmann@example.no", "wrong", "login")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("Wrong e-mail or password"));

    let r = authorize(&base, &form("", "", "cancel")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("{redirect_uri}?error=access_denied&state=s1"));

    // A PKCE challenge too short to be one: refused back to the client; unknown client: an error
    // page, no redirect.
    let r = get(&format!(
        "{base}/user/oauth/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri={}&state=s&code_challenge=short",
        urlencode(&redirect_uri)
    ))
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("error=invalid_request"));
    let r = get(&format!(
        "{base}/user/oauth/authorize?response_type=code&client_id=nobody&redirect_uri={}&code_challenge={challenge}",
        urlencode(&redirect_uri)
    ))
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get("location").is_none());
    sb.shutdown().await;
}
