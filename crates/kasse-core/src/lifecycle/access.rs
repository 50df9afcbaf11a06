//! Access the gateway gives by itself, when the reader's browser never asks for it.
//!
//! A reader who is not logged in (flows 1b/2b) gets access through "assign user" after payment,
//! and the widget asks for it from the tab the order was made in, which holds the order's token
//! and credential. When the payment page's return opens somewhere else (Vipps or a bank app that
//! hands back to another browser, a closed tab), nobody asks, and a paid reader would have
//! nothing. So the gateway keeps the credential sealed at registration and checks such orders
//! itself, on a schedule that ends: [`access_check`] says what a check does, and
//! [`next_access_check`] when the next one is due.

use super::{decide, Effect, OrderState, Request, Route};

/// Minutes after registration at which the gateway checks an order whose access was not given.
/// The first waits for the reader's own tab (a payment takes a few minutes, and the widget
/// assigns within seconds of the return), so both rarely ask at once; the last gives up a day
/// after, when a hosted payment page has long expired.
pub const ACCESS_CHECK_MINUTES: [i64; 10] = [5, 10, 20, 40, 60, 120, 240, 480, 720, 1440];

/// How long after registration a kept credential is forgotten whatever happened: the last check
/// and an hour's grace (for a check that could not forget it, or a gateway that was down).
pub const ACCESS_KEPT_MS: i64 = (1440 + 60) * 60_000;

/// What one check of an order awaiting its access does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessCheck {
    /// Take these vendor calls, as a reader's assign-user request would (the vendor's status
    /// first, for an order paid on the hosted page), with the sealed credential.
    Assign(&'static [Effect]),
    /// Nothing to do yet (the order is not completed): check again later.
    Wait,
    /// Nothing left to give (access given, cancelled, failed, or a route without assign user):
    /// forget the credential.
    Forget,
}

/// What a check of an order of `route` in `state` does.
pub fn access_check(route: Route, state: OrderState) -> AccessCheck {
    if !route.assigns_user() || route.is_done(state) {
        return AccessCheck::Forget;
    }
    match decide(route, state, Request::AssignUser) {
        Ok(effects) => AccessCheck::Assign(effects),
        Err(_) => AccessCheck::Wait,
    }
}

/// When the check after `checks_done` checks of an order registered at `created_ms` is due
/// (epoch ms); `None` once the schedule is over, when the credential is forgotten.
pub fn next_access_check(created_ms: i64, checks_done: usize) -> Option<i64> {
    let minutes = ACCESS_CHECK_MINUTES.get(checks_done)?;
    Some(created_ms.saturating_add(minutes * 60_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectid::Flow;
    use OrderState::*;

    const HOSTED_1B: Route = Route::ConnectIdHosted {
        flow: Flow::OneB,
        assign_user: true,
    };
    const API_2B: Route = Route::ConnectIdApi {
        flow: Flow::TwoB,
        assign_user: true,
    };

    #[test]
    fn a_hosted_order_is_assigned_only_after_the_vendor_reports_it_paid() {
        assert_eq!(
            access_check(HOSTED_1B, AwaitingPayment),
            AccessCheck::Assign(&[Effect::ConfirmPaidAtVendor, Effect::AssignUserAtVendor])
        );
        assert_eq!(
            access_check(HOSTED_1B, Paid),
            AccessCheck::Assign(&[Effect::AssignUserAtVendor])
        );
    }

    #[test]
    fn an_order_completed_by_api_waits_for_its_completion() {
        // The gateway never completes an order the reader did not complete: that would place it.
        assert_eq!(access_check(API_2B, Registered), AccessCheck::Wait);
        assert_eq!(
            access_check(API_2B, Paid),
            AccessCheck::Assign(&[Effect::AssignUserAtVendor])
        );
    }

    #[test]
    fn nothing_is_given_twice_or_to_an_order_that_ended() {
        for state in [AccessGiven, Cancelled, Failed] {
            assert_eq!(access_check(HOSTED_1B, state), AccessCheck::Forget, "{state:?}");
            assert_eq!(access_check(API_2B, state), AccessCheck::Forget, "{state:?}");
        }
        let logged_in = Route::ConnectIdHosted {
            flow: Flow::OneA,
            assign_user: false,
        };
        for state in OrderState::ALL {
            assert_eq!(access_check(logged_in, state), AccessCheck::Forget, "{state:?}");
            assert_eq!(access_check(Route::S4Agreement, state), AccessCheck::Forget);
        }
    }

    #[test]
    fn the_checks_follow_the_schedule_and_end() {
        let created = 1_700_000_000_000;
        assert_eq!(next_access_check(created, 0), Some(created + 5 * 60_000));
        assert_eq!(next_access_check(created, 9), Some(created + 24 * 60 * 60_000));
        assert_eq!(next_access_check(created, ACCESS_CHECK_MINUTES.len()), None);
        let due: Vec<i64> = (0..ACCESS_CHECK_MINUTES.len())
            .map(|n| next_access_check(created, n).unwrap())
            .collect();
        assert!(due.windows(2).all(|w| w[0] < w[1]), "each check later than the last");
    }
}
