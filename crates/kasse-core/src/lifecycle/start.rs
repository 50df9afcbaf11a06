//! Starting a subscription (ConnectID's start subscription): no order and nothing to pay, so no
//! [`Route`](super::Route). What comes next depends on three facts: whether the reader is logged
//! in (the vendor starts it only in the reader's own name), whether they have the product
//! already (the vendor documents no error for starting it twice, so access is checked first) and
//! whether it has been started.
//!
//! The widget shows what [`next_start_step`] says (login link, a wait, "already yours", the
//! one-click confirmation, the receipt); the gateway takes the same steps with the vendor, so a
//! browser that skips one is refused there.

/// What is known of one reader and one start-subscription offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StartFacts {
    /// The reader has a session (their own vendor token).
    pub logged_in: bool,
    /// What the vendor's access check answered for the offer's product; `None` until asked.
    pub has_access: Option<bool>,
    /// The vendor started the subscription.
    pub started: bool,
}

/// The next step for a reader who wants to start an offer's subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartStep {
    /// Log in first. Widget: the login link; gateway: 401 `login_required`, no vendor call.
    LogIn,
    /// Ask the vendor whether the reader has the product (`POST /v1/customer/access`).
    CheckAccess,
    /// They have it: nothing to start. Widget: "already yours"; gateway: 409
    /// `already_has_access`, no start call.
    AlreadyHasAccess,
    /// Start it (`POST /v1/subscription` with the reader's token). Widget: the confirmation the
    /// reader clicks.
    Start,
    /// Started: the receipt.
    Done,
}

/// The step `facts` allow next. A start is final: once started, nothing else is asked, and the
/// access check is never skipped before a start.
pub fn next_start_step(facts: StartFacts) -> StartStep {
    match facts {
        StartFacts { started: true, .. } => StartStep::Done,
        StartFacts { logged_in: false, .. } => StartStep::LogIn,
        StartFacts { has_access: None, .. } => StartStep::CheckAccess,
        StartFacts {
            has_access: Some(true), ..
        } => StartStep::AlreadyHasAccess,
        StartFacts {
            has_access: Some(false),
            ..
        } => StartStep::Start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(logged_in: bool, has_access: Option<bool>, started: bool) -> StartFacts {
        StartFacts {
            logged_in,
            has_access,
            started,
        }
    }

    #[test]
    fn every_combination_of_facts() {
        use StartStep::*;
        // logged in × access (unknown, no, yes) × started, written out by hand.
        let table = [
            (facts(false, None, false), LogIn),
            (facts(false, Some(false), false), LogIn),
            (facts(false, Some(true), false), LogIn),
            (facts(true, None, false), CheckAccess),
            (facts(true, Some(false), false), Start),
            (facts(true, Some(true), false), AlreadyHasAccess),
            (facts(false, None, true), Done),
            (facts(true, None, true), Done),
            (facts(true, Some(false), true), Done),
            (facts(true, Some(true), true), Done),
        ];
        for (f, want) in table {
            assert_eq!(next_start_step(f), want, "{f:?}");
        }
    }

    #[test]
    fn a_reader_is_walked_from_logged_out_to_started_in_order() {
        let mut f = StartFacts::default();
        let mut seen = vec![next_start_step(f)];
        f.logged_in = true;
        seen.push(next_start_step(f));
        f.has_access = Some(false);
        seen.push(next_start_step(f));
        f.started = true;
        seen.push(next_start_step(f));
        assert_eq!(
            seen,
            [
                StartStep::LogIn,
                StartStep::CheckAccess,
                StartStep::Start,
                StartStep::Done
            ]
        );
    }
}
