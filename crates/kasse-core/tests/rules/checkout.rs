//! The reader's form and the builders: valid payloads from a valid form, every form error at once.

use kasse_core::checkout::{build_client_order, build_s4_request, validate_form, CheckoutForm, S4Urls};
use kasse_core::conformance::{check_order_against_offer, check_s4_order_against_offer};
use kasse_core::connectid::validate_client_order;
use kasse_core::error_code::ErrorCode;
use kasse_core::s4::S4PaymentMethod;

use crate::{codes, expect, kari, offer, s4_urls};

#[test]
fn builds_a_valid_connectid_order_from_the_form() {
    let o = offer("digi-1m");
    let order = build_client_order(&o, &kari("creditcardPayex"), "ord-1", 1_700_000_000_000).unwrap();
    assert_eq!(validate_client_order(&order), Ok(()));
    assert_eq!(check_order_against_offer(&order, &o), Ok(()));
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(json["orderAmount"], serde_json::json!(149));
    assert_eq!(json["currency"], "NOK");
    assert_eq!(json["paymentMethod"], "creditcardPayex");
    assert_eq!(json["recurring"], true);
    assert_eq!(json["payer"]["phoneNumbers"][0], "+4791234567");
    assert_eq!(json["orderLines"][0]["productSpecCode"], "DIGI1M");
    assert_eq!(json["orderLines"][0]["productSpecNo"], 1001);
    assert_eq!(json["orderLines"][0]["unitPrice"], serde_json::json!(149));
    assert_eq!(json["orderLines"][0]["allowAccessProduct"], "DIGI");
    assert!(!json.to_string().contains("null"));
}

#[test]
fn the_form_reports_every_error_at_once_at_form_paths() {
    let o = offer("papir-12");
    let form = CheckoutForm {
        first_name: "".into(),
        last_name: "  ".into(),
        company_name: Some("".into()),
        email: "kari@".into(),
        phone: "12".into(),
        street: "".into(),
        postal_code: "123".into(),
        postal_place: "".into(),
        country_code: "NO".into(),
        method: "kco".into(),
        accept_terms: false,
        products: Vec::new(),
        marketing_consent: false,
    };
    let errs = build_client_order(&o, &form, "x", 0).unwrap_err();
    assert_eq!(
        codes(&errs),
        vec![
            ("lastName", ErrorCode::NameRequired),
            ("email", ErrorCode::InvalidEmail),
            ("phone", ErrorCode::InvalidPhone),
            ("postalCode", ErrorCode::InvalidPostalCode),
            ("street", ErrorCode::Required),
            ("postalPlace", ErrorCode::Required),
            ("method", ErrorCode::MethodNotAllowed),
            ("acceptTerms", ErrorCode::TermsNotAccepted),
        ]
    );
    let mut none = kari("invoice");
    none.email.clear();
    none.phone.clear();
    none.country_code = "ZZ".into();
    none.method = "bitcoin".into();
    assert_eq!(
        codes(&validate_form(&o, &none).unwrap_err()),
        vec![
            ("countryCode", ErrorCode::InvalidCountry),
            ("email", ErrorCode::ContactRequired),
            ("phone", ErrorCode::ContactRequired),
            ("method", ErrorCode::InvalidValue),
        ]
    );
}

#[test]
fn company_instead_of_last_name_and_swedish_forms() {
    let o = offer("se-dig");
    let mut f = kari("swishPayex");
    f.last_name.clear();
    f.company_name = Some("Tidning AB".into());
    f.country_code = "se".into();
    f.postal_code = "113 51".into();
    f.phone = "070-123 45 67".into();
    let order = build_client_order(&o, &f, "x", 1).unwrap();
    assert_eq!(order.payer.postal_code.as_deref(), Some("11351"));
    assert_eq!(order.payer.country_code.as_deref(), Some("SE"));
    assert_eq!(
        order.payer.phone_numbers.as_deref(),
        Some(&["+46701234567".to_string()][..])
    );
    assert_eq!(order.payer.last_name, None);
    assert_eq!(order.marketing_coupon_code.as_deref(), Some("NOA3263"));
    assert_eq!(check_order_against_offer(&order, &o), Ok(()));
}

#[test]
fn builder_refuses_an_s4_offer_and_the_s4_builder_a_connectid_offer() {
    let err = build_client_order(&offer("tv-basic"), &kari("Vipps"), "x", 0).unwrap_err();
    assert_eq!(codes(&err), vec![("offer", ErrorCode::BackendMismatch)]);
    let err = build_s4_request(&offer("digi-1m"), &kari("kco"), &S4Urls::default()).unwrap_err();
    assert_eq!(codes(&err), vec![("offer", ErrorCode::BackendMismatch)]);
}

