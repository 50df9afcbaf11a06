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
fn a_return_continues_only_on_success_with_an_order() {
    let a = stored(form("kari@x.no", "creditcardPayex"), true, false);
    assert_eq!(
        on_return(Some(&a), FulfillmentStatus::Success),
        Return::Continue {
            order_id: 42,
            token: "t".into()
        }
    );
    assert_eq!(
        on_return(Some(&a), FulfillmentStatus::Cancel),
        Return::Stopped {
            order_id: 42,
            message: MessageKey::PaymentCancelled,
            retry: false,
            error_code: None
        }
    );
    assert_eq!(
        on_return(Some(&a), FulfillmentStatus::Error),
        Return::Stopped {
            order_id: 42,
            message: MessageKey::PaymentFailed,
            retry: true,
            error_code: Some("payment_error")
        }
    );
    assert!(matches!(
        on_return(Some(&a), FulfillmentStatus::Unknown),
        Return::Stopped {
            error_code: Some("payment_unknown"),
            ..
        }
    ));
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
        assert_eq!(on_return(attempt, status), Return::NoOrder { message }, "{status:?}");
    }
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
