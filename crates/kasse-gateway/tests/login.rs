//! Readers logging in through the gateway, against the sandbox's ConnectID login page: the session
//! cookie's attributes, tokens that never reach the browser, single-use `state`, the custom header
//! the session calls need, refresh and logout.

mod common;

use common::login::*;
use common::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};

async fn session(stack: &Stack, cookie: &str, header: bool) -> (u16, Value) {
    let mut r = stack.http.get(stack.url("/kasse/v1/session")).header(COOKIE, cookie);
    if header {
        r = r.header("Kasse-Session", "1");
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_reader_logs_in_and_the_gateway_alone_holds_the_tokens() {
    let stack = Stack::start().await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    assert_eq!(login.landed, format!("{ARTICLE}?kasseLogin=ok"));
    assert!(!login.seen[0].contains("code_challenge"), "no PKCE unless configured");
    for part in ["kasse_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(login.set_cookie.contains(part), "{part}: {}", login.set_cookie);
    }
    let (status, v) = session(&stack, &login.cookie, true).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["loggedIn"], true);
    assert_eq!(v["profile"]["email"], "kari.nordmann@example.no");
    assert_eq!(v["profile"]["firstName"], "Kari");
    // No token of the reader's anywhere the browser looks: URLs, bodies, the cookie.
    let text = format!("{} {} {v}", login.seen.join(" "), login.set_cookie);
    for word in ["access_token", "refresh_token", "accessToken", "Bearer"] {
        assert!(!text.contains(word), "{word} in {text}");
    }
    // Without the custom header the session is not used (a cross-site form or image cannot).
    let (status, v) = session(&stack, &login.cookie, false).await;
    assert_eq!((status, error_code(&v)), (403, "session_header_required"));
    // No cookie, or a forged one: logged out.
    let (_, v) = session(&stack, "kasse_session=forged", true).await;
    assert_eq!(v, json!({"loggedIn": false}));
    stack.shutdown().await;
}

/// Login CSRF: an attacker logs in with their own account, stops before ConnectID's redirect back
/// and has the reader open that callback URL. Had it worked, the reader would be logged in as the
/// attacker, and the reader's order and details would go to the attacker's account.
#[tokio::test]
async fn a_callback_is_refused_in_a_browser_that_did_not_begin_the_login() {
    let stack = Stack::start().await;
    let attacker = authorize(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let callback = on_gateway(&stack, &attacker.callback);
    // The reader's browser: no login cookie, or the one of a login of its own.
    let readers_own = authorize(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    for cookie in [None, Some(readers_own.began.as_str())] {
        let mut request = no_redirect().get(&callback);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 400, "with {cookie:?}");
        assert!(r.headers().get(SET_COOKIE).is_none(), "no session for the reader");
        assert!(r.headers().get(LOCATION).is_none());
        let v: Value = r.json().await.unwrap();
        assert_eq!(error_code(&v), "login_expired");
    }
    // The browser that began it still can: the refusal used nothing up.
    let r = no_redirect()
        .get(&callback)
        .header(COOKIE, &attacker.began)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_state_is_taken_once_and_a_code_is_exchanged_once() {
    let stack = Stack::start().await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let callback = on_gateway(&stack, &login.seen[1]);
    // Replayed by the same browser, which still holds the login cookie it began with.
    let r = no_redirect()
        .get(&callback)
        .header(COOKIE, &login.began)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a replayed callback makes no second session");
    assert!(r.headers().get(SET_COOKIE).is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "login_expired");
    // A made-up state: refused the same way, nothing redirected anywhere.
    let r = no_redirect()
        .get(stack.url("/kasse/v1/login/callback?code=x&state=made-up"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get(LOCATION).is_none());
    // A return URL off the allowed prefixes is never started.
    let r = no_redirect()
        .get(stack.url("/kasse/v1/login?returnUrl=https%3A%2F%2Fevil.example%2F"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    stack.shutdown().await;
}

#[tokio::test]
async fn logout_ends_the_session_here_and_points_at_connectids_logout() {
    let stack = Stack::start().await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let logout = |header: bool| {
        let mut r = stack
            .http
            .post(stack.url("/kasse/v1/logout"))
            .header(COOKIE, &login.cookie)
            .json(&json!({"returnUrl": ARTICLE}));
        if header {
            r = r.header("Kasse-Session", "1");
        }
        r.send()
    };
    assert_eq!(logout(false).await.unwrap().status(), 403);
    let r = logout(true).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let v: Value = r.json().await.unwrap();
    let url = v["logoutUrl"].as_str().unwrap();
    assert!(url.contains("/user/logout?clientId=kasse-demo&returnUrl="), "{url}");
    let (_, v) = session(&stack, &login.cookie, true).await;
    assert_eq!(v["loggedIn"], false, "the old cookie opens nothing");
    let revoked = stack
        .sandbox_list("requests")
        .await
        .iter()
        .filter(|r| r["path"] == "/user/oauth/revoke" && r["status"] == 200)
        .count();
    assert_eq!(revoked, 2, "the access and the refresh token are revoked at ConnectID");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_on_use() {
    let stack = Stack::start_with(
        kasse_sandbox::SandboxConfig {
            // Shorter than the gateway's refresh margin: every session call refreshes.
            token_ttl: std::time::Duration::from_secs(30),
            ..kasse_sandbox::SandboxConfig::default()
        },
        |_| {},
    )
    .await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    for _ in 0..2 {
        let (status, v) = session(&stack, &login.cookie, true).await;
        assert_eq!((status, &v["loggedIn"]), (200, &json!(true)), "{v}");
    }
    let refreshes = stack
        .sandbox_list("requests")
        .await
        .iter()
        .filter(|r| r["path"] == "/user/oauth/token")
        .count();
    assert!(refreshes >= 3, "the code, then a refresh per session call: {refreshes}");
    stack.shutdown().await;
}

/// POST with the reader's session (cookie and `Kasse-Session`), and the order's token when known.
async fn post_in_session(stack: &Stack, cookie: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = stack
        .http
        .post(stack.url(path))
        .header(COOKIE, cookie)
        .header("Kasse-Session", "1")
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_logged_in_reader_orders_in_their_own_name_with_no_assign_user() {
    let stack = Stack::start().await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "user-mode-0001");
    let (status, v) = post_in_session(&stack, &login.cookie, "/kasse/v1/connectid/orders", &order).await;
    assert_eq!(status, 201, "{v}");
    let orders = stack.sandbox_orders().await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert_eq!(
        orders[0]["mode"], "user",
        "registered with the reader's token: {}",
        orders[0]
    );
    assert_eq!(orders[0]["uniqueUserId"], "6f1c1a8e-0000-4000-8000-000000000001");
    // Flow 1a: the order is the reader's already; assign user is a wrong step, never forwarded.
    let id = v["orderId"].as_i64().unwrap();
    let token = v["orderToken"].as_str().unwrap();
    let (status, v) = stack
        .post_as(
            &format!("/kasse/v1/connectid/orders/{id}/user"),
            Some(token),
            &json!({"credential": "kari.nordmann@example.no"}),
        )
        .await;
    assert_eq!((status, error_code(&v)), (409, "wrong_step"), "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_order_in_a_session_that_ended_is_refused_before_the_vendor() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "digital-month", "creditcardPayex", "user-mode-0002");
    for cookie in ["", "kasse_session=forged-or-ended"] {
        let (status, v) = post_in_session(&stack, cookie, "/kasse/v1/connectid/orders", &order).await;
        assert_eq!((status, error_code(&v)), (401, "login_required"), "{v}");
    }
    assert_eq!(stack.sandbox_order_count().await, 0, "nothing reached the vendor");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_reader_who_has_the_product_already_is_told_so() {
    let stack = Stack::start().await;
    let access = |cookie: String| {
        let stack = &stack;
        async move {
            let r = stack
                .http
                .get(stack.url("/kasse/v1/offers/digital-month/access"))
                .header(COOKIE, cookie)
                .header("Kasse-Session", "1")
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let ola = log_in(&stack, "ola.nordmann@example.no", "kasse-demo").await;
    assert_eq!(access(ola.cookie).await, (200, json!({"hasAccess": true})));
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    assert_eq!(access(kari.cookie).await, (200, json!({"hasAccess": false})));
    let (status, v) = access(String::new()).await;
    assert_eq!((status, error_code(&v)), (401, "login_required"));
    stack.shutdown().await;
}

/// The start-subscription body the widget builds for `offer` now, as JSON.
fn start_body(stack: &Stack, offer: &str) -> Value {
    let req = kasse_core::checkout::build_start_subscription(&stack.offer(offer), now_ms()).unwrap();
    serde_json::to_value(req).unwrap()
}

async fn start(stack: &Stack, cookie: &str, key: &str, body: &Value) -> (u16, Value) {
    let r = stack
        .http
        .post(stack.url("/kasse/v1/connectid/subscriptions?offer=digital-included"))
        .header(COOKIE, cookie)
        .header("Kasse-Session", "1")
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_logged_in_reader_starts_the_included_subscription_once() {
    let stack = Stack::start().await;
    let body = start_body(&stack, "digital-included");
    // Not logged in: nothing is started.
    let (status, v) = start(&stack, "", "start-attempt-0", &body).await;
    assert_eq!((status, error_code(&v)), (401, "login_required"), "{v}");
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    // Tampered: another coupon is refused before the vendor.
    let mut other = body.clone();
    other["couponCode"] = json!("DIGI1M");
    other["couponNumber"] = json!(1001);
    let (status, _) = start(&stack, &kari.cookie, "start-attempt-x", &other).await;
    assert_eq!(status, 422);
    // A double click: one subscription.
    for _ in 0..2 {
        let (status, v) = start(&stack, &kari.cookie, "start-attempt-1", &body).await;
        assert_eq!((status, &v["started"]), (201, &json!(true)), "{v}");
    }
    let subs = stack.sandbox_list("subscriptions").await;
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0]["body"]["couponCode"], "DIGIPAPIR");
    // Started, she has it now: a new attempt is refused before the vendor.
    let (status, v) = start(
        &stack,
        &kari.cookie,
        "start-attempt-2",
        &start_body(&stack, "digital-included"),
    )
    .await;
    assert_eq!((status, error_code(&v)), (409, "already_has_access"), "{v}");
    assert_eq!(stack.sandbox_list("subscriptions").await.len(), 1);
    let r = stack
        .http
        .get(stack.url("/kasse/v1/offers/digital-included/access"))
        .header(COOKIE, &kari.cookie)
        .header("Kasse-Session", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"hasAccess": true}));
    stack.shutdown().await;
}

#[tokio::test]
async fn flow_2a_a_logged_in_reader_completes_a_prepaid_order_by_api() {
    let stack = Stack::start().await;
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let mut order = connectid_order(&stack, "gift-3m", "invoice", "user-prepaid-01");
    order["paymentInfoPayEx"] = json!({"transactionId": "T-2A", "merchantId": "54823419"});
    let r = stack
        .http
        .post(stack.url("/kasse/v1/connectid/orders"))
        .header(COOKIE, &kari.cookie)
        .header("Kasse-Session", "1")
        .header("Kasse-Prepayment", voucher("gift-3m", 39_900, "T-2A", "jti-2a"))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    let (id, token) = (
        v["orderId"].as_i64().unwrap(),
        v["orderToken"].as_str().unwrap().to_owned(),
    );
    let (status, v) = stack
        .post_as(
            &format!("/kasse/v1/connectid/orders/{id}/complete"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let stored = stack.sandbox_orders().await;
    assert_eq!(stored[0]["mode"], "user");
    assert_eq!(stored[0]["state"], "completed");
    assert!(stored[0]["assignment"].is_null(), "no assign user in flow 2a");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_foreign_origin_cannot_use_the_readers_session() {
    let stack = Stack::start().await;
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    let r = stack
        .http
        .get(stack.url("/kasse/v1/session"))
        .header(COOKIE, &kari.cookie)
        .header("Kasse-Session", "1")
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    assert!(!body.contains("kari"), "{body}");
    stack.shutdown().await;
}

#[tokio::test]
async fn pkce_is_sent_where_configured_and_the_login_still_works() {
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        s.connectid.as_mut().unwrap().login.as_mut().unwrap().pkce = true;
    })
    .await;
    let login = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    assert!(
        login.seen[0].contains("code_challenge_method=S256"),
        "{}",
        login.seen[0]
    );
    let (_, v) = session(&stack, &login.cookie, true).await;
    assert_eq!(v["loggedIn"], true, "the verifier went with the code: {v}");
    stack.shutdown().await;
}
