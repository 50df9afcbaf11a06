//! Events for the publisher's analytics: DOM `CustomEvent`s that bubble out of the host element
//! (and out of any shadow root the host itself sits in). Details carry ids and codes, never
//! personal data.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// Every event the widget fires, with its DOM name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The form is shown and interactive. Detail: `offer`, `locale`.
    Ready,
    /// The reader moved to another step. Detail: `offer`, `step`.
    Step,
    /// The vendor accepted the order. Detail: `offer`, `orderId`, `method`, `flow`.
    OrderCreated,
    /// The reader is sent to the payment page. Detail: `offer`, `orderId`, `host`.
    Redirect,
    /// The reader came back having cancelled the payment. Detail: `offer`, `orderId`.
    Cancel,
    /// The order is complete and the receipt shown. Detail: `offer`, `orderId`.
    Completed,
    /// Something failed. Detail: `offer`, `code` (stable), `retryable`, `fields` (paths only).
    Error,
}

impl Event {
    /// The DOM event name.
    pub fn name(self) -> &'static str {
        match self {
            Event::Ready => "kasse:ready",
            Event::Step => "kasse:step",
            Event::OrderCreated => "kasse:order-created",
            Event::Redirect => "kasse:redirect",
            Event::Cancel => "kasse:cancel",
            Event::Completed => "kasse:completed",
            Event::Error => "kasse:error",
        }
    }
}

/// Fires `event` on `host` with `detail` (a JSON object of ids and codes).
pub fn emit(host: &HtmlElement, event: Event, detail: serde_json::Value) {
    let detail = js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(event.name(), &init) {
        host.dispatch_event(&event).ok();
    }
}
