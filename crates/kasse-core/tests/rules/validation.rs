//! Whole ConnectID payloads against the rules ConnectID documents, and the reader's message for
//! each field error.

use kasse_core::checkout::build_client_order;
use kasse_core::connectid::{validate_assign_user, validate_client_order, AssignUserRequest, ClientOrder};
use kasse_core::error_code::ErrorCode;
use kasse_core::i18n::{format_price, Locale};

use crate::{codes, kari, offer};

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
