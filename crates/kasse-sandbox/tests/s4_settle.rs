//! S4 by itself: Vipps/MobilePay orders nobody completed are settled some minutes later
//! (completed when approved, cancelled when not), and a 503 fault for completion only.

mod common;

use std::time::Duration;

use common::s4_call as s4;
use common::*;
use kasse_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn vipps_order(shop: &str, method: &str) -> Value {
    json!({
        "externalSubscriberId": "reader-settle",
        "templatePackageId": "10000000-0000-0000-0000-000000000001",
        "paymentAgreementParameters": {
            "paymentMethod": method,
            "vippsMobilePayParameters": {
                "merchantAgreementUrl": format!("{shop}/agreement"),
                "merchantRedirectUrl": format!("{shop}/order/complete"),
            }
        }
    })
}

#[tokio::test]
async fn untouched_vipps_orders_settle_by_themselves() {
    let sb = start_with(SandboxConfig {
        s4_vipps_settle: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let create = |method: &'static str| {
        let (base, token, shop) = (base.clone(), token.clone(), shop.clone());
        async move {
            let (status, view) = s4(&base, &token, Method::POST, "/order", Some(vipps_order(&shop, method))).await;
            assert_eq!(status, StatusCode::CREATED, "{view}");
            view
        }
    };
    let approved = create("Vipps").await;
    let untouched = create("MobilePay").await;
    let (id_a, id_u) = (approved["id"].as_str().unwrap(), untouched["id"].as_str().unwrap());
    let page = browser_text(approved["terminalRedirectUrl"].as_str().unwrap()).await;
    let (action, _) = form_fields(&page);
    browser_post_form(&format!("{base}{action}"), &[("action", "approve")]).await;
    // Before the delay nothing moves by itself.
    let (_, read) = s4(&base, &token, Method::GET, &format!("/order/{id_u}"), None).await;
    assert_eq!(read["status"], "InProgress");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, read) = s4(&base, &token, Method::GET, &format!("/order/{id_a}"), None).await;
    assert_eq!(read["status"], "Completed", "approved: S4 completes it");
    let (_, read) = s4(&base, &token, Method::GET, &format!("/order/{id_u}"), None).await;
    assert_eq!(read["status"], "Cancelled", "never approved: S4 cancels it");
    let (status, _) = s4(&base, &token, Method::POST, &format!("/order/{id_u}/complete"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_503_fault_can_hit_completion_alone() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    set_faults(&base, json!({"rate": 1.0, "kinds": ["503"], "path": "/complete"})).await;
    let (status, view) = s4(&base, &token, Method::POST, "/order", Some(vipps_order(&shop, "Vipps"))).await;
    assert_eq!(status, StatusCode::CREATED, "creation is not targeted: {view}");
    let id = view["id"].as_str().unwrap();
    let (status, body) = s4(&base, &token, Method::POST, &format!("/order/{id}/complete"), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    set_faults(&base, json!({"rate": 0.0})).await;
    let (_, read) = s4(&base, &token, Method::GET, &format!("/order/{id}"), None).await;
    assert_eq!(read["status"], "InProgress", "the 503 processed nothing");
    sb.shutdown().await;
}
