//! A reader's order attempt as the widget keeps it across a reload, the back button and the trip
//! to the payment page, and the widget's decisions about it: what a submit sends, what the retry
//! button does, and what a return from the payment page means. The widget stores the attempt and
//! runs the effects; every branch is decided here and tested natively.

use serde::{Deserialize, Serialize};

use super::CheckoutForm;
use crate::connectid::{plan, FulfillmentStatus, PaymentMethod, Step};
use crate::i18n::MessageKey;
use crate::offer::Offer;

/// One order attempt. Its `external_order_id` and `order_date` stay the same for every retry of
/// the same form, so a retried request is the same request and the gateway replays the answer
/// instead of creating a second order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The idempotency key of this attempt.
    pub external_order_id: String,
    /// `orderDate` of the payload (epoch ms), fixed with the key.
    pub order_date: i64,
    /// The form the attempt was made from; a changed form is a new attempt.
    pub form: CheckoutForm,
    /// The vendor's order id once the order exists (ConnectID).
    #[serde(default)]
    pub order_id: Option<i64>,
    /// The vendor's order id once the order exists (S4, a GUID).
    #[serde(default)]
    pub s4_order_id: Option<String>,
    /// The order's token, which every later call on it carries (kept in the tab's storage, never
    /// in a URL or an event).
    #[serde(default)]
    pub order_token: Option<String>,
    /// The e-mail or phone the reader's access is assigned to after payment.
    #[serde(default)]
    pub credential: Option<String>,
    /// Made by a logged-in reader in their own name (flows 1a/2a): no assign-user step follows.
    #[serde(default)]
    pub logged_in: bool,
    /// The order may be paid or completed: its completion was asked for, or the reader came back
    /// paid. From here the attempt is the reader's order whatever the form says since, and is
    /// only ever continued; a new order would make the reader pay twice.
    #[serde(default)]
    pub committed: bool,
}

impl Attempt {
    /// A new attempt for `form` with a fresh `key` made at `now_ms`; no order yet.
    pub fn new(form: CheckoutForm, logged_in: bool, key: String, now_ms: i64) -> Attempt {
        Attempt {
            external_order_id: key,
            order_date: now_ms,
            form,
            order_id: None,
            s4_order_id: None,
            order_token: None,
            credential: None,
            logged_in,
            committed: false,
        }
    }

    /// The ConnectID order and its token, once registered.
    pub fn connectid_order(&self) -> Option<(i64, &str)> {
        Some((self.order_id?, self.order_token.as_deref()?))
    }

    /// The S4 order and its token, once created.
    pub fn s4_order(&self) -> Option<(&str, &str)> {
        Some((self.s4_order_id.as_deref()?, self.order_token.as_deref()?))
    }

    /// The steps of this attempt's ConnectID order after the payment page: what is left once the
    /// order is paid (or is paid for by API).
    pub fn steps_after_payment(&self, offer: &Offer) -> Vec<Step> {
        let method = PaymentMethod::from_wire(&self.form.method).unwrap_or(PaymentMethod::CreditcardPayex);
        let (_, steps) = plan(offer, method, self.logged_in);
        steps
            .into_iter()
            .filter(|s| *s != Step::RedirectToFulfillment)
            .collect()
    }
}

/// The attempt a submit of `form` sends. A finished attempt (paid, cancelled, failed) was cleared
/// before; of a stored one:
/// - the same form and login: the stored attempt (also after the order exists: the reader came
///   back with the back button, and the gateway replays the first answer, so they continue with
///   the same order instead of a second one);
/// - a changed form before any order was answered (the last try failed in a way a retry may
///   fix): the same key and date with the new form, because the order may exist all the same
///   (its answer was lost), and the key is what lets the vendor or the gateway find it again;
/// - else (logged in or out since, or an unpaid order the reader changed) a new one from `fresh`.
///
/// A committed attempt is kept whatever changed (a login too): the widget continues its order
/// instead of sending it again.
pub fn attempt_for_submit(
    stored: Option<Attempt>,
    form: &CheckoutForm,
    logged_in: bool,
    fresh: impl FnOnce() -> Attempt,
) -> Attempt {
    match stored {
        Some(previous) if previous.committed => previous,
        Some(previous) if previous.logged_in != logged_in => fresh(),
        Some(previous) if previous.form == *form => previous,
        Some(previous) if previous.order().is_none() => Attempt {
            form: form.clone(),
            credential: None,
            ..previous
        },
        _ => fresh(),
    }
}

impl Attempt {
    /// The order a submit must continue rather than replace: a committed attempt's.
    pub fn committed_order(&self) -> Option<OrderRef> {
        self.order().filter(|_| self.committed)
    }
}

