//! Browser tests of `kasse_widget::json`: kasse-core's types cross between Rust and JS as
//! serde_json reads and writes them (the gateway's side of the same JSON), through the browser's
//! `JSON.parse` / `JSON.stringify`.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;
use std::fmt::Debug;

use kasse_core::checkout::S4Urls;
use kasse_core::connectid::{PaymentInfoPayEx, StartSubscription};
use kasse_core::contract::{
    ConnectIdOrderRegistered, ErrorEnvelope, LogoutAnswer, OfferInfo, S4CompleteRequest, S4OrderAnswer, SessionInfo,
};
use kasse_core::{build_client_order, build_s4_request, CheckoutForm, Money, PaymentMethod, S4PaymentMethod};
use kasse_widget::json::{from_js, parse, stringify, to_js};
use kasse_widget::storage::Attempt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A ConnectID offer with every optional part the catalog may give, and a price with a fraction.
const CONNECTID_OFFER: &str = r#"{
  "offer": {"id": "digital-month", "backend": "connectId",
    "title": {"nb": "Digital, 1 måned", "en": "Digital, 1 month"},
    "description": "Alt innhold på nett.", "price": 149.5, "currency": "NOK",
    "period": {"count": 1, "unit": "month"}, "recurring": true,
    "allowedMethods": ["creditcardPayex", "vippsRecurring", "invoice"],
    "productSpec": {"type": "coupon", "code": "DIGI1M", "number": 1001},
    "marketingCoupon": {"code": "HOST", "number": 77},
    "access": {"product": "DIGI", "seconds": 2678400, "categoryType": "web"},
    "digitalAccess": true, "requiresAddress": true,
    "consent": {"issuer": "AVIS", "consentId": "nyhetsbrev"}},
  "methods": ["creditcardPayex", "invoice"],
  "connectId": {"clientId": "kasse-demo", "fulfillmentUrl": "http://127.0.0.1:8090/user/fulfillment", "login": true}
}"#;

/// A start-subscription offer, and an S4 package with choices (from the gateway's example catalog).
const START_OFFER: &str = r#"{"offer": {"id": "digital-included", "backend": "connectId",
  "title": "Aktiver digital tilgang", "price": 0, "currency": "NOK", "period": {"unit": "month"},
  "startSubscription": {"product": "DIGI", "coupon": {"code": "DIGIPAPIR", "number": 1004}, "days": 30}}}"#;
const S4_OFFER: &str = r#"{
  "offer": {"id": "s4-avis-velg", "backend": "s4", "title": {"nb": "Velg din avis", "en": "Choose your paper"},
    "price": 99, "currency": "NOK", "period": {"count": 1, "unit": "month"}, "recurring": true,
    "requiresAddress": true,
    "s4": {"templatePackageId": "10000000-0000-0000-0000-000000000002",
      "organizationId": "20000000-0000-0000-0000-000000000000", "minProducts": 1, "maxProducts": 3,
      "priceOverride": true, "paymentMethods": ["Vipps", "SwedbankPay", "eFaktura"],
      "choices": [
        {"product": "00000000-0000-0000-0000-000000000201", "price": 99, "default": true, "name": "Digital"},
        {"product": "00000000-0000-0000-0000-000000000202", "price": 19.99, "name": {"nb": "Lørdagsavis"}}]}},
  "methods": ["SwedbankPay"],
  "s4": {"merchantAgreementUrl": "https://avis.example/avtaler", "callbackUrl": "https://avis.example/kasse/v1/s4/callback"}
}"#;

/// `text` read by the widget as serde_json reads it; through `JSON.parse` and without it.
fn reads_as_serde_json<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> T {
    let expected: T = serde_json::from_str(text).unwrap();
    assert_eq!(parse::<T>(text).as_ref(), Some(&expected), "{text}");
    assert_eq!(
        from_js::<T>(js_sys::JSON::parse(text).unwrap()).as_ref(),
        Some(&expected)
    );
    expected
}

