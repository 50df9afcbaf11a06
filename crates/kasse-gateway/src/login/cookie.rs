//! The session cookie: opaque, server-set, `HttpOnly`, `SameSite=Lax` (a `Strict` cookie is not
//! sent when the reader comes back from the payment page or ConnectID's login), and over https
//! `Secure` with the `__Host-` prefix (no `Domain`, path `/`: no other host can set or read it).

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// The cookie's name over https.
pub const SECURE_NAME: &str = "__Host-kasse_session";
/// The cookie's name on a developer's loopback http, where `Secure` cookies are not kept.
pub const LOOPBACK_NAME: &str = "kasse_session";

fn name(secure: bool) -> &'static str {
    if secure {
        SECURE_NAME
    } else {
        LOOPBACK_NAME
    }
}

/// `Set-Cookie` for session `id`, living `max_age_secs`.
pub fn set(id: &str, secure: bool, max_age_secs: i64) -> HeaderValue {
    let cookie = Cookie::build((name(secure), id.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie of URL-safe characters")
}

/// `Set-Cookie` that ends the session cookie.
pub fn clear(secure: bool) -> HeaderValue {
    set("", secure, 0)
}

/// The session id the request's `Cookie` headers carry.
pub fn session_id(headers: &HeaderMap, secure: bool) -> Option<String> {
    let wanted = name(secure);
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
}
