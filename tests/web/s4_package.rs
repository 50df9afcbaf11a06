//! An S4 package with choices: the default ticked, the price following the ticks, the package's
//! methods, and the core's product limit at the choice.

use crate::{clear_storage, config, host, query, text, PACKAGE_OFFER};
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

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
    // The package's price follows the ticks: a polite live region tells a screen reader.
    assert_eq!(
        query(&root, ".kasse__price").get_attribute("aria-live").as_deref(),
        Some("polite")
    );
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
