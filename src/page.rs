//! The page around the widget: its URL, navigation, locale, time and timers.

use wasm_bindgen::JsCast;

/// Query parameter that marks a return to this page as belonging to one widget's offer.
pub const RETURN_MARKER: &str = "kasse";
/// The gateway's login outcome on the way back (`ok`, `failed`).
pub const LOGIN_PARAM: &str = "kasseLogin";
/// The vendor's status parameter on the way back.
pub const STATUS_PARAM: &str = "fulfillmentStatus";
/// What the payment pages add on the way back (ours, ConnectID's, S4's Vipps/MobilePay and
/// SwedbankPay returns): removed from the address bar and from the next return URL.
const RETURN_PARAMS: [&str; 8] = [
    RETURN_MARKER,
    LOGIN_PARAM,
    STATUS_PARAM,
    "orderId",
    "agreementId",
    "S4OrderId",
    "TransactionId",
    "transactionId",
];

fn window() -> web_sys::Window {
    web_sys::window().expect("the widget runs in a window")
}

/// The page's current URL.
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

/// The page's host (`host:port`), the only host return URLs may name.
pub fn host() -> String {
    window().location().host().unwrap_or_default()
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A random UUID (v4) from the browser's CSPRNG, for `externalOrderId`.
pub fn random_id() -> String {
    window()
        .crypto()
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|_| format!("kasse-{}", now_ms()))
}

/// The locale hint of the page: `<html lang>`, else the browser's languages.
pub fn locale_hint() -> String {
    let document_lang = window()
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty());
    document_lang.unwrap_or_else(|| {
        let languages = window().navigator().languages();
        languages
            .iter()
            .filter_map(|l| l.as_string())
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// `url` without our own and the vendor's return parameters.
fn clean(url: &str) -> Option<url::Url> {
    let mut parsed = url::Url::parse(url).ok()?;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !RETURN_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed.set_fragment(None);
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(parsed)
}

/// Where the payment page sends the reader back: this page, marked with the offer.
pub fn return_url(offer: &str) -> String {
    let Some(mut url) = clean(&href()) else { return href() };
    url.query_pairs_mut().append_pair(RETURN_MARKER, offer);
    url.into()
}

/// Where the payment page sends the reader when it cannot even start: the same, marked as error.
pub fn error_url(offer: &str) -> String {
    let Some(mut url) = clean(&href()) else { return href() };
    url.query_pairs_mut()
        .append_pair(RETURN_MARKER, offer)
        .append_pair(STATUS_PARAM, "error");
    url.into()
}

/// Where a payment page sends a reader who cancelled: the same, marked as a cancel.
pub fn cancel_url(offer: &str) -> String {
    let Some(mut url) = clean(&href()) else { return href() };
    url.query_pairs_mut()
        .append_pair(RETURN_MARKER, offer)
        .append_pair(STATUS_PARAM, "cancel");
    url.into()
}

/// The query of the current URL when it is a return for `offer`.
pub fn pending_return(offer: &str) -> Option<String> {
    let url = url::Url::parse(&href()).ok()?;
    let ours = url.query_pairs().any(|(k, v)| k == RETURN_MARKER && v == offer);
    ours.then(|| url.query().unwrap_or_default().to_owned())
}

/// Removes the return parameters from the address bar, so a reload does not replay the return.
pub fn forget_return() {
    if let Some(url) = clean(&href()) {
        let history = window().history();
        if let Ok(history) = history {
            history
                .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url.as_str()))
                .ok();
        }
    }
}

/// This page's URL without any return parameters: where a login or logout comes back to.
pub fn article_url() -> String {
    clean(&href()).map(String::from).unwrap_or_else(href)
}

/// The login outcome the address bar carries (`ok`, `failed`), removed from it so a reload does
/// not see it again.
pub fn take_login_outcome() -> Option<String> {
    let mut url = url::Url::parse(&href()).ok()?;
    let outcome = url.query_pairs().find(|(k, _)| k == LOGIN_PARAM)?.1.into_owned();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != LOGIN_PARAM)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    if let Ok(history) = window().history() {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url.as_str()))
            .ok();
    }
    Some(outcome)
}

/// Leaves the page for `url` (the vendor's payment page).
pub fn navigate(url: &str) {
    window().location().assign(url).ok();
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), ms as i32)
            .ok();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.ok();
}
