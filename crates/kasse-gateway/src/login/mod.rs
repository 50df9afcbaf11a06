//! Readers logged in through the gateway (backend for frontend): the authorization code is
//! exchanged here with the client secret, the reader's ConnectID tokens stay here (sealed, in the
//! ledger's database), and the browser holds only an opaque, `HttpOnly` session cookie.
//!
//! This module is ConnectID's side: exchanging a code, refreshing, reading the profile, revoking.
//! The endpoints are in `api::login`.

pub mod cookie;
pub mod seal;

use std::time::Duration;

use kasse_core::connectid::CustomerProfile;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::config::{ConnectIdSettings, LoginSettings};

/// A reader's ConnectID tokens (never leave the gateway).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UserTokens {
    /// Bearer token for user-mode calls.
    pub access_token: String,
    /// For a new access token when it expires.
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for UserTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserTokens(***)")
    }
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Tokens and how long the access token lives.
#[derive(Debug)]
pub struct Granted {
    /// The tokens.
    pub tokens: UserTokens,
    /// The access token's lifetime.
    pub lifetime: Duration,
}

/// Why a call to ConnectID's login side failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The vendor refused (a bad, used or expired code; a revoked refresh token).
    #[error("refused by ConnectID ({0})")]
    Refused(u16),
    /// No usable answer (network, timeout, 5xx, unreadable body).
    #[error("ConnectID unavailable: {0}")]
    Unavailable(String),
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// ConnectID's default access token lifetime (12 h) when the answer names none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(12 * 3600);

async fn grant(http: &reqwest::Client, c: &ConnectIdSettings, form: &[(&str, &str)]) -> Result<Granted, LoginError> {
    let response = http
        .post(c.token_url.clone())
        .basic_auth(&c.client_id, Some(c.client_secret.expose()))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(form))
        .send()
        .await
        .map_err(|e| LoginError::Unavailable(e.without_url().to_string()))?;
    let status = response.status();
    if status.is_client_error() {
        return Err(LoginError::Refused(status.as_u16()));
    }
    if !status.is_success() {
        return Err(LoginError::Unavailable(format!("HTTP {}", status.as_u16())));
    }
    let answer: TokenAnswer = response
        .json()
        .await
        .map_err(|_| LoginError::Unavailable("unreadable token answer".into()))?;
    Ok(Granted {
        tokens: UserTokens {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
        },
        lifetime: answer.expires_in.map_or(DEFAULT_LIFETIME, Duration::from_secs),
    })
}

/// Exchanges an authorization code (`grant_type=authorization_code`, client authentication).
pub async fn exchange_code(
    http: &reqwest::Client,
    c: &ConnectIdSettings,
    login: &LoginSettings,
    code: &str,
    pkce_verifier: Option<&str>,
) -> Result<Granted, LoginError> {
    let redirect = login.redirect_uri.as_str();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect),
    ];
    form.extend(pkce_verifier.map(|v| ("code_verifier", v)));
    grant(http, c, &form).await
}

/// The S256 `code_challenge` of a PKCE verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// A new access token from the refresh token.
pub async fn refresh(
    http: &reqwest::Client,
    c: &ConnectIdSettings,
    refresh_token: &str,
) -> Result<Granted, LoginError> {
    grant(
        http,
        c,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)],
    )
    .await
}

/// The logged-in customer's profile.
pub async fn profile(
    http: &reqwest::Client,
    c: &ConnectIdSettings,
    access_token: &str,
) -> Result<CustomerProfile, LoginError> {
    let url = format!("{}/v1/customer/profile", c.api_base.as_str().trim_end_matches('/'));
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|e| LoginError::Unavailable(e.without_url().to_string()))?;
    match response.status() {
        s if s.is_success() => response
            .json()
            .await
            .map_err(|_| LoginError::Unavailable("unreadable profile".into())),
        s @ (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => Err(LoginError::Refused(s.as_u16())),
        s => Err(LoginError::Unavailable(format!("HTTP {}", s.as_u16()))),
    }
}

/// Revokes the reader's tokens where the publisher configured a revocation endpoint; best effort.
pub async fn revoke(http: &reqwest::Client, c: &ConnectIdSettings, login: &LoginSettings, tokens: &UserTokens) {
    let Some(url) = &login.revoke_url else { return };
    let mut all = vec![tokens.access_token.as_str()];
    all.extend(tokens.refresh_token.as_deref());
    for token in all {
        let sent = http
            .post(url.clone())
            .basic_auth(&c.client_id, Some(c.client_secret.expose()))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(&[("token", token)]))
            .send()
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e.without_url(), "token revocation failed");
        }
    }
}
