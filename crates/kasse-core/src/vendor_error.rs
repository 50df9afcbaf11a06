//! Vendor error bodies, read into one type that says whether retrying helps and what to show.
//!
//! Shapes understood: ConnectID 400 `{exceptionType, errorMessage}`, OAuth
//! `{error, error_description}`, 429 with `Retry-After` / `X-RateLimit-Reset`, S4
//! `{message, errors: [{field, message}]}`, RFC 9457 problem details, and anything else (HTML from
//! a proxy, an empty body) as a bare HTTP status. Parsing never fails and never panics.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::MessageKey;

/// One field error of an S4 400 (or of a problem-details `errors` member).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorFieldError {
    /// The vendor's field name.
    pub field: String,
    /// The vendor's message (not for the reader: vendor prose, English).
    pub message: String,
}

/// A vendor's error answer, classified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VendorError {
    /// ConnectID `{exceptionType, errorMessage}`.
    ConnectId {
        /// HTTP status.
        status: u16,
        /// e.g. `ValidationException`.
        exception_type: String,
        /// Vendor prose.
        message: String,
    },
    /// OAuth `{error, error_description}` (`invalid_token`, `invalid_client`…).
    OAuth {
        /// HTTP status.
        status: u16,
        /// OAuth error code.
        error: String,
        /// Vendor prose.
        description: Option<String>,
    },
    /// HTTP 429.
    RateLimited {
        /// Seconds until a retry may succeed, when the vendor said.
        retry_after_secs: Option<u64>,
    },
    /// S4 `{message, errors[{field, message}]}`.
    S4 {
        /// HTTP status.
        status: u16,
        /// Vendor prose.
        message: String,
        /// Field errors.
        errors: Vec<VendorFieldError>,
    },
    /// RFC 9457 problem details.
    Problem {
        /// HTTP status (the response's; the body's `status` is advisory).
        status: u16,
        /// `type` URI (`about:blank` when absent).
        problem_type: String,
        /// `title`.
        title: Option<String>,
        /// `detail`.
        detail: Option<String>,
        /// `errors` extension, when it has the S4 field shape.
        errors: Vec<VendorFieldError>,
    },
    /// Any other failure: the status is all we know.
    Http {
        /// HTTP status.
        status: u16,
        /// Up to 200 characters of the body, for logs.
        snippet: String,
    },
}

/// Reads a vendor error without a clock: an epoch-valued `X-RateLimit-Reset` is then ignored.
pub fn parse_vendor_error(status: u16, headers: &[(&str, &str)], body: &str) -> VendorError {
    parse_vendor_error_at(status, headers, body, None)
}

/// Reads a vendor error; `now_ms` (epoch milliseconds) lets an absolute `X-RateLimit-Reset` be
/// turned into a delay.
///
/// `X-RateLimit-Reset` is documented by name only. Values above 10⁹ are read as an epoch time
/// (seconds, or milliseconds above 10¹²), smaller ones as seconds to wait. `Retry-After`
/// (RFC 9110) wins when both are present; its HTTP-date form is not parsed (no date code in the
/// bundle) and falls back to `X-RateLimit-Reset`.
pub fn parse_vendor_error_at(status: u16, headers: &[(&str, &str)], body: &str, now_ms: Option<i64>) -> VendorError {
    if status == 429 {
        return VendorError::RateLimited {
            retry_after_secs: retry_after(headers, now_ms),
        };
    }
    let json: Option<serde_json::Map<String, Value>> = serde_json::from_str(body).ok();
    let Some(obj) = json else {
        return VendorError::Http {
            status,
            snippet: body.chars().take(200).collect(),
        };
    };
    let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    if obj.contains_key("exceptionType") || obj.contains_key("errorMessage") {
        return VendorError::ConnectId {
            status,
            exception_type: s("exceptionType").unwrap_or_default(),
            message: s("errorMessage").unwrap_or_default(),
        };
    }
    if let Some(error) = s("error") {
        return VendorError::OAuth {
            status,
            error,
            description: s("error_description"),
        };
    }
    let errors = field_errors(obj.get("errors"));
    let is_problem = obj.contains_key("type") || obj.contains_key("title") || obj.contains_key("detail");
    if is_problem {
        return VendorError::Problem {
            status,
            problem_type: s("type").unwrap_or_else(|| "about:blank".into()),
            title: s("title"),
            detail: s("detail"),
            errors,
        };
    }
    if obj.contains_key("message") || obj.contains_key("errors") {
        return VendorError::S4 {
            status,
            message: s("message").unwrap_or_default(),
            errors,
        };
    }
    VendorError::Http {
        status,
        snippet: body.chars().take(200).collect(),
    }
}

