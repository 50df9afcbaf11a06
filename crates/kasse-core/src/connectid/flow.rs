//! The four order-registration flows of ConnectID's order guide ("Flows for order registration")
//! and the steps each takes after registration.

use serde::{Deserialize, Serialize};

use super::PaymentMethod;
use crate::offer::Offer;

/// ConnectID's order flows: prepaid × logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Flow {
    /// Not prepaid, logged in: `POST /v1/order` (user token), then fulfillment redirect.
    #[serde(rename = "1a")]
    OneA,
    /// Not prepaid, not logged in: `POST /v1/client/order`, fulfillment redirect, assign user.
    #[serde(rename = "1b")]
    OneB,
    /// Prepaid, logged in: `POST /v1/order`, complete by API.
    #[serde(rename = "2a")]
    TwoA,
    /// Prepaid, not logged in: `POST /v1/client/order`, complete by API, assign user.
    #[serde(rename = "2b")]
    TwoB,
}

impl Flow {
    /// The flow's name in ConnectID's documentation (`"1a"`).
    pub fn name(self) -> &'static str {
        match self {
            Flow::OneA => "1a",
            Flow::OneB => "1b",
            Flow::TwoA => "2a",
            Flow::TwoB => "2b",
        }
    }

    /// Whether the order is prepaid in this flow.
    pub fn prepaid(self) -> bool {
        matches!(self, Flow::TwoA | Flow::TwoB)
    }

    /// Whether the reader is logged in in this flow.
    pub fn logged_in(self) -> bool {
        matches!(self, Flow::OneA | Flow::TwoA)
    }

    /// The register-order path: the user-mode endpoint with the reader's token when logged in,
    /// the client-mode endpoint otherwise.
    pub fn register_path(self) -> &'static str {
        if self.logged_in() {
            "/v1/order"
        } else {
            "/v1/client/order"
        }
    }
}

/// What happens after the order is registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// Send the reader to the fulfillment URL (interactive payment).
    RedirectToFulfillment,
    /// `POST /v1/client/order/fulfillment` (prepaid or no reader interaction).
    CompleteByApi,
    /// `POST /v1/client/order/{orderId}/user` (reader not logged in; digital access).
    AssignUser,
}

/// ConnectID's flow table: prepaid × logged in.
pub fn decide_flow(prepaid: bool, logged_in: bool) -> Flow {
    match (prepaid, logged_in) {
        (false, true) => Flow::OneA,
        (false, false) => Flow::OneB,
        (true, true) => Flow::TwoA,
        (true, false) => Flow::TwoB,
    }
}

/// The steps after registration, in order.
///
/// ConnectID's order guide: flows 1a/1b complete by redirect, 2a/2b by API; 1b/2b then assign the
/// user. One refinement from its "Complete order by fulfillment URL / API" pages: a not-prepaid
/// order whose method has no interactive payment (`invoice`, `sms`, `other`) completes by API too —
/// the redirect is not for `other` or `sms`, and invoice may also be completed by the API.
pub fn next_steps(flow: Flow, method: PaymentMethod) -> Vec<Step> {
    let complete = if flow.prepaid() || !method.is_interactive() {
        Step::CompleteByApi
    } else {
        Step::RedirectToFulfillment
    };
    let mut steps = vec![complete];
    if !flow.logged_in() {
        steps.push(Step::AssignUser);
    }
    steps
}

/// The flow and steps for an offer: as [`next_steps`], without "assign user" when the offer opens
/// no locked digital content (ConnectID's order guide: the step "is only relevant if the registered
/// order gives access to locked digital content").
pub fn plan(offer: &Offer, method: PaymentMethod, logged_in: bool) -> (Flow, Vec<Step>) {
    let flow = decide_flow(offer.prepaid, logged_in);
    let mut steps = next_steps(flow, method);
    if !offer.digital_access {
        steps.retain(|s| *s != Step::AssignUser);
    }
    (flow, steps)
}
