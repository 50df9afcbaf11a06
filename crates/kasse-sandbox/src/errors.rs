//! The vendors' error bodies, as responses.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// Attached to error responses so the request log can show why a call failed.
#[derive(Debug, Clone)]
pub struct ErrorTag(pub String);

/// A ConnectID API error: `{exceptionType, errorMessage}` (Java-style exception names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidError {
    /// HTTP status.
    pub status: StatusCode,
    /// e.g. `ValidationException`.
    pub exception_type: &'static str,
    /// Names the problem, with the JSON path of the offending field where there is one.
    pub message: String,
}

impl CidError {
    /// 400 with the given exception type.
    pub fn bad(exception_type: &'static str, message: impl Into<String>) -> Self {
        CidError {
            status: StatusCode::BAD_REQUEST,
            exception_type,
            message: message.into(),
        }
    }

    /// 400 `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::bad("ValidationException", message)
    }

    /// 404 `OrderNotFoundException`.
    pub fn order_not_found(order_id: i64) -> Self {
        CidError {
            status: StatusCode::NOT_FOUND,
            exception_type: "OrderNotFoundException",
            message: format!("order {order_id} not found"),
        }
    }
}

impl IntoResponse for CidError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({"exceptionType": self.exception_type, "errorMessage": self.message})),
        )
            .into_response();
        response
            .extensions_mut()
            .insert(ErrorTag(format!("{}: {}", self.exception_type, self.message)));
        response
    }
}

/// An OAuth2 error: `{error, error_description}`.
#[derive(Debug, Clone)]
pub struct OAuthError {
    /// HTTP status.
    pub status: StatusCode,
    /// RFC 6749 error code (`invalid_client`, `invalid_token`, …).
    pub error: &'static str,
    /// Human description.
    pub description: String,
}

impl OAuthError {
    /// A new OAuth error.
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    /// 401 `invalid_token`.
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = format!("Bearer error=\"{}\"", self.error);
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
            .extensions_mut()
            .insert(ErrorTag(format!("{}: {}", self.error, self.description)));
        response
    }
}

/// One field problem in an S4 validation error.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field (or header name).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An S4 error: `{message, errors: [{field, message}]}`.
#[derive(Debug, Clone)]
pub struct S4Error {
    /// HTTP status.
    pub status: StatusCode,
    /// Summary.
    pub message: String,
    /// Field problems (empty for non-validation errors).
    pub errors: Vec<FieldError>,
}

impl S4Error {
    /// 400 with field errors.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        S4Error {
            status: StatusCode::BAD_REQUEST,
            message: "One or more validation errors occurred.".into(),
            errors,
        }
    }

    /// A plain error with a status.
    pub fn plain(status: StatusCode, message: impl Into<String>) -> Self {
        S4Error {
            status,
            message: message.into(),
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for S4Error {
    fn into_response(self) -> Response {
        let tag = if self.errors.is_empty() {
            self.message.clone()
        } else {
            self.errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut response = (
            self.status,
            Json(json!({"message": self.message, "errors": self.errors})),
        )
            .into_response();
        response.extensions_mut().insert(ErrorTag(tag));
        response
    }
}
