//! Browser tests: the widget mounted into a fresh host element in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use kasse_widget::view::FIELDS;
use kasse_widget::WidgetConfig;
use leptos::task::tick;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, ShadowRoot};

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

#[wasm_bindgen_test]
async fn mounts_a_labelled_form_inside_a_shadow_root() {
    clear_storage();
    let host = host(&[]);
    let handle = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    tick().await;

    assert_eq!(host.children().length(), 0, "nothing leaks into the light DOM");
    let root = host.shadow_root().expect("an open shadow root");
    assert_eq!(
        query(&root, "form").get_attribute("data-offer").as_deref(),
        Some("digital-month")
    );
    assert_eq!(text(&root, "h2"), "Digital, 1 month");
    assert!(
        text(&root, ".kasse__price").contains("NOK"),
        "price shown: {}",
        text(&root, ".kasse__price")
    );
    for field in FIELDS.iter().filter(|f| f.ids.field != "street") {
        let input = query(&root, &format!("input#{}", field.ids.field));
        let label = query(&root, &format!("label[for={}]", field.ids.field));
        assert_eq!(
            label.text_content().unwrap(),
            kasse_core::t(kasse_core::Locale::En, field.label)
        );
        assert_eq!(input.get_attribute("autocomplete").as_deref(), Some(field.autocomplete));
        assert_eq!(input.get_attribute("type").as_deref(), Some(field.input_type));
    }
    assert!(
        root.query_selector("input#street").unwrap().is_none(),
        "no address for a digital offer"
    );
    // The stylesheet is adopted, not inlined, so a strict CSP keeps it working.
    assert_eq!(root.adopted_style_sheets().length(), 1);
    assert!(root.query_selector("style").unwrap().is_none());

    handle.unmount();
    tick().await;
    assert!(
        root.query_selector("form").unwrap().is_none(),
        "unmount removes the form"
    );
}

#[wasm_bindgen_test]
fn a_missing_offer_is_explained_in_the_host() {
    let host = host(&[]);
    let error = kasse_widget::mount(host.clone(), JsValue::UNDEFINED)
        .err()
        .expect("refused");
    assert!(error.as_string().unwrap().contains("data-kasse-offer"));
    assert!(host.text_content().unwrap().contains("no offer configured"));
    assert_eq!(host.get_attribute("data-kasse-state").as_deref(), Some("config-error"));
}

#[wasm_bindgen_test]
fn the_config_object_wins_over_attributes() {
    let host = host(&[("data-kasse-offer", "digital-month"), ("data-kasse-locale", "sv")]);
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"offer".into(), &"invoice-year".into()).unwrap();
    let config = WidgetConfig::from_host(&host, &object.into()).unwrap();
    assert_eq!(
        config,
        WidgetConfig {
            offer: "invoice-year".into(),
            gateway: String::new(),
            locale: Some("sv".into()),
            prepayment: None,
            preloaded_offer: None,
        }
    );
    let bad = js_sys::JSON::parse(r#"{"prepayment": "paid"}"#).unwrap();
    assert!(
        WidgetConfig::from_host(&host, &bad).is_err(),
        "a malformed prepayment is a configuration error"
    );
}

/// A JS config object as the loader passes it: `{offer, locale, preloadedOffer}`.
fn loader_config(offer: &str, preloaded: &str) -> JsValue {
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"offer".into(), &offer.into()).unwrap();
    js_sys::Reflect::set(&object, &"locale".into(), &"en".into()).unwrap();
    let preloaded = js_sys::JSON::parse(preloaded).unwrap();
    js_sys::Reflect::set(&object, &"preloadedOffer".into(), &preloaded).unwrap();
    object.into()
}

#[wasm_bindgen_test]
fn a_preloaded_offer_renders_the_form_in_the_first_pass() {
    clear_storage();
    let host = host(&[]);
    let _handle = kasse_widget::mount(host.clone(), loader_config("digital-month", CARD_OFFER)).unwrap();
    // No tick: the form is there when `mount` returns, with no loading screen before it.
    let root = host.shadow_root().unwrap();
    assert!(root.query_selector(".kasse__loading").unwrap().is_none());
    assert_eq!(text(&root, "h2"), "Digital, 1 month");
    assert!(root.query_selector("form input#email").unwrap().is_some());
    host.remove();
}

