//! # Kasse — the checkout widget
//!
//! The browser side of Kasse: a Leptos component tree mounted into a shadow root of a host element
//! on the publisher's page. The page's CSS cannot reach inside the shadow root, and the widget's CSS
//! is adopted as a constructed stylesheet so that a strict CSP (no `unsafe-inline`) still applies it.
//!
//! Every rule (validation, payloads, flows, messages) lives in `kasse-core`; this crate turns DOM
//! events into core calls and renders core state. The JS entry points are [`mount`] and
//! [`MountHandle::unmount`], called by the loader `loader/kasse.js`.

pub mod config;
pub mod form;
pub mod shadow;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

pub use config::WidgetConfig;
pub use form::CheckoutForm;

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
            shadow::show_config_error(&host, &problem);
            return Err(JsValue::from_str(&format!("Kasse: {problem}")));
        }
    };
    let root = shadow::prepare_root(&host)?;
    let view = leptos::mount::mount_to(root, move || {
        leptos::view! { <CheckoutForm config=config/> }
    });
    Ok(MountHandle { _view: Box::new(view) })
}
