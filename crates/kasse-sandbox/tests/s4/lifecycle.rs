//! An S4 order's life without the terminal page: accepted and priced, completed on an existing
//! agreement, 409 when the reader does not approve in time, cancelled by `DELETE`, 404 when unknown.

use crate::common::*;
use crate::{s4_cancel, s4_complete, s4_create, s4_read, seed_001_choices, vipps_order};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn seed_001_orders_are_accepted_and_priced() {
    let sb = start().await;
    let base = sb.base_url();
    let token = s4_token(&base).await;
    let (status, view) = s4_create(&base, &token, seed_001_choices()).await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["status"], "InProgress");
    assert!(
        view["terminalRedirectUrl"].is_null(),
        "an existing agreement needs no payment page"
    );
    let (status, view) = s4_complete(
        &base,
        &token,
        view["id"].as_str().unwrap(),
        Some(json!({"maxPollingTimeout": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["status"], "Completed");
    assert!(view["subscriptionId"].as_str().is_some());
    assert_eq!(view["subscriberId"], "11111111-2222-3333-4444-000000000000");

    // S4's override example (its spelling), on the template that allows it.
    let override_body = set(
        remove(seed_001_choices(), "/templatePackageChoices"),
        "/templatePackageChoices",
        json!({"priceOveride": 2000}),
    );
    let (status, _) = s4_create(&base, &token, override_body).await;
    assert_eq!(status, StatusCode::CREATED);
    let orders = admin_orders(&base).await;
    assert_eq!(orders[0]["price"], 7000, "Basic TV 1000 + Slow Internet 6000");
    assert_eq!(orders[1]["price"], 2000);
    sb.shutdown().await;
}

/// Still undecided when `maxPollingTimeout` runs out: the order as it stands, `InProgress` ("0 =
/// fully asynchronous": the caller asks again). 409 is for an agreement the reader did not
/// approve (tests/s4/terminal.rs).
#[tokio::test]
async fn an_agreement_still_undecided_after_the_polling_time_answers_in_progress() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (_, view) = s4_create(&base, &token, vipps_order(&shop)).await;
    let id = view["id"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    let (status, answer) = s4_complete(&base, &token, &id, Some(json!({"maxPollingTimeout": 200}))).await;
    assert_eq!(
        (status, &answer["status"]),
        (StatusCode::OK, &json!("InProgress")),
        "{answer}"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(200),
        "it waited for the reader"
    );
    let (_, read) = s4_read(&base, &token, &id).await;
    assert_eq!(read["status"], "InProgress", "nothing decided, nothing cancelled");
    sb.shutdown().await;
}

#[tokio::test]
async fn delete_cancels_and_unknown_orders_are_404() {
    let sb = start().await;
    let base = sb.base_url();
    let shop = shop().await;
    let token = s4_token(&base).await;
    let (_, view) = s4_create(&base, &token, vipps_order(&shop)).await;
    let id = view["id"].as_str().unwrap();
    let (status, cancelled) = s4_cancel(&base, &token, id).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::ACCEPTED, Some("Cancelled"))
    );
    let (status, _) = s4_cancel(&base, &token, id).await;
    assert_eq!(status, StatusCode::ACCEPTED, "cancelling twice is harmless");
    let (status, _) = s4_complete(&base, &token, id, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a cancelled order is not approved");
    let (status, err) = s4_read(&base, &token, "99999999-0000-0000-0000-000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(err["message"].as_str().is_some());
    sb.shutdown().await;
}
