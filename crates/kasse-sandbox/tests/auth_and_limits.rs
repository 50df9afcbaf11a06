//! Tokens (both ways of sending credentials, wrong credentials, expiry) and the rate limit.

mod common;

use common::*;
use kasse_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn client_credentials_by_basic_auth_or_form_and_wrong_ones_get_401() {
    let sb = start().await;
    let base = sb.base_url();
    let token = |form: Vec<(&'static str, &'static str)>, basic: Option<(&'static str, &'static str)>| {
        let base = base.clone();
        async move {
            let mut req = http().post(format!("{base}/user/oauth/token")).form(&form);
            if let Some((id, secret)) = basic {
                req = req.basic_auth(id, Some(secret));
            }
            error_of(req.send().await.unwrap()).await
        }
    };
    let (status, body) = token(
        vec![("grant_type", "client_credentials")],
        Some((CLIENT_ID, CLIENT_SECRET)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["expires_in"], 43_200, "12 h by default, as the vendor");
    assert_eq!(body["token_type"], "bearer");
    let (status, _) = token(
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    for (form, basic) in [
        (vec![("grant_type", "client_credentials")], Some((CLIENT_ID, "wrong"))),
        (
            vec![("grant_type", "client_credentials")],
            Some(("nobody", CLIENT_SECRET)),
        ),
        (
            vec![("grant_type", "client_credentials"), ("client_id", CLIENT_ID)],
            None,
        ),
    ] {
        let (status, body) = token(form, basic).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_client");
        assert!(body["error_description"].as_str().is_some());
    }
    let (status, body) = token(vec![("grant_type", "password")], Some((CLIENT_ID, CLIENT_SECRET))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn capi_needs_a_valid_token() {
    let sb = start().await;
    let base = sb.base_url();
    let url = format!("{base}/capi/v1/client/order/status/1");
    let r = get(&url).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    let r = get_as(&url, "made-up").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // An S4 token is not a ConnectID token.
    let s4 = s4_token(&base).await;
    let r = get_as(&url, &s4).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    sb.shutdown().await;
}

#[tokio::test]
async fn tokens_expire() {
    let sb = start_with(SandboxConfig {
        // Short enough for a fast test, long enough that the first use cannot race the expiry.
        token_ttl: Duration::from_secs(2),
        s4_token_ttl: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let s4 = s4_token(&base).await;
    let url = format!("{base}/capi/v1/client/coupon/DIGI");
    assert_eq!(get_as(&url, &token).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = get_as(&url, &token).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    assert!(body["error_description"].as_str().unwrap().contains("expired"));
    // A fresh token works again.
    let token = client_token(&base).await;
    assert_eq!(get_as(&url, &token).await.status(), StatusCode::OK);

    let r = http()
        .get(format!("{base}/s4/order/00000000-0000-0000-0000-000000000001"))
        .bearer_auth(&s4)
        .header("S4-TenantId", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "S4 tokens expire too");
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_per_second_answers_429_with_headers() {
    let sb = start_with(SandboxConfig {
        rate_per_sec: 3,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let url = format!("{base}/capi/v1/client/coupon/DIGI");
    // Ten calls at once: they land in one or two one-second windows (more only on a machine so
    // slow that the burst spans seconds; the bound below follows the time actually taken).
    let client = http();
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let req = client.get(&url).bearer_auth(&token);
            tokio::spawn(async move { req.send().await.unwrap() })
        })
        .collect();
    let mut responses = Vec::new();
    for call in calls {
        responses.push(call.await.unwrap());
    }
    let windows = started.elapsed().as_secs() as usize + 2;
    let mut statuses = Vec::new();
    let mut limited = None;
    for r in responses {
        let remaining: u32 = r.headers()["x-ratelimit-remaining"].to_str().unwrap().parse().unwrap();
        assert!(remaining <= 3);
        assert!(r.headers().contains_key("x-ratelimit-reset"));
        statuses.push(r.status());
        if r.status() == StatusCode::TOO_MANY_REQUESTS && limited.is_none() {
            limited = Some(r);
        }
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert!(ok >= 3 && ok <= 3 * windows, "{statuses:?}");
    let limited = limited.expect("a 429");
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(limited.headers()["retry-after"], "1");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["exceptionType"], "RateLimitExceededException");
    // The request log names the client of the refused calls.
    let log = request_log(&base).await;
    assert!(log.iter().any(|e| e["status"] == 429 && e["clientId"] == CLIENT_ID));
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_per_minute() {
    let sb = start_with(SandboxConfig {
        rate_per_min: 2,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let url = format!("{base}/capi/v1/client/coupon/DIGI");
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = get_as(&url, &token).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let reset: i64 = r.headers()["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
            assert!(
                (1..=60).contains(&reset),
                "seconds until the minute starts over: {reset}"
            );
        }
        statuses.push(r.status());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    // Two per minute (four if the calls straddle a minute boundary).
    assert!((2..=4).contains(&ok), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
    // Limits are per client: the sandbox's reset clears the counters.
    reset(&base).await;
    assert_eq!(get_as(&url, &token).await.status(), StatusCode::OK);
    sb.shutdown().await;
}
