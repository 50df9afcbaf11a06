//! How the offer arrives: preloaded by the loader (rendered in the first pass, and only for its own
//! offer), or fetched from a gateway that cannot give it (a message and a retry button).

use crate::{clear_storage, host, text, CARD_OFFER};
use leptos::task::tick;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

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
