//! S4 orders through the gateway against the sandbox: the reader's choice priced and ordered,
//! one subscriber and one order per attempt whatever is retried, and SwedbankPay's callback as a
//! poke that never completes an order.

mod common;

use common::*;
use kasse_core::attempt::AttemptPhase;
use kasse_core::lifecycle::OrderState;
use kasse_core::offer::Backend;
use serde_json::{json, Value};

const DIGITAL: &str = "00000000-0000-0000-0000-000000000201";
const SUNDAY: &str = "00000000-0000-0000-0000-000000000203";
const ORDERS: &str = "/kasse/v1/s4/orders?offer=s4-avis-velg";

/// The sandbox's subscribers whose external id is `external_id`.
async fn subscribers(stack: &Stack, external_id: &str) -> Vec<Value> {
    let all = stack.sandbox_list("s4/subscribers").await;
    all.into_iter().filter(|s| s["externalId"] == external_id).collect()
}

/// The body the sandbox stored for S4 order `id`.
async fn vendor_order(stack: &Stack, id: &str) -> Value {
    let all = stack.sandbox_orders().await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|o| o["orderId"].as_str().is_some_and(|o| o.eq_ignore_ascii_case(id)))
        .cloned()
        .unwrap_or_else(|| panic!("no order {id} at the sandbox: {all}"))
}

/// A bearer token of the demo S4 client, to act at the sandbox as S4 itself would be acted on.
async fn s4_token(stack: &Stack) -> String {
    let r: Value = stack
        .http
        .post(format!("{}/s4/oauth2/token", stack.sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=kasse-s4-demo&client_secret=kasse-s4-demo-secret")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_chosen_package_makes_one_subscriber_and_one_order_whatever_is_retried() {
    let stack = Stack::start().await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "Vipps", "Nordmann", &[SUNDAY, DIGITAL]);
    let key = "s4-choice-attempt-1";
    let (status, first) = stack.post_keyed(ORDERS, key, &request).await;
    assert_eq!(status, 201, "{first}");
    // A double click and a retry after a lost answer: the same answer, nothing new at the vendor.
    for _ in 0..2 {
        let (status, again) = stack.post_keyed(ORDERS, key, &request).await;
        assert_eq!((status, &again["id"]), (201, &first["id"]), "{again}");
    }
    let subs = subscribers(&stack, &format!("kasse-{key}")).await;
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(stack.sandbox_order_count().await, 1);

    let stored = vendor_order(&stack, first["id"].as_str().unwrap()).await;
    let body = &stored["body"];
    assert_eq!(body["subscriberId"], subs[0]["id"], "the order is the subscriber's");
    assert_eq!(body["orderReference"], key);
    assert_eq!(body["templatePackageId"], "10000000-0000-0000-0000-000000000002");
    assert_eq!(body["templatePackageChoices"]["products"], json!([DIGITAL, SUNDAY]));
    assert_eq!(body.get("externalSubscriberId"), None);
    assert_eq!(
        body["paymentAgreementParameters"]["vippsMobilePayParameters"]["customerPhoneNumber"],
        "+4791234567"
    );
    assert_eq!(subs[0]["contact"]["addressLines"], json!(["Osloveien 12"]));
    stack.shutdown().await;
}

/// The state the gateway recorded for S4 order `id`.
async fn recorded_state(stack: &Stack, id: &str) -> OrderState {
    let ledger = &stack.gateway.state().ledger;
    let record = ledger.find(Backend::S4, &id.to_ascii_lowercase()).await.unwrap();
    record.expect("the gateway's record of the order").state
}

/// What a leader that recorded its order and then died (or ran out of lease before its answer
/// was kept) leaves: the order's record, and the attempt open to the next request.
async fn lose_the_answer(stack: &Stack, key: &str) {
    let (ledger, row) = (&stack.gateway.state().ledger, format!("s4:{key}"));
    let generation = ledger
        .attempt(&row)
        .await
        .unwrap()
        .expect("the attempt's row")
        .generation;
    let phase = AttemptPhase::Retryable;
    assert!(ledger
        .attempt_finish(&row, generation, phase, None, now_ms())
        .await
        .unwrap());
}

#[tokio::test]
async fn a_retry_whose_order_was_recorded_gets_that_order_and_s4_no_second_one() {
    let stack = Stack::start().await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "Vipps", "Nordmann", &[DIGITAL]);
    let key = "s4-lost-answer";
    let (status, first) = stack.post_keyed(ORDERS, key, &request).await;
    assert_eq!(status, 201, "{first}");
    lose_the_answer(&stack, key).await;
    let (status, again) = stack.post_keyed(ORDERS, key, &request).await;
    assert_eq!((status, &again["id"]), (201, &first["id"]), "{again}");
    assert_eq!(again["orderToken"], first["orderToken"]);
    assert_eq!(again["terminalRedirectUrl"], first["terminalRedirectUrl"]);
    // The reader corrected the form after the failure: the order made stands all the same.
    lose_the_answer(&stack, key).await;
    let corrected = s4_order_choosing(&stack, "s4-avis-velg", "Vipps", "Nordkvinne", &[DIGITAL]);
    let (status, third) = stack.post_keyed(ORDERS, key, &corrected).await;
    assert_eq!((status, &third["id"]), (201, &first["id"]), "{third}");
    assert_eq!(stack.sandbox_order_count().await, 1, "one order at S4");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_retry_after_a_crash_between_subscriber_and_order_finds_the_subscriber() {
    let stack = Stack::start().await;
    let key = "s4-crashed-attempt";
    // What a first try that died after creating the subscriber leaves at the vendor.
    let token = s4_token(&stack).await;
    let made: Value = stack
        .http
        .post(format!("{}/s4/subscriber", stack.sandbox.base_url()))
        .bearer_auth(token)
        .header("S4-TenantId", "00000000-0000-0000-0000-0000000000aa")
        .json(&json!({"externalId": format!("kasse-{key}"), "contact": {"name": "Kari Nordmann"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request = s4_order_choosing(&stack, "s4-avis-velg", "Invoice", "Nordmann", &[DIGITAL]);
    let (status, v) = stack.post_keyed(ORDERS, key, &request).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(subscribers(&stack, &format!("kasse-{key}")).await.len(), 1);
    let stored = vendor_order(&stack, v["id"].as_str().unwrap()).await;
    assert_eq!(stored["body"]["subscriberId"], made["id"]);
    stack.shutdown().await;
}

#[tokio::test]
async fn a_choice_the_vendor_prices_otherwise_is_refused_before_any_subscriber() {
    // The catalog prices the Sunday paper at 40; S4 at 50.
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        let offer = s.offers.get_mut("s4-avis-velg").unwrap();
        offer.s4.as_mut().unwrap().choices[2].price = kasse_core::money::Money::from_major(40).unwrap();
    })
    .await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "Vipps", "Nordmann", &[DIGITAL, SUNDAY]);
    let (status, v) = stack.post_keyed(ORDERS, "s4-price-choice", &request).await;
    assert_eq!((status, error_code(&v)), (409, "price_changed"), "{v}");
    assert_eq!(v["error"]["price"], json!(149));
    assert_eq!(v["error"]["messageKey"], "price_changed");
    assert!(subscribers(&stack, "kasse-s4-price-choice").await.is_empty());
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}

#[tokio::test]
async fn the_callback_is_a_poke_that_never_completes_an_order() {
    let stack = Stack::start().await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "SwedbankPay", "Nordmann", &[DIGITAL]);
    let (status, v) = stack.post_keyed(ORDERS, "s4-callback-1", &request).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    // The reader pays on the terminal page; only completing makes the order complete.
    let pressed = press_on_terminal(v["terminalRedirectUrl"].as_str().unwrap(), "approve").await;
    assert!(pressed.is_redirection(), "{pressed}");
    let callback = stack.url("/kasse/v1/s4/callback");
    // Known order, unknown order, garbage: the same 204, and no completion at the vendor.
    for body in [
        json!({"orderId": id, "paymentStatus": "Paid"}),
        json!({"S4OrderId": id}),
        json!({"orderId": "00000000-0000-0000-0000-00000000dead"}),
        json!({"orderId": "'; drop table orders"}),
        json!([1, 2, 3]),
    ] {
        let r = stack.http.post(&callback).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 204, "{body}");
    }
    let stored = vendor_order(&stack, &id).await;
    assert_eq!(stored["state"], "InProgress", "{stored}");
    assert_eq!(
        recorded_state(&stack, &id).await,
        OrderState::AwaitingPayment,
        "nothing recorded as paid"
    );
    // Completing still takes the order's token.
    let (status, _) = stack
        .post_as(&format!("/kasse/v1/s4/orders/{id}/complete"), None, &json!({}))
        .await;
    assert_eq!(status, 404);
    stack.shutdown().await;
}

