//! The lifecycle's two tables: what a request makes the gateway do ([`decide`]) and where a
//! vendor's answer takes the order ([`apply`]).

use super::{Attempted, Effect, OrderState, Outcome, Request, Route, WrongStep};

use Effect::ReadStatusAtVendor;
use Effect::{AnswerFromRecord, AssignUserAtVendor, CancelAtVendor, CompleteAtVendor, ConfirmPaidAtVendor};
use OrderState::{AccessGiven, AwaitingPayment, Cancelled, Failed, Paid, Registered};

/// Where an order goes after a vendor outcome, and what the gateway does next without asking the
/// reader (S4: an agreement that was not approved is deleted at the vendor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The order's new state.
    pub state: OrderState,
    /// Vendor calls to make now, in order.
    pub then: &'static [Effect],
}

/// The vendor calls a reader's `request` makes on an order of `route` in `state`, in order.
///
/// [`Effect::ConfirmPaidAtVendor`] gates what follows it: when the vendor does not report the
/// order paid, the gateway stops there and the reader is told payment is still pending.
/// `Err` is a step the lifecycle does not allow: the gateway calls no vendor.
pub fn decide(route: Route, state: OrderState, request: Request) -> Result<&'static [Effect], WrongStep> {
    let at_start = state == route.initial_state();
    let effects: Option<&'static [Effect]> = match (request, state) {
        (Request::Status, _) => Some(&[ReadStatusAtVendor]),
        // Complete by API only where the route completes by API: a card, Vipps or Klarna order
        // is paid on the vendor's page, and the API would fulfil it unpaid.
        (Request::Complete, Registered | AwaitingPayment) if route.completes_by_api() && at_start => {
            Some(&[CompleteAtVendor])
        }
        (Request::Complete, Paid | AccessGiven) if route.completes_by_api() => Some(&[AnswerFromRecord]),
        // A hosted order: the reader's return is a hint; the vendor's status is the proof.
        (Request::AssignUser, AwaitingPayment) if route.assigns_user() && !route.completes_by_api() => {
            Some(&[ConfirmPaidAtVendor, AssignUserAtVendor])
        }
        (Request::AssignUser, Paid) if route.assigns_user() => Some(&[AssignUserAtVendor]),
        // The vendor links the same account again: a retry after a lost answer gets it again.
        (Request::AssignUser, AccessGiven) if route.assigns_user() => Some(&[AssignUserAtVendor]),
        (Request::Cancel, Registered | AwaitingPayment) => Some(cancel_effects(route)),
        (Request::Cancel, Cancelled) => Some(&[AnswerFromRecord]),
        _ => None,
    };
    effects.ok_or(WrongStep {
        state,
        attempted: Attempted::Request(request),
    })
}

fn cancel_effects(route: Route) -> &'static [Effect] {
    match route {
        Route::S4Direct | Route::S4Agreement => &[CancelAtVendor],
        Route::ConnectIdHosted { .. } | Route::ConnectIdApi { .. } => &[],
    }
}

/// The state an order of `route` in `state` moves to when the vendor answers `outcome`.
pub fn apply(route: Route, state: OrderState, outcome: Outcome) -> Result<Transition, WrongStep> {
    let at_start = state == route.initial_state();
    let to = |state| Some(Transition { state, then: &[] });
    let next = match (outcome, state) {
        (Outcome::Completed, Registered | AwaitingPayment) if route.completes_by_api() && at_start => to(Paid),
        (Outcome::Completed, Paid | AccessGiven) if route.completes_by_api() => to(state),
        // What the vendor says of the money wins, even over a cancel the reader clicked in
        // another tab: a paid order is never left without its access.
        (Outcome::ReportedPaid, AccessGiven) => to(AccessGiven),
        (Outcome::ReportedPaid, _) => to(Paid),
        (Outcome::ReportedUnpaid, _) => to(state),
        (Outcome::UserAssigned, Paid | AccessGiven) if route.assigns_user() => to(AccessGiven),
        (Outcome::NotApproved, AwaitingPayment) if route == Route::S4Agreement => Some(Transition {
            state: Cancelled,
            then: &[CancelAtVendor],
        }),
        (Outcome::Cancelled, Registered | AwaitingPayment | Cancelled) => to(Cancelled),
        (Outcome::Refused, Registered | AwaitingPayment) => to(Failed),
        _ => None,
    };
    next.ok_or(WrongStep {
        state,
        attempted: Attempted::Outcome(outcome),
    })
}
