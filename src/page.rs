//! The page around the widget: its URL, navigation, locale, time and timers.

use kasse_core::decimal::decimal;
use wasm_bindgen::JsCast;
use web_sys::Url;

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

/// A `<div>` in no document (a rehearsal's host: nothing in it is seen, and its events reach no
/// listener of the page).
pub fn detached_element() -> Option<web_sys::HtmlElement> {
    let element = window().document()?.create_element("div").ok()?;
    Some(wasm_bindgen::JsCast::unchecked_into(element))
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
        .unwrap_or_else(|_| ["kasse-", &decimal(now_ms())].concat())
}

/// The locale hint of the page: `<html lang>`, else the browser's languages.
pub fn locale_hint() -> String {
    let document_lang = window()
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty());
    document_lang.unwrap_or_else(|| {
        // Joined by the browser: a Rust `join` here would be code of its own in the bundle.
        String::from(window().navigator().languages().join(","))
    })
}

/// `url` without our own and the vendor's return parameters (and its fragment). The browser's
/// `URLSearchParams` drops the `?` when no parameter is left.
fn clean(url: &str) -> Option<Url> {
    let parsed = Url::new(url).ok()?;
    let params = parsed.search_params();
    for name in RETURN_PARAMS {
        params.delete(name);
    }
    parsed.set_hash("");
    Some(parsed)
}

/// This page, marked as a return for `offer`, plus `extra` parameters.
fn marked(offer: &str, extra: &[(&str, &str)]) -> String {
    let Some(url) = clean(&href()) else { return href() };
    let params = url.search_params();
    params.append(RETURN_MARKER, offer);
    for (name, value) in extra {
        params.append(name, value);
    }
    url.href()
}

/// Where the payment page sends the reader back: this page, marked with the offer.
pub fn return_url(offer: &str) -> String {
    marked(offer, &[])
}

/// Where the payment page sends the reader when it cannot even start: the same, marked as error.
pub fn error_url(offer: &str) -> String {
    marked(offer, &[(STATUS_PARAM, "error")])
}

/// Where a payment page sends a reader who cancelled: the same, marked as a cancel.
pub fn cancel_url(offer: &str) -> String {
    marked(offer, &[(STATUS_PARAM, "cancel")])
}

/// The query of the current URL (no `?`) when it is a return for `offer`.
pub fn pending_return(offer: &str) -> Option<String> {
    let url = Url::new(&href()).ok()?;
    let ours = url
        .search_params()
        .get_all(RETURN_MARKER)
        .iter()
        .any(|v| v.as_string().as_deref() == Some(offer));
    ours.then(|| url.search().trim_start_matches('?').to_owned())
}

/// The status parameter of a return's `query`, read by the browser's own parser (so a back end
/// that needs no more of the return links no parser of its own).
pub fn return_status(query: &str) -> Option<String> {
    web_sys::UrlSearchParams::new_with_str(query).ok()?.get(STATUS_PARAM)
}

/// Shows `url` in the address bar without a navigation or a history entry.
fn replace_address(url: &str) {
    if let Ok(history) = window().history() {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
            .ok();
    }
}

/// Removes the return parameters from the address bar, so a reload does not replay the return.
pub fn forget_return() {
    if let Some(url) = clean(&href()) {
        replace_address(&url.href());
    }
}

/// This page's URL without any return parameters: where a login or logout comes back to.
#[cfg(target_arch = "wasm32")]
pub fn article_url() -> String {
    clean(&href()).map_or_else(href, |u| u.href())
}

/// Natively there is no window: a server render ([`crate::preview`]) is for the page it names.
#[cfg(not(target_arch = "wasm32"))]
pub fn article_url() -> String {
    RENDERED_FOR.with_borrow(Clone::clone)
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    /// The page a server render is for, while it renders.
    pub(crate) static RENDERED_FOR: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The login outcome the address bar carries (`ok`, `failed`), removed from it so a reload does
/// not see it again.
pub fn take_login_outcome() -> Option<String> {
    let url = Url::new(&href()).ok()?;
    let params = url.search_params();
    let outcome = params.get(LOGIN_PARAM)?;
    params.delete(LOGIN_PARAM);
    replace_address(&url.href());
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
