//! Readers logging in through the gateway: `GET /kasse/v1/login` (to ConnectID's authorize page),
//! `GET /kasse/v1/login/callback` (code exchanged here, session cookie set), `GET /kasse/v1/session`
//! (who is logged in, to prefill the form) and `POST /kasse/v1/logout`.
//!
//! The calls the widget makes with the session (`credentials: "include"`) must carry the
//! `Kasse-Session` header: a custom header forces a CORS preflight, which only the allowed origins
//! pass, so another site's page cannot make a call that carries the reader's cookie.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use kasse_core::contract::{LogoutAnswer, LogoutRequest, SessionInfo, SESSION_HEADER};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{parse_as, parse_value, JsonBody, Shared};
use crate::config::{ConnectIdSettings, LoginSettings};
use crate::error::{uncached_json, ApiError};
use crate::ledger::{now_ms, LoginBegun, SessionRow};
use crate::login::{self, cookie, LoginError, UserTokens};

/// How long a login begun may take to come back.
const LOGIN_WINDOW_MS: i64 = 10 * 60 * 1000;
/// An access token this close to its end is refreshed first.
const REFRESH_MARGIN_MS: i64 = 60 * 1000;

fn settings(state: &Shared) -> Result<(&ConnectIdSettings, &LoginSettings), ApiError> {
    let c = state.settings.connectid.as_ref();
    c.and_then(|c| Some((c, c.login.as_ref()?)))
        .ok_or_else(|| ApiError::not_found("login_not_configured", "this gateway has no reader login"))
}

/// 32 random bytes, URL-safe: session ids and `state` values.
fn random_id() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("a random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a session id or a `state`: its SHA-256, so the database alone opens nothing.
fn stored(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// `url` is on an allowed return prefix, else 422 `url_not_allowed` naming `field`.
pub(super) fn allowed_return(state: &Shared, url: &str, field: &str) -> Result<(), ApiError> {
    if kasse_core::conformance::url_has_allowed_prefix(url, &state.settings.allowed_return_url_prefixes) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "url_not_allowed",
        "the return URL is not on an allowed prefix",
    )
    .with_field(field))
}

/// The request carries the `Kasse-Session` header.
fn require_session_header(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()) == Some("1") {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "session_header_required",
        "calls with the reader's session must send `Kasse-Session: 1`",
    ))
}

/// `?returnUrl=` of the login endpoint.
#[derive(Deserialize)]
pub(super) struct LoginQuery {
    #[serde(rename = "returnUrl")]
    return_url: String,
}

/// `GET /kasse/v1/login?returnUrl=…`: a navigation, not a fetch. Remembers where the reader goes
/// back to under a fresh `state`, and sends the reader to ConnectID's authorize page.
pub(super) async fn begin(State(state): State<Shared>, Query(q): Query<LoginQuery>) -> Result<Response, ApiError> {
    let (c, login) = settings(&state)?;
    allowed_return(&state, &q.return_url, "returnUrl")?;
    let value = random_id();
    let begun = LoginBegun {
        return_url: q.return_url.clone(),
        pkce_verifier: login.pkce.then(random_id),
    };
    state
        .sessions
        .login_begin(&stored(&value), &begun, now_ms() + LOGIN_WINDOW_MS)
        .await?;
    let mut url = login.authorize_url.clone();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", &c.client_id)
            .append_pair("redirect_uri", login.redirect_uri.as_str())
            .append_pair("response_type", "code")
            .append_pair("state", &value);
        if let Some(scope) = &login.scope {
            query.append_pair("scope", scope);
        }
        if let Some(verifier) = &begun.pkce_verifier {
            query
                .append_pair("code_challenge", &login::pkce_challenge(verifier))
                .append_pair("code_challenge_method", "S256");
        }
    }
    let mut response = no_store(Redirect::to(url.as_str()).into_response());
    let bound = cookie::set_login(&value, login.secure_cookie(), LOGIN_WINDOW_MS / 1000);
    response.headers_mut().append(header::SET_COOKIE, bound);
    Ok(response)
}