/// An order that exists, with the token its calls carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderRef {
    /// A ConnectID order.
    ConnectId {
        /// The vendor's order id.
        order_id: i64,
        /// The order's token.
        token: String,
    },
    /// An S4 order.
    S4 {
        /// The vendor's order GUID.
        id: String,
        /// The order's token.
        token: String,
    },
}

impl Attempt {
    /// The order this attempt made, if it got that far.
    pub fn order(&self) -> Option<OrderRef> {
        let token = self.order_token.clone()?;
        match (self.order_id, &self.s4_order_id) {
            (Some(order_id), _) => Some(OrderRef::ConnectId { order_id, token }),
            (None, Some(id)) => Some(OrderRef::S4 { id: id.clone(), token }),
            (None, None) => None,
        }
    }
}

/// What the retry button does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retry {
    /// The order exists and the failure came after it: continue with it (ConnectID: the steps
    /// after payment; S4: complete it).
    Continue(OrderRef),
    /// Submit the form again. With `forget`, the stored attempt's order is done for (declined,
    /// or the form changed): forget it, so the submit is a new order. Without, the attempt has no
    /// order yet: keep it, so a lost answer is replayed by the gateway, not made twice.
    SubmitAgain {
        /// Forget the stored attempt first.
        forget: bool,
    },
}

/// The retry button's action, from the stored attempt, the message on screen and the form.
/// A declined payment is never retried on the same order: the reader pays again, on a new one.
pub fn on_retry(stored: Option<&Attempt>, shown: Option<MessageKey>, form: &CheckoutForm) -> Retry {
    let Some(attempt) = stored else {
        return Retry::SubmitAgain { forget: false };
    };
    if let Some(order) = attempt.committed_order() {
        return Retry::Continue(order);
    }
    let declined = shown == Some(MessageKey::PaymentFailed);
    match attempt.order() {
        Some(order) if !declined && attempt.form == *form => Retry::Continue(order),
        order => Retry::SubmitAgain {
            forget: order.is_some(),
        },
    }
}

/// What a return from ConnectID's payment page means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Return {
    /// Paid, as far as the reader's browser knows: take the steps after payment (the gateway
    /// asks the vendor before it gives access).
    Continue {
        /// The vendor's order id.
        order_id: i64,
        /// The order's token.
        token: String,
    },
    /// The order stopped at the vendor: clear the attempt (the next submit is a new order), show
    /// `message`, and tell the page.
    Stopped {
        /// The vendor's order id (for the page's event).
        order_id: i64,
        /// What the reader is told.
        message: MessageKey,
        /// Whether a retry button helps (a failed payment may go through on a new order).
        retry: bool,
        /// The page's event: a cancel, or an error with this code.
        error_code: Option<&'static str>,
    },
    /// A return this tab has no order for (another tab, a cleared storage): say the state is
    /// unknown, unless the reader cancelled.
    NoOrder {
        /// The message, if any.
        message: Option<MessageKey>,
    },
}

/// What a return with `status` to a tab that holds no order tells the reader (another tab or
/// browser made it, or the storage was cleared; either back end): nothing after a cancel, else
/// that the payment's state is not known here.
pub fn without_order(status: FulfillmentStatus) -> Option<MessageKey> {
    (status != FulfillmentStatus::Cancel).then_some(MessageKey::PaymentUnknown)
}

/// The meaning of a return with `status` to a tab holding `stored`, for an order of `offer`.
///
/// A status the page did not make clear (`Unknown`) may hide a payment: where the gateway asks
/// the vendor before it gives access (an assign-user step follows), the steps after payment are
/// taken all the same, and an unpaid order is then told `payment_pending` (the attempt is
/// released). Clearing the attempt instead would let the next submit order, and pay, again.
pub fn on_return(stored: Option<&Attempt>, status: FulfillmentStatus, offer: &Offer) -> Return {
    let Some((order_id, token)) = stored.and_then(Attempt::connectid_order) else {
        return Return::NoOrder {
            message: without_order(status),
        };
    };
    let message = status.message_key().unwrap_or(MessageKey::PaymentUnknown);
    let verified = || stored.is_some_and(|a| a.steps_after_payment(offer).contains(&Step::AssignUser));
    match status {
        FulfillmentStatus::Success => Return::Continue {
            order_id,
            token: token.to_owned(),
        },
        FulfillmentStatus::Unknown if verified() => Return::Continue {
            order_id,
            token: token.to_owned(),
        },
        FulfillmentStatus::Cancel => Return::Stopped {
            order_id,
            message,
            retry: false,
            error_code: None,
        },
        FulfillmentStatus::Error => Return::Stopped {
            order_id,
            message,
            retry: true,
            error_code: Some("payment_error"),
        },
        FulfillmentStatus::Unknown => Return::Stopped {
            order_id,
            message,
            retry: true,
            error_code: Some("payment_unknown"),
        },
    }
}

#[cfg(test)]
#[path = "attempt_tests.rs"]
mod tests;
