//! The widget's language: the publisher's `locale`, else the page's `lang`.

use crate::{clear_storage, config, document, host, text, CARD_OFFER};
use leptos::task::tick;
use wasm_bindgen_test::*;

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
