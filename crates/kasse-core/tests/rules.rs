//! Behaviour tests of the rules: offers, the form and builders, validation of whole payloads,
//! conformance (tampering), fulfillment URLs and returns, vendor errors.

use kasse_core::checkout::{build_client_order, build_s4_order, validate_form, CheckoutForm, S4Urls};
use kasse_core::conformance::{check_order_against_offer, check_s4_order_against_offer};
use kasse_core::connectid::validate_client_order;
use kasse_core::connectid::{
    fulfillment_url, parse_fulfillment_return, parse_fulfillment_return_full, FulfillmentStatus, UrlError,
};
use kasse_core::connectid::{validate_assign_user, AssignUserRequest, ClientOrder};
use kasse_core::error_code::{ErrorCode, FieldError};
use kasse_core::i18n::{format_price, Locale, MessageKey};
use kasse_core::offer::{validate_offer, Offer};
use kasse_core::s4::S4PaymentMethod;
use kasse_core::vendor_error::{parse_vendor_error, parse_vendor_error_at, VendorError};
use kasse_core::{Money, PaymentMethod};

#[derive(serde::Deserialize)]
struct Catalog {
    offer: Vec<Offer>,
}

fn catalog() -> Vec<Offer> {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/offers.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    toml::from_str::<Catalog>(&text).unwrap().offer
}

fn offer(id: &str) -> Offer {
    catalog().into_iter().find(|o| o.id == id).unwrap()
}

fn codes(errs: &[FieldError]) -> Vec<(&str, ErrorCode)> {
    errs.iter().map(|e| (e.path.as_str(), e.code)).collect()
}

fn kari(method: &str) -> CheckoutForm {
    CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        company_name: None,
        email: "kari.nordmann@example.no".into(),
        phone: "912 34 567".into(),
        street: "Osloveien 12".into(),
        postal_code: "0101".into(),
        postal_place: "Oslo".into(),
        country_code: "NO".into(),
        method: method.into(),
        accept_terms: true,
    }
}

// ---------------------------------------------------------------- offers

#[test]
fn demo_catalog_is_valid_and_json_round_trips() {
    let offers = catalog();
    assert_eq!(offers.len(), 6);
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
    assert!(serde_json::from_str::<Offer>(
        r#"{"id":"x","backend":"connectId","title":"x","price":1,"currency":"NOX","period":{"unit":"month"}}"#
    )
    .is_err());
}

// ---------------------------------------------------------------- form and builder

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
    let err = build_s4_order(&offer("digi-1m"), &kari("kco"), "x", &S4Urls::default()).unwrap_err();
    assert_eq!(codes(&err), vec![("offer", ErrorCode::BackendMismatch)]);
}

// ---------------------------------------------------------------- payload validation

#[test]
fn client_order_validation_returns_all_errors() {
    let o = offer("digi-1m");
    let mut order = build_client_order(&o, &kari("kco"), "x", 0).unwrap();
    order.currency = "KRN".into();
    order.marketing_coupon_code = Some("ABCDEFGHIJKLMN".into());
    order.marketing_coupon_number = None;
    order.customer_reference = Some("r".repeat(38));
    order.company_code = Some("1234567890123".into());
    order.payer.emails = Some(vec!["not-an-email".into()]);
    order.payer.phone_numbers = Some(vec!["91234567".into()]);
    order.payer.postal_code = None;
    order.payer.last_name = None;
    order.order_lines[0].product_spec_no = None;
    order.order_lines[0].product_spec_code = Some("ABCDEFGHIJKLM".into());
    order.order_lines[0].quantity = 0;
    order.order_lines[0].voucher_code = Some("v".repeat(37));
    order.order_lines[0].allow_access_seconds = None;
    let errs = validate_client_order(&order).unwrap_err();
    assert_eq!(
        codes(&errs),
        vec![
            ("currency", ErrorCode::InvalidCurrency),
            ("marketingCouponNumber", ErrorCode::CouponIncomplete),
            ("companyCode", ErrorCode::TooLong),
            ("customerReference", ErrorCode::TooLong),
            ("payer.lastName", ErrorCode::NameRequired),
            ("payer.postalCode", ErrorCode::Required),
            ("payer.emails[0]", ErrorCode::InvalidEmail),
            ("payer.phoneNumbers[0]", ErrorCode::InvalidPhone),
            ("orderLines[0].productSpecNo", ErrorCode::Required),
            ("orderLines[0].productSpecCode", ErrorCode::TooLong),
            ("orderLines[0].quantity", ErrorCode::InvalidQuantity),
            ("orderLines[0].voucherCode", ErrorCode::TooLong),
            ("orderLines[0].allowAccessSeconds", ErrorCode::AccessIncomplete),
            ("orderAmount", ErrorCode::AmountMismatch),
        ]
    );
}

