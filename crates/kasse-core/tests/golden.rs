//! Golden tests: the vendors' own sample bodies parse into the types and serialise back equal.

use kasse_core::connectid::validate_client_order;
use kasse_core::connectid::{ClientOrder, OrderCreated, ProductSpecType};
use kasse_core::money::Money;
use kasse_core::s4::{OrderCreate, PaymentAgreementParameters, S4PaymentMethod, TemplatePackage};
use kasse_core::PaymentMethod;
use serde_json::Value;

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Parses `text` as `T`, serialises it again, and returns (original, round-tripped) as values.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> (T, Value, Value) {
    let typed: T = serde_json::from_str(text).expect("golden vector parses into the type");
    let back = serde_json::to_value(&typed).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    (typed, original, back)
}

#[test]
fn connectid_example_order_round_trips() {
    let (order, original, back) = round_trip::<ClientOrder>(&golden("connectid_client_order.json"));
    assert_eq!(back, original);
    assert_eq!(order.payment_method, PaymentMethod::CreditcardPayex);
    assert_eq!(order.order_amount, Money::from_minor(15000));
    assert_eq!(order.payer.street_number, Some(12));
    assert_eq!(order.order_lines[0].product_spec_type, ProductSpecType::Coupon);
    assert_eq!(order.order_lines[0].unit_price, Some(Money::from_minor(15000)));
    let card = order
        .payment_info_pay_ex
        .as_ref()
        .unwrap()
        .card_details
        .as_ref()
        .unwrap();
    assert_eq!(card.is_pan_enrolled, Some(true));
    // The vendor's own example obeys every rule Kasse enforces.
    assert_eq!(validate_client_order(&order), Ok(()));
}

#[test]
fn connectid_example_with_unmangled_campaign_parameters_round_trips_too() {
    let text = golden("connectid_client_order.json").replace("¶m2", "&param2");
    let (order, original, back) = round_trip::<ClientOrder>(&text);
    assert_eq!(back, original);
    assert_eq!(
        order.campaign_parameters.as_deref(),
        Some("?param=Datanews&param2=Dataold")
    );
}

#[test]
fn absent_optionals_are_omitted_not_null() {
    let (order, _, _) = round_trip::<ClientOrder>(&golden("connectid_client_order.json"));
    let mut minimal = order.clone();
    minimal.payment_info_pay_ex = None;
    minimal.marketing_coupon_code = None;
    minimal.marketing_coupon_number = None;
    minimal.payer.middle_name = None;
    let json = serde_json::to_string(&minimal).unwrap();
    assert!(!json.contains("null"), "{json}");
    assert!(!json.contains("paymentInfoPayEx"));
    assert!(!json.contains("middleName"));
    assert!(json.contains("\"paymentMethod\":\"creditcardPayex\""));
}

#[test]
fn connectid_example_response() {
    let (created, original, back) = round_trip::<OrderCreated>(&golden("connectid_order_created.json"));
    assert_eq!(back, original);
    assert_eq!(created.order_id, 9);
}

#[test]
fn s4_example_template_round_trips() {
    let (t, original, back) = round_trip::<TemplatePackage>(&golden("s4_template.json"));
    assert_eq!(back, original);
    assert_eq!(t.products.len(), 3);
    assert_eq!(t.products[2].full_price, Money::from_minor(800_000));
}

#[test]
fn s4_example_product_choices_round_trip() {
    let (o, original, back) = round_trip::<OrderCreate>(&golden("s4_order_choices.json"));
    assert_eq!(back, original);
    let products = o.template_package_choices.unwrap().products.unwrap();
    assert_eq!(
        products,
        [
            "00000000-0000-0000-0000-000000000001",
            "00000000-0000-0000-0000-000000000006"
        ]
    );
}

#[test]
fn s4_price_override_reads_the_example_spelling_and_writes_the_sdk_spelling() {
    let (o, original, back) = round_trip::<OrderCreate>(&golden("s4_order_price_override.json"));
    assert_eq!(
        o.template_package_choices.as_ref().unwrap().price_override,
        Some(Money::from_minor(200_000))
    );
    // Equal once the one deliberate difference, the key's spelling, is applied to the original.
    let mut expected = original.clone();
    let choices = expected["templatePackageChoices"].as_object_mut().unwrap();
    let v = choices.remove("priceOveride").unwrap();
    choices.insert("priceOverride".into(), v);
    assert_eq!(back, expected);
    assert!(!back.to_string().contains("priceOveride"));
    // And the SDK spelling reads too.
    let sdk: OrderCreate = serde_json::from_value(back.clone()).unwrap();
    assert_eq!(sdk, o);
}

#[test]
fn s4_example_agreement_parameters_round_trip() {
    let (v, original, back) = round_trip::<PaymentAgreementParameters>(&golden("s4_agreement_vipps.json"));
    assert_eq!(back, original);
    assert_eq!(v.payment_method, S4PaymentMethod::Vipps);
    assert_eq!(
        v.vipps_mobile_pay_parameters.unwrap().profile_scope.as_deref(),
        Some("name address email")
    );
    let (s, original, back) = round_trip::<PaymentAgreementParameters>(&golden("s4_agreement_swedbankpay.json"));
    assert_eq!(back, original);
    assert_eq!(s.payment_method, S4PaymentMethod::SwedbankPay);
    assert_eq!(s.pay_ex_ecommerce_parameters.unwrap().culture.as_deref(), Some("nb-NO"));
}

#[test]
fn s4_example_agreement_parameters_pass_validation_inside_an_order() {
    for name in ["s4_agreement_vipps.json", "s4_agreement_swedbankpay.json"] {
        let pa: PaymentAgreementParameters = serde_json::from_str(&golden(name)).unwrap();
        let mut o: OrderCreate = serde_json::from_str(&golden("s4_order_choices.json")).unwrap();
        o.payment_agreement_id = None;
        o.payment_agreement_parameters = Some(pa);
        assert_eq!(kasse_core::s4::validate_s4_order(&o), Ok(()), "{name}");
    }
}
