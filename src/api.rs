//! The gateway's widget API (`/kasse/v1`), and the retry policy around it. The only module that
//! speaks HTTP.

use gloo_net::http::{Request, Response};
use kasse_core::connectid::ClientOrder;
use kasse_core::contract::{
    AccessInfo, AssignUserBody, ConnectIdOrderRegistered, ConsentInfo, ErrorEnvelope, LogoutAnswer, LogoutRequest,
    S4OrderAnswer, S4OrderRequest, SessionInfo, IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER,
    SESSION_HEADER,
};
pub use kasse_core::contract::{ConnectIdPublic, OfferInfo};
use kasse_core::MessageKey;
use web_sys::RequestCredentials;

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
            } => retry_after.is_some() || *status == 429 || *status >= 500,
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
                .unwrap_or(match status {
                    401 => MessageKey::ErrLoginRequired,
                    404 => MessageKey::ErrNotFound,
                    409 | 422 => MessageKey::ErrOfferChanged,
                    429 => MessageKey::ErrTryAgainLater,
                    500.. => MessageKey::ErrVendorUnavailable,
                    _ => MessageKey::ErrUnknown,
                }),
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

/// The publisher's gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gateway {
    base: String,
}

impl Gateway {
    /// `base` is the gateway's origin (or empty for the page's own origin).
    pub fn new(base: &str) -> Self {
        Gateway {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/kasse/v1{path}", self.base)
    }

    /// The offer and its public vendor facts.
    pub async fn offer(&self, id: &str) -> Result<OfferInfo, ApiFailure> {
        let path = format!("/offers/{}", encode(id));
        let response = Request::get(&self.url(&path))
            .send()
            .await
            .map_err(|_| ApiFailure::Network)?;
        json(response).await
    }

    /// Registers a ConnectID order (idempotent on its `externalOrderId`): in the logged-in
    /// reader's name when `in_session` (flows 1a/2a), else as the publisher's client order.
    pub async fn create_order(
        &self,
        offer_id: &str,
        order: &ClientOrder,
        voucher: Option<&str>,
        in_session: bool,
    ) -> Result<ConnectIdOrderRegistered, ApiFailure> {
        let path = format!("/connectid/orders?offer={}", encode(offer_id));
        let mut request = Request::post(&self.url(&path));
        if in_session {
            request = with_session(request);
        }
        if let Some(voucher) = voucher {
            request = request.header(PREPAYMENT_HEADER, voucher);
        }
        let request = request.json(order).map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Completes a prepaid or non-interactive order through the vendor's API.
    pub async fn complete(&self, order_id: i64, token: &str) -> Result<serde_json::Value, ApiFailure> {
        let path = format!("/connectid/orders/{order_id}/complete");
        let request = Request::post(&self.url(&path))
            .header(ORDER_TOKEN_HEADER, token)
            .json(&serde_json::json!({}))
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Gives the reader digital access: assigns the order to the payer's credential.
    pub async fn assign_user(
        &self,
        order_id: i64,
        token: &str,
        request: &AssignUserBody,
    ) -> Result<serde_json::Value, ApiFailure> {
        let path = format!("/connectid/orders/{order_id}/user");
        let request = Request::post(&self.url(&path))
            .header(ORDER_TOKEN_HEADER, token)
            .json(request)
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }
}

/// A request that carries the reader's session: the cookie (`credentials: include`) and the
/// header the gateway requires for it.
fn with_session(request: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
    request
        .credentials(RequestCredentials::Include)
        .header(SESSION_HEADER, "1")
}

impl Gateway {
    /// Where the login link goes: the gateway's login, coming back to `return_url`.
    pub fn login_url(&self, return_url: &str) -> String {
        self.url(&format!("/login?returnUrl={}", encode(return_url)))
    }

    /// Who is logged in.
    pub async fn session(&self) -> Result<SessionInfo, ApiFailure> {
        let request = with_session(Request::get(&self.url("/session")));
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Whether the logged-in reader has `offer_id` already.
    pub async fn access(&self, offer_id: &str) -> Result<AccessInfo, ApiFailure> {
        let path = format!("/offers/{}/access", encode(offer_id));
        let request = with_session(Request::get(&self.url(&path)));
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Starts a start-subscription offer for the logged-in reader (idempotent on `key`).
    pub async fn start_subscription(
        &self,
        offer_id: &str,
        key: &str,
        body: &kasse_core::connectid::StartSubscription,
    ) -> Result<serde_json::Value, ApiFailure> {
        let path = format!("/connectid/subscriptions?offer={}", encode(offer_id));
        let request = with_session(Request::post(&self.url(&path)))
            .header(IDEMPOTENCY_KEY_HEADER, key)
            .json(body)
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// The offer's marketing consent text in `locale`.
    pub async fn consent_text(&self, offer_id: &str, locale: &str) -> Result<ConsentInfo, ApiFailure> {
        let path = format!("/offers/{}/consent?locale={}", encode(offer_id), encode(locale));
        let response = Request::get(&self.url(&path))
            .send()
            .await
            .map_err(|_| ApiFailure::Network)?;
        json(response).await
    }

    /// The reader ticked the consent box of paid order `order_id`.
    pub async fn register_consent(
        &self,
        order_id: i64,
        token: &str,
        in_session: bool,
    ) -> Result<serde_json::Value, ApiFailure> {
        let path = format!("/connectid/orders/{order_id}/consent");
        let mut request = Request::post(&self.url(&path)).header(ORDER_TOKEN_HEADER, token);
        if in_session {
            request = with_session(request);
        }
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Ends the session at the gateway; answers ConnectID's logout page to go to.
    pub async fn logout(&self, return_url: &str) -> Result<LogoutAnswer, ApiFailure> {
        let body = LogoutRequest {
            return_url: return_url.to_owned(),
        };
        let request = with_session(Request::post(&self.url("/logout")))
            .json(&body)
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }
}

impl Gateway {
    /// Creates an S4 order (idempotent on `key`, the attempt id).
    pub async fn create_s4_order(
        &self,
        offer_id: &str,
        key: &str,
        request: &S4OrderRequest,
    ) -> Result<S4OrderAnswer, ApiFailure> {
        let path = format!("/s4/orders?offer={}", encode(offer_id));
        let request = Request::post(&self.url(&path))
            .header(IDEMPOTENCY_KEY_HEADER, key)
            .json(request)
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }

    /// Completes an S4 order, letting S4 wait up to `max_polling_ms` for the reader's approval.
    pub async fn complete_s4(&self, id: &str, token: &str, max_polling_ms: u32) -> Result<S4OrderAnswer, ApiFailure> {
        let path = format!("/s4/orders/{}/complete", encode(id));
        let request = Request::post(&self.url(&path))
            .header(ORDER_TOKEN_HEADER, token)
            .json(&serde_json::json!({ "maxPollingTimeout": max_polling_ms }))
            .map_err(|_| ApiFailure::Network)?;
        json(request.send().await.map_err(|_| ApiFailure::Network)?).await
    }
}

fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiFailure::Network)?;
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|_| ApiFailure::Http {
            status,
            code: "unreadable_answer".into(),
            message_key: None,
            retry_after: None,
            field: None,
            price: None,
        });
    }
    Err(match serde_json::from_str::<ErrorEnvelope>(&text) {
        Ok(ErrorEnvelope { error }) => ApiFailure::Http {
            status,
            code: error.code,
            message_key: error.message_key,
            retry_after: error.retry_after,
            field: error.field,
            price: error.price,
        },
        Err(_) => ApiFailure::Http {
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

/// Calls `call` until it succeeds, fails for good, or [`retry_delay_ms`] says stop. The call must
/// be idempotent: the order call is, through its `externalOrderId`.
pub async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, ApiFailure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiFailure>>,
{
    let mut retry = 0;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(failure) => {
                retry += 1;
                match retry_delay_ms(&failure, retry) {
                    Some(wait) => crate::page::sleep_ms(wait).await,
                    None => return Err(failure),
                }
            }
        }
    }
}
