//! Request protection around the API: origin allowlist (403, not just missing CORS headers),
//! CORS for the allowed origins, per-client-IP rate limit, and security headers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kasse_core::contract::{IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER, SESSION_HEADER};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::ApiError;

/// Which origins may call the API.
#[derive(Clone, Debug)]
pub struct OriginPolicy {
    allowed: Arc<Vec<String>>,
}

impl OriginPolicy {
    /// A policy allowing `allowed` (normalised origins) plus the gateway's own origin.
    pub fn new(allowed: Vec<String>) -> OriginPolicy {
        OriginPolicy {
            allowed: Arc::new(allowed),
        }
    }

    /// Whether a request carrying `origin` may go on. Same-origin requests (the demo page the
    /// gateway serves itself) are recognised by the `Origin` naming the `Host` the request was sent
    /// to; a browser sets `Origin`, page scripts cannot forge it.
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        if self.allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
            return true;
        }
        match (host, url::Url::parse(origin)) {
            (Some(host), Ok(u)) if matches!(u.scheme(), "http" | "https") => {
                let authority = match (u.host_str(), u.port()) {
                    (Some(h), Some(p)) => format!("{h}:{p}"),
                    (Some(h), None) => h.to_owned(),
                    _ => return false,
                };
                authority.eq_ignore_ascii_case(host) && u.path() == "/"
            }
            _ => false,
        }
    }

    /// CORS for the allowed cross-origin callers: a JSON API; credentials (the reader's session
    /// cookie) only with the `Kasse-Session` header, which needs this preflight to pass.
    pub fn cors_layer(&self) -> CorsLayer {
        let list: Vec<HeaderValue> = self
            .allowed
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(allowed_headers())
            .allow_credentials(true)
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600))
    }
}

/// The headers the widget sends: JSON's, and the contract's own (each one the browser must be
/// allowed in the preflight, or a cross-origin page's call fails before it is made).
fn allowed_headers() -> Vec<HeaderName> {
    let contract = [
        ORDER_TOKEN_HEADER,
        PREPAYMENT_HEADER,
        SESSION_HEADER,
        IDEMPOTENCY_KEY_HEADER,
    ]
    .map(|name| HeaderName::from_bytes(name.as_bytes()).expect("the contract's header names are valid"));
    [header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE]
        .into_iter()
        .chain(contract)
        .collect()
}

/// Middleware: refuses a request whose `Origin` is neither allowed nor the gateway's own, with a
/// 403 JSON error. Requests without `Origin` (server-to-server, curl, same-origin GETs) pass: the
/// allowlist protects readers' browsers, not the API from non-browser clients, which the rate
/// limit and the order checks handle.
pub async fn origin_guard(State(policy): State<OriginPolicy>, req: Request, next: Next) -> Response {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
        let ok = origin.to_str().map(|o| policy.allows(o, host)).unwrap_or(false);
        if !ok {
            tracing::info!(path = %req.uri().path(), "refused a request from a foreign origin");
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "this origin is not allowed to call the gateway (server.allowed_origins)",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Per-client-IP rate limiter (token bucket via `governor`).
#[derive(Clone)]
pub struct IpRateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl IpRateLimit {
    /// `per_second` sustained, bursts up to `burst`.
    pub fn new(per_second: u32, burst: u32) -> IpRateLimit {
        let quota = Quota::per_second(NonZeroU32::new(per_second.max(1)).expect("at least 1"))
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("at least 1"));
        IpRateLimit {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    /// Forgets idle clients; the serving task calls it periodically so the map stays small.
    pub fn shrink(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// `Ok` or the seconds to wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.limiter.check_key(&client_key(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// The limiter's key for a client address: an IPv6 client holds a whole /64 (one address per
/// request is free to take), so the /64 is the client; IPv4 addresses stand alone.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        v4 => v4,
    }
}

/// Middleware: 429 `rate_limited` with `retryAfter` when the client IP is over its quota.
///
/// The key is the TCP peer address. Behind a reverse proxy every reader would share the proxy's
/// address; such a deployment must rate-limit at the proxy (or extend this to a trusted
/// `Forwarded` header), which is deliberately not guessed here.
pub async fn rate_limit(State(limit): State<IpRateLimit>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match limit.check(ip) {
        Ok(()) => next.run(req).await,
        Err(wait) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests from this address",
        )
        .with_retry_after(wait.max(1))
        .with_message_key(kasse_core::i18n::MessageKey::ErrTryAgainLater.as_str())
        .into_response(),
    }
}

/// Adds `X-Content-Type-Options` and `Referrer-Policy` to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    set_security_headers(resp.headers_mut());
    resp
}

fn set_security_headers(h: &mut HeaderMap) {
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_policy() {
        let p = OriginPolicy::new(vec!["https://www.avis.no".into()]);
        assert!(p.allows("https://www.avis.no", Some("gw.avis.no")));
        assert!(p.allows("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(!p.allows("http://127.0.0.1:8081", Some("127.0.0.1:8080")));
        assert!(!p.allows("https://evil.example", Some("127.0.0.1:8080")));
        assert!(!p.allows("null", Some("127.0.0.1:8080")));
        assert!(!p.allows("https://www.avis.no.evil.example", None));
    }

    #[test]
    fn rate_limit_refuses_past_the_burst_then_names_a_wait() {
        let l = IpRateLimit::new(1, 3);
        let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        for _ in 0..3 {
            assert!(l.check(ip).is_ok());
        }
        let wait = l.check(ip).unwrap_err();
        assert!((1..=1).contains(&wait), "wait {wait}");
        // Another client is unaffected.
        assert!(l.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))).is_ok());
        // Every address of one IPv6 /64 is one client; the next /64 is another.
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        for _ in 0..3 {
            assert!(l.check(v6("2001:db8:1:2::1")).is_ok());
        }
        assert!(l.check(v6("2001:db8:1:2:ffff:ffff:ffff:ffff")).is_err(), "same /64");
        assert!(l.check(v6("2001:db8:1:3::1")).is_ok(), "another /64");
    }
}