#[tokio::test]
async fn a_completion_s4_answers_503_to_is_retryable_and_completes_later() {
    let stack = Stack::start().await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "Invoice", "Nordmann", &[DIGITAL]);
    let (status, v) = stack.post_keyed(ORDERS, "s4-complete-503", &request).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    stack
        .set_faults(json!({"rate": 1.0, "kinds": ["503"], "path": "/complete"}))
        .await;
    let complete = format!("/kasse/v1/s4/orders/{id}/complete");
    let (status, v) = stack.post(&complete, &json!({})).await;
    assert!(status >= 500, "{status} {v}");
    assert!(v["error"]["retryAfter"].as_u64().is_some(), "the widget may retry: {v}");
    stack.set_faults(json!({"rate": 0.0})).await;
    let (status, v) = stack.post(&complete, &json!({})).await;
    assert_eq!((status, &v["status"]), (200, &json!("Completed")), "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_swedbankpay_cancel_the_callback_told_first_is_still_payment_not_approved() {
    let stack = Stack::start().await;
    let request = s4_order_choosing(&stack, "s4-avis-velg", "SwedbankPay", "Nordmann", &[DIGITAL]);
    let (status, v) = stack.post_keyed(ORDERS, "s4-cancel-callback", &request).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    press_on_terminal(v["terminalRedirectUrl"].as_str().unwrap(), "cancel").await;
    let r = stack
        .http
        .post(stack.url("/kasse/v1/s4/callback"))
        .json(&json!({"orderId": id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // The callback made the gateway read the order again, and record what S4 said.
    assert_eq!(recorded_state(&stack, &id).await, OrderState::Cancelled);
    let (status, v) = stack
        .post(&format!("/kasse/v1/s4/orders/{id}/complete"), &json!({}))
        .await;
    assert_eq!((status, error_code(&v)), (409, "payment_not_approved"), "{v}");
    assert_eq!(vendor_order(&stack, &id).await["state"], "Cancelled");
    stack.shutdown().await;
}
