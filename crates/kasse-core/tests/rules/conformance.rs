//! Conformance: an order from a browser that does not buy exactly what the offer sells is
//! refused, with every reason.

use kasse_core::checkout::{build_client_order, build_s4_request};
use kasse_core::conformance::{
    check_order_against_offer, check_s4_order_against_offer, check_s4_request_against_offer, url_has_allowed_prefix,
};
use kasse_core::connectid::ClientOrder;
use kasse_core::error_code::ErrorCode;
use kasse_core::s4::OrderCreate;
use kasse_core::{Money, PaymentMethod};

use crate::{codes, expect, kari, offer, s4_urls};

type Tamper = fn(&mut ClientOrder);

/// Applies each tampering to a valid order for `digi-1m` and expects exactly its errors.
fn assert_tampered_connectid(cases: Vec<(Tamper, Vec<(&str, ErrorCode)>)>) {
    let o = offer("digi-1m");
    let good = build_client_order(&o, &kari("creditcardPayex"), "x", 0).unwrap();
    for (i, (tamper, want)) in cases.into_iter().enumerate() {
        let mut c = good.clone();
        tamper(&mut c);
        let errs = check_order_against_offer(&c, &o).unwrap_err();
        assert_eq!(codes(&errs), want, "case {i}");
    }
}

#[test]
fn tampered_price_product_or_quantity_is_caught() {
    assert_tampered_connectid(vec![
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
    ]);
}

#[test]
fn tampered_payment_terms_are_caught() {
    assert_tampered_connectid(vec![
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
            |c| {
                c.payment_info_pay_ex = Some(kasse_core::connectid::PaymentInfoPayEx {
                    transaction_id: Some("made-up".into()),
                    ..Default::default()
                })
            },
            vec![("paymentInfoPayEx", ErrorCode::UnexpectedField)],
        ),
    ]);
}

#[test]
fn fields_no_offer_sets_are_refused() {
    assert_tampered_connectid(vec![
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
    ]);
}

#[test]
fn a_connectid_order_for_an_s4_offer_is_refused() {
    let good = build_client_order(&offer("digi-1m"), &kari("creditcardPayex"), "x", 0).unwrap();
    let errs = check_order_against_offer(&good, &offer("tv-basic")).unwrap_err();
    assert_eq!(codes(&errs), vec![("paymentMethod", ErrorCode::BackendMismatch)]);
}

fn prefixes() -> Vec<String> {
    vec![
        "https://news.example.no/kasse/".to_string(),
        "https://gateway.example.no/".to_string(),
    ]
}

/// A valid SwedbankPay order for `tv-basic`.
fn good_s4() -> OrderCreate {
    build_s4_request(&offer("tv-basic"), &kari("SwedbankPay"), &s4_urls())
        .unwrap()
        .order
}

#[test]
fn tampered_s4_orders_are_caught() {
    let o = offer("tv-basic");
    let mut t = good_s4();
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
    let errs = check_s4_order_against_offer(&t, &o, expect(&prefixes())).unwrap_err();
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
                "paymentAgreementParameters.payExEcommerceParameters.cancelUrl",
                ErrorCode::UrlNotAllowed
            ),
            (
                "paymentAgreementParameters.payExEcommerceParameters.completeUrl",
                ErrorCode::UrlNotAllowed
            ),
            // Not the publisher's callback, whatever its prefix.
            (
                "paymentAgreementParameters.payExEcommerceParameters.callbackUrl",
                ErrorCode::UrlNotAllowed
            ),
        ]
    );
}

#[test]
fn an_s4_subscriber_by_number_or_a_start_date_is_refused() {
    // Not the browser's to choose.
    let mut t = good_s4();
    t.subscriber_number = Some("71".into());
    t.template_package_choices.as_mut().unwrap().start_time = Some("2030-01-01T00:00:00Z".into());
    assert_eq!(
        codes(&check_s4_order_against_offer(&t, &offer("tv-basic"), expect(&prefixes())).unwrap_err()),
        vec![
            ("subscriberNumber", ErrorCode::UnexpectedField),
            ("templatePackageChoices.startTime", ErrorCode::UnexpectedField)
        ]
    );
}

