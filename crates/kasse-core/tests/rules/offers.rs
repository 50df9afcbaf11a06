//! The catalog's offers: the demo catalog is valid, bad offers are refused with every reason.

use kasse_core::error_code::ErrorCode;
use kasse_core::i18n::Locale;
use kasse_core::offer::{validate_offer, Offer};
use kasse_core::{Money, PaymentMethod};

use crate::{catalog, codes, offer};

#[test]
fn demo_catalog_is_valid_and_json_round_trips() {
    let offers = catalog();
    assert_eq!(offers.len(), 7);
    for o in &offers {
        assert_eq!(validate_offer(o), Ok(()), "{}", o.id);
        let json = serde_json::to_string(o).unwrap();
        assert_eq!(&serde_json::from_str::<Offer>(&json).unwrap(), o);
    }
    let papir = offer("papir-12");
    assert_eq!(papir.price, Money::from_minor(199_000));
    assert_eq!(papir.period.count, 12);
    assert_eq!(offer("digi-1m").title.get(Locale::Sv), "Digital, 1 månad");
    assert_eq!(offer("se-dig").title.get(Locale::Nb), "Digital subscription");
    let json = serde_json::to_value(offer("digi-1m")).unwrap();
    assert_eq!(json["price"], serde_json::json!(149));
    assert_eq!(json["allowedMethods"][0], "creditcardPayex");
    assert_eq!(json["productSpec"]["type"], "coupon");
}

#[test]
fn bad_offers_are_refused_with_every_reason() {
    let mut o = offer("gave-3m");
    o.allowed_methods.push(PaymentMethod::VippsRecurring); // cannot be prepaid
    o.id = "".into();
    o.price = Money::from_minor(-1);
    o.product_spec = None;
    let errs = validate_offer(&o).unwrap_err();
    assert_eq!(
        codes(&errs),
        vec![
            ("id", ErrorCode::Required),
            ("price", ErrorCode::InvalidAmount),
            ("allowedMethods[2]", ErrorCode::MethodUnsupported),
            ("productSpec", ErrorCode::Required),
        ]
    );
    let mut s = offer("tv-basic");
    s.s4.as_mut().unwrap().template_package_id = "nope".into();
    assert_eq!(
        codes(&validate_offer(&s).unwrap_err()),
        vec![("s4.templatePackageId", ErrorCode::InvalidUuid)]
    );
    assert!(serde_json::from_str::<Offer>(
        r#"{"id":"x","backend":"connectId","title":"x","price":1.234,"currency":"NOK","period":{"unit":"month"}}"#
    )
    .is_err());
    let unknown = serde_json::from_str::<Offer>(
        r#"{"id":"x","backend":"connectId","title":"x","price":1,"currency":"NOX","period":{"unit":"month"}}"#,
    )
    .unwrap_err();
    assert!(
        unknown.to_string().contains(r#"unknown currency code "NOX""#),
        "{unknown}"
    );
    let odd = serde_json::from_str::<Offer>(
        r#"{"id":"x","backend":"connectId","title":"x","price":1,"currency":"N\nOK","period":{"unit":"month"}}"#,
    )
    .unwrap_err();
    assert!(
        odd.to_string().contains("unknown currency code (not an ISO 4217 code)"),
        "a code that is not one is not echoed: {odd}"
    );
}
