//! What a call the widget makes on an order leaves behind when it fails, and what the reader and
//! the page are told: one table ([`on_failure`]), so the widget only runs what it says (storage,
//! the notice, the event). Also the gateway's failure rules every one of them builds on (which
//! failures a retry may fix, the text for an HTTP status), and S4's completion poll.

use crate::i18n::MessageKey;
use crate::s4::OrderStatus;

/// A call the widget makes through the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Register or create the order (ConnectID, S4).
    Create,
    /// ConnectID's completion by API (invoice, prepaid).
    Complete,
    /// ConnectID's assign user after payment.
    AssignUser,
    /// S4's completion after the terminal page (or at once for an invoice).
    CompleteS4,
    /// Start a subscription (no order).
    Start,
}

impl Call {
    /// Whether the attempt is committed before this call leaves: from a completion or an assign
    /// on, the order may be paid or completed, and is only ever continued.
    pub const fn commits(self) -> bool {
        matches!(self, Call::Complete | Call::AssignUser | Call::CompleteS4)
    }
}

/// What becomes of the stored attempt (for [`Call::Start`], of the start key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptAfter {
    /// Kept as it is: a retry sends the same request, or continues the same order.
    Keep,
    /// No longer committed: the reader may retry, or change the form for a new order.
    Release,
    /// Forgotten: the next submit is a new attempt.
    End,
}

/// What the page hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tell {
    /// `kasse:error` with the failure's own code.
    Failure,
    /// `kasse:error` with this code.
    Error(&'static str),
    /// `kasse:cancel`.
    Cancel,
}

/// A call that ended short of done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// What becomes of the attempt.
    pub attempt: AttemptAfter,
    /// What the reader is told; `None`: the failure's own message (and the vendor's price with it).
    pub message: Option<MessageKey>,
    /// Whether a retry button is shown; the event's `retryable` says the same.
    pub retry: bool,
    /// The page's event.
    pub tell: Tell,
    /// The gateway no longer knows the reader's session: the widget forgets the reader.
    pub session_ended: bool,
}

/// The rule for a failed `call`, from the gateway's error `code` and whether it is `retryable`
/// ([`retryable`]).
///
/// - A failure a retry may fix keeps the attempt: the same key finds an order made after all, and
///   a committed order is continued.
/// - A final one ends it: nothing was made, or the order cannot be completed; the next submit is
///   a new one.
/// - A key that holds another form's answer (`idempotency_conflict`: the form changed after a try
///   whose answer was lost, and that order was never completed) ends the attempt, told as a
///   failure to try again: the retry is a new attempt.
/// - Assign user: `payment_pending` releases the attempt (the vendor may never report it paid);
///   refused for good, the order is paid but cannot be linked here: customer service.
/// - S4's completion `payment_not_approved`: the reader cancelled on the terminal page.
pub fn on_failure(call: Call, code: &str, retryable: bool) -> Stop {
    use AttemptAfter::{End, Keep, Release};
    let own = Stop {
        attempt: if retryable { Keep } else { End },
        message: None,
        retry: retryable,
        tell: Tell::Failure,
        session_ended: code == "login_required",
    };
    match (call, code, retryable) {
        (Call::Create, "idempotency_conflict", _) => Stop {
            attempt: End,
            message: Some(MessageKey::ErrUnknown),
            retry: true,
            ..own
        },
        (Call::AssignUser, "payment_pending", _) => Stop {
            attempt: Release,
            ..own
        },
        (Call::AssignUser, _, false) => Stop {
            message: Some(MessageKey::ErrAccessNotGiven),
            ..own
        },
        (Call::CompleteS4, "payment_not_approved", _) => Stop {
            attempt: End,
            message: Some(MessageKey::PaymentCancelled),
            retry: false,
            tell: Tell::Cancel,
            ..own
        },
        _ => own,
    }
}

/// Whether a gateway answer with HTTP `status` (and its `retryAfter`) may succeed when sent again:
/// the gateway says so with `retryAfter`; a 429 or a server error may pass too.
pub fn retryable(status: u16, retry_after: Option<u64>) -> bool {
    retry_after.is_some() || status == 429 || status >= 500
}

/// The text for a gateway error with HTTP `status` that names no message key of its own.
pub fn status_message(status: u16) -> MessageKey {
    match status {
        401 => MessageKey::ErrLoginRequired,
        404 => MessageKey::ErrNotFound,
        409 | 422 => MessageKey::ErrOfferChanged,
        429 => MessageKey::ErrTryAgainLater,
        500.. => MessageKey::ErrVendorUnavailable,
        _ => MessageKey::ErrUnknown,
    }
}

/// How many completion calls the widget makes for an S4 order, each held by S4 up to
/// [`S4_COMPLETE_WAIT_MS`] for the reader's approval, before it says it does not know.
pub const S4_COMPLETE_CALLS: u32 = 3;
/// How long S4 may hold one completion call (the gateway caps it further).
pub const S4_COMPLETE_WAIT_MS: u32 = 5_000;

/// An S4 order the vendor ended: the form again, and the next submit is a new order.
pub const S4_ORDER_FAILED: Stop = Stop {
    attempt: AttemptAfter::End,
    message: Some(MessageKey::ErrOrderRejected),
    retry: false,
    tell: Tell::Error("order_failed"),
    session_ended: false,
};

/// What one answer of an S4 completion poll means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum S4Completion {
    /// Completed: the receipt.
    Done,
    /// Still waiting for the reader's approval: call again.
    Again,
    /// Stopped here.
    Stopped(Stop),
}

/// What the `call`-th (from 1) completion answer with `status` means.
pub fn on_s4_complete(status: OrderStatus, call: u32) -> S4Completion {
    match status {
        OrderStatus::Completed => S4Completion::Done,
        OrderStatus::InProgress if call < S4_COMPLETE_CALLS => S4Completion::Again,
        // The approval may still come: the order stays, and a retry completes it again.
        OrderStatus::InProgress => S4Completion::Stopped(Stop {
            attempt: AttemptAfter::Keep,
            message: Some(MessageKey::PaymentUnknown),
            retry: true,
            tell: Tell::Error("payment_unknown"),
            session_ended: false,
        }),
        OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::Unknown => S4Completion::Stopped(S4_ORDER_FAILED),
    }
}

#[cfg(test)]
#[path = "failure_tests.rs"]
mod tests;
