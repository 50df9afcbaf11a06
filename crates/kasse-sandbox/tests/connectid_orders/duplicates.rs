//! Duplicates by `externalOrderId`: the same body answers the same order, a different body is
//! refused.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

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
