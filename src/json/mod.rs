//! JSON through the browser: the browser's own `JSON.parse` / `JSON.stringify` (and
//! `Response.json()`) read and print the text, and values cross between Rust and JS as plain JS
//! values. The bundle then carries no JSON parser or float printer of its own (serde_json with
//! its number tables weighed more than all of kasse-core).
//!
//! The crossing is hand-written ([`de`], [`ser`]) instead of serde-wasm-bindgen, for size. In the
//! release wasm (592,635 B, 198,022 B brotli) that crate's code was 18.7 KB, and its errors carry
//! messages: serde's `invalid_type` describes the value met (`Unexpected::Float`) and the crate's
//! `Error::custom` calls `to_string`, which kept core's formatting and the error texts linked. The
//! widget never shows such a message (a value that does not read is an `unreadable_answer` or
//! `None`), so [`Error`] carries none. With this module the wasm is 546,234 B (185,926 B brotli);
//! serde-wasm-bindgen's serializer kept beside [`de`] measured 11.7 KB (3.3 KB brotli) more than
//! [`ser`]. (`bench`'s build: trunk, `wasm-opt -Oz`, brotli -q 11.)

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

mod de;
mod ser;

/// `value` as a plain JS value the way JSON has it: maps as objects, `None` as `null`, integers
/// as numbers (beyond 2^53 an error, which the callers' amounts and ids never reach).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    value.serialize(ser::Serializer).ok()
}

/// Reads a JS value (parsed JSON) into `T`, with all of `T`'s serde rules.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(de::Deserializer(value)).ok()
}

/// `value` as JSON text.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    to_js(value).and_then(|v| js_sys::JSON::stringify(&v).ok()?.as_string())
}

/// JSON text read into `T`; `None` when it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?)
}

/// A value that does not read as, or write from, the type asked for. Without a message: what
/// went wrong is never shown, and building one would link the formatting code this module is
/// written to avoid (every constructor serde calls is overridden to format nothing).
#[derive(Debug)]
pub struct Error;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not the JSON the type reads or writes")
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Error
    }
}

impl serde::de::Error for Error {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Error
    }
    fn invalid_type(_: serde::de::Unexpected, _: &dyn serde::de::Expected) -> Self {
        Error
    }
    fn invalid_value(_: serde::de::Unexpected, _: &dyn serde::de::Expected) -> Self {
        Error
    }
    fn invalid_length(_: usize, _: &dyn serde::de::Expected) -> Self {
        Error
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Error
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Error
    }
    fn missing_field(_: &'static str) -> Self {
        Error
    }
    fn duplicate_field(_: &'static str) -> Self {
        Error
    }
}