#[test]
fn builds_and_checks_s4_orders() {
    let prefixes = vec![
        "https://news.example.no/kasse/".to_string(),
        "https://gateway.example.no/".to_string(),
    ];
    let o = offer("tv-basic");
    assert_eq!(
        S4PaymentMethod::for_offer(&o),
        vec![
            S4PaymentMethod::Vipps,
            S4PaymentMethod::MobilePay,
            S4PaymentMethod::SwedbankPay
        ]
    );
    for m in ["Vipps", "MobilePay", "SwedbankPay"] {
        let order = build_s4_request(&o, &kari(m), &s4_urls()).unwrap().order;
        assert_eq!(
            check_s4_order_against_offer(&order, &o, expect(&prefixes)),
            Ok(()),
            "{m}"
        );
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["templatePackageChoices"]["priceOverride"], serde_json::json!(1500));
        assert_eq!(json["paymentAgreementParameters"]["paymentMethod"], m);
    }
    let vipps = build_s4_request(&o, &kari("Vipps"), &s4_urls()).unwrap().order;
    let v = vipps
        .payment_agreement_parameters
        .as_ref()
        .unwrap()
        .vipps_mobile_pay_parameters
        .as_ref()
        .unwrap();
    assert_eq!(v.customer_phone_number.as_deref(), Some("+4791234567"));
    // Offer without override and without choices: neither is sent.
    let n = offer("news-monthly");
    let order = build_s4_request(&n, &kari("Invoice"), &s4_urls()).unwrap().order;
    assert_eq!(order.template_package_choices, None);
    assert_eq!(check_s4_order_against_offer(&order, &n, expect(&prefixes)), Ok(()));
    // AvtaleGiro is configured but has no interactive step: not offered.
    assert_eq!(
        codes(&build_s4_request(&o, &kari("AvtaleGiro"), &s4_urls()).unwrap_err()),
        vec![("method", ErrorCode::MethodNotAllowed)]
    );
}

#[test]
fn an_s4_package_is_priced_and_ordered_as_the_reader_chose() {
    let o = offer("paper-pick");
    let digital = "00000000-0000-0000-0000-000000000201";
    let sunday = "00000000-0000-0000-0000-000000000203";
    assert_eq!(kasse_core::offer::package_price(&o, &[digital.into()]), o.price);
    assert_eq!(
        kasse_core::offer::package_price(&o, &[sunday.into(), digital.into()]).to_major_string(),
        "149"
    );
    let mut form = kari("Invoice");
    form.products = vec![sunday.into(), digital.into()];
    let req = build_s4_request(&o, &form, &s4_urls()).unwrap();
    let json = serde_json::to_value(&req).unwrap();
    // The catalog's order, whatever order the reader ticked in; no subscriber from the browser.
    assert_eq!(
        json["order"]["templatePackageChoices"]["products"],
        serde_json::json!([digital, sunday])
    );
    assert_eq!(json["order"].get("externalSubscriberId"), None);
    assert_eq!(
        json["contact"],
        serde_json::json!({
            "name": "Kari Nordmann", "email": "kari.nordmann@example.no", "phone": "+4791234567",
            "addressLines": ["Osloveien 12"], "zip": "0101", "city": "Oslo", "country": "NO"
        })
    );
    form.products.clear();
    assert_eq!(
        codes(&build_s4_request(&o, &form, &s4_urls()).unwrap_err()),
        vec![("products", ErrorCode::TooFewProducts)]
    );
}

#[test]
fn a_new_form_starts_in_the_country_of_the_currency_else_of_the_language() {
    use kasse_core::checkout::default_country;
    use kasse_core::{Currency, Locale};
    let mut o = offer("se-dig");
    assert_eq!(
        default_country(&o, Locale::Nb),
        "SE",
        "SEK wins over the reader's language"
    );
    for (currency, country) in [
        (Currency::nok(), "NO"),
        (Currency::dkk(), "DK"),
        (Currency::eur(), "FI"),
    ] {
        o.currency = currency;
        assert_eq!(default_country(&o, Locale::Sv), country);
    }
    o.currency = Currency::parse("USD").unwrap();
    let by_language = [
        (Locale::Sv, "SE"),
        (Locale::Da, "DK"),
        (Locale::Fi, "FI"),
        (Locale::Nb, "NO"),
        (Locale::En, "NO"),
    ];
    for (locale, country) in by_language {
        assert_eq!(default_country(&o, locale), country, "{locale:?}");
    }
}

#[test]
fn the_order_is_claimed_with_the_payers_email_else_phone() {
    let o = offer("digi-1m");
    let order = build_client_order(&o, &kari("creditcardPayex"), "ord-1", 1_700_000_000_000).unwrap();
    assert_eq!(order.payer.credential(), Some("kari.nordmann@example.no"));
    let phone_only = CheckoutForm {
        email: String::new(),
        ..kari("creditcardPayex")
    };
    let order = build_client_order(&o, &phone_only, "ord-1", 1_700_000_000_000).unwrap();
    assert_eq!(order.payer.credential(), Some("+4791234567"));
    assert_eq!(kasse_core::connectid::Party::default().credential(), None);
}
