//! The hosted fulfillment page: Pay, Cancel and Fail followed back to the shop with the order's
//! state set; prepaid orders sent straight back; unknown orders, other clients, `sms` orders and
//! bad return URLs refused.

use crate::common::*;
use crate::{card_order, fulfillment_url, press, urlencode};
use reqwest::StatusCode;
use serde_json::json;

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