#[test]
fn product_spec_type_requirements() {
    let base: ClientOrder = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/tests/golden/connectid_client_order.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let with_type = |t: &str, line: serde_json::Value| {
        let mut v = serde_json::to_value(&base).unwrap();
        let mut l = line;
        l["productSpecType"] = t.into();
        l["quantity"] = 1.into();
        l["unitPrice"] = 150.into();
        v["orderLines"] = serde_json::json!([l]);
        let o: ClientOrder = serde_json::from_value(v).unwrap();
        validate_client_order(&o).err().map(|e| {
            codes(&e)
                .into_iter()
                .map(|(p, c)| (p.to_owned(), c))
                .collect::<Vec<_>>()
        })
    };
    let req = |p: &str| Some(vec![(format!("orderLines[0].{p}"), ErrorCode::Required)]);
    assert_eq!(
        with_type("coupon", serde_json::json!({"productSpecCode": "X"})),
        req("productSpecNo")
    );
    assert_eq!(
        with_type("coupon", serde_json::json!({"productSpecNo": 1})),
        req("productSpecCode")
    );
    assert_eq!(
        with_type(
            "coupon",
            serde_json::json!({"productSpecCode": "X", "productSpecNo": 1})
        ),
        None
    );
    assert_eq!(with_type("product", serde_json::json!({})), req("product"));
    assert_eq!(with_type("product", serde_json::json!({"product": "DIGI"})), None);
    assert_eq!(
        with_type("issue", serde_json::json!({"productSpecCode": "X", "productSpecNo": 1})),
        req("product")
    );
    assert_eq!(
        with_type(
            "issue",
            serde_json::json!({"productSpecCode": "X", "productSpecNo": 1, "product": "P"})
        ),
        None
    );
    assert_eq!(with_type("article", serde_json::json!({})), req("articleDetail"));
    assert_eq!(
        with_type("article", serde_json::json!({"articleDetail": {"articleRef": "a1"}})),
        None
    );
}

#[test]
fn receivers_are_validated_like_payers() {
    let o = offer("digi-1m");
    let mut order = build_client_order(&o, &kari("kco"), "x", 0).unwrap();
    let mut r = order.payer.clone();
    r.postal_code = Some("12345".into()); // five digits in Norway
    r.emails = None;
    r.phone_numbers = None;
    order.order_lines[0].receiver = Some(r);
    assert_eq!(
        codes(&validate_client_order(&order).unwrap_err()),
        vec![
            ("orderLines[0].receiver.postalCode", ErrorCode::InvalidPostalCode),
            ("orderLines[0].receiver.emails", ErrorCode::ContactRequired),
        ]
    );
}

#[test]
fn assign_user_rules() {
    let ok = AssignUserRequest {
        credential: "+4791234567".into(),
        is_send_message: Some(true),
        return_url: Some("https://news.example.no/ok".into()),
        error_url: None,
        link_lifetime: Some(3600),
        override_client_id: Some("kasse-demo".into()),
    };
    assert_eq!(validate_assign_user(&ok), Ok(()));
    let bad = AssignUserRequest {
        credential: "kari@".into(),
        return_url: Some("http://news.example.no/ok".into()),
        override_client_id: None,
        ..ok
    };
    assert_eq!(
        codes(&validate_assign_user(&bad).unwrap_err()),
        vec![
            ("credential", ErrorCode::InvalidEmail),
            ("returnUrl", ErrorCode::InsecureUrl),
            ("overrideClientId", ErrorCode::Required)
        ]
    );
}

// ---------------------------------------------------------------- conformance (tampering)