#[wasm_bindgen_test]
fn another_offers_preloaded_answer_is_not_shown() {
    let host = host(&[]);
    let _handle = kasse_widget::mount(host.clone(), loader_config("gift-3m", CARD_OFFER)).unwrap();
    // The widget asks the gateway for its own offer instead, and says it is loading.
    let root = host.shadow_root().unwrap();
    assert!(root.query_selector(".kasse__loading").unwrap().is_some());
    assert!(root.query_selector("form").unwrap().is_none());
    host.remove();
}

#[wasm_bindgen_test]
async fn an_unreachable_offer_shows_a_message_and_a_retry_button() {
    // The test server has no gateway: the offer request gets a 404, a final answer.
    let host = host(&[("data-kasse-offer", "no-such-offer"), ("data-kasse-locale", "en")]);
    let _handle = kasse_widget::mount(host.clone(), JsValue::UNDEFINED).unwrap();
    let root = host.shadow_root().unwrap();
    for _ in 0..100 {
        tick().await;
        if root.query_selector("[role=alert]").unwrap().is_some() {
            break;
        }
        kasse_widget::page::sleep_ms(20).await;
    }
    let html = root.inner_html();
    assert!(
        root.query_selector("[role=alert]").unwrap().is_some(),
        "no alert in {html}"
    );
    let alert = text(&root, "[role=alert]");
    assert!(alert.contains("Could not load the offer"), "{alert}");
    assert_eq!(
        text(&root, "button.kasse__retry"),
        kasse_core::t(kasse_core::Locale::En, kasse_core::MessageKey::Retry)
    );
}

#[wasm_bindgen_test]
async fn submitting_an_empty_form_marks_every_problem_and_focuses_the_first() {
    clear_storage();
    let (events, _listener) = record_events();
    let host = host(&[]);
    let _handle = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("nb")), CARD_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    query(&root, "button[type=submit]")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;

    for id in ["lastName", "email", "phone", "postalCode", "acceptTerms"] {
        let input = query(&root, &format!("#{id}"));
        assert_eq!(
            input.get_attribute("aria-invalid").as_deref(),
            Some("true"),
            "{id} invalid"
        );
        // The error, after the field's example where it has one.
        let described = input.get_attribute("aria-describedby").unwrap_or_default();
        assert_eq!(
            described.split(' ').next_back(),
            Some(format!("{id}-error").as_str()),
            "{id}"
        );
        assert!(!text(&root, &format!("#{id}-error")).is_empty(), "{id} has a message");
    }
    assert_eq!(text(&root, "#lastName-error"), "Skriv etternavn eller firmanavn.");
    assert!(text(&root, "[role=alert]").contains("Rett opp"), "the alert summarises");
    // A valid field is not marked.
    assert!(query(&root, "#firstName").get_attribute("aria-invalid").is_none());

    // Focus lands on the first invalid field (after the next frame).
    kasse_widget::page::sleep_ms(50).await;
    let active = root.active_element().map(|e| e.id());
    assert_eq!(active.as_deref(), Some("lastName"));

    let error = events
        .borrow()
        .iter()
        .find(|(name, _)| name == "kasse:error")
        .cloned()
        .expect("kasse:error fired");
    assert!(error.1.contains("\"code\":\"validation\""), "{}", error.1);
    assert!(error.1.contains("lastName"), "field paths, no values: {}", error.1);

    // Typing into a field clears its error.
    let last: HtmlInputElement = query(&root, "#lastName").unchecked_into();
    last.set_value("Nordmann");
    last.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
    assert!(query(&root, "#lastName").get_attribute("aria-invalid").is_none());
}

