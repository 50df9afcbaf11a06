//! The one error shape of the widget-facing API.
//!
//! Every failure answers
//! `{"error": {"code": "price_mismatch", "message": "…", "field": "orderLines[0].unitPrice",
//! "retryAfter": 2, "messageKey": "…", "details": [{"field": "…", "code": "…"}]}}`
//! where only `code` and `message` are always present. `code` is stable (integrators map it to
//! their own copy); `message` is English for developers, never shown to readers as is;
//! `retryAfter` (seconds) is present exactly when retrying the same request may succeed.
//! A `Retry-After` header carries the same value.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use kasse_core::contract::{ErrorBody, ErrorEnvelope, FieldProblem};

/// An error answer of the API: HTTP status plus [`ErrorBody`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The body (boxed: errors travel in `Result`s, which stay small).
    pub body: Box<ErrorBody>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: Box::new(ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
                retry_after: None,
                message_key: None,
                details: Vec::new(),
                price: None,
            }),
        }
    }

    /// Names the offending field.
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.body.field = Some(field.into());
        self
    }

    /// Marks the error as retryable after `secs` seconds.
    pub fn with_retry_after(mut self, secs: u64) -> ApiError {
        self.body.retry_after = Some(secs);
        self
    }

    /// Adds the kasse-core message key.
    pub fn with_message_key(mut self, key: impl Into<String>) -> ApiError {
        self.body.message_key = Some(key.into());
        self
    }

    /// 400 with a specific code (`invalid_json`, `invalid_body`).
    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `not_found` with a specific code.
    pub fn not_found(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 500 `internal`: a gateway bug or misconfiguration; the detail goes to the log, not the reader.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// 422 from a list of field problems (kasse-core's rule results). The first problem also fills
    /// `code` and `field`, so a client that reads only those still learns the main reason.
    pub fn from_problems(message: &str, problems: Vec<FieldProblem>) -> ApiError {
        let first = problems.first().cloned().unwrap_or(FieldProblem {
            field: String::new(),
            code: "invalid_order".into(),
        });
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, first.code.clone(), message);
        if !first.field.is_empty() {
            e.body.field = Some(first.field);
        }
        e.body.details = problems;
        e
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.body.code, self.body.message)
    }
}

impl std::error::Error for ApiError {}

/// 503 `store_unavailable` for a store (orders, attempts, sessions) that failed: nothing is decided
/// without it. Its detail (a database's own message, which may name hosts or users) goes to the
/// log, never to the caller.
impl From<crate::ledger::StoreError> for ApiError {
    fn from(e: crate::ledger::StoreError) -> ApiError {
        tracing::error!(error = %e, "store failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the gateway cannot reach its store; try again",
        )
        .with_retry_after(2)
    }
}

impl IntoResponse for ApiError {
    /// The one place the error shape goes on the wire: status, `{"error": …}`, and `Retry-After`
    /// carrying `retryAfter` (replayed idempotent answers come through here too).
    fn into_response(self) -> Response {
        let retry = self.body.retry_after;
        let mut response = uncached_json(self.status, &ErrorEnvelope { error: *self.body });
        if let Some(secs) = retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A JSON answer that no proxy may cache: an order answer belongs to one request, and an error
/// answer cached on the way would keep a retry from reaching the gateway.
pub(crate) fn uncached_json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_error_shape_and_its_headers() {
        let e = ApiError::new(StatusCode::BAD_GATEWAY, "vendor_unreachable", "down")
            .with_field("payer.emails[0]")
            .with_retry_after(2)
            .with_message_key("err.vendorUnavailable");
        let r = e.into_response();
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(r.headers()[header::RETRY_AFTER], "2");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"error": {"code": "vendor_unreachable", "message": "down",
                "field": "payer.emails[0]", "retryAfter": 2, "messageKey": "err.vendorUnavailable"}})
        );
    }

    #[tokio::test]
    async fn a_failed_store_is_a_retryable_503_that_names_no_detail() {
        let failed = crate::ledger::StoreError::Engine("password authentication failed for user \"kasse\"".into());
        let r = ApiError::from(failed).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "2");
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("kasse") && !text.contains("password"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["code"], "store_unavailable");
    }

    #[tokio::test]
    async fn no_retry_after_when_a_retry_cannot_help() {
        let problems = vec![FieldProblem {
            field: "currency".into(),
            code: "currency_mismatch".into(),
        }];
        let r = ApiError::from_problems("refused", problems).into_response();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!r.headers().contains_key(header::RETRY_AFTER));
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "currency_mismatch");
        assert_eq!(v["error"]["field"], "currency");
        assert_eq!(v["error"]["details"][0]["code"], "currency_mismatch");
        assert!(v["error"].get("retryAfter").is_none());
    }
}
