//! Calls to the vendors' APIs: bearer token from the broker, one retry on 401, timeouts, and the
//! mapping of every failure to the API's error shape through kasse-core's vendor-error reader.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use kasse_core::vendor_error::{parse_vendor_error, VendorError};
use serde::Serialize;
use url::Url;

use crate::error::ApiError;
use crate::token::{TokenBroker, TokenError};

/// Seconds suggested to the widget when the vendor failed without saying how long to wait.
const DEFAULT_RETRY_AFTER: u64 = 2;

/// Why an upstream call produced no usable answer.
#[derive(Debug)]
pub enum UpstreamError {
    /// The vendor answered with an error status.
    Vendor(VendorError),
    /// No answer within the configured timeout.
    Timeout,
    /// Connection refused, reset, or the answer broke off.
    Unreachable,
    /// No access token could be had.
    Token(TokenError),
    /// A success status with a body that is not what the vendor documents.
    BadAnswer,
}

impl UpstreamError {
    /// Whether the same request may succeed later. Retryable answers are never kept for replay.
    pub fn retryable(&self) -> bool {
        match self {
            UpstreamError::Vendor(v) => v.retryable(),
            UpstreamError::Timeout | UpstreamError::Unreachable | UpstreamError::BadAnswer => true,
            UpstreamError::Token(TokenError::Transport(_) | TokenError::Malformed) => true,
            UpstreamError::Token(TokenError::RecentlyFailed { .. }) => true,
            UpstreamError::Token(TokenError::Status { status, .. }) => *status == 429 || *status >= 500,
        }
    }

    /// A short label for logs (no bodies: vendor prose may echo personal data).
    pub fn log_code(&self) -> String {
        match self {
            UpstreamError::Vendor(v) => format!("vendor_{}_{}", v.status(), v.code()),
            UpstreamError::Timeout => "timeout".into(),
            UpstreamError::Unreachable => "unreachable".into(),
            UpstreamError::Token(TokenError::Status { status, .. }) => format!("token_{status}"),
            UpstreamError::Token(_) => "token_unreachable".into(),
            UpstreamError::BadAnswer => "bad_answer".into(),
        }
    }

    /// The widget-facing error.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            UpstreamError::Vendor(v) => vendor_to_api_error(v),
            UpstreamError::Timeout => ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "vendor_timeout",
                "the vendor did not answer in time; retry with the same externalOrderId",
            )
            .with_retry_after(DEFAULT_RETRY_AFTER)
            .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str()),
            UpstreamError::Unreachable => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_unreachable",
                "the vendor could not be reached; retry with the same externalOrderId",
            )
            .with_retry_after(DEFAULT_RETRY_AFTER)
            .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str()),
            UpstreamError::BadAnswer => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_bad_answer",
                "the vendor's answer could not be read; retry with the same externalOrderId",
            )
            .with_retry_after(DEFAULT_RETRY_AFTER)
            .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str()),
            UpstreamError::Token(TokenError::Status { status, retry_after }) if *status == 429 || *status >= 500 => {
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "vendor_unavailable",
                    "the vendor's token service is unavailable",
                )
                .with_retry_after(retry_after.unwrap_or(DEFAULT_RETRY_AFTER))
                .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str())
            }
            UpstreamError::Token(TokenError::Status { .. }) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_auth_failed",
                "the gateway's vendor credentials were refused; the publisher must fix the configuration",
            )
            .with_message_key(kasse_core::i18n::MessageKey::ErrServiceConfig.as_str()),
            UpstreamError::Token(TokenError::RecentlyFailed { retry_after }) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_unavailable",
                "the vendor's token service failed moments ago",
            )
            .with_retry_after(*retry_after)
            .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str()),
            UpstreamError::Token(_) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_unreachable",
                "the vendor's token service could not be reached",
            )
            .with_retry_after(DEFAULT_RETRY_AFTER)
            .with_message_key(kasse_core::i18n::MessageKey::ErrVendorUnavailable.as_str()),
        }
    }
}