#[wasm_bindgen_test]
async fn only_methods_the_vendor_supports_for_the_offer_are_offered() {
    clear_storage();
    let host = host(&[]);
    let _handle = kasse_widget::mount_loaded(host.clone(), config("gift-3m", Some("en")), PREPAID_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    let radios = root.query_selector_all("input[name=method]").unwrap();
    let values: Vec<String> = (0..radios.length())
        .map(|i| radios.item(i).unwrap().unchecked_into::<HtmlInputElement>().value())
        .collect();
    // vippsRecurring cannot be prepaid (ConnectID's payment-method table), so the reader never sees it.
    assert_eq!(values, ["invoice", "creditcardPayex"]);
    let first: HtmlInputElement = query(&root, "input[name=method]").unchecked_into();
    assert!(first.checked(), "the first allowed method is preselected");
}

#[wasm_bindgen_test]
async fn the_locale_comes_from_the_publisher_else_the_page() {
    clear_storage();
    let swedish = host(&[]);
    let _a = kasse_widget::mount_loaded(swedish.clone(), config("digital-month", Some("sv-SE")), CARD_OFFER).unwrap();
    document()
        .document_element()
        .unwrap()
        .set_attribute("lang", "nb-NO")
        .unwrap();
    let norwegian = host(&[]);
    let _b = kasse_widget::mount_loaded(norwegian.clone(), config("digital-month", None), CARD_OFFER).unwrap();
    tick().await;
    assert_eq!(text(&swedish.shadow_root().unwrap(), "label[for=firstName]"), "Förnamn");
    assert_eq!(text(&swedish.shadow_root().unwrap(), "h2"), "Digital, 1 månad");
    assert_eq!(
        text(&norwegian.shadow_root().unwrap(), "label[for=firstName]"),
        "Fornavn"
    );
    let price = text(&norwegian.shadow_root().unwrap(), ".kasse__price");
    assert!(price.contains("149\u{a0}kr"), "{price}");
    document().document_element().unwrap().remove_attribute("lang").unwrap();
}

#[wasm_bindgen_test]
async fn the_draft_survives_a_remount() {
    clear_storage();
    let host = host(&[]);
    let first = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    let email: HtmlInputElement = query(&root, "#email").unchecked_into();
    email.set_value("kari@example.no");
    email.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    let vipps: HtmlInputElement = query(&root, "#method-vippsRecurring").unchecked_into();
    vipps.click();
    tick().await;
    drop(first);

    // As after a reload or the back button: a new mount finds what the reader typed.
    let _second = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    assert_eq!(
        query(&root, "#email").unchecked_into::<HtmlInputElement>().value(),
        "kari@example.no"
    );
    assert!(query(&root, "#method-vippsRecurring")
        .unchecked_into::<HtmlInputElement>()
        .checked());
    let stored = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item("kasse:digital-month:draft")
        .unwrap();
    assert!(
        stored.is_some_and(|s| s.contains("kari@example.no")),
        "kept in sessionStorage"
    );
    let local = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .length()
        .unwrap();
    assert_eq!(local, 0, "nothing in localStorage");
}

#[wasm_bindgen_test]
async fn ready_fires_once_with_no_personal_data() {
    clear_storage();
    let (events, _listener) = record_events();
    let host = host(&[]);
    let _handle = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    tick().await;
    let events = events.borrow();
    let ready: Vec<_> = events.iter().filter(|(name, _)| name == "kasse:ready").collect();
    assert_eq!(ready.len(), 1, "{events:?}");
    assert_eq!(ready[0].1, r#"{"locale":"en","offer":"digital-month"}"#);
}

#[wasm_bindgen_test]
fn retries_back_off_honour_retry_after_and_stop() {
    use kasse_widget::api::{retry_delay_ms, ApiFailure};
    let busy = |retry_after| ApiFailure::Http {
        status: 429,
        code: "rate_limited".into(),
        message_key: None,
        retry_after,
        field: None,
        price: None,
    };
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 1), Some(500));
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 2), Some(1000));
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 3), Some(2000));
    assert_eq!(
        retry_delay_ms(&ApiFailure::Network, 4),
        None,
        "three retries, then the reader decides"
    );
    assert_eq!(
        retry_delay_ms(&busy(Some(3)), 1),
        Some(3000),
        "the gateway's retryAfter wins over backoff"
    );
    assert_eq!(
        retry_delay_ms(&busy(Some(60)), 1),
        None,
        "too long to sit through: show it"
    );
    let refused = ApiFailure::Http {
        status: 422,
        code: "price_mismatch".into(),
        message_key: Some("err_offer_changed".into()),
        retry_after: None,
        field: Some("orderLines[0].unitPrice".into()),
        price: None,
    };
    assert_eq!(retry_delay_ms(&refused, 1), None, "a final refusal is never retried");
    assert_eq!(refused.message_key(), kasse_core::MessageKey::ErrOfferChanged);
}

