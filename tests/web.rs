//! Browser tests: the widget mounted into a fresh host element in headless Chromium. One test
//! binary (`--test web`), one module per subject under `tests/web/`; the offers the gateway would
//! answer and the DOM helpers they share are here.
#![cfg(target_arch = "wasm32")]

#[path = "web/draft.rs"]
mod draft;
#[path = "web/form.rs"]
mod form;
#[path = "web/loading.rs"]
mod loading;
#[path = "web/locale.rs"]
mod locale;
#[path = "web/logic.rs"]
mod logic;
#[path = "web/mount.rs"]
mod mount;
#[path = "web/s4_package.rs"]
mod s4_package;

use std::cell::RefCell;
use std::rc::Rc;

use kasse_widget::WidgetConfig;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// What the gateway answers for the demo's card offer.
const CARD_OFFER: &str = r#"{
  "offer": {"id": "digital-month", "backend": "connectId",
    "title": {"nb": "Digital, 1 måned", "sv": "Digital, 1 månad", "en": "Digital, 1 month"},
    "price": 149, "currency": "NOK", "period": {"count": 1, "unit": "month"}, "recurring": true,
    "allowedMethods": ["creditcardPayex", "vippsRecurring", "kco"],
    "productSpec": {"type": "coupon", "code": "DIGI1M", "number": 1001},
    "access": {"product": "DIGI", "seconds": 2678400}},
  "connectId": {"clientId": "kasse-demo", "fulfillmentUrl": "http://127.0.0.1:8090/user/fulfillment"}
}"#;

/// A prepaid offer that lists a method the vendor cannot take prepaid (vippsRecurring).
const PREPAID_OFFER: &str = r#"{
  "offer": {"id": "gift-3m", "backend": "connectId", "title": "Gift card",
    "price": 399, "currency": "NOK", "period": {"count": 3, "unit": "month"}, "prepaid": true,
    "allowedMethods": ["vippsRecurring", "invoice", "creditcardPayex"],
    "productSpec": {"type": "coupon", "code": "GAVE3M", "number": 1003}}
}"#;

/// An S4 package with choices, as the gateway answers it.
const PACKAGE_OFFER: &str = r#"{
  "offer": {"id": "s4-avis-velg", "backend": "s4", "title": {"nb": "Velg din avis", "da": "Vælg din avis"},
    "price": 99, "currency": "NOK", "period": {"count": 1, "unit": "month"}, "recurring": true,
    "requiresAddress": true,
    "s4": {"templatePackageId": "10000000-0000-0000-0000-000000000002", "minProducts": 1, "maxProducts": 3,
      "paymentMethods": ["Vipps", "MobilePay", "SwedbankPay", "Invoice"],
      "choices": [
        {"product": "00000000-0000-0000-0000-000000000201", "price": 99, "default": true, "name": {"nb": "Digital", "da": "Digital"}},
        {"product": "00000000-0000-0000-0000-000000000202", "price": 60, "name": {"nb": "Lørdagsavis", "da": "Lørdagsavis"}},
        {"product": "00000000-0000-0000-0000-000000000203", "price": 50, "name": {"nb": "Søndagsavis", "da": "Søndagsavis"}}]}},
  "s4": {"merchantAgreementUrl": "http://127.0.0.1:8080/#kasse-agreements", "callbackUrl": "http://127.0.0.1:8080/kasse/v1/s4/callback"}
}"#;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh host element in the document, configured like a publisher's snippet.
fn host(attributes: &[(&str, &str)]) -> HtmlElement {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    for (name, value) in attributes {
        host.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&host).unwrap();
    host
}

fn config(offer: &str, locale: Option<&str>) -> WidgetConfig {
    WidgetConfig {
        offer: offer.into(),
        gateway: String::new(),
        locale: locale.map(Into::into),
        prepayment: None,
        preloaded_offer: None,
        live: true,
        previewed: false,
    }
}

fn clear_storage() {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

fn query(root: &ShadowRoot, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    query(root, selector).text_content().unwrap_or_default()
}

/// `(event name, JSON detail)` of every event seen.
type Seen = Rc<RefCell<Vec<(String, String)>>>;

/// Records every `kasse:*` event that bubbles to the document.
fn record_events() -> (Seen, Closure<dyn FnMut(web_sys::CustomEvent)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let listener = Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
        let detail = js_sys::JSON::stringify(&event.detail())
            .map(String::from)
            .unwrap_or_default();
        sink.borrow_mut().push((event.type_(), detail));
    });
    for name in ["kasse:ready", "kasse:error", "kasse:step"] {
        document()
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .unwrap();
    }
    (seen, listener)
}
