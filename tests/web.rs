//! Browser tests: the widget mounted into a fresh host element in headless Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh host element in the document, configured like a publisher's snippet.
fn host(offer: Option<&str>) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    if let Some(offer) = offer {
        host.set_attribute("data-kasse-offer", offer).unwrap();
    }
    document.body().unwrap().append_child(&host).unwrap();
    host
}

#[wasm_bindgen_test]
async fn mounts_a_labelled_form_inside_a_shadow_root() {
    let host = host(Some("digital-month"));
    let handle = kasse_widget::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    leptos::task::tick().await;

    // Nothing leaks into the light DOM: the page sees only the host.
    assert_eq!(host.children().length(), 0);
    let root = host.shadow_root().expect("an open shadow root");
    let form = root.query_selector("form").unwrap().expect("a form");
    assert_eq!(form.get_attribute("data-offer").as_deref(), Some("digital-month"));
    for field in kasse_widget::form::FIELDS {
        let input = root
            .query_selector(&format!("input#{}", field.id))
            .unwrap()
            .unwrap_or_else(|| panic!("input {}", field.id));
        let label = root
            .query_selector(&format!("label[for={}]", field.id))
            .unwrap()
            .unwrap_or_else(|| panic!("label for {}", field.id));
        assert_eq!(label.text_content().unwrap(), field.label);
        assert_eq!(input.get_attribute("autocomplete").as_deref(), Some(field.autocomplete));
    }
    // The stylesheet is adopted, not inlined, so a strict CSP keeps it working.
    assert_eq!(root.adopted_style_sheets().length(), 1);
    assert!(root.query_selector("style").unwrap().is_none());

    handle.unmount();
    leptos::task::tick().await;
    assert!(root.query_selector("form").unwrap().is_none(), "unmount removes the form");
}

#[wasm_bindgen_test]
fn a_missing_offer_is_explained_in_the_host() {
    let host = host(None);
    let error = kasse_widget::mount(host.clone(), JsValue::UNDEFINED).err().expect("refused");
    assert!(error.as_string().unwrap().contains("data-kasse-offer"));
    assert!(host.text_content().unwrap().contains("no offer configured"));
    assert_eq!(host.get_attribute("data-kasse-state").as_deref(), Some("config-error"));
}

#[wasm_bindgen_test]
async fn config_object_wins_over_attributes_and_remount_reuses_the_root() {
    let host = host(Some("digital-month"));
    let config = js_sys::Object::new();
    js_sys::Reflect::set(&config, &"offer".into(), &"invoice-year".into()).unwrap();
    let first = kasse_widget::mount(host.clone(), config.into()).unwrap();
    leptos::task::tick().await;
    let root = host.shadow_root().unwrap();
    let form = root.query_selector("form").unwrap().unwrap();
    assert_eq!(form.get_attribute("data-offer").as_deref(), Some("invoice-year"));
    drop(first);
    // A second mount on the same element (SPA navigation) works and leaves exactly one form.
    let _second = kasse_widget::mount(host.clone(), JsValue::UNDEFINED).unwrap();
    leptos::task::tick().await;
    assert_eq!(root.query_selector_all("form").unwrap().length(), 1);
}
