//! Table tests: every cell of ConnectID's payment-method table and every one of its order flows.

use kasse_core::connectid::{decide_flow, next_steps, plan, Flow, Step};
use kasse_core::connectid::{Cell, PaymentMethod, SUPPORT_TABLE};
use kasse_core::money::{Currency, Money};
use kasse_core::offer::{Backend, Offer, Period, ProductSpec, Text};

/// The rows of the payment-method table on ConnectID's "Register order - client mode" page as the
/// vendor prints them (after the method name), `✔` or empty, columns
/// recurring=true | recurring=false | prepaid=true | prepaid=false. `other` prints only two cells.
const VENDOR_ROWS: &[(&str, &str)] = &[
    ("invoice", "✔|✔|✔|"),
    ("sms", "✔|✔||"),
    ("smsPay", "✔|✔||"),
    ("vippsRecurring", "✔|✔||"),
    ("kco", "✔|✔|✔|✔"),
    ("creditcardPayex", "✔|✔|✔|✔"),
    ("swishPayex", "✔|✔|✔|"),
    ("vippsEcommerce", "✔|✔|✔|"),
    ("nexi", "✔|✔|✔|✔"),
    ("other", "✔|✔"),
];

#[test]
fn every_cell_matches_the_vendor_table() {
    assert_eq!(SUPPORT_TABLE.len(), VENDOR_ROWS.len());
    for ((method, cells), (name, row)) in SUPPORT_TABLE.iter().zip(VENDOR_ROWS) {
        assert_eq!(method.wire_name(), *name);
        let mut printed: Vec<Cell> = row
            .split('|')
            .map(|c| if c == "✔" { Cell::Tick } else { Cell::Blank })
            .collect();
        printed.resize(4, Cell::Blank);
        assert_eq!(cells.as_slice(), printed.as_slice(), "{name}");
    }
}

#[test]
fn wire_names_round_trip_through_serde() {
    for (method, _) in SUPPORT_TABLE {
        let json = serde_json::to_string(method).unwrap();
        assert_eq!(json, format!("\"{}\"", method.wire_name()));
        assert_eq!(serde_json::from_str::<PaymentMethod>(&json).unwrap(), *method);
        assert_eq!(PaymentMethod::from_wire(method.wire_name()), Some(*method));
    }
    assert!(serde_json::from_str::<PaymentMethod>("\"CreditcardPayex\"").is_err());
    assert_eq!(PaymentMethod::from_wire("free"), None);
}

/// The reading of the table, every (method, recurring, prepaid) combination spelt out:
/// recurring never restricts; prepaid=true needs a tick; prepaid=false is always allowed.
#[test]
fn supports_every_combination() {
    use PaymentMethod::*;
    // (method, [rec&!pre, rec&pre, !rec&!pre, !rec&pre])
    let expected = [
        (Invoice, [true, true, true, true]),
        (Sms, [true, false, true, false]),
        (SmsPay, [true, false, true, false]),
        (VippsRecurring, [true, false, true, false]),
        (Kco, [true, true, true, true]),
        (CreditcardPayex, [true, true, true, true]),
        (SwishPayex, [true, true, true, true]),
        (VippsEcommerce, [true, true, true, true]),
        (Nexi, [true, true, true, true]),
        (Other, [true, false, true, false]),
    ];
    assert_eq!(expected.len(), PaymentMethod::ALL.len());
    for (m, [a, b, c, d]) in expected {
        assert_eq!(m.supports(true, false), a, "{m:?} recurring, not prepaid");
        assert_eq!(m.supports(true, true), b, "{m:?} recurring, prepaid");
        assert_eq!(m.supports(false, false), c, "{m:?} not recurring, not prepaid");
        assert_eq!(m.supports(false, true), d, "{m:?} not recurring, prepaid");
    }
}

fn offer(recurring: bool, prepaid: bool, methods: Vec<PaymentMethod>) -> Offer {
    Offer {
        id: "t".into(),
        backend: Backend::ConnectId,
        title: Text::from("T"),
        description: None,
        price: Money::from_minor(14900),
        currency: Currency::nok(),
        period: Period::MONTH,
        recurring,
        prepaid,
        allowed_methods: methods,
        product_spec: Some(ProductSpec::Coupon {
            code: "DIGI1M".into(),
            number: 1001,
        }),
        marketing_coupon: None,
        access: None,
        digital_access: true,
        requires_address: false,
        gift: false,
        s4: None,
        start_subscription: None,
        consent: None,
    }
}

