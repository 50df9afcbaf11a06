//! One HTTP call to the gateway through the browser's `fetch`. Not generic: every endpoint shares
//! this one piece of code, and only turning the answer into its type is per endpoint.

use kasse_core::contract::{ErrorEnvelope, SESSION_HEADER};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

use super::ApiFailure;
use crate::json::from_js;

/// A request to the gateway.
pub(super) struct Call<'a> {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Extra headers (order token, idempotency key, voucher).
    pub headers: &'a [(&'static str, &'a str)],
    /// The JSON body, as a JS value (sent as `application/json`).
    pub body: Option<JsValue>,
    /// Send the session cookie (`credentials: include`) and the header the gateway requires
    /// with it (its CSRF defence).
    pub session: bool,
}

/// Sends `call`; the answer's parsed JSON body on a 2xx, else the failure the reader's situation
/// needs (the gateway's error envelope, or a bare status from a proxy).
pub(super) async fn send(call: Call<'_>) -> Result<JsValue, ApiFailure> {
    let response = fetch(call).await.ok_or(ApiFailure::Network)?;
    let status = response.status();
    // A body that is not JSON (a proxy's HTML page, an empty 204) reads as `None`.
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if (200..300).contains(&status) {
        return body.ok_or_else(|| unreadable(status));
    }
    Err(match body.and_then(from_js::<ErrorEnvelope>) {
        Some(ErrorEnvelope { error }) => ApiFailure::Http {
            status,
            code: error.code,
            message_key: error.message_key,
            retry_after: error.retry_after,
            field: error.field,
            price: error.price,
        },
        None => ApiFailure::Http {
            status,
            code: format!("http_{status}"),
            message_key: None,
            // A bare 5xx or 429 from a proxy: a retry may help.
            retry_after: (status == 429 || status >= 500).then_some(1),
            field: None,
            price: None,
        },
    })
}

/// The answer read as `T`, or `unreadable_answer`.
pub(super) fn decode<T: DeserializeOwned>(answer: JsValue) -> Result<T, ApiFailure> {
    from_js(answer).ok_or_else(|| unreadable(200))
}

fn unreadable(status: u16) -> ApiFailure {
    ApiFailure::Http {
        status,
        code: "unreadable_answer".into(),
        message_key: None,
        retry_after: None,
        field: None,
        price: None,
    }
}

async fn fetch(call: Call<'_>) -> Option<Response> {
    let headers = Headers::new().ok()?;
    for (name, value) in call.headers {
        headers.set(name, value).ok()?;
    }
    let init = RequestInit::new();
    init.set_method(call.method);
    if let Some(body) = &call.body {
        headers.set("content-type", "application/json").ok()?;
        init.set_body(&js_sys::JSON::stringify(body).ok()?.into());
    }
    if call.session {
        headers.set(SESSION_HEADER, "1").ok()?;
        init.set_credentials(RequestCredentials::Include);
    }
    init.set_headers(&headers);
    let promise = web_sys::window()?.fetch_with_str_and_init(&call.url, &init);
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}
