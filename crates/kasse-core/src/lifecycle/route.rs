//! How an order of one offer and payment method gets paid and gives access.

use serde::{Deserialize, Serialize};

use super::OrderState;
use crate::connectid::{plan, Flow, PaymentMethod, Step};
use crate::offer::Offer;
use crate::s4::S4PaymentMethod;

/// The way an order goes from registration to the reader's access. Derived once, when the order
/// is registered, from the offer and the method; the gateway keeps it with the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// ConnectID, paid by the reader on the hosted fulfillment page (flows 1a/1b with card,
    /// Vipps, Klarna…). The vendor's order status is the only proof of payment.
    ConnectIdHosted {
        /// 1a or 1b.
        flow: Flow,
        /// Whether "assign user" follows (1b, and the offer opens digital content).
        assign_user: bool,
    },
    /// ConnectID, completed through the fulfillment API: prepaid (2a/2b) or a method without
    /// interactive payment (invoice, sms, other).
    ConnectIdApi {
        /// Any of the four flows.
        flow: Flow,
        /// Whether "assign user" follows.
        assign_user: bool,
    },
    /// S4 with nothing for the reader to approve (invoice): completed at once.
    S4Direct,
    /// S4 with a payment agreement the reader approves on the vendor's terminal page (Vipps,
    /// MobilePay, SwedbankPay); the vendor's complete answers whether it was approved.
    S4Agreement,
}

impl Route {
    /// The route of a ConnectID order: the steps of the order's flow ([`plan`]).
    pub fn connectid(offer: &Offer, method: PaymentMethod, logged_in: bool) -> Route {
        let (flow, steps) = plan(offer, method, logged_in);
        let assign_user = steps.contains(&Step::AssignUser);
        if steps.contains(&Step::RedirectToFulfillment) {
            Route::ConnectIdHosted { flow, assign_user }
        } else {
            Route::ConnectIdApi { flow, assign_user }
        }
    }

    /// The route of an S4 order paid with `method`.
    pub fn s4(method: S4PaymentMethod) -> Route {
        if method.is_interactive() {
            Route::S4Agreement
        } else {
            Route::S4Direct
        }
    }

    /// The state an order is in right after the vendor registered it.
    pub fn initial_state(self) -> OrderState {
        match self {
            Route::ConnectIdHosted { .. } | Route::S4Agreement => OrderState::AwaitingPayment,
            Route::ConnectIdApi { .. } | Route::S4Direct => OrderState::Registered,
        }
    }

    /// Whether the reader's browser asks the gateway to complete the order by API.
    pub fn completes_by_api(self) -> bool {
        !matches!(self, Route::ConnectIdHosted { .. })
    }

    /// Whether an "assign user" step links the order to the reader after payment.
    pub fn assigns_user(self) -> bool {
        match self {
            Route::ConnectIdHosted { assign_user, .. } | Route::ConnectIdApi { assign_user, .. } => assign_user,
            Route::S4Direct | Route::S4Agreement => false,
        }
    }

    /// Whether an order in `state` has nothing left to do.
    pub fn is_done(self, state: OrderState) -> bool {
        match state {
            OrderState::AccessGiven | OrderState::Cancelled | OrderState::Failed => true,
            OrderState::Paid => !self.assigns_user(),
            OrderState::Registered | OrderState::AwaitingPayment => false,
        }
    }

    /// Whether the reader has what they paid for in `state`.
    pub fn has_access(self, state: OrderState) -> bool {
        state == OrderState::AccessGiven || (state == OrderState::Paid && !self.assigns_user())
    }
}
