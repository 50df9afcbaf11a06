use super::*;
use crate::offer::Offer;

fn catalog(id: &str) -> Offer {
    #[derive(serde::Deserialize)]
    struct Catalog {
        offer: Vec<Offer>,
    }
    let c: Catalog = toml::from_str(include_str!("../../tests/fixtures/offers.toml")).unwrap();
    c.offer.into_iter().find(|o| o.id == id).unwrap()
}

fn form(email: &str, method: &str) -> CheckoutForm {
    CheckoutForm {
        email: email.into(),
        method: method.into(),
        ..CheckoutForm::default()
    }
}

fn stored(form: CheckoutForm, order: bool, logged_in: bool) -> Attempt {
    let mut a = Attempt::new(form, logged_in, "k-1".into(), 1_000);
    if order {
        a.order_id = Some(42);
        a.order_token = Some("t".into());
    }
    a
}

fn fresh() -> Attempt {
    Attempt::new(CheckoutForm::default(), false, "k-new".into(), 2_000)
}

#[test]
fn a_submit_reuses_the_attempt_only_for_the_same_form_and_login() {
    let f = form("kari@x.no", "invoice");
    let key = |a: Attempt| a.external_order_id;
    assert_eq!(key(attempt_for_submit(None, &f, false, fresh)), "k-new");
    let s = stored(f.clone(), true, false);
    assert_eq!(key(attempt_for_submit(Some(s.clone()), &f, false, fresh)), "k-1");
    assert_eq!(
        key(attempt_for_submit(Some(s.clone()), &f, true, fresh)),
        "k-new",
        "logged in since"
    );
    let changed = form("ola@x.no", "invoice");
    assert_eq!(key(attempt_for_submit(Some(s), &changed, false, fresh)), "k-new");
}

#[test]
fn retry_continues_an_existing_order_unless_the_payment_was_declined_or_the_form_changed() {
    let f = form("kari@x.no", "invoice");
    let with_order = stored(f.clone(), true, false);
    let without = stored(f.clone(), false, false);
    let down = Some(MessageKey::ErrVendorUnavailable);
    let cid = Retry::Continue(OrderRef::ConnectId {
        order_id: 42,
        token: "t".into(),
    });
    assert_eq!(on_retry(Some(&with_order), down, &f), cid);
    assert_eq!(on_retry(Some(&with_order), None, &f), cid);
    let forget = Retry::SubmitAgain { forget: true };
    let keep = Retry::SubmitAgain { forget: false };
    assert_eq!(on_retry(Some(&with_order), Some(MessageKey::PaymentFailed), &f), forget);
    assert_eq!(on_retry(Some(&with_order), down, &form("ola@x.no", "invoice")), forget);
    // No order yet: the same attempt again, so a lost answer is replayed, not made twice.
    assert_eq!(on_retry(Some(&without), down, &f), keep);
    assert_eq!(on_retry(None, down, &f), keep);
    let mut s4 = stored(f.clone(), false, false);
    s4.s4_order_id = Some("00000000-0000-0000-0000-000000000001".into());
    s4.order_token = Some("t".into());
    let s4_ref = OrderRef::S4 {
        id: "00000000-0000-0000-0000-000000000001".into(),
        token: "t".into(),
    };
    assert_eq!(on_retry(Some(&s4), down, &f), Retry::Continue(s4_ref));
}

#[test]
fn a_changed_form_keeps_the_key_while_no_order_was_answered() {
    let f = form("kari@x.no", "invoice");
    let changed = form("kari@y.no", "invoice");
    // The last try failed without an answer: its order may exist, and only its key finds it.
    let kept = attempt_for_submit(Some(stored(f.clone(), false, false)), &changed, false, fresh);
    assert_eq!((kept.external_order_id.as_str(), kept.order_date), ("k-1", 1_000));
    assert_eq!(kept.form, changed, "the new form is what is sent");
    // Logged in since: the order goes in another name.
    let other = attempt_for_submit(Some(stored(f, false, false)), &changed, true, fresh);
    assert_eq!(other.external_order_id, "k-new");
}

