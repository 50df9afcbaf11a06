//! S4's token endpoint (client credentials per tenant).

use super::*;

pub(super) async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let params = oauth_params(&headers, query, &body);
    let (client_id, secret) = client_credentials(&headers, &params);
    let tag = |mut r: Response| {
        if let Some(c) = &client_id {
            r.extensions_mut().insert(ClientTag(c.clone()));
        }
        r
    };
    if params.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return tag(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported",
        )
        .into_response());
    }
    let client = client_id.as_deref().and_then(|c| state.seed.s4_client(c));
    let Some(client) = client.filter(|c| secret.as_deref() == Some(c.client_secret.as_str())) else {
        return tag(
            OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client credentials").into_response(),
        );
    };
    let ttl = state.config.s4_token_ttl.as_secs();
    let token = random_token();
    if let Err(e) = state
        .store
        .insert_token(&token, kind::S4, &client.client_id, None, now_ms() + ttl as i64 * 1000)
    {
        return tag(OAuthError::from(e).into_response());
    }
    tag((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl})),
    )
        .into_response())
}
