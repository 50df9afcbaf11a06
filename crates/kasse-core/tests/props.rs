//! Property tests: validation never panics, the builder's payloads always pass validation and
//! conformance, the fulfillment URL round-trips its parameters, and amounts read from JSON numbers
//! as their printed decimals read.

use kasse_core::checkout::{build_client_order, validate_form, CheckoutForm};
use kasse_core::conformance::check_order_against_offer;
use kasse_core::connectid::ClientOrder;
use kasse_core::connectid::{fulfillment_url, parse_fulfillment_return_full, FulfillmentStatus};
use kasse_core::i18n::{format_price, Locale};
use kasse_core::vendor_error::parse_vendor_error;

use kasse_core::connectid::validate_client_order;
use kasse_core::field::{is_e164, normalize_phone, normalize_postal_code};
use kasse_core::money::{Currency, Money, MoneyError};
use kasse_core::offer::{AccessGrant, Backend, Coupon, Offer, Period, ProductSpec, Text};
use kasse_core::PaymentMethod;
use proptest::prelude::*;

fn any_form() -> impl Strategy<Value = CheckoutForm> {
    let s = || any::<String>();
    (
        (s(), s(), proptest::option::of(s()), s(), s()),
        (
            s(),
            s(),
            s(),
            prop_oneof![Just("NO".to_string()), Just("SE".to_string()), s()],
            s(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (first_name, last_name, company_name, email, phone),
                (street, postal_code, postal_place, country_code, method, accept_terms),
            )| {
                CheckoutForm {
                    first_name,
                    last_name,
                    company_name,
                    email,
                    phone,
                    street,
                    postal_code,
                    postal_place,
                    country_code,
                    method,
                    accept_terms,
                    products: Vec::new(),
                    marketing_consent: false,
                }
            },
        )
}

fn any_offer() -> impl Strategy<Value = Offer> {
    (
        0i64..10_000_000,
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(Currency::nok()),
            Just(Currency::sek()),
            Just(Currency::dkk()),
            Just(Currency::eur())
        ],
        prop_oneof![
            ("[A-Z0-9]{1,12}", 0i64..1_000_000).prop_map(|(code, number)| ProductSpec::Coupon { code, number }),
            "[A-Z0-9]{1,12}".prop_map(|product| ProductSpec::Product { product }),
        ],
        proptest::option::of(("[A-Z0-9]{1,12}", 0i64..100_000).prop_map(|(code, number)| Coupon { code, number })),
        proptest::option::of(
            ("[A-Z0-9]{1,8}", 1i64..100_000_000).prop_map(|(product, seconds)| AccessGrant {
                product,
                seconds,
                category_type: None,
            }),
        ),
        any::<bool>(),
    )
        .prop_map(
            |(price, recurring, prepaid, currency, spec, coupon, access, requires_address)| Offer {
                id: "p".into(),
                backend: Backend::ConnectId,
                title: Text::from("P"),
                description: None,
                price: Money::from_minor(price),
                currency,
                period: Period::MONTH,
                recurring,
                prepaid,
                allowed_methods: PaymentMethod::ALL.to_vec(),
                product_spec: Some(spec),
                marketing_coupon: coupon,
                access,
                digital_access: true,
                requires_address,
                gift: false,
                s4: None,
                start_subscription: None,
                consent: None,
            },
        )
}

/// A country with a postal code and a phone number in one of the forms a reader types.
fn valid_place() -> impl Strategy<Value = (String, String, String)> {
    prop_oneof![
        ("[0-9]{4}", "[49][0-9]{7}", 0..3usize).prop_map(|(pc, ph, style)| {
            let phone = match style {
                0 => ph.clone(),
                1 => format!("+47 {} {} {}", &ph[..3], &ph[3..5], &ph[5..]),
                _ => format!("0047{ph}"),
            };
            ("NO".to_string(), pc, phone)
        }),
        ("[0-9]{5}", "7[0-9]{8}", any::<bool>(), any::<bool>()).prop_map(|(pc, ph, spaced_pc, local)| {
            let postal = if spaced_pc {
                format!("{} {}", &pc[..3], &pc[3..])
            } else {
                pc
            };
            let phone = if local {
                format!("0{}-{} {} {}", &ph[..2], &ph[2..5], &ph[5..7], &ph[7..])
            } else {
                format!("+46 (0){ph}")
            };
            ("SE".to_string(), postal, phone)
        }),
        ("[0-9]{4}", "[2-9][0-9]{7}").prop_map(|(pc, ph)| ("DK".to_string(), pc, ph)),
        ("[0-9]{5}", "4[0-9]{8}").prop_map(|(pc, ph)| ("FI".to_string(), pc, format!("0{ph}"))),
    ]
}

