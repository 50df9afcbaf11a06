//! Fault injection: deterministic from a seed, so a test can replay exactly the same failures and
//! prove that retries never duplicate or lose an order.
//!
//! Each request on a faulty path (ConnectID `/capi/…`, S4 `/s4/order…`, `/s4/subscriber…`, `/s4/package…`; never token endpoints,
//! hosted pages or `/__sandbox/…`) draws two numbers from the generator, whether or not a fault is
//! configured to fire: one decides *whether*, one decides *which* kind. Drawing both every time keeps
//! the sequence aligned, so the same seed and the same request sequence give the same faults.

use crate::errors::ErrorTag;
use crate::util::SplitMix64;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// 500 without processing the request.
    #[serde(rename = "500")]
    ServerError,
    /// 429 with `Retry-After: 1` without processing the request.
    #[serde(rename = "429")]
    TooManyRequests,
    /// Sleeps `timeout_ms` (longer than a client's timeout), then processes the request: the
    /// client has given up, yet the order exists — the ambiguous case idempotency must survive.
    #[serde(rename = "timeout")]
    Timeout,
    /// Processes the request (the order IS stored) and answers 502 instead of the real response.
    #[serde(rename = "drop")]
    Drop,
    /// 503 without processing: S4's answer when a service it depends on is slow ("did not
    /// complete processing in due time"). Only when asked for by name.
    #[serde(rename = "503")]
    Unavailable,
}

impl FaultKind {
    /// The name used in the config and the request log.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::ServerError => "500",
            FaultKind::TooManyRequests => "429",
            FaultKind::Timeout => "timeout",
            FaultKind::Drop => "drop",
            FaultKind::Unavailable => "503",
        }
    }

    fn parse(text: &str) -> Option<FaultKind> {
        match text.trim() {
            "500" => Some(FaultKind::ServerError),
            "429" => Some(FaultKind::TooManyRequests),
            "503" => Some(FaultKind::Unavailable),
            "timeout" => Some(FaultKind::Timeout),
            "drop" => Some(FaultKind::Drop),
            _ => None,
        }
    }
}

fn default_timeout_ms() -> u64 {
    30_000
}

/// Fault configuration: `POST /__sandbox/faults` body, or `--faults` on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultConfig {
    /// Probability in [0, 1] that a request on a faulty path gets a fault. 0 = off.
    #[serde(default)]
    pub rate: f64,
    /// Kinds to choose from (uniformly); empty = all four.
    #[serde(default)]
    pub kinds: Vec<FaultKind>,
    /// Extra latency added to every request on a faulty path.
    #[serde(default)]
    pub latency_ms: u64,
    /// Generator seed.
    #[serde(default)]
    pub seed: u64,
    /// How long a `timeout` fault sleeps (default 30 s; tests set it short).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Only paths containing this (e.g. `/complete`) get faults; absent = every faulty path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            rate: 0.0,
            kinds: Vec::new(),
            latency_ms: 0,
            seed: 0,
            timeout_ms: default_timeout_ms(),
            path: None,
        }
    }
}

impl FaultConfig {
    /// Parses `--faults`: either the JSON body of `POST /__sandbox/faults`, or
    /// `rate=0.3,kinds=500|429|timeout|drop,latency_ms=0,seed=42,timeout_ms=2000`.
    pub fn parse_spec(spec: &str) -> Result<FaultConfig, String> {
        let spec = spec.trim();
        let config = if spec.starts_with('{') {
            serde_json::from_str(spec).map_err(|e| format!("faults JSON: {e}"))?
        } else {
            let mut config = FaultConfig::default();
            for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
                let (key, value) = part
                    .split_once('=')
                    .ok_or_else(|| format!("faults: expected key=value, got {part:?}"))?;
                let bad = |e: &dyn std::fmt::Display| format!("faults: {key}: {e}");
                match key.trim() {
                    "rate" => config.rate = value.trim().parse().map_err(|e| bad(&e))?,
                    "latency_ms" => config.latency_ms = value.trim().parse().map_err(|e| bad(&e))?,
                    "seed" => config.seed = value.trim().parse().map_err(|e| bad(&e))?,
                    "timeout_ms" => config.timeout_ms = value.trim().parse().map_err(|e| bad(&e))?,
                    "path" => config.path = Some(value.trim().to_owned()),
                    "kinds" => {
                        config.kinds = value
                            .split(['|', '+', ' '])
                            .filter(|k| !k.is_empty())
                            .map(|k| FaultKind::parse(k).ok_or_else(|| bad(&format!("unknown kind {k:?}"))))
                            .collect::<Result<_, _>>()?
                    }
                    other => return Err(format!("faults: unknown key {other:?}")),
                }
            }
            config
        };
        config.check()?;
        Ok(config)
    }

    /// Checks ranges.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(format!("faults: rate {} must be between 0 and 1", self.rate));
        }
        Ok(())
    }
}

/// The live fault state: configuration, generator and counters.
#[derive(Debug)]
pub struct FaultState {
    config: FaultConfig,
    rng: SplitMix64,
    decisions: u64,
    injected: u64,
}

impl FaultState {
    /// A state starting at the config's seed.
    pub fn new(config: FaultConfig) -> Self {
        FaultState {
            rng: SplitMix64::new(config.seed),
            config,
            decisions: 0,
            injected: 0,
        }
    }

    /// Replaces the configuration and restarts the generator from its seed.
    pub fn set(&mut self, config: FaultConfig) {
        *self = FaultState::new(config);
    }

