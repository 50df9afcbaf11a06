//! S4: token, tenant header, validation errors, terminal page (Approve / Cancel, followed through
//! the redirects), complete, read, cancel. One test binary, one module per subject; the order
//! calls and bodies they share are here.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod lifecycle;
mod terminal;
mod validation;

use common::s4_call as s4;
use reqwest::StatusCode;
use serde_json::{json, Value};

const TV: &str = "10000000-0000-0000-0000-000000000000";
const NEWS: &str = "10000000-0000-0000-0000-000000000001";

async fn s4_create(base: &str, token: &str, body: Value) -> (StatusCode, Value) {
    s4(base, token, reqwest::Method::POST, "/order", Some(body)).await
}

async fn s4_complete(base: &str, token: &str, id: &str, body: Option<Value>) -> (StatusCode, Value) {
    let path = format!("/order/{id}/complete");
    s4(base, token, reqwest::Method::POST, &path, body).await
}

async fn s4_read(base: &str, token: &str, id: &str) -> (StatusCode, Value) {
    let path = format!("/order/{id}");
    s4(base, token, reqwest::Method::GET, &path, None).await
}

async fn s4_cancel(base: &str, token: &str, id: &str) -> (StatusCode, Value) {
    let path = format!("/order/{id}");
    s4(base, token, reqwest::Method::DELETE, &path, None).await
}

fn seed_001_choices() -> Value {
    // S4's order example, with its `priceOveride` spelling tested separately.
    json!({
        "subscriberId": "11111111-2222-3333-4444-000000000000",
        "templatePackageId": TV,
        "paymentAgreementId": "44444444-5555-6666-7777-000000000000",
        "organizationId": "20000000-0000-0000-0000-000000000000",
        "templatePackageChoices": {
            "products": ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000006"]
        }
    })
}

fn vipps_order(shop: &str) -> Value {
    json!({
        "externalSubscriberId": "reader-1",
        "templatePackageId": NEWS,
        "paymentAgreementParameters": {
            "paymentMethod": "Vipps",
            "vippsMobilePayParameters": {
                "customerPhoneNumber": "+4791234567",
                "merchantAgreementUrl": format!("{shop}/agreement"),
                "merchantRedirectUrl": format!("{shop}/order/complete"),
                "accountId": "acc-1",
                "profileScope": "name address email"
            }
        }
    })
}

fn swedbank_order(shop: &str) -> Value {
    json!({
        "subscriberNumber": 4711,
        "templatePackageId": NEWS,
        "paymentAgreementParameters": {
            "paymentMethod": "SwedbankPay",
            "payExEcommerceParameters": {
                "callbackUrl": format!("{shop}/api/payment/callback"),
                "cancelUrl": format!("{shop}/order/cancel"),
                "completeUrl": format!("{shop}/order/complete"),
                "culture": "nb-NO"
            }
        }
    })
}