fn valid_form_for(offer: &Offer) -> impl Strategy<Value = CheckoutForm> {
    let methods = PaymentMethod::for_offer(offer);
    (
        "[A-Za-zÆØÅæøåÖöÄä]{0,20}",
        "[A-Za-zÆØÅæøåÖöÄä][A-Za-zÆØÅæøåÖöÄä -]{0,30}",
        "[a-z0-9][a-z0-9._+-]{0,20}@[a-z0-9]{1,10}\\.(no|se|dk|fi|com)",
        valid_place(),
        proptest::sample::select(methods),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(first, last, email, (country, postal, phone), method, use_email, use_phone)| CheckoutForm {
                first_name: first,
                last_name: last,
                company_name: None,
                // At least one contact.
                email: if use_email || !use_phone { email } else { String::new() },
                phone: if use_phone { phone } else { String::new() },
                street: "Storgata 1".into(),
                postal_code: postal,
                postal_place: "Oslo".into(),
                country_code: country,
                method: method.wire_name().into(),
                accept_terms: true,
                products: Vec::new(),
                marketing_consent: false,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn form_validation_never_panics(offer in any_offer(), form in any_form(), id in any::<String>(), now in any::<i64>()) {
        let _ = validate_form(&offer, &form);
        if let Ok(order) = build_client_order(&offer, &form, &id, now) {
            // Anything the builder accepts is a valid order.
            prop_assert_eq!(validate_client_order(&order), Ok(()));
        }
    }

    #[test]
    fn payload_validation_never_panics(
        strings in proptest::collection::vec(any::<String>(), 12),
        numbers in proptest::collection::vec(any::<i64>(), 6),
    ) {
        let json = serde_json::json!({
            "externalOrderId": strings[0], "orderDate": numbers[0], "paymentMethod": "kco",
            "orderAmount": numbers[1] / 100, "currency": strings[1],
            "marketingCouponCode": strings[2], "customerReference": strings[3],
            "payer": {"lastName": strings[4], "postalCode": strings[5], "countryCode": strings[6],
                      "emails": [strings[7]], "phoneNumbers": [strings[8]], "birthDate": numbers[2]},
            "orderLines": [{"productSpecType": "issue", "productSpecCode": strings[9], "product": strings[10],
                            "quantity": numbers[3], "unitPrice": numbers[4] / 100, "voucherCode": strings[11],
                            "allowAccessSeconds": numbers[5]}]
        });
        let order: ClientOrder = serde_json::from_value(json).unwrap();
        let _ = validate_client_order(&order);
    }

    #[test]
    fn format_helpers_never_panic(s in any::<String>(), country in "[A-Z]{2}|.{0,3}", minor in any::<i64>()) {
        if let Ok(p) = normalize_phone(&s, &country) {
            prop_assert!(is_e164(&p));
        }
        let _ = normalize_postal_code(&s, &country);
        let _ = kasse_core::field::is_valid_email(&s);
        let _ = Money::parse_major(&s);
        let _ = Locale::negotiate(&s);
        for l in Locale::ALL {
            let _ = format_price(minor, &Currency::nok(), l);
        }
        let _ = parse_vendor_error(400, &[("retry-after", &s)], &s);
        let _ = parse_fulfillment_return_full(&s);
    }

    #[test]
    fn builder_output_from_valid_input_passes_validation_and_conformance(
        (offer, form) in any_offer().prop_flat_map(|o| { let f = valid_form_for(&o); (Just(o), f) }),
        id in "[a-z0-9-]{1,36}",
        now in 0i64..4_000_000_000_000,
    ) {
        let order = build_client_order(&offer, &form, &id, now);
        prop_assert!(order.is_ok(), "{:?} for {:?}", order, form);
        let order = order.unwrap();
        prop_assert_eq!(validate_client_order(&order), Ok(()));
        prop_assert_eq!(check_order_against_offer(&order, &offer), Ok(()));
        // And it survives the trip through JSON that the gateway makes it take.
        let back: ClientOrder = serde_json::from_str(&serde_json::to_string(&order).unwrap()).unwrap();
        prop_assert_eq!(back, order);
    }

    #[test]
    fn fulfillment_url_round_trips(
        client_id in "\\PC{1,30}".prop_filter("not blank", |s| !s.trim().is_empty()),
        order_id in any::<i64>(),
        path in "\\PC{0,30}",
        query in "\\PC{0,30}",
    ) {
        let ret = format!("https://news.example.no/{path}?{query}");
        let err = "https://news.example.no/error";
        let Ok(normalised) = url::Url::parse(&ret) else { return Ok(()); };
        let built = fulfillment_url("https://connectid.no/user/fulfillment", &client_id, order_id, &ret, err, &["news.example.no"]);
        if normalised.host_str() != Some("news.example.no") {
            // A path like "/@evil" can't move the host, but "?" or "#" tricks could: then refusal.
            prop_assert!(built.is_err());
            return Ok(());
        }
        let built = built.unwrap();
        let u = url::Url::parse(&built).unwrap();
        prop_assert_eq!(u.host_str(), Some("connectid.no"));
        let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        prop_assert_eq!(pairs.len(), 4);
        prop_assert_eq!(&pairs[0], &("clientId".to_string(), client_id.clone()));
        prop_assert_eq!(&pairs[1], &("orderId".to_string(), order_id.to_string()));
        prop_assert_eq!(&pairs[2], &("returnUrl".to_string(), normalised.to_string()));
        prop_assert_eq!(&pairs[3], &("errorUrl".to_string(), err.to_string()));
        // The reader comes back to returnUrl with the status appended: it reads back.
        let mut back = url::Url::parse(&pairs[2].1).unwrap();
        back.set_fragment(None);
        back.query_pairs_mut().append_pair("fulfillmentStatus", "success").append_pair("orderId", &order_id.to_string());
        let r = parse_fulfillment_return_full(back.as_str());
        prop_assert_eq!(r.order_id, Some(order_id));
        // The original query may itself carry a conflicting fulfillmentStatus; otherwise success.
        if !query.contains("fulfillmentStatus") {
            prop_assert_eq!(r.status, FulfillmentStatus::Success);
        }
    }

    #[test]
    fn money_decimal_text_round_trips(minor in (i64::MIN + 1)..=i64::MAX) {
        let m = Money::from_minor(minor);
        prop_assert_eq!(Money::parse_major(&m.to_major_string()), Ok(m));
    }

    #[test]
    fn money_json_round_trips_up_to_the_exact_bound(minor in -Money::MAX_EXACT.minor()..=Money::MAX_EXACT.minor()) {
        let m = Money::from_minor(minor);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }

    #[test]
    fn money_from_a_number_is_money_from_its_printed_decimal(
        minor in -Money::MAX_EXACT.minor()..=Money::MAX_EXACT.minor(),
        nudge in -3i64..=3,
        whole in -(1i64 << 53)..=(1i64 << 53),
        any in -(Money::MAX_EXACT.minor() as f64 / 100.0)..=(Money::MAX_EXACT.minor() as f64 / 100.0),
    ) {
        // The writer's cents, its neighbouring doubles (more decimals), whole numbers up to 2^53,
        // and any number within the bound.
        let cents = minor as f64 / 100.0;
        let near = f64::from_bits((cents.to_bits() as i64 + nudge) as u64);
        for v in [cents, near, whole as f64, any] {
            prop_assert_eq!(Money::from_major_f64(v), by_printing(v), "{}", v);
        }
    }
}

/// How `Money` read a JSON number before [`Money::from_major_f64`]: printed, then parsed.
fn by_printing(v: f64) -> Result<Money, MoneyError> {
    if !v.is_finite() {
        return Err(MoneyError::NotANumber);
    }
    Money::parse_major(&v.to_string())
}
