//! Checks of the URLs in the configuration: origins and return-URL prefixes.

use url::Url;

/// `https://www.avis.no/` → `https://www.avis.no`; `None` for anything that is not an origin.
pub fn normalize_origin(text: &str) -> Option<String> {
    let u = Url::parse(text.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || !u.has_host() {
        return None;
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return None;
    }
    Some(u.origin().ascii_serialization())
}

/// A prefix is safe when it is an absolute http(s) URL whose text goes on past the host into the
/// path (`https://avis.no/`), so a prefix match cannot be fooled by a longer host name.
pub(super) fn prefix_is_safe(prefix: &str) -> bool {
    let Ok(u) = Url::parse(prefix) else { return false };
    if !matches!(u.scheme(), "http" | "https") || !u.has_host() {
        return false;
    }
    // A prefix ends in `/`: `https://www.avis.no/kasse` would also let `/kassex…` through.
    let after_scheme = &prefix[u.scheme().len() + 3..];
    after_scheme.contains('/') && prefix.ends_with('/') && u.as_str() == prefix
}

/// The origin of a URL (`https://connectid.no`), for CSP `form-action`.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}
