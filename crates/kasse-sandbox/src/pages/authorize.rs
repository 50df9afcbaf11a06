//! The OAuth authorize endpoint: the login page for the sandbox's test users, and the code it issues.

use super::*;

/// How long an authorization code lives.
pub(super) const CODE_TTL_MS: i64 = 10 * 60 * 1000;

pub(super) fn authorize_error(redirect_uri: &url::Url, error: &str, state_param: Option<&str>) -> Response {
    let mut params = vec![("error", error)];
    if let Some(s) = state_param {
        params.push(("state", s));
    }
    let mut response = redirect(with_query(redirect_uri.clone(), &params));
    response.extensions_mut().insert(ErrorTag(error.to_string()));
    response
}

/// Checks the authorization request; `Err` is the response to send instead of a login page.
pub(super) fn check_authorize(
    state: &AppState,
    p: &HashMap<String, String>,
) -> Result<(String, url::Url), Box<Response>> {
    let client = p
        .get("client_id")
        .and_then(|c| state.seed.client(c))
        .ok_or_else(|| Box::new(error_page(StatusCode::BAD_REQUEST, "unknown client_id")))?;
    // A bad redirect_uri is shown, never redirected to (RFC 6749 §4.1.2.1).
    let redirect_uri = p
        .get("redirect_uri")
        .and_then(|r| absolute_http_url(r))
        .ok_or_else(|| {
            Box::new(error_page(
                StatusCode::BAD_REQUEST,
                "redirect_uri must be an absolute http(s) URL",
            ))
        })?;
    let raw_redirect = p.get("redirect_uri").cloned().unwrap_or_default();
    if !client.redirect_uris.is_empty() && !client.redirect_uris.contains(&raw_redirect) {
        return Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            "redirect_uri is not registered for this client",
        )));
    }
    let state_param = p.get("state").map(String::as_str);
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(Box::new(authorize_error(
            &redirect_uri,
            "unsupported_response_type",
            state_param,
        )));
    }
    // PKCE is optional: ConnectID documents none (its clients hold a secret, and the token
    // endpoint then asks for it), but a challenge that is sent must be a real one (RFC 7636 §4.2).
    if let Some(challenge) = p.get("code_challenge") {
        let method = p.get("code_challenge_method").map(String::as_str).unwrap_or("plain");
        if challenge.len() < 43 || (method != "S256" && method != "plain") {
            return Err(Box::new(authorize_error(&redirect_uri, "invalid_request", state_param)));
        }
    }
    Ok((client.client_id.clone(), redirect_uri))
}

pub(super) const AUTHORIZE_KEYS: [&str; 6] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
];

pub(super) fn login_page(state: &AppState, p: &HashMap<String, String>, error: Option<&str>) -> String {
    let hidden_fields: String = AUTHORIZE_KEYS
        .iter()
        .filter_map(|k| p.get(*k).map(|v| hidden(k, v)))
        .collect();
    let users: String = state
        .seed
        .connectid
        .users
        .iter()
        .map(|u| format!("<li>{} / {}</li>", text(&u.email), text(&u.password)))
        .collect();
    let error_html = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", text(e)))
        .unwrap_or_default();
    page(
        "Log in",
        "ConnectID",
        &format!(
            r#"<h1>Log in</h1>
{error_html}
<form method="post" action="/user/oauth/authorize">
  {hidden_fields}
  <label>E-mail <input type="email" name="email" autocomplete="username"></label>
  <label>Password <input type="password" name="password" autocomplete="current-password"></label>
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="login">Log in</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
  </div>
</form>
<p class="note">Sandbox test users:</p><ul class="note">{users}</ul>"#
        ),
    )
}

pub(super) async fn authorize_page(
    State(state): State<Arc<AppState>>,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    match check_authorize(&state, &p) {
        Err(response) => *response,
        Ok((client_id, _)) => tag(Html(login_page(&state, &p, None)).into_response(), Some(&client_id)),
    }
}

pub(super) async fn authorize_submit(
    State(state): State<Arc<AppState>>,
    Form(p): Form<HashMap<String, String>>,
) -> Response {
    let (client_id, redirect_uri) = match check_authorize(&state, &p) {
        Err(response) => return *response,
        Ok(ok) => ok,
    };
    let state_param = p.get("state").map(String::as_str);
    if p.get("action").map(String::as_str) == Some("cancel") {
        return tag(
            authorize_error(&redirect_uri, "access_denied", state_param),
            Some(&client_id),
        );
    }
    let email = p.get("email").map(String::as_str).unwrap_or_default();
    let password = p.get("password").map(String::as_str).unwrap_or_default();
    let user = match state.store.login(email, password) {
        Ok(Some(user)) => user,
        Ok(None) => {
            let mut response = (
                StatusCode::UNAUTHORIZED,
                Html(login_page(&state, &p, Some("Wrong e-mail or password."))),
            )
                .into_response();
            response.extensions_mut().insert(ErrorTag("login failed".into()));
            return tag(response, Some(&client_id));
        }
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let code = random_token();
    let row = CodeRow {
        client_id: client_id.clone(),
        redirect_uri: p.get("redirect_uri").cloned().unwrap_or_default(),
        // No challenge: stored empty, and the token endpoint wants the client secret instead.
        challenge: p.get("code_challenge").cloned().unwrap_or_default(),
        method: p
            .get("code_challenge_method")
            .cloned()
            .unwrap_or_else(|| "plain".into()),
        unique_user_id: user,
        expires_ms: now_ms() + CODE_TTL_MS,
    };
    if let Err(e) = state.store.insert_code(&code, &row) {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = state_param {
        params.push(("state", s));
    }
    tag(redirect(with_query(redirect_uri, &params)), Some(&client_id))
}