#[test]
fn tampered_connectid_orders_are_caught() {
    let o = offer("digi-1m");
    let good = build_client_order(&o, &kari("creditcardPayex"), "x", 0).unwrap();
    type Tamper = fn(&mut ClientOrder);
    let cases: Vec<(Tamper, Vec<(&str, ErrorCode)>)> = vec![
        (
            |c| {
                c.order_amount = Money::from_minor(100);
                c.order_lines[0].unit_price = Some(Money::from_minor(100));
            },
            vec![
                ("orderAmount", ErrorCode::PriceMismatch),
                ("orderLines[0].unitPrice", ErrorCode::PriceMismatch),
            ],
        ),
        (
            |c| c.currency = "SEK".into(),
            vec![("currency", ErrorCode::CurrencyMismatch)],
        ),
        (
            |c| c.order_lines[0].product_spec_code = Some("GAVE3M".into()),
            vec![("orderLines[0].productSpecCode", ErrorCode::ProductMismatch)],
        ),
        (
            |c| c.order_lines[0].product_spec_no = Some(1003),
            vec![("orderLines[0].productSpecNo", ErrorCode::ProductMismatch)],
        ),
        (
            |c| {
                c.order_lines[0].quantity = 2;
                c.order_amount = Money::from_minor(29800);
            },
            vec![
                ("orderAmount", ErrorCode::PriceMismatch),
                ("orderLines[0].quantity", ErrorCode::InvalidQuantity),
            ],
        ),
        (
            |c| c.payment_method = PaymentMethod::Nexi,
            vec![("paymentMethod", ErrorCode::MethodNotAllowed)],
        ),
        (
            |c| c.recurring = Some(false),
            vec![("recurring", ErrorCode::RecurringMismatch)],
        ),
        (
            |c| {
                c.prepaid = Some(true);
                c.payment_method = PaymentMethod::VippsRecurring;
            },
            vec![
                ("paymentMethod", ErrorCode::MethodUnsupported),
                ("prepaid", ErrorCode::PrepaidMismatch),
            ],
        ),
        (
            |c| {
                c.marketing_coupon_code = Some("NOA3263".into());
                c.marketing_coupon_number = Some(51);
            },
            vec![("marketingCouponCode", ErrorCode::CouponMismatch)],
        ),
        (
            |c| c.order_lines[0].allow_access_seconds = Some(999_999_999),
            vec![("orderLines[0].allowAccessProduct", ErrorCode::AccessMismatch)],
        ),
        (
            |c| c.order_lines[0].voucher_code = Some("FREE".into()),
            vec![("orderLines[0].voucherCode", ErrorCode::UnexpectedField)],
        ),
        (
            |c| {
                c.payer.customer_number = Some(71);
                c.unique_user_id = Some("someone-else".into());
                c.merchant_id = Some("m".into());
                c.company_code = Some("OTHER".into());
                c.seller = Some("s".into());
                c.sales_method = Some("x".into());
            },
            vec![
                ("payer.customerNumber", ErrorCode::UnexpectedField),
                ("uniqueUserId", ErrorCode::UnexpectedField),
                ("merchantId", ErrorCode::UnexpectedField),
                ("companyCode", ErrorCode::UnexpectedField),
                ("seller", ErrorCode::UnexpectedField),
                ("salesMethod", ErrorCode::UnexpectedField),
            ],
        ),
        (
            |c| c.campaign_parameters = Some("x".repeat(201)),
            vec![("campaignParameters", ErrorCode::TooLong)],
        ),
        (
            |c| c.campaign_parameters = Some("?a=1\u{0}".into()),
            vec![("campaignParameters", ErrorCode::InvalidValue)],
        ),
        (
            |c| {
                c.order_lines[0].start_info = Some(Default::default());
                c.order_lines[0].receiver = c.payer.clone().into();
            },
            vec![
                ("orderLines[0].startInfo", ErrorCode::UnexpectedField),
                ("orderLines[0].receiver", ErrorCode::UnexpectedField),
            ],
        ),
        (
            |c| {
                c.payment_info_pay_ex = Some(kasse_core::connectid::PaymentInfoPayEx {
                    transaction_id: Some("made-up".into()),
                    ..Default::default()
                })
            },
            vec![("paymentInfoPayEx", ErrorCode::UnexpectedField)],
        ),
        (
            |c| {
                let l = c.order_lines[0].clone();
                c.order_lines.push(l);
                c.order_amount = Money::from_minor(29800);
            },
            vec![
                ("orderAmount", ErrorCode::PriceMismatch),
                ("orderLines", ErrorCode::InvalidQuantity),
            ],
        ),
    ];
    for (i, (tamper, want)) in cases.into_iter().enumerate() {
        let mut c = good.clone();
        tamper(&mut c);
        let errs = check_order_against_offer(&c, &o).unwrap_err();
        assert_eq!(codes(&errs), want, "case {i}");
    }
    // An order for another back end's offer.
    let errs = check_order_against_offer(&good, &offer("tv-basic")).unwrap_err();
    assert_eq!(codes(&errs), vec![("paymentMethod", ErrorCode::BackendMismatch)]);
}

