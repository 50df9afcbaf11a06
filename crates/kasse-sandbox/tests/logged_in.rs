//! ConnectID for logged-in readers: the login page for the demo readers Kari and Ola (state
//! echoed, codes single use), the customer profile, the access check, token revocation and the
//! hosted logout page.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const REDIRECT: &str = "http://127.0.0.1:9/callback";

async fn profile(base: &str, token: &str) -> (StatusCode, Value) {
    let r = get_as(&format!("{base}/capi/v1/customer/profile"), token).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn access(base: &str, token: &str, body: Value) -> (StatusCode, Value) {
    post_for_json(&format!("{base}/capi/v1/customer/access"), token, &body).await
}

async fn has_digi(base: &str, token: &str) -> bool {
    let (status, answer) = access(base, token, json!({"product": "DIGI"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["access"].as_bool().unwrap()
}

#[tokio::test]
async fn kari_and_ola_log_in_with_the_demo_password_state_echoed_codes_single_use() {
    let sb = start().await;
    let base = sb.base_url();
    let page = get(&authorize_url(&base, REDIRECT, "x")).await.text().await.unwrap();
    assert!(
        page.contains(KARI) && page.contains(OLA),
        "the page lists both demo readers"
    );
    for email in [KARI, OLA] {
        // A state with characters that need encoding comes back exactly.
        let state = format!("csrf {email} &=?");
        let code = login_code(&base, REDIRECT, &state, email).await;
        let first = exchange_code(&base, REDIRECT, &code).await;
        assert_eq!(first.status(), StatusCode::OK, "{email}");
        let tokens: Value = first.json().await.unwrap();
        assert!(tokens["access_token"].is_string() && tokens["refresh_token"].is_string());
        let again = exchange_code(&base, REDIRECT, &code).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a code is single use");
        assert_eq!(again.json::<Value>().await.unwrap()["error"], "invalid_grant");
    }
    // Kari's old password is gone; a wrong one is refused on the page.
    let r = submit_login(&base, REDIRECT, "s", KARI, "kari-passord").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Without PKCE the code is the confidential client's: exchanging it without the secret fails.
    let code = login_code(&base, REDIRECT, "s", KARI).await;
    let r = http()
        .post(format!("{base}/user/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    sb.shutdown().await;
}

#[tokio::test]
async fn profile_has_the_vendor_shape_without_an_address_and_needs_a_user_token() {
    let sb = start().await;
    let base = sb.base_url();
    let kari = user_tokens(&base, KARI).await;
    let (status, mut body) = profile(&base, &kari.access).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["userId"].as_i64().is_some(), "{body}");
    body.as_object_mut().unwrap().remove("userId");
    assert_eq!(
        body,
        json!({
            "uniqueId": KARI_ID,
            "customerNumber": 100001,
            "name": {"firstName": "Kari", "middleName": null, "lastName": "Nordmann", "companyName": null},
            "emails": [KARI],
            "phoneNumbers": [{"phoneNumber": "+4791234567", "phoneNumberType": "MOBILE"}],
            "credential": {"credential": KARI, "credentialType": "EMAIL"},
        })
    );
    let ola = user_tokens(&base, OLA).await;
    let (_, body) = profile(&base, &ola.access).await;
    assert_eq!(
        (&body["uniqueId"], &body["customerNumber"], &body["name"]["firstName"]),
        (&json!(OLA_ID), &json!(100003), &json!("Ola"))
    );
    assert_eq!(body["phoneNumbers"][0]["phoneNumber"], "+4790000001");

    // A client-credentials token is no user token; no token at all is refused too.
    let client = client_token(&base).await;
    assert_eq!(profile(&base, &client).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&format!("{base}/capi/v1/customer/profile")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn kari_gains_digi_when_her_user_mode_order_is_fulfilled_ola_has_it_from_the_seed() {
    let sb = start().await;
    let base = sb.base_url();
    let kari = user_tokens(&base, KARI).await;
    let ola = user_tokens(&base, OLA).await;
    let client = client_token(&base).await;
    assert!(!has_digi(&base, &kari.access).await);
    let (_, answer) = access(&base, &ola.access, json!({"product": "DIGI"})).await;
    assert_eq!(
        answer,
        json!({"access": true, "accesses": [{"product": "DIGI", "source": "seed"}]})
    );

    // Flow 2a-like: a user-mode order, then the fulfillment API (invoice may be completed by API).
    let r = post_as(&format!("{base}/capi/v1/order"), &kari.access, &digi_order("kari-1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let order_id = r.json::<Value>().await.unwrap()["orderId"].as_i64().unwrap();
    assert!(
        !has_digi(&base, &kari.access).await,
        "a preliminary order gives no access"
    );
    let (status, done) = post_for_json(
        &format!("{base}/capi/v1/client/order/fulfillment"),
        &client,
        &json!({"orderId": order_id}),
    )
    .await;
    assert_eq!((status, &done["fulfillmentStatus"]), (StatusCode::OK, &json!("OK")));
    let (_, answer) = access(
        &base,
        &kari.access,
        json!({"product": "DIGI", "companyCode": "468979834"}),
    )
    .await;
    assert_eq!(
        answer,
        json!({"access": true, "accesses": [{"product": "DIGI", "source": "order", "orderId": order_id}]})
    );
    let (_, answer) = access(&base, &kari.access, json!({"product": "HELG"})).await;
    assert_eq!(answer["access"], false, "only the product she bought");

    // A reset forgets the order (and her access); Ola's seeded access stays.
    reset(&base).await;
    assert!(!has_digi(&base, &kari.access).await);
    assert!(has_digi(&base, &ola.access).await);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_started_subscription_gives_access_and_the_check_validates_product() {
    let sb = start().await;
    let base = sb.base_url();
    let kari = user_tokens(&base, KARI).await;
    let start_body = json!({"product": "DIGI", "startTime": 1560336440000i64, "copies": 1,
        "couponCode": "DIGI1M", "couponNumber": 1001});
    let (status, _) = post_for_json(&format!("{base}/capi/v1/subscription"), &kari.access, &start_body).await;
    assert_eq!(status, StatusCode::OK);
    let (_, answer) = access(&base, &kari.access, json!({"product": "DIGI"})).await;
    assert_eq!(answer["access"], true);
    assert_eq!(answer["accesses"][0]["source"], "subscription");
    assert!(answer["accesses"][0]["subscriptionId"].is_i64());

    for bad in [
        json!({}),
        json!({"product": "  "}),
        json!({"product": 7}),
        json!({"product": "X".repeat(13)}),
    ] {
        let (status, err) = access(&base, &kari.access, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(err["exceptionType"], "ValidationException");
        assert!(err["errorMessage"].as_str().unwrap().contains("product"), "{err}");
    }
    let client = client_token(&base).await;
    let (status, _) = access(&base, &client, json!({"product": "DIGI"})).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a client token cannot ask for a reader"
    );
    sb.shutdown().await;
}

async fn revoke(base: &str, secret: &str, token: Option<&str>) -> StatusCode {
    let form: Vec<(&str, &str)> = token.map(|t| ("token", t)).into_iter().collect();
    http()
        .post(format!("{base}/user/oauth/revoke"))
        .basic_auth(CLIENT_ID, Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn revoke_refuses_the_access_token_and_its_refresh_token_afterwards() {
    let sb = start().await;
    let base = sb.base_url();
    let kari = user_tokens(&base, KARI).await;
    assert_eq!(profile(&base, &kari.access).await.0, StatusCode::OK);
    assert_eq!(
        revoke(&base, "wrong", Some(&kari.access)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(revoke(&base, CLIENT_SECRET, None).await, StatusCode::BAD_REQUEST);
    assert_eq!(
        profile(&base, &kari.access).await.0,
        StatusCode::OK,
        "nothing revoked yet"
    );

    assert_eq!(revoke(&base, CLIENT_SECRET, Some(&kari.access)).await, StatusCode::OK);
    assert_eq!(profile(&base, &kari.access).await.0, StatusCode::UNAUTHORIZED);
    let r = refresh(&base, &kari.refresh).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
    // Revoking again (a retry) is harmless.
    assert_eq!(revoke(&base, CLIENT_SECRET, Some(&kari.access)).await, StatusCode::OK);

    // A login refreshed since: revoking its first refresh token ends the refreshed pair too.
    let ola = user_tokens(&base, OLA).await;
    let r = refresh(&base, &ola.refresh).await;
    assert_eq!(r.status(), StatusCode::OK);
    let fresh = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(profile(&base, &fresh).await.0, StatusCode::OK);
    assert_eq!(revoke(&base, CLIENT_SECRET, Some(&ola.refresh)).await, StatusCode::OK);
    assert_eq!(profile(&base, &fresh).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(profile(&base, &ola.access).await.0, StatusCode::UNAUTHORIZED);

    // Another login of the same reader is untouched.
    let kari_again = user_tokens(&base, KARI).await;
    assert_eq!(profile(&base, &kari_again.access).await.0, StatusCode::OK);
    sb.shutdown().await;
}

fn logout_url(base: &str, client: &str, return_url: &str, error_url: Option<&str>) -> String {
    let mut u = url::Url::parse(&format!("{base}/user/logout")).unwrap();
    u.query_pairs_mut()
        .append_pair("clientId", client)
        .append_pair("returnUrl", return_url);
    if let Some(e) = error_url {
        u.query_pairs_mut().append_pair("errorUrl", e);
    }
    u.to_string()
}

#[tokio::test]
async fn logout_redirects_to_a_good_return_url_and_shows_an_error_otherwise() {
    let sb = start().await;
    let base = sb.base_url();
    let back = "https://shop.example/logged-out?x=1";
    let r = get(&logout_url(&base, CLIENT_ID, back, Some("https://shop.example/error"))).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(location(&r), back);
    let logouts: Vec<Value> = sandbox_json(&base, "logouts").await;
    assert_eq!(logouts.len(), 1);
    assert_eq!(
        (&logouts[0]["clientId"], &logouts[0]["returnUrl"]),
        (&json!(CLIENT_ID), &json!(back))
    );

    let refused = [
        logout_url(&base, "nobody", back, None),
        logout_url(&base, CLIENT_ID, "/relative", None),
        logout_url(&base, CLIENT_ID, "javascript:alert(1)", None),
        logout_url(&base, CLIENT_ID, back, Some("ftp://shop.example/e")),
        format!("{base}/user/logout?clientId={CLIENT_ID}"),
    ];
    for url in refused {
        let r = get(&url).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{url}");
        assert!(r.headers().get("location").is_none(), "never redirected: {url}");
        assert!(r.text().await.unwrap().contains("Something went wrong"));
    }
    assert_eq!(sandbox_json::<Vec<Value>>(&base, "logouts").await.len(), 1);
    reset(&base).await;
    assert!(sandbox_json::<Vec<Value>>(&base, "logouts").await.is_empty());
    sb.shutdown().await;
}
