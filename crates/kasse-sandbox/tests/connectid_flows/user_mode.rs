//! User mode: a reader logs in on the login page with PKCE (codes single use), orders and starts a
//! subscription with the user token, and refreshes it; the login page refuses wrong passwords and
//! bad requests.

use crate::common::*;
use crate::{card_order, urlencode};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

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
