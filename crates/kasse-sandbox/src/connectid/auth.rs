//! The bearer-token check and per-client rate limit in front of every `/capi/…` endpoint.

use super::*;
use crate::ratelimit::Verdict;

fn set_rate_headers(headers: &mut HeaderMap, remaining: u32, reset: i64) {
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    headers.insert("x-mediaconnect-api-version", HeaderValue::from_static("1"));
}

/// Checks the bearer token (client token for `/capi/v1/client/…`, user token for the user-mode
/// endpoints), then the per-client rate limit.
pub(super) async fn capi_auth(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let user_mode = !request.uri().path().starts_with("/capi/v1/client/");
    let row = match live_token(&state, request.headers(), user_mode) {
        Ok(row) => row,
        Err((error, client_id)) => return tagged(error.into_response(), client_id.as_deref()),
    };
    let verdict = state.limiter.check(&row.client_id, now_ms());
    if !verdict.allowed {
        return rate_limited(&state, verdict, row.client_id);
    }
    request.extensions_mut().insert(Caller {
        client_id: row.client_id.clone(),
        unique_user_id: row.unique_user_id.clone(),
    });
    let mut response = next.run(request).await;
    set_rate_headers(response.headers_mut(), verdict.remaining, verdict.reset_secs);
    response.extensions_mut().insert(ClientTag(row.client_id));
    response
}

/// The caller's live token of the kind the endpoint needs; the error names the client when the
/// token was known but of the wrong kind.
fn live_token(
    state: &AppState,
    headers: &HeaderMap,
    user_mode: bool,
) -> Result<TokenRow, (OAuthError, Option<String>)> {
    let missing = || OAuthError::invalid_token("Full authentication is required: missing bearer token");
    let token = bearer(headers).ok_or_else(|| (missing(), None))?;
    let row = match state.store.token(token) {
        Ok(Some(row)) => row,
        Ok(None) => return Err((OAuthError::invalid_token("Invalid access token"), None)),
        Err(e) => return Err((OAuthError::from(e), None)),
    };
    if row.expires_ms <= now_ms() {
        return Err((OAuthError::invalid_token("Access token expired"), None));
    }
    let wanted = if user_mode { kind::USER } else { kind::CLIENT };
    if row.kind != wanted {
        let what = if user_mode {
            "this endpoint acts for a logged-in user: it needs a user token (authorization code grant)"
        } else {
            "client-mode endpoints need a client-credentials token"
        };
        return Err((OAuthError::invalid_token(what), Some(row.client_id)));
    }
    Ok(row)
}

/// 429 with the vendor's rate-limit headers and `Retry-After`.
fn rate_limited(state: &AppState, verdict: Verdict, client_id: String) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({
            "exceptionType": "RateLimitExceededException",
            "errorMessage": format!(
                "rate limit exceeded ({} calls/s, {} calls/min per client)",
                state.config.rate_per_sec, state.config.rate_per_min
            ),
        })),
    )
        .into_response();
    set_rate_headers(response.headers_mut(), verdict.remaining, verdict.reset_secs);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(verdict.reset_secs));
    response.extensions_mut().insert(ClientTag(client_id));
    response.extensions_mut().insert(ErrorTag("rate limit exceeded".into()));
    response
}