/// `?code=&state=` (or `?error=&state=`) from ConnectID.
#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /kasse/v1/login/callback`: takes the `state` (once), exchanges the code with the client
/// secret, keeps the tokens sealed, sets the session cookie and sends the reader back to the
/// article with `kasseLogin=ok` (or `failed`).
pub(super) async fn callback(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, ApiError> {
    let (c, login) = settings(&state)?;
    let secure = login.secure_cookie();
    let value = q.state.as_deref().filter(|s| s.len() <= 128);
    // Only the browser that began the login may finish it: its login cookie holds the `state`.
    // (Compared as hashes: equal time whatever the bytes.)
    let began_here = value
        .zip(cookie::login_state(&headers, secure))
        .is_some_and(|(value, began)| stored(value) == stored(&began));
    if value.is_some() && !began_here {
        tracing::warn!("login callback in a browser that did not begin that login");
    }
    let taken = match value.filter(|_| began_here) {
        Some(value) => state.sessions.login_take(&stored(value), now_ms()).await?,
        None => None,
    };
    // Unknown, used, expired or begun in another browser: no one can say where to send the
    // reader, so nowhere.
    let Some(LoginBegun {
        return_url,
        pkce_verifier,
    }) = taken
    else {
        tracing::warn!("login callback with an unknown, used or expired state");
        return Err(ApiError::bad_request(
            "login_expired",
            "this login link has expired or was used; go back to the article and log in again",
        ));
    };
    let back = |outcome: &str| {
        let mut response = no_store(Redirect::to(&with_marker(&return_url, outcome)).into_response());
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie::clear_login(secure));
        response
    };
    let Some(code) = q.code.filter(|_| q.error.is_none()) else {
        tracing::info!(
            error = q.error.as_deref().unwrap_or("none"),
            "login not completed at ConnectID"
        );
        return Ok(back("failed"));
    };
    let granted = match login::exchange_code(&state.http, c, login, &code, pkce_verifier.as_deref()).await {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "login code exchange failed");
            return Ok(back("failed"));
        }
    };
    let id = random_id();
    let now = now_ms();
    let row = seal_row(
        &state,
        &id,
        &granted.tokens,
        now + granted.lifetime.as_millis() as i64,
        now + login.session_ms,
    );
    state.sessions.session_put(&stored(&id), &row, now).await?;
    tracing::info!("reader logged in");
    let mut response = back("ok");
    let cookie = cookie::set(&id, secure, login.session_ms / 1000);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

fn seal_row(state: &Shared, id: &str, tokens: &UserTokens, access_expires_ms: i64, expires_ms: i64) -> SessionRow {
    let plain = serde_json::to_vec(tokens).expect("tokens serialise");
    SessionRow {
        sealed_tokens: state.sealer.seal(&stored(id), &plain),
        access_expires_ms,
        expires_ms,
    }
}

