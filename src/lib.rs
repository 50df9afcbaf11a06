//! # Kasse — the checkout widget
//!
//! The browser side of Kasse: a Leptos component tree mounted into a shadow root of a host element
//! on the publisher's page. The page's CSS cannot reach inside the shadow root, and the widget's CSS
//! is adopted as a constructed stylesheet so that a strict CSP (no `unsafe-inline`) still applies it.
//!
//! Every rule (validation, payloads, flows, messages) lives in `kasse-core`; this crate turns DOM
//! events into core calls and renders core state. The JS entry points are [`mount`] and
//! [`MountHandle::unmount`], called by the loader `loader/kasse.js`.

pub mod api;
pub mod app;
pub mod config;
pub mod events;
pub mod json;
pub mod page;
#[cfg(feature = "html")]
pub mod preview;
pub mod shadow;
pub mod storage;
pub mod view;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

pub use app::Checkout;
pub use config::WidgetConfig;
pub use view::Widget;

/// A mounted widget. Dropping it (or calling `unmount` from JS) removes the widget and its
/// reactive state; the host element stays, so a single-page app can mount again later.
#[wasm_bindgen]
pub struct MountHandle {
    // Type-erased `leptos::mount::UnmountHandle`: dropping it unmounts the view.
    _view: Box<dyn std::any::Any>,
}

#[wasm_bindgen]
impl MountHandle {
    /// Unmounts the widget from its host element.
    pub fn unmount(self) {}
}

/// Mounts a widget into `host`. `config` is an optional JS object
/// (`{offer, gateway, locale}`); absent keys are read from the host's `data-kasse-*` attributes.
///
/// On a configuration error the host shows a readable message (never a blank box) and the error is
/// returned to the caller, who logs it.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, config: JsValue) -> Result<MountHandle, JsValue> {
    let config = match WidgetConfig::from_host(&host, &config) {
        Ok(config) => config,
        Err(problem) => {
            let text = ["Kasse: ", problem.message()].concat();
            shadow::show_config_error(&host, &text);
            return Err(JsValue::from_str(&text));
        }
    };
    mount_widget(host, config)
}

/// A rehearsal: mounts the widget for `config`'s preloaded offer on an element outside the page,
/// and removes it at once. The loader calls it while the browser is idle, after it fetched the
/// bundle ahead of a mount: the browser compiles each wasm function on its first call, and the
/// first call is then not the reader's mount (measured: the form's render took about 15 ms on its
/// first run and under 3 ms after it; four times that on a slow phone).
///
/// It fires no events, stores nothing and asks the network for nothing (the checkout is inert,
/// and removed before its effects run); without a readable preloaded offer it does nothing.
#[wasm_bindgen]
pub fn rehearse(config: JsValue) {
    let Some(host) = page::detached_element() else { return };
    let Ok(mut config) = WidgetConfig::from_host(&host, &config) else {
        return;
    };
    if config.preloaded_offer.is_some() {
        config.live = false;
        drop(mount_widget(host, config));
    }
}

/// The widget in `host`'s shadow root, for a mount and a rehearsal alike: the rehearsal runs the
/// very code the mount will.
fn mount_widget(host: HtmlElement, config: WidgetConfig) -> Result<MountHandle, JsValue> {
    let root = shadow::prepare_root(&host)?;
    let lang = app::choose_locale(&config).tag();
    // The dynamic widget lives inside one element: tachys replaces a changing view relative to
    // its parent element, which a bare shadow root is not. `lang` makes screen readers speak the
    // widget's language even when the page's differs.
    let view = leptos::mount::mount_to(root, move || {
        leptos::view! { <div class="kasse-root" lang=lang><Widget config=config host=host/></div> }
    });
    Ok(MountHandle { _view: Box::new(view) })
}

/// Mounts the checkout for an offer that is already loaded (`offer_json` is what the gateway's
/// `GET /kasse/v1/offers/{id}` answers). For tests and for pages that render the offer server-side.
pub fn mount_loaded(host: HtmlElement, config: WidgetConfig, offer_json: &str) -> Result<MountHandle, JsValue> {
    let info: api::OfferInfo = json::parse(offer_json).ok_or_else(|| JsValue::from_str("Kasse: unreadable offer"))?;
    let root = shadow::prepare_root(&host)?;
    let lang = app::choose_locale(&config).tag();
    let view = leptos::mount::mount_to(root, move || {
        let checkout = Checkout::new(std::sync::Arc::new(info), &config, host);
        leptos::view! { <div class="kasse-root" lang=lang><view::CheckoutView checkout=checkout/></div> }
    });
    Ok(MountHandle { _view: Box::new(view) })
}
