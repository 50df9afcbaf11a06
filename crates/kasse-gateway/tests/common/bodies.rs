//! What the browser sends: the checkout form, the ConnectID order and the S4 request the widget
//! builds with kasse-core's builders from the gateway's own catalog, and the prepayment voucher
//! the publisher's server signs.

use kasse_core::checkout::{build_client_order, build_s4_request, CheckoutForm, S4Urls};
use serde_json::Value;

use super::Stack;

/// A prepayment voucher as the publisher's server signs it (the demo secret), valid for 10 minutes.
pub fn voucher(offer: &str, amount: i64, transaction_id: &str, jti: &str) -> String {
    let key = kasse_gateway::prepayment::VoucherKey::new(b"kasse-demo-prepayment-secret").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    kasse_gateway::prepayment::sign(
        &key,
        &kasse_gateway::prepayment::VoucherClaims {
            offer: offer.into(),
            amount,
            currency: "NOK".into(),
            transaction_id: transaction_id.into(),
            merchant_id: "54823419".into(),
            exp: now + 600,
            jti: jti.into(),
        },
    )
}

/// Now, milliseconds since the epoch: an order's `orderDate` must be close to the gateway's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn form(method: &str) -> CheckoutForm {
    CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        email: "kari.nordmann@example.no".into(),
        phone: "912 34 567".into(),
        street: "Osloveien 12".into(),
        postal_code: "0101".into(),
        postal_place: "Oslo".into(),
        country_code: "NO".into(),
        method: method.into(),
        accept_terms: true,
        ..CheckoutForm::default()
    }
}

/// The ConnectID order the widget builds for `offer` with `method`, as JSON.
pub fn connectid_order(stack: &Stack, offer: &str, method: &str, external_order_id: &str) -> Value {
    connectid_order_for(&stack.offer(offer), method, external_order_id)
}

/// The ConnectID order the widget builds for `offer` with `method`, as JSON.
pub fn connectid_order_for(offer: &kasse_core::offer::Offer, method: &str, external_order_id: &str) -> Value {
    let mut f = form(method);
    if offer.currency.code() == "SEK" {
        f.country_code = "SE".into();
        f.postal_code = "111 22".into();
        f.phone = "070 123 45 67".into();
    }
    let order = build_client_order(offer, &f, external_order_id, now_ms()).expect("core builds the order");
    serde_json::to_value(order).unwrap()
}

/// The return URLs on the tests' allowed prefix, and the publisher's own URLs as the example
/// configuration names them (what `GET /offers/{id}` tells the widget).
pub fn s4_urls() -> S4Urls {
    S4Urls {
        merchant_agreement_url: "http://127.0.0.1:8080/#kasse-agreements".into(),
        complete_url: "https://www.avis.example/kasse/complete".into(),
        cancel_url: "https://www.avis.example/kasse/cancel".into(),
        callback_url: "http://127.0.0.1:8080/kasse/v1/s4/callback".into(),
        ..S4Urls::default()
    }
}

/// The demo's prepaid gift order for attempt `key`, carrying the payment `transaction_id`.
pub fn prepaid_order(stack: &Stack, key: &str, transaction_id: &str) -> Value {
    let mut order = connectid_order(stack, "gift-3m", "invoice", key);
    order["paymentInfoPayEx"] = serde_json::json!({"transactionId": transaction_id, "merchantId": "54823419"});
    order
}

/// What the widget posts for `offer` with `method` (`{order, contact}`), as JSON; `reader` is the
/// reader's last name, so that two tests' bodies differ.
pub fn s4_order(stack: &Stack, offer: &str, method: &str, reader: &str) -> Value {
    s4_order_choosing(stack, offer, method, reader, &[])
}

/// As [`s4_order`], with the reader's product choice.
pub fn s4_order_choosing(stack: &Stack, offer: &str, method: &str, reader: &str, products: &[&str]) -> Value {
    let offer = stack.offer(offer);
    let mut form = form(method);
    form.last_name = reader.into();
    form.products = products.iter().map(|p| p.to_string()).collect();
    let request = build_s4_request(&offer, &form, &s4_urls()).expect("core builds the S4 request");
    serde_json::to_value(request).unwrap()
}
