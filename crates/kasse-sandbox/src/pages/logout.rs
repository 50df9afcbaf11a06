//! ConnectID's hosted logout page: the browser is sent to `/user/logout?clientId&returnUrl&errorUrl`
//! (camelCase, like the other hosted pages) and comes back to `returnUrl`.
//!
//! This is the only logout the vendor documents. The sandbox has no browser session (its login page
//! sets no cookie), so there is nothing to end here: the logout is recorded
//! (`GET /__sandbox/logouts`) and the reader sent back. Revoking a login's tokens is the gateway's
//! server-side call to `POST /user/oauth/revoke`, see `connectid::revoke`.

use super::*;

/// The logout parameters as the client sends them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogoutParams {
    client_id: Option<String>,
    return_url: Option<String>,
    error_url: Option<String>,
}

/// `GET /user/logout`: 302 to `returnUrl`. A bad `returnUrl` or `errorUrl` (not absolute http(s))
/// or an unknown `clientId` is shown as an error page, never redirected to.
pub(super) async fn logout_page(State(state): State<Arc<AppState>>, Query(p): Query<LogoutParams>) -> Response {
    let Some(return_url) = p.return_url.as_deref().and_then(absolute_http_url) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "returnUrl is required and must be an absolute http(s) URL",
        );
    };
    if p.error_url
        .as_deref()
        .is_some_and(|e| !e.is_empty() && absolute_http_url(e).is_none())
    {
        return error_page(StatusCode::BAD_REQUEST, "errorUrl must be an absolute http(s) URL");
    }
    let Some(client) = p.client_id.as_deref().and_then(|c| state.seed.client(c)) else {
        return error_page(StatusCode::BAD_REQUEST, "unknown clientId");
    };
    if let Err(e) = state.store.insert_logout(&client.client_id, return_url.as_str()) {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    // 302, as a hosted page answers a plain GET (the fulfillment page's 303 follows a form post).
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = header::HeaderValue::from_str(return_url.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    tag(response, Some(&client.client_id))
}
