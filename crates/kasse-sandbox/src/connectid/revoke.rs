//! Token revocation (RFC 7009) for the gateway to call server-side when a reader logs out.
//!
//! ConnectID documents only the hosted logout page (`/user/logout`, see `pages::logout`), which
//! ends the reader's session at the vendor. Whether the vendor revokes tokens through an endpoint
//! like this one is not documented: on the gateway's side calling it is configuration (off where
//! the vendor has no such endpoint, the tokens then simply expire). The sandbox offers it so the
//! gateway's "forget this login" path can be tested end to end.

use super::*;

/// `POST /user/oauth/revoke`, form `token=…` (access or refresh token), client authentication as
/// on the token endpoint (Basic or `client_id` + `client_secret`; the secret is required: only a
/// server revokes). 200 also for an unknown or already revoked token (RFC 7009 §2.2), so a retry
/// is harmless; afterwards the token and every token of its login are refused.
pub(super) async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let params = oauth_params(&headers, query, &body);
    let (client_id, secret) = client_credentials(&headers, &params);
    match revoke_token(&state, &params, client_id.as_deref(), secret.as_deref()) {
        Ok(()) => tagged(
            ([(header::CACHE_CONTROL, "no-store")], StatusCode::OK).into_response(),
            client_id.as_deref(),
        ),
        Err(e) => tagged(e.into_response(), client_id.as_deref()),
    }
}

fn revoke_token(
    state: &AppState,
    params: &HashMap<String, String>,
    client_id: Option<&str>,
    secret: Option<&str>,
) -> Result<(), OAuthError> {
    let client = client_id.and_then(|id| state.seed.client(id)).ok_or_else(bad_client)?;
    if secret != Some(client.client_secret.as_str()) {
        return Err(bad_client());
    }
    let token = params
        .get("token")
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", "token is required"))?;
    let Some(row) = state.store.token(token)? else {
        return Ok(());
    };
    // RFC 7009 §2.1: a client may revoke only its own tokens.
    if row.client_id != client.client_id {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the token was issued to another client",
        ));
    }
    state.store.revoke(token)?;
    Ok(())
}