fn s4_urls() -> S4Urls {
    S4Urls {
        merchant_agreement_url: "https://news.example.no/kasse/vipps-agreement".into(),
        complete_url: "https://news.example.no/kasse/complete".into(),
        cancel_url: "https://news.example.no/kasse/cancel".into(),
        callback_url: "https://gateway.example.no/s4/callback".into(),
        vipps_account_id: Some("acc-1".into()),
        pay_ex_account_id: None,
        culture: Some(Locale::Nb.culture().into()),
    }
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
        let order = build_s4_order(&o, &kari(m), "reader-1", &s4_urls()).unwrap();
        assert_eq!(check_s4_order_against_offer(&order, &o, &prefixes), Ok(()), "{m}");
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["templatePackageChoices"]["priceOverride"], serde_json::json!(1500));
        assert_eq!(json["paymentAgreementParameters"]["paymentMethod"], m);
    }
    let vipps = build_s4_order(&o, &kari("Vipps"), "reader-1", &s4_urls()).unwrap();
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
    let order = build_s4_order(&n, &kari("Invoice"), "reader-2", &s4_urls()).unwrap();
    assert_eq!(order.template_package_choices, None);
    assert_eq!(check_s4_order_against_offer(&order, &n, &prefixes), Ok(()));
    // AvtaleGiro is configured but has no interactive step: not offered.
    assert_eq!(
        codes(&build_s4_order(&o, &kari("AvtaleGiro"), "r", &s4_urls()).unwrap_err()),
        vec![("method", ErrorCode::MethodNotAllowed)]
    );
}

#[test]
fn tampered_s4_orders_are_caught() {
    let prefixes = vec![
        "https://news.example.no/kasse/".to_string(),
        "https://gateway.example.no/".to_string(),
    ];
    let o = offer("tv-basic");
    let good = build_s4_order(&o, &kari("SwedbankPay"), "reader-1", &s4_urls()).unwrap();
    let mut t = good.clone();
    let c = t.template_package_choices.as_mut().unwrap();
    c.price_override = Some(Money::from_minor(100));
    c.products = Some(vec!["00000000-0000-0000-0000-000000000002".into()]);
    c.permanent_discount_id = Some("30000000-0000-0000-0000-000000000000".into());
    t.subscriber_id = Some("11111111-2222-3333-4444-000000000000".into());
    t.organization_id = None;
    let x = t
        .payment_agreement_parameters
        .as_mut()
        .unwrap()
        .pay_ex_ecommerce_parameters
        .as_mut()
        .unwrap();
    x.complete_url = "https://evil.example.com/kasse/complete".into();
    x.cancel_url = "https://news.example.no.evil.com/kasse/cancel".into();
    x.callback_url = "http://gateway.example.no/s4/callback".into();
    let errs = check_s4_order_against_offer(&t, &o, &prefixes).unwrap_err();
    assert_eq!(
        codes(&errs),
        vec![
            (
                "paymentAgreementParameters.payExEcommerceParameters.callbackUrl",
                ErrorCode::InsecureUrl
            ),
            ("organizationId", ErrorCode::ProductMismatch),
            ("subscriberId", ErrorCode::UnexpectedField),
            ("templatePackageChoices.products[0]", ErrorCode::ProductNotAllowed),
            ("templatePackageChoices.products", ErrorCode::ProductMismatch),
            ("templatePackageChoices.priceOverride", ErrorCode::PriceMismatch),
            ("templatePackageChoices.permanentDiscountId", ErrorCode::UnexpectedField),
            (
                "paymentAgreementParameters.payExEcommerceParameters.callbackUrl",
                ErrorCode::UrlNotAllowed
            ),
            (
                "paymentAgreementParameters.payExEcommerceParameters.cancelUrl",
                ErrorCode::UrlNotAllowed
            ),
            (
                "paymentAgreementParameters.payExEcommerceParameters.completeUrl",
                ErrorCode::UrlNotAllowed
            ),
        ]
    );
    // An existing subscriber by number, or a start date: not the browser's to choose.
    let mut t = good.clone();
    t.subscriber_number = Some("71".into());
    t.template_package_choices.as_mut().unwrap().start_time = Some("2030-01-01T00:00:00Z".into());
    assert_eq!(
        codes(&check_s4_order_against_offer(&t, &o, &prefixes).unwrap_err()),
        vec![
            ("subscriberNumber", ErrorCode::UnexpectedField),
            ("templatePackageChoices.startTime", ErrorCode::UnexpectedField)
        ]
    );
    // A price override on an offer that has none.
    let n = offer("news-monthly");
    let mut p = build_s4_order(&n, &kari("Vipps"), "r", &s4_urls()).unwrap();
    p.template_package_choices = Some(kasse_core::s4::TemplatePackageChoices {
        price_override: Some(Money::from_minor(1)),
        ..Default::default()
    });
    assert_eq!(
        codes(&check_s4_order_against_offer(&p, &n, &prefixes).unwrap_err()),
        vec![(
            "templatePackageChoices.priceOverride",
            ErrorCode::PriceOverrideNotAllowed
        )]
    );
    // Missing agreement URLs are reported with their paths.
    let mut m = good;
    m.payment_agreement_parameters
        .as_mut()
        .unwrap()
        .pay_ex_ecommerce_parameters
        .as_mut()
        .unwrap()
        .cancel_url
        .clear();
    assert_eq!(
        codes(&kasse_core::s4::validate_s4_order(&m).unwrap_err()),
        vec![(
            "paymentAgreementParameters.payExEcommerceParameters.cancelUrl",
            ErrorCode::Required
        )]
    );
}

