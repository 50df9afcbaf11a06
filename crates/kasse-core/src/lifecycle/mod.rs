//! The order lifecycle: which step may come next for an order, and what it makes the gateway do.
//!
//! One pure state machine for every way Kasse sells: ConnectID flows 1a/1b (the reader pays on the
//! vendor's hosted page) and 2a/2b (prepaid, completed through the fulfillment API), invoice-like
//! ConnectID methods completed by API, S4 invoices and S4 payment agreements (Vipps, MobilePay,
//! SwedbankPay) approved on the vendor's terminal page.
//! Starting a subscription (no order, nothing to pay) has its own small table: [`next_start_step`].
//! An order whose reader never asks for the access they paid for is checked by the gateway
//! itself: [`access_check`].
//!
//! The gateway keeps an order's [`Route`] and [`OrderState`] and asks [`decide`] before every call
//! a reader's browser requests; [`apply`] turns what the vendor answered into the next state. The
//! browser never decides: a reader who comes back from the payment page with
//! `fulfillmentStatus=success` has given a hint, and only the vendor's own order status
//! ([`Effect::ConfirmPaidAtVendor`]) moves a hosted order to [`OrderState::Paid`].

mod access;
mod route;
mod start;
mod table;

pub use access::{access_check, next_access_check, AccessCheck, ACCESS_CHECK_MINUTES, ACCESS_KEPT_MS};
pub use route::Route;
pub use start::{next_start_step, StartFacts, StartStep};
pub use table::{apply, decide, Transition};

use serde::{Deserialize, Serialize};

/// Where an order stands, as the gateway records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Registered at the vendor; nothing paid yet and no page to visit (invoice, prepaid).
    Registered,
    /// Registered; the reader is paying or approving on the vendor's page.
    AwaitingPayment,
    /// The vendor has completed the order (paid, or invoiced). Final for routes without an
    /// assign-user step.
    Paid,
    /// The order is linked to the reader's account: they can read what they bought.
    AccessGiven,
    /// The reader gave up, or the vendor did not approve the agreement.
    Cancelled,
    /// The vendor refused a step for good.
    Failed,
}

impl OrderState {
    /// Every state.
    pub const ALL: [OrderState; 6] = [
        OrderState::Registered,
        OrderState::AwaitingPayment,
        OrderState::Paid,
        OrderState::AccessGiven,
        OrderState::Cancelled,
        OrderState::Failed,
    ];

    /// The stored name (`"awaiting_payment"`), the same as the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Registered => "registered",
            OrderState::AwaitingPayment => "awaiting_payment",
            OrderState::Paid => "paid",
            OrderState::AccessGiven => "access_given",
            OrderState::Cancelled => "cancelled",
            OrderState::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|state| state.as_str() == s)
    }
}

/// A step the reader's browser asks the gateway to take on a registered order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Complete the order through the vendor's API (ConnectID fulfillment API, S4 complete).
    Complete,
    /// Link the order to the reader's account (ConnectID assign user).
    AssignUser,
    /// Read the order's state.
    Status,
    /// The reader gave up (cancelled on the payment page).
    Cancel,
}

impl Request {
    /// Every request.
    pub const ALL: [Request; 4] = [Request::Complete, Request::AssignUser, Request::Status, Request::Cancel];
}

/// What the vendor answered to an [`Effect`]: the facts that move an order on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The vendor completed the order through its API.
    Completed,
    /// The vendor's order status says the order is paid (ConnectID fulfilled, S4 completed).
    ReportedPaid,
    /// The vendor's order status says it is not paid yet.
    ReportedUnpaid,
    /// The vendor linked the order to the reader's account.
    UserAssigned,
    /// S4 answered that the agreement was not approved (complete answers 409).
    NotApproved,
    /// The order was cancelled (by the reader, or at the vendor).
    Cancelled,
    /// The vendor refused the step for good (a final 4xx).
    Refused,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 7] = [
        Outcome::Completed,
        Outcome::ReportedPaid,
        Outcome::ReportedUnpaid,
        Outcome::UserAssigned,
        Outcome::NotApproved,
        Outcome::Cancelled,
        Outcome::Refused,
    ];
}

/// A call the gateway makes (or does not) to carry out a [`Request`], in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The vendor's complete API (ConnectID `POST /v1/client/order/fulfillment`, S4
    /// `POST /order/{id}/complete`).
    CompleteAtVendor,
    /// Ask the vendor whether the order is paid; go on only if it says so.
    ConfirmPaidAtVendor,
    /// ConnectID `POST /v1/client/order/{orderId}/user`.
    AssignUserAtVendor,
    /// Read the order at the vendor (ConnectID order status, S4 `GET /order/{id}`).
    ReadStatusAtVendor,
    /// S4 `DELETE /order/{id}`. ConnectID documents no cancel for a client order: an unpaid one
    /// simply stays unfulfilled, so a ConnectID cancel has no vendor effect.
    CancelAtVendor,
    /// The step was taken before: answer from the order's record, no vendor call.
    AnswerFromRecord,
}

/// A request or outcome the lifecycle does not allow in the order's state: the gateway answers
/// 409 `wrong_step` and calls no vendor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongStep {
    /// The order's state.
    pub state: OrderState,
    /// What was asked, or what the vendor was said to answer.
    pub attempted: Attempted,
}

/// The step a [`WrongStep`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempted {
    /// A reader's request.
    Request(Request),
    /// A vendor outcome.
    Outcome(Outcome),
}

impl std::fmt::Display for WrongStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.attempted {
            Attempted::Request(r) => write!(
                f,
                "{r:?} is not a next step of an order in state {}",
                self.state.as_str()
            ),
            Attempted::Outcome(o) => write!(f, "{o:?} cannot happen to an order in state {}", self.state.as_str()),
        }
    }
}

impl std::error::Error for WrongStep {}
