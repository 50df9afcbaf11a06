//! Mounting: a labelled form inside an open shadow root with an adopted stylesheet, unmounting,
//! a missing offer explained in the host, the config object over attributes, and one
//! `kasse:ready` without personal data.

use crate::{clear_storage, config, host, query, record_events, text, CARD_OFFER};
use kasse_widget::view::FIELDS;
use kasse_widget::WidgetConfig;
use leptos::task::tick;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

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
    // A fixed price is no live region: its text is rendered again as the reader types.
    assert_eq!(query(&root, ".kasse__price").get_attribute("aria-live"), None);
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
fn a_missing_offer_is_explained_in_the_host_until_a_mount_works() {
    let host = host(&[]);
    let error = kasse_widget::mount(host.clone(), JsValue::UNDEFINED)
        .err()
        .expect("refused");
    assert!(error.as_string().unwrap().contains("data-kasse-offer"));
    assert!(host.text_content().unwrap().contains("no offer configured"));
    assert_eq!(host.get_attribute("data-kasse-state").as_deref(), Some("config-error"));
    // Mounted again with its offer, the host no longer says it is misconfigured.
    let handle = kasse_widget::mount_loaded(host.clone(), config("digital-month", Some("en")), CARD_OFFER).unwrap();
    assert_eq!(host.get_attribute("data-kasse-state"), None);
    handle.unmount();
}

#[wasm_bindgen_test]
fn a_host_that_cannot_hold_a_shadow_root_is_explained_in_it() {
    let list = crate::document().create_element("ul").unwrap();
    let item: web_sys::HtmlElement = crate::document().create_element("li").unwrap().unchecked_into();
    list.append_child(&item).unwrap();
    crate::document().body().unwrap().append_child(&list).unwrap();
    let error = kasse_widget::mount_loaded(item.clone(), config("digital-month", Some("en")), CARD_OFFER)
        .err()
        .expect("refused");
    assert!(
        error.as_string().unwrap().contains("<li> element cannot hold"),
        "{error:?}"
    );
    assert!(item.text_content().unwrap().contains("mount it on a <div>"));
    assert_eq!(item.get_attribute("data-kasse-state").as_deref(), Some("config-error"));
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
            live: true,
            previewed: false,
        }
    );
    // Only a rehearsal is inert; a page cannot ask for a widget that tells it nothing.
    let inert = js_sys::JSON::parse(r#"{"offer": "invoice-year", "live": false}"#).unwrap();
    assert!(WidgetConfig::from_host(&host, &inert).unwrap().live);
    let bad = js_sys::JSON::parse(r#"{"prepayment": "paid"}"#).unwrap();
    assert!(
        WidgetConfig::from_host(&host, &bad).is_err(),
        "a malformed prepayment is a configuration error"
    );
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

/// Taking over the loader's preview (which told the page `kasse:ready` already), the widget
/// renders the form and tells the page nothing more until the reader acts.
#[wasm_bindgen_test]
async fn a_widget_taking_over_a_preview_does_not_tell_ready_again() {
    clear_storage();
    let (events, _listener) = record_events();
    let host = host(&[("data-kasse-offer", "digital-month")]);
    let object = js_sys::JSON::parse(r#"{"previewed": true}"#).unwrap();
    let mut config = WidgetConfig::from_host(&host, &object).unwrap();
    assert!(config.previewed);
    config.locale = Some("en".into());
    let _handle = kasse_widget::mount_loaded(host.clone(), config, CARD_OFFER).unwrap();
    tick().await;
    assert!(host
        .shadow_root()
        .unwrap()
        .query_selector("form input#email")
        .unwrap()
        .is_some());
    let events = events.borrow();
    assert!(events.iter().all(|(name, _)| name != "kasse:ready"), "{events:?}");
}

/// The compiled-in stylesheet is the sources minified (build.rs): the browser reads every rule of
/// it as it reads the sources', rule for rule.
#[wasm_bindgen_test]
fn the_minified_stylesheet_has_every_rule_of_its_sources() {
    let css = kasse_widget::shadow::WIDGET_CSS;
    assert!(!css.contains("/*") && !css.contains('\n'), "minified: {css}");
    let sources = concat!(
        include_str!("../../style/kasse.css"),
        include_str!("../../style/connectid.css")
    );
    let rules = |text: &str| {
        let sheet = web_sys::CssStyleSheet::new().unwrap();
        sheet.replace_sync(text).unwrap();
        let list = sheet.css_rules().unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().css_text())
            .collect::<Vec<_>>()
    };
    let (built, read) = (rules(css), rules(sources));
    assert!(read.len() > 30, "{} rules", read.len());
    assert_eq!(built, read);
}
