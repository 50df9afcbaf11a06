//! The terminal page, followed through the redirects: Vipps approved then completed, SwedbankPay
//! cancelled back to the cancel URL while a complete call waits.

use crate::common::*;
use crate::{s4_cancel, s4_complete, s4_create, s4_read, swedbank_order, vipps_order};
use reqwest::StatusCode;
use serde_json::json;

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