/// Maps a classified vendor error: the code comes from kasse-core, the HTTP status tells the
/// widget whose fault it is (422 the order, 404 unknown order, 429 slow down, 502 the vendor or
/// the gateway's own credentials).
pub fn vendor_to_api_error(v: &VendorError) -> ApiError {
    let vendor_status = v.status();
    let status = match vendor_status {
        429 => StatusCode::TOO_MANY_REQUESTS,
        404 => StatusCode::NOT_FOUND,
        409 => StatusCode::CONFLICT,
        400 | 422 => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_GATEWAY,
    };
    // The vendor's own text may echo what the reader typed (names, addresses): the browser gets
    // the stable code and message key only.
    let message = format!("the vendor refused the request (HTTP {vendor_status})");
    let mut e = ApiError::new(status, v.code(), message).with_message_key(v.message_key().as_str());
    if let Some(f) = v.field_errors().first() {
        e = e.with_field(f.field.clone());
    }
    if v.retryable() {
        e = e.with_retry_after(v.retry_after_secs().unwrap_or(DEFAULT_RETRY_AFTER));
    }
    e
}

/// One vendor API: base URL, token broker, extra headers (S4's tenant).
pub struct Vendor {
    /// `connectid` or `s4`, for logs.
    pub name: &'static str,
    http: reqwest::Client,
    base: String,
    /// The vendor's token broker.
    pub broker: Arc<TokenBroker>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Vendor {
    /// A vendor client; `base` is the API base (`…/capi`), paths are appended to it.
    pub fn new(
        name: &'static str,
        http: reqwest::Client,
        base: &Url,
        broker: Arc<TokenBroker>,
        headers: Vec<(HeaderName, HeaderValue)>,
    ) -> Vendor {
        Vendor {
            name,
            http,
            base: base.as_str().trim_end_matches('/').to_owned(),
            broker,
            headers,
        }
    }

    /// Sends `method base+path` with a bearer token and an optional JSON body; returns the body of
    /// a 2xx answer. A 401 (or OAuth `invalid_token`) drops the token and tries once more with a
    /// fresh one: tokens can be revoked or expire early at the vendor.
    pub async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Bytes, UpstreamError> {
        let url = format!("{}{}", self.base, path);
        let payload = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|_| UpstreamError::BadAnswer)?),
            None => None,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.broker.token().await.map_err(UpstreamError::Token)?;
            match self.send_once(&method, &url, &token, payload.as_deref()).await {
                Err(UpstreamError::Vendor(err)) if err.needs_new_token() && attempt == 1 => {
                    tracing::info!(vendor = self.name, "upstream refused the token; fetching a new one");
                    self.broker.invalidate(&token).await;
                }
                other => return other,
            }
        }
    }

    /// One request with `token`; the body of a 2xx answer, else the vendor's error.
    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        token: &str,
        payload: Option<&[u8]>,
    ) -> Result<Bytes, UpstreamError> {
        let mut req = self
            .http
            .request(method.clone(), url)
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/json");
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        if let Some(p) = payload {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(p.to_vec());
        }
        let resp = req.send().await.map_err(transport_error)?;
        let status = resp.status();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_owned(), v.to_owned())))
            .collect();
        let bytes = resp.bytes().await.map_err(transport_error)?;
        if status.is_success() {
            return Ok(bytes);
        }
        let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Err(UpstreamError::Vendor(parse_vendor_error(
            status.as_u16(),
            &header_refs,
            &String::from_utf8_lossy(&bytes),
        )))
    }

    /// A user-mode call (`POST /v1/order`, `/v1/customer/access`, …) with the reader's own access
    /// token, parsed as `T`. A refused token is the caller's to handle (the session has ended): it
    /// is never replaced by the client's.
    pub async fn send_json_as_user<B: Serialize + ?Sized, T: serde::de::DeserializeOwned>(
        &self,
        user_token: &str,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, UpstreamError> {
        let url = format!("{}{}", self.base, path);
        let payload = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|_| UpstreamError::BadAnswer)?),
            None => None,
        };
        let bytes = self.send_once(&method, &url, user_token, payload.as_deref()).await?;
        serde_json::from_slice(&bytes).map_err(|_| UpstreamError::BadAnswer)
    }

    /// [`Vendor::send`] and parse the JSON answer as `T`.
    pub async fn send_json<B: Serialize + ?Sized, T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, UpstreamError> {
        let bytes = self.send(method, path, body).await?;
        serde_json::from_slice(&bytes).map_err(|_| UpstreamError::BadAnswer)
    }
}

fn transport_error(e: reqwest::Error) -> UpstreamError {
    if e.is_timeout() {
        UpstreamError::Timeout
    } else {
        UpstreamError::Unreachable
    }
}