/// S4's `[{field, message}]`, and the ASP.NET problem-details map `{"Field": ["msg", …]}`.
fn field_errors(v: Option<&Value>) -> Vec<VendorFieldError> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| {
                let field = i.get("field").and_then(Value::as_str)?;
                let message = i.get("message").and_then(Value::as_str).unwrap_or("");
                Some(VendorFieldError {
                    field: field.to_owned(),
                    message: message.to_owned(),
                })
            })
            .collect(),
        Some(Value::Object(map)) => map
            .iter()
            .flat_map(|(field, msgs)| {
                let list: Vec<String> = match msgs {
                    Value::Array(a) => a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect(),
                    Value::String(m) => vec![m.clone()],
                    _ => Vec::new(),
                };
                list.into_iter().map(move |message| VendorFieldError {
                    field: field.clone(),
                    message,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

fn retry_after(headers: &[(&str, &str)], now_ms: Option<i64>) -> Option<u64> {
    if let Some(secs) = header(headers, "retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(secs);
    }
    let reset = header(headers, "x-ratelimit-reset")?.parse::<u64>().ok()?;
    if reset < 1_000_000_000 {
        return Some(reset);
    }
    let now_ms = u64::try_from(now_ms?).ok()?;
    let reset_ms = if reset >= 1_000_000_000_000 {
        reset
    } else {
        reset.saturating_mul(1000)
    };
    // Round up: retrying a little late is harmless, a little early earns another 429.
    Some(reset_ms.saturating_sub(now_ms).div_ceil(1000))
}

impl VendorError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            VendorError::RateLimited { .. } => 429,
            VendorError::ConnectId { status, .. }
            | VendorError::OAuth { status, .. }
            | VendorError::S4 { status, .. }
            | VendorError::Problem { status, .. }
            | VendorError::Http { status, .. } => *status,
        }
    }

    /// Whether sending the same request again, later, can succeed: 429, 408, and 5xx except 501
    /// (not implemented) and 505. A 401 is not retryable as is; see [`VendorError::needs_new_token`].
    pub fn retryable(&self) -> bool {
        match self.status() {
            429 | 408 => true,
            501 | 505 => false,
            s => (500..600).contains(&s),
        }
    }

    /// Whether the gateway should fetch a new access token and try once more (401, or an OAuth
    /// `invalid_token` with any status).
    pub fn needs_new_token(&self) -> bool {
        match self {
            VendorError::OAuth { error, .. } if error == "invalid_token" => true,
            other => other.status() == 401,
        }
    }

    /// Seconds to wait before retrying, when the vendor said.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            VendorError::RateLimited { retry_after_secs } => *retry_after_secs,
            _ => None,
        }
    }

    /// Field errors the vendor named (S4 and problem details).
    pub fn field_errors(&self) -> &[VendorFieldError] {
        match self {
            VendorError::S4 { errors, .. } | VendorError::Problem { errors, .. } => errors,
            _ => &[],
        }
    }

    /// A stable code for logs, metrics and the widget's events.
    pub fn code(&self) -> &'static str {
        match self.status() {
            429 => "rate_limited",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            408 => "timeout",
            409 => "conflict",
            400 | 422 => "rejected",
            s if (500..600).contains(&s) => "vendor_unavailable",
            _ => "vendor_error",
        }
    }

    /// What the reader is told.
    pub fn message_key(&self) -> MessageKey {
        match self.status() {
            429 => MessageKey::ErrTryAgainLater,
            // The reader cannot fix the publisher's credentials or access rights.
            401 | 403 => MessageKey::ErrServiceConfig,
            404 => MessageKey::ErrNotFound,
            400 | 409 | 422 => MessageKey::ErrOrderRejected,
            _ if self.retryable() => MessageKey::ErrVendorUnavailable,
            _ => MessageKey::ErrUnknown,
        }
    }
}

impl std::fmt::Display for VendorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VendorError::ConnectId {
                status,
                exception_type,
                message,
            } => {
                write!(f, "ConnectID {status} {exception_type}: {message}")
            }
            VendorError::OAuth {
                status,
                error,
                description,
            } => {
                write!(f, "OAuth {status} {error}: {}", description.as_deref().unwrap_or(""))
            }
            VendorError::RateLimited {
                retry_after_secs: Some(secs),
            } => write!(f, "429 rate limited, retry after {secs} s"),
            VendorError::RateLimited { retry_after_secs: None } => f.write_str("429 rate limited"),
            VendorError::S4 {
                status,
                message,
                errors,
            } => write!(f, "S4 {status}: {message} ({} field errors)", errors.len()),
            VendorError::Problem {
                status,
                problem_type,
                title,
                ..
            } => {
                write!(f, "{status} {problem_type}: {}", title.as_deref().unwrap_or(""))
            }
            VendorError::Http { status, .. } => write!(f, "HTTP {status}"),
        }
    }
}

impl std::error::Error for VendorError {}