#[test]
fn methods_for_offer_filters_by_the_table_and_keeps_order() {
    use PaymentMethod::*;
    let all = PaymentMethod::ALL.to_vec();
    assert_eq!(PaymentMethod::for_offer(&offer(true, false, all.clone())), all);
    assert_eq!(
        PaymentMethod::for_offer(&offer(false, true, all.clone())),
        vec![Invoice, Kco, CreditcardPayex, SwishPayex, VippsEcommerce, Nexi]
    );
    assert_eq!(
        PaymentMethod::for_offer(&offer(true, true, vec![Nexi, Sms, Kco, Nexi])),
        vec![Nexi, Kco]
    );
    assert_eq!(PaymentMethod::for_offer(&offer(true, false, vec![])), vec![]);
    let mut s4 = offer(true, false, all);
    s4.backend = Backend::S4;
    assert_eq!(PaymentMethod::for_offer(&s4), vec![]);
}

#[test]
fn the_order_guide_flow_table() {
    // ConnectID's order guide, "Flows for order registration": flow | is prepaid? | is user logged
    // in?  1a No Yes · 1b No No · 2a Yes Yes · 2b Yes No
    assert_eq!(decide_flow(false, true), Flow::OneA);
    assert_eq!(decide_flow(false, false), Flow::OneB);
    assert_eq!(decide_flow(true, true), Flow::TwoA);
    assert_eq!(decide_flow(true, false), Flow::TwoB);
    for f in [Flow::OneA, Flow::OneB, Flow::TwoA, Flow::TwoB] {
        assert_eq!(decide_flow(f.prepaid(), f.logged_in()), f);
        assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.name()));
    }
    assert_eq!(Flow::OneA.register_path(), "/v1/order");
    assert_eq!(Flow::TwoA.register_path(), "/v1/order");
    assert_eq!(Flow::OneB.register_path(), "/v1/client/order");
    assert_eq!(Flow::TwoB.register_path(), "/v1/client/order");
}

#[test]
fn steps_for_every_flow_and_method() {
    use PaymentMethod::*;
    use Step::*;
    for m in PaymentMethod::ALL {
        // Interactive methods pay on the vendor's pages when not prepaid; invoice, sms, other
        // have no payment page (ConnectID's order guide: the fulfillment redirect is not for
        // `other` or `sms`; invoice may be completed by the fulfillment API).
        let not_prepaid_complete = if matches!(m, Invoice | Sms | Other) {
            CompleteByApi
        } else {
            RedirectToFulfillment
        };
        assert_eq!(next_steps(Flow::OneA, m), vec![not_prepaid_complete], "1a {m:?}");
        assert_eq!(
            next_steps(Flow::OneB, m),
            vec![not_prepaid_complete, AssignUser],
            "1b {m:?}"
        );
        assert_eq!(next_steps(Flow::TwoA, m), vec![CompleteByApi], "2a {m:?}");
        assert_eq!(next_steps(Flow::TwoB, m), vec![CompleteByApi, AssignUser], "2b {m:?}");
    }
    // The vendor documentation's own narrative cases.
    assert_eq!(
        next_steps(Flow::OneB, CreditcardPayex),
        vec![RedirectToFulfillment, AssignUser]
    );
    assert_eq!(next_steps(Flow::TwoB, VippsEcommerce), vec![CompleteByApi, AssignUser]);
}

#[test]
fn assign_user_only_when_the_offer_opens_digital_content() {
    let mut o = offer(false, true, vec![PaymentMethod::Invoice]);
    assert_eq!(
        plan(&o, PaymentMethod::Invoice, false),
        (Flow::TwoB, vec![Step::CompleteByApi, Step::AssignUser])
    );
    o.digital_access = false;
    assert_eq!(
        plan(&o, PaymentMethod::Invoice, false),
        (Flow::TwoB, vec![Step::CompleteByApi])
    );
    assert_eq!(
        plan(&o, PaymentMethod::Invoice, true),
        (Flow::TwoA, vec![Step::CompleteByApi])
    );
}
