//! A ConnectID order as the reader's browser makes and pays it.

use super::{connectid_order, Stack};

/// The gateway's ConnectID orders.
pub const ORDERS: &str = "/kasse/v1/connectid/orders";

/// Registers the order the widget builds for `offer` paid with `method` under attempt `key`:
/// its id and token.
pub async fn register(stack: &Stack, offer: &str, method: &str, key: &str) -> (i64, String) {
    let order = connectid_order(stack, offer, method, key);
    let (status, v) = stack.post(&format!("{ORDERS}?offer={offer}"), &order).await;
    assert_eq!(status, 201, "{v}");
    let token = v["orderToken"]
        .as_str()
        .expect("the answer carries the order token")
        .to_string();
    (v["orderId"].as_i64().unwrap(), token)
}

/// What the reader's browser does on the hosted payment page: press Pay.
pub async fn pay_on_hosted_page(stack: &Stack, order_id: i64) {
    press_on_hosted_page(stack, order_id, "pay").await
}

/// The reader presses `action` (`pay`, `cancel`, `fail`) on the sandbox's hosted payment page.
pub async fn press_on_hosted_page(stack: &Stack, order_id: i64, action: &str) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .post(format!("{}/user/fulfillment/decision", stack.sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "clientId=kasse-demo&orderId={order_id}&action={action}\
             &returnUrl=https%3A%2F%2Fwww.avis.example%2Fkasse%2Fback\
             &errorUrl=https%3A%2F%2Fwww.avis.example%2Fkasse%2Ferror"
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
}