/// `value` written by the widget as serde_json writes it, and read back as it was.
fn writes_as_serde_json<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let text = stringify(value).expect("writes");
    assert_eq!(text, serde_json::to_string(value).unwrap());
    assert_eq!(from_js::<T>(to_js(value).unwrap()).as_ref(), Some(value));
}

/// `text` refused by the widget as by serde_json.
fn refused<T: DeserializeOwned + Debug>(text: &str) {
    assert!(serde_json::from_str::<T>(text).is_err(), "serde_json reads {text}");
    assert!(parse::<T>(text).is_none(), "read {text}");
}

fn form(method: &str) -> CheckoutForm {
    CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        email: "kari@example.no".into(),
        phone: "912 34 567".into(),
        street: "Storgata 1".into(),
        postal_code: "0155".into(),
        postal_place: "Oslo".into(),
        country_code: "NO".into(),
        method: method.into(),
        accept_terms: true,
        ..CheckoutForm::default()
    }
}

#[wasm_bindgen_test]
fn offers_read_and_write_as_serde_json_does() {
    for text in [CONNECTID_OFFER, START_OFFER, S4_OFFER] {
        let info: OfferInfo = reads_as_serde_json(text);
        writes_as_serde_json(&info);
    }
    let info: OfferInfo = parse(CONNECTID_OFFER).unwrap();
    assert_eq!(info.offer.price, Money::from_minor(14950));
    assert!(matches!(info.offer.title, kasse_core::offer::Text::Localized(_)));
    let s4: OfferInfo = parse(S4_OFFER).unwrap();
    assert_eq!(s4.offer.s4.unwrap().choices[1].price, Money::from_minor(1999));
}

#[wasm_bindgen_test]
fn a_client_order_writes_as_serde_json_does() {
    let info: OfferInfo = parse(CONNECTID_OFFER).unwrap();
    let mut order =
        build_client_order(&info.offer, &form("creditcardPayex"), "attempt-0001", 1_764_000_000_000).unwrap();
    order.payment_info_pay_ex = Some(PaymentInfoPayEx {
        transaction_id: Some("T-4711".into()),
        ..PaymentInfoPayEx::default()
    });
    writes_as_serde_json(&order);
    let js = to_js(&order).unwrap();
    let get = |key: &str| js_sys::Reflect::get(&js, &key.into()).unwrap();
    assert_eq!(get("orderAmount").as_f64(), Some(149.5));
    assert_eq!(get("paymentMethod").as_string().as_deref(), Some("creditcardPayex"));
    assert!(get("merchantId").is_undefined(), "a skipped None is left out, not null");
}

#[wasm_bindgen_test]
fn an_s4_order_request_writes_as_serde_json_does() {
    let info: OfferInfo = parse(S4_OFFER).unwrap();
    let mut form = form("SwedbankPay");
    form.products = vec!["00000000-0000-0000-0000-000000000202".into()];
    let urls = S4Urls {
        merchant_agreement_url: "https://avis.example/avtaler".into(),
        complete_url: "https://avis.example/sak?kasse=done".into(),
        cancel_url: "https://avis.example/sak?kasse=cancel".into(),
        callback_url: "https://avis.example/kasse/v1/s4/callback".into(),
        culture: Some("nb-NO".into()),
    };
    let request = build_s4_request(&info.offer, &form, &urls).unwrap();
    writes_as_serde_json(&request);
    writes_as_serde_json(&S4CompleteRequest {
        max_polling_timeout: Some(20_000),
    });
}