// ---------------------------------------------------------------- fulfillment URL

#[test]
fn fulfillment_url_encodes_and_checks_hosts() {
    let allowed = ["news.example.no", "localhost:8080"];
    let url = fulfillment_url(
        "https://connectid.no/user/fulfillment",
        "kasse-demo",
        9,
        "https://news.example.no/kasse/return?offer=digi-1m&x=a b",
        "https://news.example.no/kasse/error",
        &allowed,
    )
    .unwrap();
    assert_eq!(
        url,
        "https://connectid.no/user/fulfillment?clientId=kasse-demo&orderId=9\
         &returnUrl=https%3A%2F%2Fnews.example.no%2Fkasse%2Freturn%3Foffer%3Ddigi-1m%26x%3Da%2520b\
         &errorUrl=https%3A%2F%2Fnews.example.no%2Fkasse%2Ferror"
    );
    assert!(fulfillment_url(
        "http://127.0.0.1:8090/user/fulfillment",
        "c",
        1,
        "http://localhost:8080/r",
        "http://localhost:8080/e",
        &allowed
    )
    .is_ok());
    let err =
        |base: &str, ret: &str| fulfillment_url(base, "c", 1, ret, "https://news.example.no/e", &allowed).unwrap_err();
    let base = "https://connectid.no/user/fulfillment";
    assert_eq!(
        err(base, "https://evil.example.com/r"),
        UrlError::HostNotAllowed("evil.example.com".into())
    );
    assert_eq!(
        err(base, "https://news.example.no.evil.com/r"),
        UrlError::HostNotAllowed("news.example.no.evil.com".into())
    );
    assert_eq!(
        err(base, "https://news.example.no@evil.com/r"),
        UrlError::InvalidReturnUrl(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        err(base, "http://localhost:9999/r"),
        UrlError::HostNotAllowed("localhost".into())
    );
    assert_eq!(
        err(base, "/kasse/return"),
        UrlError::InvalidReturnUrl(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        err(base, "http://news.example.no/r"),
        UrlError::InvalidReturnUrl(ErrorCode::InsecureUrl)
    );
    assert_eq!(
        err("http://connectid.no/user/fulfillment", "https://news.example.no/r"),
        UrlError::InvalidBase(ErrorCode::InsecureUrl)
    );
    assert_eq!(
        err("https://connectid.no/f?x=1", "https://news.example.no/r"),
        UrlError::InvalidBase(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        fulfillment_url(
            base,
            " ",
            1,
            "https://news.example.no/r",
            "https://news.example.no/e",
            &allowed
        )
        .unwrap_err(),
        UrlError::MissingClientId
    );
    assert_eq!(
        fulfillment_url(
            base,
            "c",
            1,
            "https://news.example.no/r",
            "https://evil.example.com/e",
            &allowed
        )
        .unwrap_err(),
        UrlError::HostNotAllowed("evil.example.com".into())
    );
    // Wildcard entries cover subdomains, not the apex.
    let wild = ["*.example.no"];
    assert!(fulfillment_url(base, "c", 1, "https://a.example.no/r", "https://b.example.no/e", &wild).is_ok());
    assert!(fulfillment_url(base, "c", 1, "https://example.no/r", "https://b.example.no/e", &wild).is_err());
}

#[test]
fn fulfillment_return_parsing() {
    use FulfillmentStatus::*;
    for (input, want) in [
        (
            "https://news.example.no/kasse/return?fulfillmentStatus=success&orderId=9",
            Success,
        ),
        ("?fulfillmentStatus=cancel", Cancel),
        ("fulfillmentStatus=error", Error),
        ("fulfillmentStatus=unknown", Unknown),
        ("fulfillmentStatus=SUCCESS", Unknown),
        ("fulfillmentStatus=success%20", Unknown),
        ("fulfillmentStatus=paid", Unknown),
        ("fulfillmentStatus=success&fulfillmentStatus=error", Unknown),
        ("fulfillmentStatus=success&fulfillmentStatus=success", Success),
        (
            "https://news.example.no/kasse/return#fulfillmentStatus=success",
            Unknown,
        ),
        (
            "https://news.example.no/kasse/return?a=1#fulfillmentStatus=success",
            Unknown,
        ),
        ("https://news.example.no/kasse/fulfillmentStatus=success", Unknown),
        ("", Unknown),
        ("%%%", Unknown),
    ] {
        assert_eq!(parse_fulfillment_return(input), want, "{input}");
    }
    let full = parse_fulfillment_return_full("?orderId=42&fulfillmentStatus=success");
    assert_eq!(full.order_id, Some(42));
    assert_eq!(full.status.message_key(), None);
    assert_eq!(Cancel.message_key(), Some(MessageKey::PaymentCancelled));
}

// ---------------------------------------------------------------- vendor errors

#[test]
fn vendor_errors_are_classified() {
    let e = parse_vendor_error(
        400,
        &[],
        r#"{"exceptionType":"ValidationException","errorMessage":"postalCode is required"}"#,
    );
    assert!(matches!(&e, VendorError::ConnectId { exception_type, .. } if exception_type == "ValidationException"));
    assert!(!e.retryable());
    assert_eq!(e.code(), "rejected");
    assert_eq!(e.message_key(), MessageKey::ErrOrderRejected);

    let e = parse_vendor_error(
        401,
        &[("Content-Type", "application/json")],
        r#"{"error":"invalid_token","error_description":"expired"}"#,
    );
    assert!(
        matches!(&e, VendorError::OAuth { error, description: Some(d), .. } if error == "invalid_token" && d == "expired")
    );
    assert!(!e.retryable());
    assert!(e.needs_new_token());
    assert_eq!(e.message_key(), MessageKey::ErrServiceConfig);

    let e = parse_vendor_error(429, &[("retry-after", "7"), ("X-RateLimit-Reset", "30")], "");
    assert_eq!(
        e,
        VendorError::RateLimited {
            retry_after_secs: Some(7)
        }
    );
    assert!(e.retryable());
    assert_eq!(e.retry_after_secs(), Some(7));
    assert_eq!(e.code(), "rate_limited");
    assert_eq!(e.message_key(), MessageKey::ErrTryAgainLater);
    assert_eq!(
        parse_vendor_error(429, &[("X-RateLimit-Reset", "3")], "").retry_after_secs(),
        Some(3)
    );
    // Epoch seconds need a clock: ignored without, converted (rounded up) with one.
    assert_eq!(
        parse_vendor_error(429, &[("X-RateLimit-Reset", "1700000010")], "").retry_after_secs(),
        None
    );
    assert_eq!(
        parse_vendor_error_at(429, &[("X-RateLimit-Reset", "1700000010")], "", Some(1_700_000_000_500))
            .retry_after_secs(),
        Some(10)
    );
    assert_eq!(
        parse_vendor_error_at(
            429,
            &[("X-RateLimit-Reset", "1700000010000")],
            "",
            Some(1_700_000_000_000)
        )
        .retry_after_secs(),
        Some(10)
    );
    assert_eq!(
        parse_vendor_error_at(429, &[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")], "", None).retry_after_secs(),
        None
    );
    assert_eq!(parse_vendor_error(429, &[], "").retry_after_secs(), None);

    let e = parse_vendor_error(
        400,
        &[],
        r#"{"message":"Validation failed","errors":[{"field":"templatePackageId","message":"unknown"}]}"#,
    );
    assert_eq!(e.field_errors().len(), 1);
    assert_eq!(e.field_errors()[0].field, "templatePackageId");
    assert!(matches!(e, VendorError::S4 { .. }));

    let e = parse_vendor_error(
        422,
        &[("content-type", "application/problem+json")],
        r#"{"type":"https://example.net/validation","title":"Invalid","status":422,"detail":"bad","errors":{"Culture":["must be ll-CC"]}}"#,
    );
    assert!(matches!(&e, VendorError::Problem { title: Some(t), .. } if t == "Invalid"));
    assert_eq!(e.field_errors()[0].field, "Culture");
    assert_eq!(e.code(), "rejected");

    let e = parse_vendor_error(503, &[("Retry-After", "2")], "<html>Service Unavailable</html>");
    assert!(matches!(e, VendorError::Http { status: 503, .. }));
    assert!(e.retryable());
    assert_eq!(e.message_key(), MessageKey::ErrVendorUnavailable);
    assert_eq!(
        parse_vendor_error(500, &[], r#"{"exceptionType":"NullPointerException"}"#).code(),
        "vendor_unavailable"
    );
    assert!(!parse_vendor_error(501, &[], "").retryable());
    assert_eq!(
        parse_vendor_error(403, &[], "").message_key(),
        MessageKey::ErrServiceConfig
    );
    assert_eq!(parse_vendor_error(404, &[], "[]").code(), "not_found");
    // Serialisable for the gateway's logs and the widget's events.
    let json = serde_json::to_value(parse_vendor_error(429, &[("Retry-After", "1")], "")).unwrap();
    assert_eq!(json["kind"], "rate_limited");
}

#[test]
fn messages_for_field_errors_exist() {
    for code in [ErrorCode::Required, ErrorCode::InvalidPhone, ErrorCode::PriceMismatch] {
        let key = code.message_key();
        assert!(!kasse_core::i18n::t(Locale::Nb, key).is_empty());
    }
    assert_eq!(
        format_price(offer("papir-12").price.minor(), &offer("papir-12").currency, Locale::Nb),
        "1\u{a0}990\u{a0}kr"
    );
}

#[test]
fn urls_pass_only_in_normal_form_on_an_allowed_prefix() {
    use kasse_core::conformance::url_has_allowed_prefix;
    let prefixes = vec![
        "https://www.avis.no/kasse/".to_string(),
        "http://127.0.0.1:8080/".to_string(),
    ];
    let allowed = |u: &str| url_has_allowed_prefix(u, &prefixes);
    assert!(allowed("https://www.avis.no/kasse/back?kasse=digital-month"));
    assert!(allowed("http://127.0.0.1:8080/article"));
    for refused in [
        // Checked normalised but forwarded raw: the classic open-redirect split.
        "http://127.0.0.1:8080\\@evil.example/",
        "https://www.avis.no\\kasse\\back",
        "https://www.avis.no/kasse/../admin",
        "HTTPS://WWW.AVIS.NO/kasse/back",
        "https://user:pass@www.avis.no/kasse/back",
        "https://www.avis.no/kasse/back\n",
        "https://www.avis.no/kasse/ back",
        "https://www.avis.no:8443/kasse/back",
        "http://127.0.0.1:8081/article",
        "https://www.avis.no.evil.example/kasse/",
        "https://www.avis.no/kassex",
        "javascript:alert(1)",
    ] {
        assert!(!allowed(refused), "{refused:?}");
    }
}
