//! The gateway's cookies, the reader's session and a login under way: opaque, server-set,
//! `HttpOnly`, `SameSite=Lax` (a `Strict` cookie is not sent when the reader comes back from the
//! payment page or ConnectID's login), and over https `Secure` with the `__Host-` prefix (no
//! `Domain`, path `/`: no other host can set or read it).

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// The session cookie's name over https.
pub const SECURE_NAME: &str = "__Host-kasse_session";
/// The session cookie's name on a developer's loopback http, where `Secure` cookies are not kept.
pub const LOOPBACK_NAME: &str = "kasse_session";
/// The login cookie: the `state` of the login this browser began, so that only this browser can
/// finish it. Without it, a callback URL from someone else's login (an attacker's, opened by the
/// reader) would log the reader in as that someone, and their order would go to that account.
pub const LOGIN_SECURE_NAME: &str = "__Host-kasse_login";
/// The login cookie's name on loopback http.
pub const LOGIN_LOOPBACK_NAME: &str = "kasse_login";

fn name(secure: bool) -> &'static str {
    if secure {
        SECURE_NAME
    } else {
        LOOPBACK_NAME
    }
}

fn login_name(secure: bool) -> &'static str {
    if secure {
        LOGIN_SECURE_NAME
    } else {
        LOGIN_LOOPBACK_NAME
    }
}

/// `Set-Cookie` for session `id`, living `max_age_secs`.
pub fn set(id: &str, secure: bool, max_age_secs: i64) -> HeaderValue {
    build(name(secure), id, secure, max_age_secs)
}

/// `Set-Cookie` that ends the session cookie.
pub fn clear(secure: bool) -> HeaderValue {
    set("", secure, 0)
}

/// The session id the request's `Cookie` headers carry.
pub fn session_id(headers: &HeaderMap, secure: bool) -> Option<String> {
    read(headers, name(secure))
}

/// `Set-Cookie` for the login begun under `state`, living as long as the login may take.
pub fn set_login(state: &str, secure: bool, max_age_secs: i64) -> HeaderValue {
    build(login_name(secure), state, secure, max_age_secs)
}

/// `Set-Cookie` that ends the login cookie (the login came back, done or not).
pub fn clear_login(secure: bool) -> HeaderValue {
    set_login("", secure, 0)
}

/// The `state` of the login this browser began, from the request's `Cookie` headers.
pub fn login_state(headers: &HeaderMap, secure: bool) -> Option<String> {
    read(headers, login_name(secure))
}

/// `HttpOnly`, path `/`, `SameSite=Lax` (sent on the top-level navigation back from ConnectID).
fn build(name: &str, value: &str, secure: bool, max_age_secs: i64) -> HeaderValue {
    let cookie = Cookie::build((name, value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie of URL-safe characters")
}

fn read(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == wanted && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_reading_back() {
        let set = set("abc_DEF-123", true, 3600);
        let text = set.to_str().unwrap();
        for part in [
            "__Host-kasse_session=abc_DEF-123",
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=3600",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains("Domain"), "{text}");
        let loopback = super::set("x", false, 60);
        assert!(!loopback.to_str().unwrap().contains("Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; __Host-kasse_session=abc_DEF-123"),
        );
        assert_eq!(session_id(&headers, true).as_deref(), Some("abc_DEF-123"));
        assert_eq!(session_id(&headers, false), None, "the loopback name is another cookie");
        assert!(clear(true).to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn the_login_cookie_is_its_own() {
        let text = set_login("state-1", true, 600).to_str().unwrap().to_owned();
        for part in [
            "__Host-kasse_login=state-1",
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-kasse_session=s; __Host-kasse_login=state-1"),
        );
        assert_eq!(login_state(&headers, true).as_deref(), Some("state-1"));
        assert_eq!(session_id(&headers, true).as_deref(), Some("s"));
        assert!(clear_login(true).to_str().unwrap().contains("Max-Age=0"));
    }
}
