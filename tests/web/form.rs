//! The checkout form: an empty submit marks every problem and focuses the first, only the methods
//! the vendor supports for the offer are offered, and the country comes first and shapes the
//! examples.

use crate::{clear_storage, config, host, query, record_events, text, CARD_OFFER, PREPAID_OFFER};
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

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
