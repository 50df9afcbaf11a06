//! The order lifecycle: every route × state × request and every route × state × outcome against
//! tables written out here by hand, and a model of the vendor driven by random readers to show
//! that no sequence of requests gives access or completes a hosted order without the vendor's word.

use kasse_core::connectid::Flow;
use kasse_core::lifecycle::{apply, decide, Effect, OrderState, Outcome, Request, Route};
use proptest::prelude::*;

const HOSTED_ASSIGN: Route = Route::ConnectIdHosted {
    flow: Flow::OneB,
    assign_user: true,
};
const HOSTED_LOGGED_IN: Route = Route::ConnectIdHosted {
    flow: Flow::OneA,
    assign_user: false,
};
const API_ASSIGN: Route = Route::ConnectIdApi {
    flow: Flow::TwoB,
    assign_user: true,
};
const API_LOGGED_IN: Route = Route::ConnectIdApi {
    flow: Flow::TwoA,
    assign_user: false,
};

const ROUTES: [Route; 6] = [
    HOSTED_ASSIGN,
    HOSTED_LOGGED_IN,
    API_ASSIGN,
    API_LOGGED_IN,
    Route::S4Direct,
    Route::S4Agreement,
];

/// One row per state (Registered, AwaitingPayment, Paid, AccessGiven, Cancelled, Failed); columns
/// Complete, AssignUser, Status, Cancel. `-` refused; `S` read status; `C` complete; `PA` confirm
/// paid then assign; `A` assign; `R` answer from the record; `X` cancel at the vendor; `0` nothing.
fn decide_table(route: Route) -> [[&'static str; 4]; 6] {
    match route {
        HOSTED_ASSIGN => [
            ["-", "-", "S", "0"],
            ["-", "PA", "S", "0"],
            ["-", "A", "S", "-"],
            ["-", "A", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        HOSTED_LOGGED_IN => [
            ["-", "-", "S", "0"],
            ["-", "-", "S", "0"],
            ["-", "-", "S", "-"],
            ["-", "-", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        API_ASSIGN => [
            ["C", "-", "S", "0"],
            ["-", "-", "S", "0"],
            ["R", "A", "S", "-"],
            ["R", "A", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        API_LOGGED_IN => [
            ["C", "-", "S", "0"],
            ["-", "-", "S", "0"],
            ["R", "-", "S", "-"],
            ["R", "-", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        Route::S4Direct => [
            ["C", "-", "S", "X"],
            ["-", "-", "S", "X"],
            ["R", "-", "S", "-"],
            ["R", "-", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        Route::S4Agreement => [
            ["-", "-", "S", "X"],
            ["C", "-", "S", "X"],
            ["R", "-", "S", "-"],
            ["R", "-", "S", "-"],
            ["-", "-", "S", "R"],
            ["-", "-", "S", "-"],
        ],
        other => panic!("no table for {other:?}"),
    }
}

fn effect_code(effects: &[Effect]) -> String {
    if effects.is_empty() {
        return "0".into();
    }
    effects
        .iter()
        .map(|e| match e {
            Effect::CompleteAtVendor => "C",
            Effect::ConfirmPaidAtVendor => "P",
            Effect::AssignUserAtVendor => "A",
            Effect::ReadStatusAtVendor => "S",
            Effect::CancelAtVendor => "X",
            Effect::AnswerFromRecord => "R",
        })
        .collect()
}

#[test]
fn every_request_in_every_state_of_every_route() {
    for route in ROUTES {
        let table = decide_table(route);
        for (row, state) in OrderState::ALL.into_iter().enumerate() {
            for (col, request) in Request::ALL.into_iter().enumerate() {
                let got = match decide(route, state, request) {
                    Ok(effects) => effect_code(effects),
                    Err(wrong) => {
                        assert_eq!((wrong.state, wrong.to_string().is_empty()), (state, false));
                        "-".into()
                    }
                };
                assert_eq!(got, table[row][col], "{route:?} in {state:?} asked {request:?}");
            }
        }
    }
}

/// One row per state as above; columns Completed, ReportedPaid, ReportedUnpaid, UserAssigned,
/// NotApproved, Cancelled, Refused. Letters name the next state (`r`egistered, a`w`aiting
/// payment, `p`aid, access `g`iven, `c`ancelled, `f`ailed); `c+` is cancelled followed by a cancel
/// at the vendor; `-` refused.
fn apply_table(route: Route) -> [[&'static str; 7]; 6] {
    const ANSWERED_BY_API: [[&str; 7]; 6] = [
        ["p", "p", "r", "-", "-", "c", "f"],
        ["-", "p", "w", "-", "-", "c", "f"],
        ["p", "p", "p", "-", "-", "-", "-"],
        ["g", "g", "g", "-", "-", "-", "-"],
        ["-", "p", "c", "-", "-", "c", "-"],
        ["-", "p", "f", "-", "-", "-", "-"],
    ];
    match route {
        HOSTED_ASSIGN => [
            ["-", "p", "r", "-", "-", "c", "f"],
            ["-", "p", "w", "-", "-", "c", "f"],
            ["-", "p", "p", "g", "-", "-", "-"],
            ["-", "g", "g", "g", "-", "-", "-"],
            ["-", "p", "c", "-", "-", "c", "-"],
            ["-", "p", "f", "-", "-", "-", "-"],
        ],
        HOSTED_LOGGED_IN => [
            ["-", "p", "r", "-", "-", "c", "f"],
            ["-", "p", "w", "-", "-", "c", "f"],
            ["-", "p", "p", "-", "-", "-", "-"],
            ["-", "g", "g", "-", "-", "-", "-"],
            ["-", "p", "c", "-", "-", "c", "-"],
            ["-", "p", "f", "-", "-", "-", "-"],
        ],
        API_ASSIGN => [
            ["p", "p", "r", "-", "-", "c", "f"],
            ["-", "p", "w", "-", "-", "c", "f"],
            ["p", "p", "p", "g", "-", "-", "-"],
            ["g", "g", "g", "g", "-", "-", "-"],
            ["-", "p", "c", "-", "-", "c", "-"],
            ["-", "p", "f", "-", "-", "-", "-"],
        ],
        API_LOGGED_IN | Route::S4Direct => ANSWERED_BY_API,
        Route::S4Agreement => [
            ["-", "p", "r", "-", "-", "c", "f"],
            ["p", "p", "w", "-", "c+", "c", "f"],
            ["p", "p", "p", "-", "-", "-", "-"],
            ["g", "g", "g", "-", "-", "-", "-"],
            ["-", "p", "c", "-", "-", "c", "-"],
            ["-", "p", "f", "-", "-", "-", "-"],
        ],
        other => panic!("no table for {other:?}"),
    }
}

fn state_code(state: OrderState) -> &'static str {
    match state {
        OrderState::Registered => "r",
        OrderState::AwaitingPayment => "w",
        OrderState::Paid => "p",
        OrderState::AccessGiven => "g",
        OrderState::Cancelled => "c",
        OrderState::Failed => "f",
    }
}

#[test]
fn every_outcome_in_every_state_of_every_route() {
    for route in ROUTES {
        let table = apply_table(route);
        for (row, state) in OrderState::ALL.into_iter().enumerate() {
            for (col, outcome) in Outcome::ALL.into_iter().enumerate() {
                let got = match apply(route, state, outcome) {
                    Ok(t) if t.then == [Effect::CancelAtVendor] => format!("{}+", state_code(t.state)),
                    Ok(t) => {
                        assert!(t.then.is_empty(), "{route:?} {state:?} {outcome:?}");
                        state_code(t.state).to_string()
                    }
                    Err(_) => "-".into(),
                };
                assert_eq!(got, table[row][col], "{route:?} in {state:?} heard {outcome:?}");
            }
        }
    }
}

#[test]
fn routes_start_where_the_reader_is_sent() {
    assert_eq!(HOSTED_ASSIGN.initial_state(), OrderState::AwaitingPayment);
    assert_eq!(Route::S4Agreement.initial_state(), OrderState::AwaitingPayment);
    assert_eq!(API_ASSIGN.initial_state(), OrderState::Registered);
    assert_eq!(Route::S4Direct.initial_state(), OrderState::Registered);
    assert!(HOSTED_LOGGED_IN.has_access(OrderState::Paid) && !HOSTED_ASSIGN.has_access(OrderState::Paid));
    assert!(HOSTED_ASSIGN.is_done(OrderState::AccessGiven) && !HOSTED_ASSIGN.is_done(OrderState::Paid));
    for state in OrderState::ALL {
        assert_eq!(OrderState::parse(state.as_str()), Some(state));
        assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
    }
    assert_eq!(OrderState::parse("paid "), None);
}

/// The vendor, as far as the lifecycle is concerned.
#[derive(Debug, Default)]
struct Vendor {
    /// The reader paid on the hosted page / approved the agreement on the terminal page.
    paid_on_page: bool,
    completed: bool,
    assigned: bool,
}

impl Vendor {
    fn paid(&self) -> bool {
        self.paid_on_page || self.completed
    }

    /// Carries out one effect; `None` when it yields no outcome.
    fn run(&mut self, route: Route, effect: Effect) -> Option<Outcome> {
        match effect {
            Effect::CompleteAtVendor => {
                assert!(route.completes_by_api(), "{route:?}: completed by API, never paid");
                if route == Route::S4Agreement && !self.paid_on_page {
                    return Some(Outcome::NotApproved);
                }
                self.completed = true;
                Some(Outcome::Completed)
            }
            Effect::ConfirmPaidAtVendor | Effect::ReadStatusAtVendor => Some(if self.paid() {
                Outcome::ReportedPaid
            } else {
                Outcome::ReportedUnpaid
            }),
            Effect::AssignUserAtVendor => {
                assert!(self.paid(), "{route:?}: access assigned to an unpaid order");
                self.assigned = true;
                Some(Outcome::UserAssigned)
            }
            Effect::CancelAtVendor => Some(Outcome::Cancelled),
            Effect::AnswerFromRecord => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Action {
    Ask(Request),
    PayOnPage,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => prop::sample::select(Request::ALL.to_vec()).prop_map(Action::Ask),
        1 => Just(Action::PayOnPage),
    ]
}

/// Runs a request the way the gateway does: the effects in order, each outcome applied at once,
/// stopping after a confirmation that found the order unpaid.
fn serve(route: Route, vendor: &mut Vendor, mut state: OrderState, request: Request) -> OrderState {
    let Ok(effects) = decide(route, state, request) else {
        return state;
    };
    let mut queue: Vec<Effect> = effects.to_vec();
    queue.reverse();
    while let Some(effect) = queue.pop() {
        let Some(outcome) = vendor.run(route, effect) else {
            continue;
        };
        let t = apply(route, state, outcome).unwrap_or_else(|e| panic!("{route:?}: a decided effect led to {e}"));
        state = t.state;
        if effect == Effect::ConfirmPaidAtVendor && outcome == Outcome::ReportedUnpaid {
            break;
        }
        queue.extend(t.then.iter().rev());
    }
    if request == Request::Cancel && state != OrderState::Cancelled && !effects.contains(&Effect::AnswerFromRecord) {
        state = apply(route, state, Outcome::Cancelled)
            .expect("an allowed cancel cancels")
            .state;
    }
    state
}

proptest! {
    #[test]
    fn no_reader_gets_access_the_vendor_did_not_confirm(
        route in prop::sample::select(ROUTES.to_vec()),
        actions in prop::collection::vec(action(), 0..12),
    ) {
        let mut vendor = Vendor::default();
        let mut state = route.initial_state();
        for action in actions {
            match action {
                Action::PayOnPage if state == OrderState::AwaitingPayment => vendor.paid_on_page = true,
                Action::PayOnPage => {}
                Action::Ask(request) => state = serve(route, &mut vendor, state, request),
            }
            if matches!(state, OrderState::Paid | OrderState::AccessGiven) {
                prop_assert!(vendor.paid(), "{:?} reached {:?} unpaid", route, state);
            }
            if state == OrderState::AccessGiven {
                prop_assert!(vendor.assigned || !route.assigns_user());
            }
        }
    }
}

#[test]
fn each_s4_method_takes_its_route_to_paid_or_to_cancelled() {
    use kasse_core::s4::S4PaymentMethod;
    for method in [
        S4PaymentMethod::Vipps,
        S4PaymentMethod::MobilePay,
        S4PaymentMethod::SwedbankPay,
    ] {
        let route = Route::s4(method);
        assert_eq!(route, Route::S4Agreement, "{method:?}");
        let start = route.initial_state();
        assert_eq!(
            decide(route, start, Request::Complete),
            Ok(&[Effect::CompleteAtVendor][..])
        );
        let paid = apply(route, start, Outcome::Completed).unwrap();
        assert_eq!(paid.state, OrderState::Paid, "{method:?}");
        let cancelled = apply(route, start, Outcome::NotApproved).unwrap();
        assert_eq!(cancelled.state, OrderState::Cancelled, "{method:?}");
        assert_eq!(cancelled.then, &[Effect::CancelAtVendor][..], "{method:?}");
        // Once cancelled, nothing completes it again.
        assert!(decide(route, OrderState::Cancelled, Request::Complete).is_err());
    }
    let invoice = Route::s4(S4PaymentMethod::Invoice);
    assert_eq!(invoice, Route::S4Direct);
    let start = invoice.initial_state();
    assert_eq!(
        decide(invoice, start, Request::Complete),
        Ok(&[Effect::CompleteAtVendor][..])
    );
    assert_eq!(
        apply(invoice, start, Outcome::Completed).unwrap().state,
        OrderState::Paid
    );
}
