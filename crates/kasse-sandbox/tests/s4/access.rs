//! Who may call S4: the client-credentials token (secret in the form or Basic), the
//! `S4-TenantId` header, and no ConnectID token.

use crate::common::*;
use crate::seed_001_choices;
use reqwest::StatusCode;
use serde_json::Value;

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
