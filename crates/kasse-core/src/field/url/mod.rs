//! Absolute URLs a vendor sends the reader to (or back from), parsed with the WHATWG URL
//! algorithm the browser uses: the host checked against an allowlist is then exactly the host the
//! browser navigates to (a parser that disagrees with the browser on `\`, user info or
//! percent-encoded hosts is the classic open-redirect bypass).
//!
//! Two implementations of one small API, [`WebUrl`]: natively the `url` crate; in the browser
//! (wasm32) the browser's own `URL` and `URLSearchParams`, so the widget's bundle carries no URL
//! parser. Both pass the same cases ([`cases`]): natively in this crate's tests, in a real browser
//! in the widget's `tests/web.rs`.

use crate::error_code::ErrorCode;

#[doc(hidden)]
pub mod cases;

#[cfg(target_arch = "wasm32")]
#[path = "browser.rs"]
mod imp;
#[cfg(not(target_arch = "wasm32"))]
#[path = "native.rs"]
mod imp;

/// A parsed absolute URL: the parts Kasse reads, and appending query pairs.
#[derive(Clone, Debug)]
pub struct WebUrl(imp::Inner);

impl WebUrl {
    /// Parses an absolute URL; `None` when it is not one.
    pub fn parse(s: &str) -> Option<WebUrl> {
        imp::Inner::parse(s).map(WebUrl)
    }

    /// The serialized (normalised) URL.
    pub fn as_str(&self) -> &str {
        self.0.href()
    }

    /// `https`, `http`, `javascript`…
    pub fn scheme(&self) -> &str {
        self.0.scheme()
    }

    /// The host as the URL serializes it (`news.example.no`, `127.0.0.1`, `[::1]`); `None` when
    /// the URL has none (`javascript:`, `mailto:`).
    pub fn host_str(&self) -> Option<&str> {
        Some(self.0.host()).filter(|h| !h.is_empty())
    }

    /// The port, or the scheme's default (80, 443).
    pub fn port_or_known_default(&self) -> Option<u16> {
        self.0.port().or(match self.scheme() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        })
    }

    /// Whether the URL carries a user name or password (`https://good@evil`).
    pub fn has_userinfo(&self) -> bool {
        self.0.has_userinfo()
    }

    /// Whether the URL has a query (even an empty `?`) or a fragment.
    pub fn has_query_or_fragment(&self) -> bool {
        self.0.has_query_or_fragment()
    }

    /// `scheme://host[:port]`, or `null` for a URL without an origin.
    pub fn origin(&self) -> String {
        self.0.origin()
    }

    /// The URL with `pairs` appended to its query, form-encoded.
    pub fn with_query_pairs(&self, pairs: &[(&str, &str)]) -> String {
        self.0.with_query_pairs(pairs)
    }
}

/// `s` percent-encoded as one URL component, as JavaScript's `encodeURIComponent` does: every
/// byte but ASCII letters, digits and `-_.!~*'()` (a value put into a path or query by hand).
pub fn encode_component(s: &str) -> String {
    imp::encode_component(s)
}

/// The pairs of an `application/x-www-form-urlencoded` query (no leading `?`), decoded, in order.
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    imp::form_pairs(query)
}

/// An absolute `https` URL; `http` only for a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`)
/// so the demo and tests can run without certificates. Refuses user info
/// (`https://good@evil`), which only serves to disguise a host.
pub fn check_absolute_https(s: &str) -> Result<WebUrl, ErrorCode> {
    if s.trim().is_empty() {
        return Err(ErrorCode::Required);
    }
    let u = WebUrl::parse(s).ok_or(ErrorCode::InvalidUrl)?;
    if u.has_userinfo() || !u.host_str().is_some_and(is_plain_host) {
        return Err(ErrorCode::InvalidUrl);
    }
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(ErrorCode::InsecureUrl),
        _ => Err(ErrorCode::InvalidUrl),
    }
}

/// Whether a parsed host is a plain DNS name (letters, digits, `-`, `_`, `.`; IDNs in punycode)
/// or an IP literal. Browsers differ from the spec at the edges (Chromium keeps a space in a host
/// as `%20`, the spec refuses it): a vendor URL has no business there, so neither parser decides.
fn is_plain_host(host: &str) -> bool {
    // An IPv6 literal the parser accepted, in its serialization.
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
    }
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether a parsed URL's host is loopback. Read from the parser's serialization, which is
/// canonical (WHATWG): an IPv4 host is four decimal numbers (`127.1` → `127.0.0.1`), an IPv6 host
/// is compressed (`[0:0:0:0:0:0:0:1]` → `[::1]`), names are lower-case. So no IP parser is needed
/// (the widget's bundle then carries none).
fn is_loopback(u: &WebUrl) -> bool {
    let Some(host) = u.host_str() else { return false };
    let ipv4 = host.split('.').count() == 4 && host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    match host {
        "[::1]" => true,
        _ if ipv4 => host.starts_with("127."),
        _ => host == "localhost" || host.ends_with(".localhost"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_case_natively() {
        super::cases::run_all();
    }
}
