//! ConnectID flows: hosted fulfillment page (three buttons, followed through the redirects),
//! fulfillment API, assign user, coupon price, order status, user mode (login, PKCE, user-mode
//! order, start subscription). One test binary, one module per flow; the helpers they share are
//! here.

#[path = "../common/mod.rs"]
mod common;

mod fulfillment;
mod hosted_page;
mod lookups;
mod user_mode;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

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

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
