//! `GET /kasse/v1/offers/{id}/preview`: the checkout's first screen, rendered from the widget's
//! own views, and the requests it refuses (its URLs end up in a link).

use crate::common::login::urlencode;
use crate::common::*;
use kasse_core::offer::Text;
use serde_json::Value;

/// An article on the test configuration's allowed return prefix.
const PAGE: &str = "https://www.avis.example/kasse/sport/1";

fn path(offer: &str, locale: &str, page: &str, gateway: &str) -> String {
    let (locale, page, gateway) = (urlencode(locale), urlencode(page), urlencode(gateway));
    format!("/kasse/v1/offers/{offer}/preview?locale={locale}&page={page}&gateway={gateway}")
}

#[tokio::test]
async fn preview_is_the_widgets_form_in_the_readers_language() {
    let stack = Stack::start().await;
    let r = stack
        .http
        .get(stack.url(&path("digital-month", "nb-NO,en", PAGE, "https://gw.avis.example")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    let v: Value = r.json().await.unwrap();
    let html = v["html"].as_str().unwrap();
    assert!(html.starts_with(r#"<div lang="nb" class="kasse-root"><form"#), "{html}");
    for part in [
        r#"<input id="email" name="email" type="email""#,
        r#"<label for="countryCode">Land</label>"#,
        r#"<option value="NO" selected="">Norge</option>"#,
        // The widget's first choice, checked as the widget has it.
        r#"name="method" value="creditcardPayex" checked"#,
        r#"name="method" value="vippsRecurring">"#,
        r#"<button type="submit" id="kasse-submit" class="kasse__submit">"#,
        // The login link goes to the gateway the page addresses, and back to the article.
        r#"href="https://gw.avis.example/kasse/v1/login?returnUrl=https%3A%2F%2Fwww.avis.example%2Fkasse%2Fsport%2F1""#,
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    assert!(v["css"].as_str().unwrap().contains(".kasse"), "{v}");
    assert_eq!(v["locale"], "nb");
    assert_eq!(
        v["busy"],
        kasse_core::t(kasse_core::Locale::negotiate("nb"), kasse_core::MessageKey::Processing)
    );
    let failed = kasse_core::t(
        kasse_core::Locale::negotiate("nb"),
        kasse_core::MessageKey::ErrCheckoutLoad,
    );
    assert!(failed.starts_with("Kunne ikke laste"), "{failed}");
    assert_eq!(v["failed"], failed);
    // The offer it is of, as the offer's own answer has it: the loader asks for nothing more.
    let (status, offer) = stack.get("/kasse/v1/offers/digital-month").await;
    assert_eq!(status, 200);
    assert_eq!(v["offer"], offer);

    // Compressed for a browser that takes it (kilobytes of HTML and CSS).
    let r = stack
        .http
        .get(stack.url(&path("digital-month", "nb", PAGE, "")))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");

    let (status, v) = stack.get(&path("digital-month", "sv", PAGE, "")).await;
    assert_eq!(status, 200);
    let html = v["html"].as_str().unwrap();
    assert_eq!(v["locale"], "sv");
    assert!(
        html.contains(r#"<label for="countryCode">Land</label>"#) && html.contains("Förnamn"),
        "{html}"
    );
    // Without a gateway origin, the link is the page's own origin's, as the widget's would be.
    assert!(html.contains(r#"href="/kasse/v1/login?returnUrl="#), "{html}");
    stack.shutdown().await;
}

#[tokio::test]
async fn preview_of_an_s4_package_shows_its_choices() {
    let stack = Stack::start().await;
    let (status, v) = stack.get(&path("s4-avis-velg", "nb", PAGE, "")).await;
    assert_eq!(status, 200, "{v}");
    let html = v["html"].as_str().unwrap();
    assert!(
        html.contains(r#"value="Vipps""#) && !html.contains("kasse__login"),
        "{html}"
    );
    // A checkbox per product the catalog offers, named in the reader's language.
    for product in ["201", "202", "203"] {
        let value = format!(r#"value="00000000-0000-0000-0000-000000000{product}""#);
        assert!(html.contains(&value), "product {product}: {html}");
    }
    assert!(html.matches(r#"type="checkbox""#).count() >= 3, "{html}");
    assert!(html.contains("Lørdagsavis") && html.contains("Søndagsavis"), "{html}");
    stack.shutdown().await;
}

#[tokio::test]
async fn catalog_text_is_escaped_in_the_preview() {
    let stack = Stack::start_with(Default::default(), |s| {
        let offer = s.offers.get_mut("digital-month").unwrap();
        offer.title = Text::Plain(r#"<img src=x onerror="alert(1)">"#.into());
    })
    .await;
    let (status, v) = stack.get(&path("digital-month", "nb", PAGE, "")).await;
    assert_eq!(status, 200);
    let html = v["html"].as_str().unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;img src=x onerror="), "{html}");
    stack.shutdown().await;
}

#[tokio::test]
async fn preview_refuses_urls_it_would_put_in_a_link() {
    let stack = Stack::start().await;
    let before = stack.sandbox_orders().await;
    for (page, gateway, status, code, field) in [
        ("https://evil.example/kasse/x", "", 422, "url_not_allowed", "page"),
        ("", "", 422, "url_not_allowed", "page"),
        (
            "javascript:alert(1)//https://www.avis.example/kasse/",
            "",
            422,
            "url_not_allowed",
            "page",
        ),
        (PAGE, "javascript:alert(1)", 400, "invalid_request", "gateway"),
        (PAGE, "https://gw.avis.example/login", 400, "invalid_request", "gateway"),
        (PAGE, "https://user@gw.avis.example", 400, "invalid_request", "gateway"),
        (PAGE, "https://gw.avis.example?x=1", 400, "invalid_request", "gateway"),
        (PAGE, "ftp://gw.avis.example", 400, "invalid_request", "gateway"),
    ] {
        let (got, v) = stack.get(&path("digital-month", "nb", page, gateway)).await;
        assert_eq!(got, status, "{page} {gateway}: {v}");
        assert_eq!(error_code(&v), code, "{v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    let (status, v) = stack.get(&path("digital-month", &"nb,".repeat(100), PAGE, "")).await;
    assert_eq!((status, error_code(&v)), (400, "invalid_request"), "{v}");
    let (status, v) = stack.get(&path("nope", "nb", PAGE, "")).await;
    assert_eq!((status, error_code(&v)), (404, "offer_not_found"), "{v}");
    assert_eq!(stack.sandbox_orders().await, before);
    stack.shutdown().await;
}
