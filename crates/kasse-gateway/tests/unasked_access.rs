//! A paid reader whose browser never asks for the access (the payment page's return opened in
//! another browser) gets it all the same: the gateway keeps the payer's credential sealed and
//! checks the order on kasse-core's schedule. It gives access only once the vendor reports the
//! order paid, only to the payer's credential, once, and forgets the credential after.

mod common;

use common::{pay_on_hosted_page, press_on_hosted_page, register, Stack, ORDERS};
use kasse_core::lifecycle::{OrderState, ACCESS_CHECK_MINUTES};
use kasse_core::offer::Backend;
use kasse_gateway::api::give_due_access;
use kasse_gateway::ledger::PendingAccess;
use serde_json::{json, Value};

const MINUTE: i64 = 60_000;
const PAYER: &str = "kari.nordmann@example.no";

fn now() -> i64 {
    kasse_gateway::ledger::now_ms()
}

/// The vendor calls the sandbox logged, but for access-token fetches.
async fn vendor_calls(stack: &Stack) -> Vec<Value> {
    let mut calls = stack.sandbox_list("requests").await;
    calls.retain(|c| !c["path"].as_str().unwrap_or_default().contains("token"));
    calls
}

fn paths(calls: &[Value]) -> Vec<String> {
    calls.iter().map(|c| format!("{} {}", c["method"], c["path"])).collect()
}

async fn sandbox_order(stack: &Stack, id: i64) -> Value {
    let orders = stack.sandbox_orders().await;
    let all = orders.as_array().expect("a list of orders");
    all.iter()
        .find(|o| o["orderId"] == id)
        .cloned()
        .expect("the vendor has the order")
}

async fn kept(stack: &Stack) -> Vec<PendingAccess> {
    stack.gateway.state().pending.pending_due(i64::MAX, 100).await.unwrap()
}

/// Keeps `credential` for order `id` as the gateway keeps one, due at once.
async fn keep_sealed(stack: &Stack, id: i64, credential: &str) {
    let state = stack.gateway.state();
    let row = PendingAccess {
        order_id: id.to_string(),
        sealed_credential: state
            .access_sealer
            .seal(&format!("connectid-order:{id}"), credential.as_bytes()),
        checks: 0,
        created_ms: now(),
    };
    state.pending.pending_put(&row, now()).await.unwrap();
}

async fn state_of(stack: &Stack, id: i64) -> OrderState {
    let record = stack
        .gateway
        .state()
        .ledger
        .find(Backend::ConnectId, &id.to_string())
        .await;
    record.unwrap().expect("the gateway's record").state
}