#[wasm_bindgen_test]
fn answers_and_the_error_envelope_read_as_serde_json_reads_them() {
    let envelope: ErrorEnvelope = reads_as_serde_json(
        r#"{"error": {"code": "price_changed", "message": "The price changed.", "field": "orderAmount",
            "retryAfter": 2, "messageKey": "err_price_changed", "price": 19.99,
            "details": [{"field": "orderLines[0].unitPrice", "code": "price_mismatch"}]}}"#,
    );
    assert_eq!(envelope.error.price, Some(Money::from_minor(1999)));
    writes_as_serde_json(&envelope);
    reads_as_serde_json::<ErrorEnvelope>(r#"{"error": {"code": "rate_limited", "retryAfter": null}}"#);
    reads_as_serde_json::<ConnectIdOrderRegistered>(r#"{"orderId": 9007199254740991, "orderToken": "t"}"#);
    let answer: S4OrderAnswer = reads_as_serde_json(r#"{"id": "g-1", "status": "OnHold", "orderToken": "t"}"#);
    assert_eq!(answer.status, kasse_core::s4::OrderStatus::Unknown, "serde(other)");
    reads_as_serde_json::<SessionInfo>(r#"{"loggedIn": true, "profile": {"firstName": "Kari", "extra": [1, {}]}}"#);
    // Untagged `copies`: a number or a numeric string.
    for copies in ["1", r#""1""#] {
        let text = format!(
            r#"{{"product": "DIGI", "startTime": 1, "copies": {copies}, "couponCode": "C", "couponNumber": 2}}"#
        );
        assert_eq!(reads_as_serde_json::<StartSubscription>(&text).copies, 1);
    }
}

#[wasm_bindgen_test]
fn the_widgets_own_storage_round_trips() {
    let mut attempt = Attempt::new(form("invoice"), false, "k-1".into(), 1_000);
    attempt.order_id = Some(42);
    attempt.order_token = Some("tok".into());
    writes_as_serde_json(&attempt);
    writes_as_serde_json(&form("kco"));
    assert_eq!(
        parse::<CheckoutForm>("{}"),
        Some(CheckoutForm::default()),
        "container default"
    );
    writes_as_serde_json(&"a \"quoted\" string\n".to_owned());
}

#[wasm_bindgen_test]
fn money_reads_and_writes_as_serde_json_does() {
    for (text, minor) in [
        ("149.5", 14950),
        ("19.99", 1999),
        ("150", 15000),
        ("0.01", 1),
        ("-3.25", -325),
    ] {
        assert_eq!(reads_as_serde_json::<Money>(text), Money::from_minor(minor));
        writes_as_serde_json(&Money::from_minor(minor));
    }
    assert_eq!(
        parse::<Money>(r#""149.50""#),
        Some(Money::from_minor(14950)),
        "quoted decimals"
    );
    refused::<Money>("19.999");
    refused::<Money>("true");
    refused::<Money>("1e300");
}

#[wasm_bindgen_test]
fn unknown_fields_are_refused_where_the_type_says_so() {
    refused::<PaymentInfoPayEx>(r#"{"transactionId": "T-1", "bogus": 1}"#);
    refused::<PaymentInfoPayEx>(r#"{"cardDetails": {"cardBrand": "Visa", "pin": "1234"}}"#);
    reads_as_serde_json::<PaymentInfoPayEx>(r#"{"transactionId": "T-1", "merchantId": "54823419"}"#);
    reads_as_serde_json::<LogoutAnswer>(r#"{"logoutUrl": "https://login.example/out", "unknown": true}"#);
}

#[wasm_bindgen_test]
fn wrong_types_are_refused() {
    refused::<ConnectIdOrderRegistered>(r#"{"orderId": "12", "orderToken": "t"}"#);
    refused::<ConnectIdOrderRegistered>(r#"{"orderId": 1.5, "orderToken": "t"}"#);
    refused::<ConnectIdOrderRegistered>(r#"{"orderToken": "t"}"#);
    refused::<S4CompleteRequest>(r#"{"maxPollingTimeout": -1}"#);
    refused::<S4CompleteRequest>(r#"{"maxPollingTimeout": 4294967296}"#);
    refused::<SessionInfo>(r#"{"loggedIn": "true"}"#);
    refused::<Vec<String>>(r#"{"0": "a"}"#);
    refused::<PaymentMethod>(r#""bitcoin""#);
    refused::<char>(r#""ab""#);
    // JSON.parse cannot hold 2^53 + 1 exactly, so integers from 2^53 on are refused (serde_json,
    // parsing the text itself, reads them).
    assert_eq!(parse::<i64>("9007199254740991"), Some(9_007_199_254_740_991));
    assert_eq!(parse::<i64>("9007199254740992"), None);
    assert_eq!(parse::<u64>("-1"), None);
}

#[wasm_bindgen_test]
fn null_and_undefined_are_none() {
    assert_eq!(from_js::<Option<String>>(JsValue::UNDEFINED), Some(None));
    assert_eq!(from_js::<Option<String>>(JsValue::NULL), Some(None));
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"logoutUrl".into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(
        from_js::<LogoutAnswer>(object.into()),
        Some(LogoutAnswer { logout_url: None })
    );
    assert_eq!(from_js::<String>(JsValue::NULL), None);
    assert!(to_js(&None::<u32>).unwrap().is_null());
    assert!(to_js(&()).unwrap().is_null());
}

#[wasm_bindgen_test]
fn integers_beyond_2_53_are_refused_on_writing() {
    assert_eq!(stringify(&((1i64 << 53) - 1)).as_deref(), Some("9007199254740991"));
    assert_eq!(stringify(&(-(1i64 << 53) + 1)).as_deref(), Some("-9007199254740991"));
    for refused in [1i64 << 53, -(1i64 << 53), i64::MAX, i64::MIN] {
        assert_eq!(to_js(&refused), None, "{refused}");
    }
    assert_eq!(to_js(&u64::MAX), None);
    let registered = ConnectIdOrderRegistered {
        order_id: 1 << 60,
        order_token: "t".into(),
    };
    assert_eq!(stringify(&registered), None);
}

/// Every enum shape serde derives, beside the unit variants kasse-core's enums are.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum External {
    Unit,
    Newtype(u32),
    Tuple(i64, String),
    Struct { a: bool, b: Option<char> },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Internal {
    Plain {
        n: u16,
    },
    Nested {
        inner: External,
        map: BTreeMap<String, f64>,
    },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Untagged {
    Int(i64),
    Float(f64),
    Many(Vec<Untagged>),
    Text(String),
}

#[wasm_bindgen_test]
fn enums_of_every_kind_cross_as_serde_json_has_them() {
    for value in [
        External::Unit,
        External::Newtype(7),
        External::Tuple(-3, "x".into()),
        External::Struct { a: true, b: Some('ø') },
    ] {
        writes_as_serde_json(&value);
    }
    reads_as_serde_json::<External>(r#"{"Unit": null}"#);
    refused::<External>(r#"{"Unit": null, "Newtype": 1}"#);
    let map = BTreeMap::from([("a".to_owned(), 0.5), ("b".to_owned(), -2.25)]);
    writes_as_serde_json(&Internal::Plain { n: 65535 });
    writes_as_serde_json(&Internal::Nested {
        inner: External::Newtype(1),
        map,
    });
    refused::<Internal>(r#"{"kind": "plain", "n": 65536}"#);
    refused::<Internal>(r#"{"n": 1}"#);
    let mixed = Untagged::Many(vec![
        Untagged::Int(-1),
        Untagged::Float(0.1),
        Untagged::Text("t".into()),
    ]);
    writes_as_serde_json(&mixed);
    assert_eq!(reads_as_serde_json::<Untagged>("4"), Untagged::Int(4));
    assert_eq!(reads_as_serde_json::<Untagged>("4.5"), Untagged::Float(4.5));
    writes_as_serde_json(&vec![S4PaymentMethod::EFaktura, S4PaymentMethod::Ehf]);
}