    /// The configuration plus counters, for `GET /__sandbox/faults`.
    pub fn describe(&self) -> serde_json::Value {
        json!({
            "rate": self.config.rate,
            "kinds": self.config.kinds,
            "latency_ms": self.config.latency_ms,
            "seed": self.config.seed,
            "timeout_ms": self.config.timeout_ms,
            "path": self.config.path,
            "decisions": self.decisions,
            "injected": self.injected,
        })
    }

    /// Decides the fate of one request.
    pub fn decide(&mut self) -> Option<FaultKind> {
        let roll = self.rng.next_f64();
        let pick = self.rng.next_u64();
        self.decisions += 1;
        if self.config.rate <= 0.0 || roll >= self.config.rate {
            return None;
        }
        const ALL: [FaultKind; 4] = [
            FaultKind::ServerError,
            FaultKind::TooManyRequests,
            FaultKind::Timeout,
            FaultKind::Drop,
        ];
        let kinds: &[FaultKind] = if self.config.kinds.is_empty() {
            &ALL
        } else {
            &self.config.kinds
        };
        self.injected += 1;
        Some(kinds[(pick % kinds.len() as u64) as usize])
    }
}

/// Marks a response that carries an injected fault (for the request log).
#[derive(Debug, Clone, Copy)]
pub struct FaultTag(pub FaultKind);

/// Whether faults may hit this path: the vendors' business endpoints only.
pub fn is_faulty_path(path: &str) -> bool {
    path.starts_with("/capi/")
        || ["/s4/order", "/s4/subscriber", "/s4/package"]
            .iter()
            .any(|p| path.starts_with(p))
}

fn injected(status: StatusCode, kind: FaultKind, message: &str) -> Response {
    let mut response = (
        status,
        Json(json!({
            "exceptionType": "SandboxInjectedFault",
            "errorMessage": message,
            "message": message,
        })),
    )
        .into_response();
    response.extensions_mut().insert(FaultTag(kind));
    response
        .extensions_mut()
        .insert(ErrorTag(format!("injected fault {}", kind.name())));
    response
}

/// Middleware applying the configured faults.
pub async fn middleware(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some((latency_ms, timeout_ms, decision)) = draw(&state, request.uri().path()) else {
        return next.run(request).await;
    };
    if latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    match decision {
        None => next.run(request).await,
        Some(kind @ FaultKind::ServerError) => injected(
            StatusCode::INTERNAL_SERVER_ERROR,
            kind,
            "injected fault: internal server error (request not processed)",
        ),
        Some(kind @ FaultKind::TooManyRequests) => too_many_requests(kind),
        Some(kind @ FaultKind::Timeout) => {
            tokio::time::sleep(Duration::from_millis(timeout_ms)).await;
            let mut response = next.run(request).await;
            response.extensions_mut().insert(FaultTag(kind));
            response
        }
        Some(kind @ FaultKind::Unavailable) => injected(
            StatusCode::SERVICE_UNAVAILABLE,
            kind,
            "injected fault: the request did not complete processing in due time (not processed)",
        ),
        Some(kind @ FaultKind::Drop) => {
            // The request is processed to the end (an order is stored) and its answer is lost.
            let _lost = next.run(request).await;
            injected(
                StatusCode::BAD_GATEWAY,
                kind,
                "injected fault: the response was lost (the request WAS processed)",
            )
        }
    }
}

/// For a vendor call the faults target: the configured latency and timeout, and the fault drawn
/// for this request (`None`: none this time). `None` for every other request.
fn draw(state: &AppState, path: &str) -> Option<(u64, u64, Option<FaultKind>)> {
    if !is_faulty_path(path) {
        return None;
    }
    let mut faults = state.faults.lock().unwrap_or_else(|e| e.into_inner());
    if !faults.config.path.as_deref().is_none_or(|p| path.contains(p)) {
        return None;
    }
    let decision = faults.decide();
    Some((faults.config.latency_ms, faults.config.timeout_ms, decision))
}

/// A 429 with the rate-limit headers both vendors send.
fn too_many_requests(kind: FaultKind) -> Response {
    let mut response = injected(
        StatusCode::TOO_MANY_REQUESTS,
        kind,
        "injected fault: too many requests (request not processed)",
    );
    let headers = response.headers_mut();
    headers.insert("retry-after", HeaderValue::from_static("1"));
    headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
    headers.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_spec_forms() {
        let a = FaultConfig::parse_spec("rate=0.5,kinds=500|drop,seed=7,timeout_ms=100").unwrap();
        assert_eq!(a.rate, 0.5);
        assert_eq!(a.kinds, vec![FaultKind::ServerError, FaultKind::Drop]);
        assert_eq!(a.seed, 7);
        assert_eq!(a.timeout_ms, 100);
        let b = FaultConfig::parse_spec(r#"{"rate":0.5,"kinds":["500","drop"],"seed":7,"timeout_ms":100}"#).unwrap();
        assert_eq!(a, b);
        assert!(FaultConfig::parse_spec("rate=2").is_err());
        assert!(FaultConfig::parse_spec("kinds=boom").is_err());
        assert!(FaultConfig::parse_spec("colour=red").is_err());
    }

    #[test]
    fn same_seed_same_faults() {
        let config = FaultConfig {
            rate: 0.5,
            seed: 99,
            ..FaultConfig::default()
        };
        let run = |c: &FaultConfig| {
            let mut s = FaultState::new(c.clone());
            (0..64).map(|_| s.decide()).collect::<Vec<_>>()
        };
        let first = run(&config);
        assert_eq!(first, run(&config));
        assert!(first.iter().any(Option::is_some) && first.iter().any(Option::is_none));
        let other = FaultConfig {
            seed: 100,
            ..config.clone()
        };
        assert_ne!(first, run(&other));
        let off = FaultConfig { rate: 0.0, ..config };
        assert!(run(&off).iter().all(Option::is_none));
    }
}
