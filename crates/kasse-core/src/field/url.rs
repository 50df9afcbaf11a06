//! Absolute URLs a vendor sends the reader to (or back from).

use crate::error_code::ErrorCode;

/// An absolute `https` URL; `http` only for a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`)
/// so the demo and tests can run without certificates. Parsed with the WHATWG parser the browser
/// uses; refuses user info (`https://good@evil`), which only serves to disguise a host.
pub fn check_absolute_https(s: &str) -> Result<url::Url, ErrorCode> {
    if s.trim().is_empty() {
        return Err(ErrorCode::Required);
    }
    let u = url::Url::parse(s).map_err(|_| ErrorCode::InvalidUrl)?;
    if !u.username().is_empty() || u.password().is_some() || u.host().is_none() {
        return Err(ErrorCode::InvalidUrl);
    }
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(ErrorCode::InsecureUrl),
        _ => Err(ErrorCode::InvalidUrl),
    }
}

/// Whether a parsed URL's host is loopback.
fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_absolute_https("https://news.example.no/return?x=1").is_ok());
        assert!(check_absolute_https("http://127.0.0.1:8080/r").is_ok());
        assert!(check_absolute_https("http://localhost/r").is_ok());
        assert!(check_absolute_https("http://[::1]/r").is_ok());
        assert_eq!(
            check_absolute_https("http://news.example.no/").unwrap_err(),
            ErrorCode::InsecureUrl
        );
        assert_eq!(check_absolute_https("/relative").unwrap_err(), ErrorCode::InvalidUrl);
        assert_eq!(
            check_absolute_https("javascript:alert(1)").unwrap_err(),
            ErrorCode::InvalidUrl
        );
        assert_eq!(
            check_absolute_https("https://good.no@evil.com/").unwrap_err(),
            ErrorCode::InvalidUrl
        );
        assert_eq!(check_absolute_https("").unwrap_err(), ErrorCode::Required);
    }
}
