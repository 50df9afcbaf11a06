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

/// An event's detail: a plain JS object of ids and codes, built key by key (no JSON on the way).
#[derive(Clone, Debug)]
pub struct Detail(js_sys::Object);

impl Default for Detail {
    fn default() -> Self {
        Detail(js_sys::Object::new())
    }
}

impl Detail {
    /// An empty detail.
    pub fn new() -> Detail {
        Detail::default()
    }

    fn set(self, key: &str, value: &JsValue) -> Detail {
        js_sys::Reflect::set(&self.0, &JsValue::from_str(key), value).ok();
        self
    }

    /// `key: "value"`.
    pub fn text(self, key: &str, value: &str) -> Detail {
        self.set(key, &JsValue::from_str(value))
    }

    /// `key: "value"`, or `key: null`.
    pub fn maybe(self, key: &str, value: Option<&str>) -> Detail {
        self.set(key, &value.map_or(JsValue::NULL, JsValue::from_str))
    }

    /// `key: 42`.
    pub fn number(self, key: &str, value: f64) -> Detail {
        self.set(key, &JsValue::from_f64(value))
    }

    /// `key: true|false`.
    pub fn flag(self, key: &str, value: bool) -> Detail {
        self.set(key, &JsValue::from_bool(value))
    }

    /// `key: ["a", "b"]`.
    pub fn list(self, key: &str, values: &[&str]) -> Detail {
        let array: js_sys::Array = values.iter().map(|v| JsValue::from_str(v)).collect();
        self.set(key, &array)
    }

    /// `code` and `retryable`, the two keys of every error.
    pub fn error(code: &str, retryable: bool) -> Detail {
        Detail::new().text("code", code).flag("retryable", retryable)
    }
}

/// Fires `event` on `host` with `detail`.
pub fn emit(host: &HtmlElement, event: Event, detail: Detail) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail.0);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(event.name(), &init) {
        host.dispatch_event(&event).ok();
    }
}
