//! One HTTP call to the gateway through the browser's `fetch`. Not generic: every endpoint shares
//! this one piece of code, and only turning the answer into its type is per endpoint.

use kasse_core::contract::{ErrorEnvelope, SESSION_HEADER};
use kasse_core::decimal::decimal;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

use super::{retry_delay_ms, ApiFailure};
use crate::json::from_js;

/// A request to the gateway.
pub(super) struct Call<'a> {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// The one extra header some calls carry (order token, idempotency key or voucher).
    pub header: Option<(&'static str, &'a str)>,
    /// The JSON body, as a JS value (sent as `application/json`).
    pub body: Option<JsValue>,
    /// Send the session cookie (`credentials: include`) and the header the gateway requires
    /// with it (its CSRF defence).
    pub session: bool,
    /// Sent again after a failure that may pass: the gateway answers a replay as the first call
    /// (an idempotency key, an order token), so the reader never gets two orders.
    pub replayable: bool,
}

impl<'a> Call<'a> {
    /// The same call with `name: value` as its header (the gateway's calls carry at most one).
    pub fn header<'b>(self, name: &'static str, value: &'b str) -> Call<'b> {
        Call {
            method: self.method,
            url: self.url,
            header: Some((name, value)),
            body: self.body,
            session: self.session,
            replayable: self.replayable,
        }
    }

    /// The same call, with the reader's session cookie when `session`.
    pub fn in_session(self, session: bool) -> Self {
        Call { session, ..self }
    }

    /// The same call, sent again after a failure that may pass.
    pub fn replayable(self) -> Self {
        Call {
            replayable: true,
            ..self
        }
    }
}

/// Sends `call`; a replayable one again after a failure that may pass, until it succeeds, fails
/// for good, or [`retry_delay_ms`] says stop. One loop for every endpoint, not one per type.
pub(super) async fn send(call: Call<'_>) -> Result<JsValue, ApiFailure> {
    let mut retry = 0;
    loop {
        let failure = match send_once(&call).await {
            Ok(answer) => return Ok(answer),
            Err(failure) if !call.replayable => return Err(failure),
            Err(failure) => failure,
        };
        retry += 1;
        match retry_delay_ms(&failure, retry) {
            Some(wait) => crate::page::sleep_ms(wait).await,
            None => return Err(failure),
        }
    }
}

/// Sends `call` once: the answer's parsed JSON body on a 2xx, else the failure the reader's
/// situation needs (the gateway's error envelope, or a bare status from a proxy).
async fn send_once(call: &Call<'_>) -> Result<JsValue, ApiFailure> {
    let response = fetch(call).await.ok_or(ApiFailure::Network)?;
    let status = response.status();
    // A body that is not JSON (a proxy's HTML page, an empty 204) reads as `None`.
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if (200..300).contains(&status) {
        // A success whose body broke off: the call was made, its answer lost. Sent again with
        // the same key, the gateway replays the answer; treated as final, the next submit would
        // be a new order beside the one just made.
        return body.ok_or_else(|| unreadable_with(status, Some(1)));
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
            code: ["http_", &decimal(status.into())].concat(),
            message_key: None,
            // A bare 5xx or 429 from a proxy: a retry may help.
            retry_after: (status == 429 || status >= 500).then_some(1),
            field: None,
            price: None,
        },
    })
}

/// The answer read as `T`, or `unreadable_answer`: retryable, as a success whose body broke
/// off is (the call was made; sent again with its key it is answered from the record).
pub(super) fn decode<T: DeserializeOwned>(answer: JsValue) -> Result<T, ApiFailure> {
    from_js(answer).ok_or_else(|| unreadable_with(200, Some(1)))
}

fn unreadable_with(status: u16, retry_after: Option<u64>) -> ApiFailure {
    ApiFailure::Http {
        status,
        code: "unreadable_answer".into(),
        message_key: None,
        retry_after,
        field: None,
        price: None,
    }
}

async fn fetch(call: &Call<'_>) -> Option<Response> {
    let headers = Headers::new().ok()?;
    if let Some((name, value)) = call.header {
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