#[tokio::test]
async fn a_paid_reader_who_never_comes_back_gets_access_once_the_vendor_says_paid() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (id, token) = register(&stack, "digital-month", "creditcardPayex", "unasked-card-1").await;
    let calls = vendor_calls(&stack).await.len();

    assert_eq!(give_due_access(&state, now()).await, 0);
    assert_eq!(
        vendor_calls(&stack).await.len(),
        calls,
        "nothing is due at once: the reader's tab asks first"
    );

    // Still on the payment page: the vendor's status says unpaid, and nothing is given.
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 0);
    let seen = paths(&vendor_calls(&stack).await[calls..]);
    assert_eq!(
        seen,
        [format!("\"GET\" \"/capi/v1/client/order/status/{id}\"")],
        "{seen:?}"
    );
    assert!(sandbox_order(&stack, id).await["assignment"].is_null());

    pay_on_hosted_page(&stack, id).await;
    assert_eq!(give_due_access(&state, now() + 11 * MINUTE).await, 1);
    let assignment = sandbox_order(&stack, id).await["assignment"].clone();
    assert!(!assignment.is_null(), "the vendor assigned the order");
    assert_eq!(state_of(&stack, id).await, OrderState::AccessGiven);
    assert!(kept(&stack).await.is_empty(), "the credential is forgotten once used");

    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + 25 * 60 * MINUTE).await, 0);
    assert_eq!(vendor_calls(&stack).await.len(), calls, "given once: no later call");

    // The access went to the payer's account: the reader's own late request finds the same one.
    let claim = json!({"credential": PAYER});
    let (status, v) = stack
        .post_as(&format!("{ORDERS}/{id}/user"), Some(&token), &claim)
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["uniqueUserId"], assignment["uniqueUserId"]);
    assert!(v["uniqueUserId"].is_string(), "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn the_credential_is_kept_sealed_and_forgotten_when_the_reader_asks() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (id, token) = register(&stack, "digital-month", "creditcardPayex", "unasked-card-2").await;
    let rows = kept(&stack).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].order_id, id.to_string());
    assert!(!rows[0].sealed_credential.contains("kari") && !rows[0].sealed_credential.contains("example"));

    pay_on_hosted_page(&stack, id).await;
    let claim = json!({"credential": PAYER});
    let (status, v) = stack
        .post_as(&format!("{ORDERS}/{id}/user"), Some(&token), &claim)
        .await;
    assert_eq!(status, 200, "{v}");
    let user = v["uniqueUserId"].clone();
    assert!(
        kept(&stack).await.is_empty(),
        "forgotten once the reader's tab got the access"
    );

    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 0);
    assert_eq!(
        vendor_calls(&stack).await.len(),
        calls,
        "no check of an order given its access"
    );

    // A second order, never asked for, goes to the same account: the payer's.
    let (other, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-card-3").await;
    pay_on_hosted_page(&stack, other).await;
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 1);
    let assignment = sandbox_order(&stack, other).await["assignment"].clone();
    assert_eq!(assignment["uniqueUserId"], user, "the payer's own account");
    assert!(user.is_string(), "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_invoice_is_never_completed_by_the_gateway_only_assigned_once_the_reader_completed_it() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (id, token) = register(&stack, "invoice-year", "invoice", "unasked-invoice-1").await;
    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 0);
    assert_eq!(
        vendor_calls(&stack).await.len(),
        calls,
        "not completed: no vendor call at all"
    );
    assert_eq!(state_of(&stack, id).await, OrderState::Registered);

    // The reader's tab completes it, then closes before asking for the access.
    let (status, v) = stack
        .post_as(&format!("{ORDERS}/{id}/complete"), Some(&token), &json!({}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(give_due_access(&state, now() + 11 * MINUTE).await, 1);
    let seen = paths(&vendor_calls(&stack).await[calls + 1..]);
    assert_eq!(
        seen,
        [format!("\"POST\" \"/capi/v1/client/order/{id}/user\"")],
        "{seen:?}"
    );
    assert_eq!(state_of(&stack, id).await, OrderState::AccessGiven);
    stack.shutdown().await;
}

#[tokio::test]
async fn an_order_never_paid_is_checked_on_the_schedule_then_forgotten() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (id, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-cancel-1").await;
    press_on_hosted_page(&stack, id, "cancel").await;
    let calls = vendor_calls(&stack).await.len();
    for minutes in ACCESS_CHECK_MINUTES {
        assert_eq!(give_due_access(&state, now() + minutes * MINUTE + MINUTE).await, 0);
    }
    let seen = paths(&vendor_calls(&stack).await[calls..]);
    assert_eq!(seen.len(), ACCESS_CHECK_MINUTES.len(), "one call per check: {seen:?}");
    assert!(
        seen.iter().all(|p| p.contains("/order/status/")),
        "status calls only, no assign: {seen:?}"
    );
    assert!(
        kept(&stack).await.is_empty(),
        "the schedule is over: the credential is forgotten"
    );
    assert!(sandbox_order(&stack, id).await["assignment"].is_null());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_seal_moved_to_another_order_opens_for_nobody() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (victim, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-victim-1").await;
    let mut rows = kept(&stack).await;
    let stolen = rows.pop().expect("the victim's kept credential");
    state.pending.pending_drop(&stolen.order_id).await.unwrap();
    // A database writer binds the victim's sealed e-mail to the order they paid for themselves.
    let (own, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-attacker-1").await;
    state.pending.pending_drop(&own.to_string()).await.unwrap();
    let moved = PendingAccess {
        order_id: own.to_string(),
        ..stolen
    };
    state.pending.pending_put(&moved, now()).await.unwrap();
    pay_on_hosted_page(&stack, own).await;
    assert_eq!(give_due_access(&state, now() + MINUTE).await, 0);
    assert!(
        sandbox_order(&stack, own).await["assignment"].is_null(),
        "no assign with a seal of another order"
    );
    assert!(sandbox_order(&stack, victim).await["assignment"].is_null());
    assert!(kept(&stack).await.is_empty());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_publisher_who_keeps_no_credential_gets_none_kept() {
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        s.connectid.as_mut().unwrap().assign_user.unasked = false;
    })
    .await;
    let state = stack.gateway.state().clone();
    let (id, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-off-1").await;
    assert!(kept(&stack).await.is_empty());
    // One kept while it was on: forgotten at the next pass, unchecked.
    keep_sealed(&stack, id, PAYER).await;
    pay_on_hosted_page(&stack, id).await;
    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 0);
    assert!(kept(&stack).await.is_empty());
    assert_eq!(vendor_calls(&stack).await.len(), calls);
    assert!(sandbox_order(&stack, id).await["assignment"].is_null());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_kept_credential_the_order_does_not_allow_is_never_assigned() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    let (id, _) = register(&stack, "digital-month", "creditcardPayex", "unasked-foreign-1").await;
    state.pending.pending_drop(&id.to_string()).await.unwrap();
    // Sealed with the gateway's own key for this very order, but not the payer's.
    keep_sealed(&stack, id, "mallory@example.no").await;
    pay_on_hosted_page(&stack, id).await;
    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + MINUTE).await, 0);
    assert_eq!(vendor_calls(&stack).await.len(), calls, "the vendor saw nothing");
    assert!(kept(&stack).await.is_empty());
    stack.shutdown().await;
}

#[tokio::test]
async fn a_vendor_that_is_down_ends_the_pass_at_its_first_failure() {
    let stack = Stack::start().await;
    let state = stack.gateway.state().clone();
    register(&stack, "digital-month", "creditcardPayex", "unasked-down-1").await;
    register(&stack, "digital-month", "creditcardPayex", "unasked-down-2").await;
    stack
        .set_faults(json!({"rate": 1.0, "kinds": ["503"], "path": "/order/status"}))
        .await;
    let calls = vendor_calls(&stack).await.len();
    assert_eq!(give_due_access(&state, now() + 6 * MINUTE).await, 0);
    let seen = paths(&vendor_calls(&stack).await[calls..]);
    assert_eq!(seen.len(), 1, "one call, then the pass stops: {seen:?}");
    assert_eq!(kept(&stack).await.len(), 2, "both still kept for their next checks");
    stack.shutdown().await;
}
