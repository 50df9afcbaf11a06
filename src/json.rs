//! JSON through the browser: values cross between Rust and JS with `serde-wasm-bindgen`, and the
//! browser's own `JSON.parse` / `JSON.stringify` read and print the text. The bundle then carries
//! no JSON parser or float printer of its own (serde_json with its number tables weighed more
//! than all of kasse-core).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain JS value the way JSON has it: maps as objects, `None` as `null`, integers
/// as numbers (beyond 2^53 an error, which the callers' amounts and ids never reach).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()
}

/// Reads a JS value (parsed JSON) into `T`, with all of `T`'s serde rules.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value).ok()
}

/// `value` as JSON text.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    to_js(value).and_then(|v| js_sys::JSON::stringify(&v).ok()?.as_string())
}

/// JSON text read into `T`; `None` when it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?)
}
