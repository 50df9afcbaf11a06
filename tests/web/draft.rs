//! The reader's draft survives a remount (a reload, the back button): kept in sessionStorage,
//! nothing in localStorage.

use crate::{clear_storage, config, host, query, CARD_OFFER};
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

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
