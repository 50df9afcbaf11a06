//! The shadow root each widget lives in, and its stylesheet.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The widget's CSS, compiled in (`style/`, minified by build.rs). It is adopted as a constructed
/// stylesheet rather than put in a `<style>` element: under a strict CSP (`style-src 'self'`)
/// inline `<style>` is blocked, while `adoptedStyleSheets` applies.
pub const WIDGET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/kasse.css"));

/// Returns the host's shadow root, attaching an open one the first time, emptied and styled, ready
/// for a fresh mount. Reusing the root lets `Kasse.mount` be called again on the same element.
pub fn prepare_root(host: &HtmlElement) -> Result<HtmlElement, JsValue> {
    let root: ShadowRoot = match host.shadow_root() {
        Some(root) => root,
        None => {
            let init = ShadowRootInit::new(ShadowRootMode::Open);
            // Only some elements may hold a shadow root (not `<li>`, `<td>`, `<a>`…): say so in
            // the page rather than fail without a word.
            host.attach_shadow(&init).map_err(|_| {
                let tag = host.tag_name().to_ascii_lowercase();
                let text = [
                    "Kasse: a <",
                    &tag,
                    "> element cannot hold the checkout; mount it on a <div>",
                ]
                .concat();
                show_config_error(host, &text);
                JsValue::from_str(&text)
            })?
        }
    };
    // Emptied without `innerHTML`, which a page enforcing Trusted Types refuses.
    root.replace_children_with_node_0();
    // A configuration error an earlier mount showed is gone with it.
    host.remove_attribute("data-kasse-state").ok();
    let sheet = widget_sheet()?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    // Leptos mounts into an HtmlElement; a ShadowRoot is a DocumentFragment, which supports every
    // node operation mount_to performs (append, insertBefore), as Leptos's own Portal relies on.
    Ok(root.unchecked_into())
}

/// The widget's stylesheet, parsed once and shared by every widget of the page (a constructed
/// sheet may be adopted by many shadow roots; parsing it took about 3 ms a mount).
fn widget_sheet() -> Result<CssStyleSheet, JsValue> {
    thread_local! {
        static SHEET: std::cell::OnceCell<CssStyleSheet> = const { std::cell::OnceCell::new() };
    }
    SHEET.with(|cell| {
        if let Some(sheet) = cell.get() {
            return Ok(sheet.clone());
        }
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(WIDGET_CSS)?;
        Ok(cell.get_or_init(|| sheet).clone())
    })
}

/// Shows a configuration problem inside the host element, so a misconfigured widget is never a
/// silent blank box. Text only (set through `textContent`), never HTML.
pub fn show_config_error(host: &HtmlElement, text: &str) {
    match host.shadow_root() {
        Some(root) => root.set_text_content(Some(text)),
        None => host.set_text_content(Some(text)),
    }
    host.set_attribute("data-kasse-state", "config-error").ok();
}
