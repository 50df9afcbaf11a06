//! The OAuth token endpoint: client credentials, authorization code (with the client secret, or
//! PKCE for a public client), refresh.

use super::*;
use crate::seed::Client;

/// OAuth parameters from the query string, a form body or a JSON body (clients differ).
pub fn oauth_params(headers: &HeaderMap, query: HashMap<String, String>, body: &[u8]) -> HashMap<String, String> {
    let mut params = query;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            for (k, v) in map {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                params.insert(k, text);
            }
        }
    } else {
        for (k, v) in url::form_urlencoded::parse(body) {
            params.insert(k.into_owned(), v.into_owned());
        }
    }
    params
}

/// The token of `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Client id and secret from `Authorization: Basic` or the parameters.
pub fn client_credentials(headers: &HeaderMap, params: &HashMap<String, String>) -> (Option<String>, Option<String>) {
    match basic_credentials(headers) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (params.get("client_id").cloned(), params.get("client_secret").cloned()),
    }
}

/// `Authorization: Basic base64(id:secret)`; RFC 6749 §2.3.1: id and secret are form-encoded
/// before Base64.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// The token endpoint's success answer.
pub(super) fn token_response(token: &str, ttl_secs: u64, refresh: Option<&str>, client_id: &str) -> Response {
    let mut body = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl_secs,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    let mut response = ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response();
    response.extensions_mut().insert(ClientTag(client_id.to_string()));
    response
}

/// Tags a response with the client for the request log.
pub(super) fn tagged(mut response: Response, client_id: Option<&str>) -> Response {
    if let Some(c) = client_id {
        response.extensions_mut().insert(ClientTag(c.to_string()));
    }
    response
}

/// `POST /user/oauth/token`: client credentials, authorization code (PKCE), refresh token.
pub(super) async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let params = oauth_params(&headers, query, &body);
    let (client_id, secret) = client_credentials(&headers, &params);
    let result = issue_token(&state, &params, client_id.as_deref(), secret.as_deref());
    match result {
        Ok(response) => response,
        Err(e) => tagged(e.into_response(), client_id.as_deref()),
    }
}

/// Dispatches on `grant_type`; every grant names a known client first.
pub(super) fn issue_token(
    state: &AppState,
    params: &HashMap<String, String>,
    client_id: Option<&str>,
    secret: Option<&str>,
) -> Result<Response, OAuthError> {
    let grant = params.get("grant_type").map(String::as_str).unwrap_or("");
    let client = client_id.and_then(|id| state.seed.client(id)).ok_or_else(bad_client)?;
    match grant {
        "client_credentials" => client_token(state, client, secret),
        "authorization_code" | "refresh_token" => {
            // A public client (the browser) proves itself with PKCE instead of a secret; a secret,
            // when sent, must still be right.
            if secret.is_some_and(|s| s != client.client_secret) {
                return Err(bad_client());
            }
            let confidential = secret.is_some();
            let (user_id, grant_id) = if grant == "authorization_code" {
                // A new login: its tokens, and every pair refreshed from them, share one grant.
                (
                    user_of_code(state, params, &client.client_id, confidential)?,
                    random_token(),
                )
            } else {
                user_of_refresh_token(state, params, &client.client_id)?
            };
            user_tokens(state, &client.client_id, &user_id, &grant_id)
        }
        "" => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        )),
        other => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant type: {other}"),
        )),
    }
}

/// `client_credentials`: the client's secret buys a client token (no refresh token).
fn client_token(state: &AppState, client: &Client, secret: Option<&str>) -> Result<Response, OAuthError> {
    if secret != Some(client.client_secret.as_str()) {
        return Err(bad_client());
    }
    let ttl = state.config.token_ttl.as_secs();
    let token = random_token();
    state.store.insert_token(
        &token,
        kind::CLIENT,
        &client.client_id,
        None,
        now_ms() + ttl as i64 * 1000,
    )?;
    Ok(token_response(&token, ttl, None, &client.client_id))
}

pub(super) fn bad_client() -> OAuthError {
    OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client credentials")
}

/// `authorization_code`: the single-use code, issued to this client for this redirect URI. A code
/// asked for with a PKCE challenge needs the verifier; one without needs the client secret.
/// ConnectID documents no PKCE: its clients are confidential (the secret on a server) and `state`
/// is their CSRF defence, so a code without a challenge is the vendor's ordinary case.
fn user_of_code(
    state: &AppState,
    params: &HashMap<String, String>,
    client_id: &str,
    confidential: bool,
) -> Result<String, OAuthError> {
    let invalid = |d: &str| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", d);
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", "code is required"))?;
    let row = state
        .store
        .take_code(code)?
        .ok_or_else(|| invalid("Invalid authorization code"))?;
    if row.expires_ms <= now_ms() {
        return Err(invalid("Authorization code expired"));
    }
    if row.client_id != client_id {
        return Err(invalid("Authorization code was issued to another client"));
    }
    if params.get("redirect_uri") != Some(&row.redirect_uri) {
        return Err(invalid("Redirect URI mismatch"));
    }
    if row.challenge.is_empty() {
        if !confidential {
            return Err(bad_client());
        }
        return Ok(row.unique_user_id);
    }
    let verifier = params
        .get("code_verifier")
        .ok_or_else(|| invalid("code_verifier is required (PKCE)"))?;
    if !pkce_matches(&row.method, &row.challenge, verifier) {
        return Err(invalid("PKCE verification failed"));
    }
    Ok(row.unique_user_id)
}

/// `refresh_token`: a live refresh token of this client; its user and grant.
fn user_of_refresh_token(
    state: &AppState,
    params: &HashMap<String, String>,
    client_id: &str,
) -> Result<(String, String), OAuthError> {
    let refresh = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", "refresh_token is required"))?;
    let row = state
        .store
        .token(refresh)?
        .filter(|r| r.kind == kind::REFRESH && r.client_id == client_id)
        .ok_or_else(|| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid refresh token"))?;
    if row.expires_ms <= now_ms() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Refresh token expired",
        ));
    }
    // A refresh token from before grants were kept (a file database) starts a grant of its own.
    let grant_id = state.store.grant_of(refresh)?.unwrap_or_else(random_token);
    Ok((row.unique_user_id.unwrap_or_default(), grant_id))
}

/// A user access token and a refresh token for `user_id`, both in the grant (login) `grant_id`.
fn user_tokens(state: &AppState, client_id: &str, user_id: &str, grant_id: &str) -> Result<Response, OAuthError> {
    let ttl = state.config.token_ttl.as_secs();
    let now = now_ms();
    let token = random_token();
    state
        .store
        .insert_token(&token, kind::USER, client_id, Some(user_id), now + ttl as i64 * 1000)?;
    let refresh = random_token();
    let refresh_ttl = state.config.refresh_ttl.as_millis() as i64;
    state
        .store
        .insert_token(&refresh, kind::REFRESH, client_id, Some(user_id), now + refresh_ttl)?;
    state.store.insert_grant_token(&token, grant_id)?;
    state.store.insert_grant_token(&refresh, grant_id)?;
    Ok(token_response(&token, ttl, Some(&refresh), client_id))
}

/// RFC 7636: `S256` compares BASE64URL(SHA256(verifier)) with the challenge; `plain` compares as is.
pub fn pkce_matches(method: &str, challenge: &str, verifier: &str) -> bool {
    match method {
        "S256" => {
            let digest = Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
        }
        "plain" => verifier == challenge,
        _ => false,
    }
}
