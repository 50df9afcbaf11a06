use super::*;
use AttemptAfter::{End, Keep, Release};

fn row(stop: Stop) -> (AttemptAfter, Option<MessageKey>, bool, Tell) {
    (stop.attempt, stop.message, stop.retry, stop.tell)
}

#[test]
fn only_completion_and_assign_commit_the_attempt() {
    for call in [Call::Create, Call::Start] {
        assert!(!call.commits(), "{call:?}");
    }
    for call in [Call::Complete, Call::AssignUser, Call::CompleteS4] {
        assert!(call.commits(), "{call:?}");
    }
}

#[test]
fn a_failed_call_keeps_releases_or_ends_the_attempt() {
    use MessageKey::*;
    let cases = [
        (Call::Create, "vendor_timeout", true, (Keep, None, true, Tell::Failure)),
        (Call::Create, "invalid_field", false, (End, None, false, Tell::Failure)),
        // The form changed after a lost answer: a new attempt, offered as a retry.
        (
            Call::Create,
            "idempotency_conflict",
            false,
            (End, Some(ErrUnknown), true, Tell::Failure),
        ),
        (
            Call::Complete,
            "vendor_timeout",
            true,
            (Keep, None, true, Tell::Failure),
        ),
        (
            Call::Complete,
            "fulfillment_failed",
            false,
            (End, None, false, Tell::Failure),
        ),
        (
            Call::AssignUser,
            "payment_pending",
            true,
            (Release, None, true, Tell::Failure),
        ),
        (
            Call::AssignUser,
            "vendor_timeout",
            true,
            (Keep, None, true, Tell::Failure),
        ),
        (
            Call::AssignUser,
            "credential_mismatch",
            false,
            (End, Some(ErrAccessNotGiven), false, Tell::Failure),
        ),
        (
            Call::CompleteS4,
            "payment_not_approved",
            false,
            (End, Some(PaymentCancelled), false, Tell::Cancel),
        ),
        (Call::CompleteS4, "network", true, (Keep, None, true, Tell::Failure)),
        (
            Call::CompleteS4,
            "order_not_found",
            false,
            (End, None, false, Tell::Failure),
        ),
        (Call::Start, "vendor_timeout", true, (Keep, None, true, Tell::Failure)),
        (Call::Start, "invalid_field", false, (End, None, false, Tell::Failure)),
    ];
    for (call, code, retryable, expected) in cases {
        assert_eq!(row(on_failure(call, code, retryable)), expected, "{call:?} {code}");
    }
}

#[test]
fn a_lost_session_is_forgotten_whatever_the_call() {
    for call in [
        Call::Create,
        Call::Complete,
        Call::AssignUser,
        Call::CompleteS4,
        Call::Start,
    ] {
        assert!(on_failure(call, "login_required", false).session_ended, "{call:?}");
        assert!(!on_failure(call, "vendor_timeout", true).session_ended, "{call:?}");
    }
}

#[test]
fn a_retry_may_help_when_the_gateway_says_so_or_is_busy() {
    assert!(retryable(409, Some(2)), "payment_pending carries retryAfter");
    assert!(retryable(429, None));
    assert!(retryable(502, None));
    assert!(!retryable(409, None));
    assert!(!retryable(422, None));
    assert_eq!(status_message(401), MessageKey::ErrLoginRequired);
    assert_eq!(status_message(404), MessageKey::ErrNotFound);
    assert_eq!(status_message(409), MessageKey::ErrOfferChanged);
    assert_eq!(status_message(422), MessageKey::ErrOfferChanged);
    assert_eq!(status_message(429), MessageKey::ErrTryAgainLater);
    assert_eq!(status_message(503), MessageKey::ErrVendorUnavailable);
    assert_eq!(status_message(400), MessageKey::ErrUnknown);
}

#[test]
fn an_s4_completion_polls_three_calls_then_says_it_does_not_know() {
    assert_eq!(on_s4_complete(OrderStatus::Completed, 1), S4Completion::Done);
    assert_eq!(on_s4_complete(OrderStatus::InProgress, 1), S4Completion::Again);
    assert_eq!(on_s4_complete(OrderStatus::InProgress, 2), S4Completion::Again);
    let S4Completion::Stopped(unknown) = on_s4_complete(OrderStatus::InProgress, S4_COMPLETE_CALLS) else {
        panic!("the poll ends");
    };
    assert_eq!(
        row(unknown),
        (
            Keep,
            Some(MessageKey::PaymentUnknown),
            true,
            Tell::Error("payment_unknown")
        ),
        "the order stays: a retry completes it again"
    );
    for status in [OrderStatus::Cancelled, OrderStatus::Rejected, OrderStatus::Unknown] {
        assert_eq!(
            on_s4_complete(status, 1),
            S4Completion::Stopped(S4_ORDER_FAILED),
            "{status:?}"
        );
    }
}