#[test]
fn a_committed_order_is_only_ever_continued() {
    let f = form("kari@x.no", "invoice");
    let changed = form("ola@x.no", "card");
    let mut paid = stored(f.clone(), true, false);
    paid.committed = true;
    let order = OrderRef::ConnectId {
        order_id: 42,
        token: "t".into(),
    };
    assert_eq!(paid.committed_order(), Some(order.clone()));
    // Edited after a failure past payment: the retry still continues it, even if declined.
    for shown in [
        None,
        Some(MessageKey::ErrVendorUnavailable),
        Some(MessageKey::PaymentFailed),
    ] {
        assert_eq!(on_retry(Some(&paid), shown, &changed), Retry::Continue(order.clone()));
    }
    let again = attempt_for_submit(Some(paid.clone()), &changed, false, fresh);
    assert_eq!(again.external_order_id, "k-1");
    let logged_in_since = attempt_for_submit(Some(paid), &changed, true, fresh);
    assert_eq!(
        logged_in_since.external_order_id, "k-1",
        "a login does not make it another order"
    );
    assert_eq!(stored(f, true, false).committed_order(), None);
}

#[test]
fn a_return_continues_on_success_with_an_order() {
    let digital = catalog("digi-1m");
    let a = stored(form("kari@x.no", "creditcardPayex"), true, false);
    let back = |status| on_return(Some(&a), status, &digital);
    let go_on = Return::Continue {
        order_id: 42,
        token: "t".into(),
    };
    assert_eq!(back(FulfillmentStatus::Success), go_on);
    assert_eq!(
        back(FulfillmentStatus::Cancel),
        Return::Stopped {
            order_id: 42,
            message: MessageKey::PaymentCancelled,
            retry: false,
            error_code: None
        }
    );
    assert_eq!(
        back(FulfillmentStatus::Error),
        Return::Stopped {
            order_id: 42,
            message: MessageKey::PaymentFailed,
            retry: true,
            error_code: Some("payment_error")
        }
    );
    let none = stored(form("kari@x.no", "creditcardPayex"), false, false);
    for (attempt, status, message) in [
        (None, FulfillmentStatus::Success, Some(MessageKey::PaymentUnknown)),
        (
            Some(&none),
            FulfillmentStatus::Success,
            Some(MessageKey::PaymentUnknown),
        ),
        (None, FulfillmentStatus::Cancel, None),
    ] {
        assert_eq!(
            on_return(attempt, status, &digital),
            Return::NoOrder { message },
            "{status:?}"
        );
        assert_eq!(
            without_order(status),
            message,
            "S4's return without an order says the same"
        );
    }
}

#[test]
fn an_unclear_return_is_asked_of_the_vendor_where_the_gateway_checks_payment() {
    let digital = catalog("digi-1m");
    // 1b: assign user follows, and the gateway reads the vendor's status before it: the order
    // may be paid, and a cleared attempt would let the reader order and pay again.
    let guest = stored(form("kari@x.no", "creditcardPayex"), true, false);
    assert_eq!(
        on_return(Some(&guest), FulfillmentStatus::Unknown, &digital),
        Return::Continue {
            order_id: 42,
            token: "t".into()
        }
    );
    // 1a: nothing follows that would check, so the receipt must not be shown: stopped, as before.
    let own = stored(form("kari@x.no", "creditcardPayex"), true, true);
    assert!(matches!(
        on_return(Some(&own), FulfillmentStatus::Unknown, &digital),
        Return::Stopped {
            error_code: Some("payment_unknown"),
            retry: true,
            ..
        }
    ));
}

#[test]
fn after_payment_come_the_flows_remaining_steps() {
    let digital = catalog("digi-1m");
    let card = |logged_in| stored(form("kari@x.no", "creditcardPayex"), true, logged_in);
    // 1b: the reader is linked to the order; 1a: the order is theirs already.
    assert_eq!(card(false).steps_after_payment(&digital), vec![Step::AssignUser]);
    assert_eq!(card(true).steps_after_payment(&digital), Vec::<Step>::new());
    let invoice = stored(form("kari@x.no", "invoice"), true, false);
    assert_eq!(
        invoice.steps_after_payment(&digital),
        vec![Step::CompleteByApi, Step::AssignUser]
    );
}