#[wasm_bindgen_test]
async fn an_s4_package_shows_its_choices_and_prices_them_as_they_are_ticked() {
    clear_storage();
    let host = host(&[]);
    let _handle = kasse_widget::mount_loaded(host.clone(), config("s4-avis-velg", Some("da")), PACKAGE_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    assert_eq!(text(&root, "label[for=firstName]"), "Fornavn");
    assert_eq!(text(&root, "h2"), "Vælg din avis");
    let boxes = root.query_selector_all("input[name=products]").unwrap();
    assert_eq!(boxes.length(), 3);
    let digital: HtmlInputElement = boxes.item(0).unwrap().unchecked_into();
    assert!(digital.checked(), "the default choice is ticked");
    assert!(
        text(&root, ".kasse__price").contains("99"),
        "{}",
        text(&root, ".kasse__price")
    );
    let sunday: HtmlInputElement = boxes.item(2).unwrap().unchecked_into();
    sunday.click();
    tick().await;
    let price = text(&root, ".kasse__price");
    assert!(price.contains("149"), "Digital + Sunday: {price}");
    let methods = root.query_selector_all("input[name=method]").unwrap();
    let values: Vec<String> = (0..methods.length())
        .map(|i| methods.item(i).unwrap().unchecked_into::<HtmlInputElement>().value())
        .collect();
    assert_eq!(values, ["Vipps", "MobilePay", "SwedbankPay", "Invoice"]);
    // Nothing ticked: the core's limit, at the choice.
    digital.click();
    sunday.click();
    tick().await;
    let submit: HtmlElement = query(&root, "button[type=submit]").unchecked_into();
    submit.click();
    tick().await;
    assert_eq!(
        query(&root, "#products").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
}

/// kasse-core's URL functions use the browser's own `URL` on wasm32: the same cases as natively.
#[wasm_bindgen_test]
fn urls_parse_in_the_browser_as_natively() {
    kasse_core::field::url_cases::run_all();
}

/// The country is asked before the phone and postal code, and shapes their examples.
#[wasm_bindgen_test]
async fn the_country_comes_first_and_shapes_the_examples() {
    clear_storage();
    let host = host(&[]);
    let _handle = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    tick().await;
    let root = host.shadow_root().unwrap();
    let ids: Vec<String> = (0..root.query_selector_all("input, select").unwrap().length())
        .filter_map(|i| root.query_selector_all("input, select").unwrap().item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .map(|e| e.id())
        .collect();
    let at = |id: &str| {
        ids.iter()
            .position(|i| i == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    assert!(
        at("countryCode") < at("phone") && at("countryCode") < at("postalCode"),
        "{ids:?}"
    );
    assert!(at("email") < at("countryCode"), "{ids:?}");

    assert_eq!(text(&root, "#phone-example"), "For example 912 34 567");
    assert_eq!(text(&root, "#postalCode-example"), "For example 0150");
    assert_eq!(
        query(&root, "#phone").get_attribute("aria-describedby").as_deref(),
        Some("phone-example")
    );
    let country: web_sys::HtmlSelectElement = query(&root, "#countryCode").unchecked_into();
    country.set_value("SE");
    country.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    tick().await;
    assert_eq!(text(&root, "#phone-example"), "For example 070-123 45 67");
    assert_eq!(text(&root, "#postalCode-example"), "For example 123 45");
}