/// `return_url` with `kasseLogin=outcome`, so the widget can say what happened.
fn with_marker(return_url: &str, outcome: &str) -> String {
    match url::Url::parse(return_url) {
        Ok(mut u) => {
            u.query_pairs_mut().append_pair("kasseLogin", outcome);
            u.into()
        }
        Err(_) => return_url.to_owned(),
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The reader's current tokens for the session the request carries, refreshed when about to
/// expire. `None`: no session, or one that ended (it is then forgotten).
pub(crate) async fn current_tokens(state: &Shared, headers: &HeaderMap) -> Result<Option<UserTokens>, ApiError> {
    let Ok((c, login)) = settings(state) else {
        return Ok(None);
    };
    let Some(id) = cookie::session_id(headers, login.secure_cookie()) else {
        return Ok(None);
    };
    let key = stored(&id);
    let now = now_ms();
    let Some(row) = state.sessions.session_get(&key, now).await? else {
        return Ok(None);
    };
    let Some(tokens) = state
        .sealer
        .open(&key, &row.sealed_tokens)
        .and_then(|plain| serde_json::from_slice::<UserTokens>(&plain).ok())
    else {
        state.sessions.session_delete(&key).await?;
        return Ok(None);
    };
    if row.access_expires_ms > now + REFRESH_MARGIN_MS {
        return Ok(Some(tokens));
    }
    let Some(refresh_token) = tokens.refresh_token.as_deref() else {
        state.sessions.session_delete(&key).await?;
        return Ok(None);
    };
    match login::refresh(&state.http, c, refresh_token).await {
        Ok(mut granted) => {
            // A refresh answer without a new refresh token keeps the old one.
            if granted.tokens.refresh_token.is_none() {
                granted.tokens.refresh_token = tokens.refresh_token.clone();
            }
            let row = seal_row(
                state,
                &id,
                &granted.tokens,
                now + granted.lifetime.as_millis() as i64,
                row.expires_ms,
            );
            state.sessions.session_put(&key, &row, now).await?;
            tracing::info!("reader session refreshed");
            Ok(Some(granted.tokens))
        }
        Err(LoginError::Refused(_)) => {
            state.sessions.session_delete(&key).await?;
            Ok(None)
        }
        Err(e) => Err(unavailable(e)),
    }
}

/// The reader's tokens for a call made in their name: `None` without the `Kasse-Session` header
/// (the call is the publisher's, client mode); 401 `login_required` when the header is sent but
/// the session has ended, so the widget asks the reader to log in again rather than ordering in
/// someone's name it no longer knows.
pub(crate) async fn reader_tokens(state: &Shared, headers: &HeaderMap) -> Result<Option<UserTokens>, ApiError> {
    if headers.get(SESSION_HEADER).is_none() {
        return Ok(None);
    }
    require_session_header(headers)?;
    match current_tokens(state, headers).await? {
        Some(tokens) => Ok(Some(tokens)),
        None => Err(login_required()),
    }
}

/// 401 `login_required`: the reader's session is over.
pub(crate) fn login_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "login_required",
        "the reader's session has ended; log in again",
    )
}

fn unavailable(e: LoginError) -> ApiError {
    tracing::warn!(error = %e, "connectid login side unavailable");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "vendor_unavailable",
        "ConnectID did not answer",
    )
    .with_retry_after(2)
}

/// `GET /kasse/v1/session`: whether the reader is logged in, and their details to prefill.
pub(super) async fn session(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_session_header(&headers)?;
    let logged_out = |state: &Shared| {
        let mut response = uncached_json(StatusCode::OK, &SessionInfo::default());
        if let Ok((_, login)) = settings(state) {
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookie::clear(login.secure_cookie()));
        }
        response
    };
    let Some(tokens) = current_tokens(&state, &headers).await? else {
        return Ok(logged_out(&state));
    };
    let (c, _) = settings(&state)?;
    match login::profile(&state.http, c, &tokens.access_token).await {
        Ok(profile) => Ok(uncached_json(
            StatusCode::OK,
            &SessionInfo {
                logged_in: true,
                profile: Some(profile.reader_profile()),
            },
        )),
        Err(LoginError::Refused(_)) => Ok(logged_out(&state)),
        Err(e) => Err(unavailable(e)),
    }
}

/// `POST /kasse/v1/logout`: ends the session here (tokens revoked where configured), clears the
/// cookie, and answers ConnectID's logout page for the widget to send the reader to.
pub(super) async fn logout(
    State(state): State<Shared>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    require_session_header(&headers)?;
    let (c, login) = settings(&state)?;
    let request: LogoutRequest = parse_as(parse_value(&body)?)?;
    allowed_return(&state, &request.return_url, "returnUrl")?;
    if let Some(id) = cookie::session_id(&headers, login.secure_cookie()) {
        let key = stored(&id);
        if let Ok(Some(row)) = state.sessions.session_get(&key, now_ms()).await {
            let tokens = state.sealer.open(&key, &row.sealed_tokens);
            if let Some(tokens) = tokens.and_then(|p| serde_json::from_slice::<UserTokens>(&p).ok()) {
                login::revoke(&state.http, c, login, &tokens).await;
            }
        }
        state.sessions.session_delete(&key).await?;
        tracing::info!("reader logged out");
    }
    let logout_url = login.logout_url.clone().map(|mut u| {
        u.query_pairs_mut()
            .append_pair("clientId", &c.client_id)
            .append_pair("returnUrl", &request.return_url)
            .append_pair("errorUrl", &request.return_url);
        u.to_string()
    });
    let mut response = uncached_json(StatusCode::OK, &LogoutAnswer { logout_url });
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie::clear(login.secure_cookie()));
    Ok(response)
}
