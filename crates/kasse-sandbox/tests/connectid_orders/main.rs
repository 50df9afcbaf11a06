//! `POST /capi/v1/client/order` and `POST /capi/v1/order`: every rule's accept and reject case.
//! One test binary, one module each for what is accepted, what is refused (and why) and
//! duplicates; the raw post they share is here.

#[path = "../common/mod.rs"]
mod common;

mod accepts;
mod duplicates;
mod rejects;

use common::*;

/// Posts an order body exactly as given (bytes, not re-serialized JSON).
async fn post_raw_order(base: &str, token: &str, body: &'static str) -> reqwest::Response {
    http()
        .post(format!("{base}/capi/v1/client/order"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}
