//! The gateway's widget API (`/kasse/v1`), and the retry policy around it. The only module that
//! speaks HTTP: through the browser's `fetch`, with JSON parsed and printed by the browser
//! (`Response.json()`, `JSON.stringify`), so the bundle carries no JSON parser of its own.

pub use kasse_core::contract::{ConnectIdPublic, OfferInfo};
use kasse_core::MessageKey;

mod fetch;
mod gateway;

pub use gateway::Gateway;

/// A failed call, as the reader's situation needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// No answer at all: offline, DNS, CORS, connection reset.
    Network,
    /// The gateway answered with an error (its JSON error shape, or something unreadable).
    Http {
        /// HTTP status.
        status: u16,
        /// The gateway's stable code, e.g. `price_mismatch`.
        code: String,
        /// The kasse-core message key the gateway suggests.
        message_key: Option<String>,
        /// Seconds to wait: present exactly when a retry may help.
        retry_after: Option<u64>,
        /// The field at fault, when there is one.
        field: Option<String>,
        /// The vendor's price, when it is not the one shown (`price_changed`).
        price: Option<kasse_core::Money>,
    },
}

impl ApiFailure {
    /// Whether sending the same request again may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            ApiFailure::Network => true,
            ApiFailure::Http {
                status, retry_after, ..
            } => kasse_core::checkout::failure::retryable(*status, *retry_after),
        }
    }

    /// An offer of a back end whose checkout this bundle was built without: nothing to retry,
    /// the page or its loader is misconfigured.
    pub fn not_in_bundle() -> ApiFailure {
        ApiFailure::Http {
            status: 0,
            code: "backend_not_in_bundle".into(),
            message_key: Some(MessageKey::ErrServiceConfig.as_str().into()),
            retry_after: None,
            field: None,
            price: None,
        }
    }

    /// The stable code for events and logs (never personal data).
    pub fn code(&self) -> &str {
        match self {
            ApiFailure::Network => "network",
            ApiFailure::Http { code, .. } => code,
        }
    }

    /// What the reader is told.
    pub fn message_key(&self) -> MessageKey {
        match self {
            ApiFailure::Network => MessageKey::ErrNetwork,
            ApiFailure::Http {
                status, message_key, ..
            } => message_key
                .as_deref()
                .and_then(MessageKey::from_name)
                .unwrap_or_else(|| kasse_core::checkout::failure::status_message(*status)),
        }
    }
}

/// How long to wait before retry number `retry` (1-based) of a failed call, or `None` to stop and
/// show the failure. Honours the gateway's `retryAfter` up to a limit a reader will sit through.
pub fn retry_delay_ms(failure: &ApiFailure, retry: u32) -> Option<u32> {
    const MAX_RETRIES: u32 = 3;
    const LONGEST_WAIT_MS: u64 = 8_000;
    if retry > MAX_RETRIES || !failure.retryable() {
        return None;
    }
    let backoff = 500u64 << (retry - 1); // 0.5 s, 1 s, 2 s
    let asked = match failure {
        ApiFailure::Http {
            retry_after: Some(seconds),
            ..
        } => seconds.saturating_mul(1000),
        _ => 0,
    };
    let wait = backoff.max(asked);
    (wait <= LONGEST_WAIT_MS).then_some(wait as u32)
}