#[test]
fn an_s4_price_override_on_an_offer_without_one_is_refused() {
    let n = offer("news-monthly");
    let mut p = build_s4_request(&n, &kari("Vipps"), &s4_urls()).unwrap().order;
    p.template_package_choices = Some(kasse_core::s4::TemplatePackageChoices {
        price_override: Some(Money::from_minor(1)),
        ..Default::default()
    });
    assert_eq!(
        codes(&check_s4_order_against_offer(&p, &n, expect(&prefixes())).unwrap_err()),
        vec![(
            "templatePackageChoices.priceOverride",
            ErrorCode::PriceOverrideNotAllowed
        )]
    );
}

#[test]
fn missing_s4_agreement_urls_are_reported_with_their_paths() {
    let mut m = good_s4();
    m.payment_agreement_parameters
        .as_mut()
        .unwrap()
        .pay_ex_ecommerce_parameters
        .as_mut()
        .unwrap()
        .cancel_url
        .clear();
    assert_eq!(
        codes(&kasse_core::s4::validate_s4_order_body(&m).unwrap_err()),
        vec![(
            "paymentAgreementParameters.payExEcommerceParameters.cancelUrl",
            ErrorCode::Required
        )]
    );
}

#[test]
fn urls_pass_only_in_normal_form_on_an_allowed_prefix() {
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

#[test]
fn an_s4_order_names_no_subscriber_and_only_the_publishers_agreement_page() {
    let o = offer("tv-basic");
    let mut vipps = build_s4_request(&o, &kari("Vipps"), &s4_urls()).unwrap().order;
    vipps.external_subscriber_id = Some("someone-else".into());
    vipps.order_reference = Some("mine".into());
    let v = vipps
        .payment_agreement_parameters
        .as_mut()
        .unwrap()
        .vipps_mobile_pay_parameters
        .as_mut()
        .unwrap();
    v.merchant_agreement_url = "https://news.example.no/kasse/phish".into();
    assert_eq!(
        codes(&check_s4_order_against_offer(&vipps, &o, expect(&prefixes())).unwrap_err()),
        vec![
            ("externalSubscriberId", ErrorCode::UnexpectedField),
            ("orderReference", ErrorCode::UnexpectedField),
            (
                "paymentAgreementParameters.vippsMobilePayParameters.merchantAgreementUrl",
                ErrorCode::UrlNotAllowed
            ),
        ]
    );
}

#[test]
fn an_s4_request_carries_a_valid_contact_and_a_choice_within_the_package() {
    let o = offer("paper-pick");
    let mut form = kari("Vipps");
    form.products = vec![SATURDAY.into(), DIGITAL.into()];
    let mut req = build_s4_request(&o, &form, &s4_urls()).unwrap();
    assert_eq!(check_s4_request_against_offer(&req, &o, expect(&prefixes())), Ok(()));
    // Tampered after building: a product the package does not offer, too many, a bad contact.
    let c = req.order.template_package_choices.as_mut().unwrap();
    c.products = Some(vec![DIGITAL.into(), SATURDAY.into(), SUNDAY.into()]);
    req.contact.email = Some("not-an-email".into());
    assert_eq!(
        codes(&check_s4_request_against_offer(&req, &o, expect(&prefixes())).unwrap_err()),
        vec![
            ("order.templatePackageChoices.products", ErrorCode::TooManyProducts),
            ("contact.email", ErrorCode::InvalidEmail),
        ]
    );
    let c = req.order.template_package_choices.as_mut().unwrap();
    c.products = Some(vec!["00000000-0000-0000-0000-000000000001".into()]);
    assert_eq!(
        codes(&check_s4_order_against_offer(&req.order, &o, expect(&prefixes())).unwrap_err()),
        vec![("templatePackageChoices.products[0]", ErrorCode::ProductNotAllowed)]
    );
}

const DIGITAL: &str = "00000000-0000-0000-0000-000000000201";
const SATURDAY: &str = "00000000-0000-0000-0000-000000000202";
const SUNDAY: &str = "00000000-0000-0000-0000-000000000203";
