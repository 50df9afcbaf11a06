//! OAuth2 client-credentials token broker.
//!
//! Fetches lazily (the first API call pays for it), caches the token until shortly before it
//! expires, and lets exactly one caller refresh at a time: the cache sits behind an async mutex
//! that is held across the token request, so fifty concurrent orders at start-up cause one token
//! request, not fifty. A 401 from the API invalidates the token the caller used (and only that
//! one, so a token another caller already refreshed is not thrown away). A failed token request
//! is remembered for a moment (its Retry-After, else [`FAILURE_MEMORY`]): the callers queued behind
//! it get the same answer at once instead of each waiting on the same failing endpoint in turn.

use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::config::Secret;

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token endpoint could not be reached or did not answer in time.
    #[error("token endpoint unreachable: {0}")]
    Transport(#[from] reqwest::Error),
    /// The token endpoint answered with an error status.
    #[error("token endpoint answered {status}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Retry-After seconds, if sent.
        retry_after: Option<u64>,
    },
    /// The answer was not a token.
    #[error("token endpoint answered something that is not a token")]
    Malformed,
    /// The token endpoint failed moments ago; not asked again yet.
    #[error("token endpoint failed moments ago")]
    RecentlyFailed {
        /// Seconds until it is asked again.
        retry_after: u64,
    },
}

/// How long a failed token request is remembered when the endpoint names no Retry-After.
pub const FAILURE_MEMORY: Duration = Duration::from_secs(2);
/// The longest a failure is remembered, whatever Retry-After says.
const MAX_FAILURE_MEMORY: Duration = Duration::from_secs(30);

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `Authorization: Basic base64(id:secret)` (RFC 6749 §2.3.1, preferred).
    Basic,
    /// `client_id` + `client_secret` in the form body (what Azure AD B2C samples show).
    Body,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Clone)]
struct Cached {
    token: String,
    refresh_at: Instant,
}

/// One broker per vendor client.
pub struct TokenBroker {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    secret: Secret,
    auth: ClientAuth,
    scope: Option<String>,
    cache: Mutex<Option<Cached>>,
    failed_until: std::sync::Mutex<Option<Instant>>,
    fetches: std::sync::atomic::AtomicU64,
}

/// Lifetime assumed when the endpoint does not say (`expires_in` is optional in RFC 6749);
/// short, so a wrong guess costs one extra token request, not a burst of 401s.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

impl TokenBroker {
    /// A broker for one client. Nothing is fetched until [`TokenBroker::token`] is called.
    pub fn new(
        http: reqwest::Client,
        token_url: Url,
        client_id: String,
        secret: Secret,
        auth: ClientAuth,
        scope: Option<String>,
    ) -> TokenBroker {
        TokenBroker {
            http,
            token_url,
            client_id,
            secret,
            auth,
            scope,
            cache: Mutex::new(None),
            failed_until: std::sync::Mutex::new(None),
            fetches: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many tokens were fetched so far (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A valid token: the cached one, or a fresh one when none is cached or it is about to expire.
    pub async fn token(&self) -> Result<String, TokenError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        if let Some(until) = *self.failed_until.lock().unwrap_or_else(|e| e.into_inner()) {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                return Err(TokenError::RecentlyFailed {
                    retry_after: left.as_secs().max(1),
                });
            }
        }
        // Still holding the lock: concurrent callers wait here and then find the new token.
        let fresh = match self.fetch().await {
            Ok(fresh) => fresh,
            Err(e) => {
                let memory = match &e {
                    TokenError::Status {
                        retry_after: Some(s), ..
                    } => Duration::from_secs(*s).min(MAX_FAILURE_MEMORY),
                    _ => FAILURE_MEMORY,
                };
                *self.failed_until.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + memory);
                return Err(e);
            }
        };
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// Forgets `token` if it is still the cached one (the API refused it with 401).
    pub async fn invalidate(&self, token: &str) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| c.token == token) {
            *cache = None;
        }
    }

    /// The token request; built synchronously (the form serializer is not `Send`).
    fn request(&self) -> reqwest::RequestBuilder {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(scope) = &self.scope {
            form.append_pair("scope", scope);
        }
        let mut req = self.http.post(self.token_url.clone());
        let body = match self.auth {
            ClientAuth::Basic => {
                let raw = format!("{}:{}", form_encode(&self.client_id), form_encode(self.secret.expose()));
                let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
                req = req.header(reqwest::header::AUTHORIZATION, format!("Basic {b64}"));
                form.finish()
            }
            ClientAuth::Body => {
                form.append_pair("client_id", &self.client_id);
                form.append_pair("client_secret", self.secret.expose());
                form.finish()
            }
        };
        req.body(body)
    }

    async fn fetch(&self) -> Result<Cached, TokenError> {
        self.fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let req = self.request();
        let started = Instant::now();
        let resp = req
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            tracing::warn!(status = status.as_u16(), "token request refused");
            return Err(TokenError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        let body: TokenResponse = resp.json().await.map_err(|_| TokenError::Malformed)?;
        if body.access_token.is_empty() {
            return Err(TokenError::Malformed);
        }
        let lifetime = body.expires_in.map(Duration::from_secs).unwrap_or(DEFAULT_LIFETIME);
        Ok(Cached {
            token: body.access_token,
            refresh_at: started + refresh_after(lifetime),
        })
    }
}

/// When to refresh a token that lives `lifetime`: a minute early for long tokens (clock skew,
/// slow requests), a tenth early for short ones, so a 2-second test token is still reused.
pub fn refresh_after(lifetime: Duration) -> Duration {
    let margin = (lifetime / 10).min(Duration::from_secs(60));
    lifetime.saturating_sub(margin)
}

/// RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding.
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_scales_with_lifetime() {
        assert_eq!(refresh_after(Duration::from_secs(43_200)), Duration::from_secs(43_140));
        assert_eq!(refresh_after(Duration::from_secs(3_600)), Duration::from_secs(3_540));
        assert_eq!(refresh_after(Duration::from_secs(10)), Duration::from_secs(9));
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test]
    async fn a_failing_token_endpoint_is_not_asked_again_at_once() {
        // A port nothing listens on: connection refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let broker = TokenBroker::new(
            reqwest::Client::new(),
            format!("http://127.0.0.1:{port}/token").parse().unwrap(),
            "client".into(),
            Secret::new("secret"),
            ClientAuth::Basic,
            None,
        );
        assert!(matches!(broker.token().await, Err(TokenError::Transport(_))));
        for _ in 0..5 {
            assert!(matches!(
                broker.token().await,
                Err(TokenError::RecentlyFailed { retry_after: 1.. })
            ));
        }
        assert_eq!(
            broker.fetch_count(),
            1,
            "the callers behind the failure did not ask again"
        );
    }

    #[test]
    fn basic_credentials_are_form_encoded() {
        assert_eq!(form_encode("a b:c"), "a+b%3Ac");
    }
}
