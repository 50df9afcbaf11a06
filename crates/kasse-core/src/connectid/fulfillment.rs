//! The hosted fulfillment page: the URL the reader is sent to, and what their return says.

use serde::{Deserialize, Serialize};

use crate::error_code::ErrorCode;
use crate::field::{check_absolute_https, form_pairs, WebUrl};

/// Why a fulfillment URL was not built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// The base URL is not absolute https (http only on loopback), or has a query or fragment.
    InvalidBase(ErrorCode),
    /// `returnUrl` is not absolute https (http only on loopback).
    InvalidReturnUrl(ErrorCode),
    /// `errorUrl` is not absolute https (http only on loopback).
    InvalidErrorUrl(ErrorCode),
    /// A return or error URL points at a host outside the allowlist.
    HostNotAllowed(String),
    /// Blank client id.
    MissingClientId,
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::InvalidBase(c) => write!(f, "fulfillment base URL refused: {c}"),
            UrlError::InvalidReturnUrl(c) => write!(f, "returnUrl refused: {c}"),
            UrlError::InvalidErrorUrl(c) => write!(f, "errorUrl refused: {c}"),
            // Not `{h:?}`: the shipped widget is built without Debug formatting (xtask's
            // size_std), which would leave the host out. No escaping needed: the host comes out of
            // the URL parser (ASCII, IDNA-encoded, no spaces or control characters).
            UrlError::HostNotAllowed(h) => write!(f, "host \"{h}\" is not on the allowlist"),
            UrlError::MissingClientId => f.write_str("clientId is blank"),
        }
    }
}

impl std::error::Error for UrlError {}

/// Whether `host` (with its port, if the allowlist entry names one) is allowed. An entry is a host
/// (`news.example.no`, any port), a host with port (`localhost:8080`), or `*.example.no` for any
/// subdomain (not the apex). Comparison is case-insensitive.
pub fn host_allowed(u: &WebUrl, allowed_hosts: &[&str]) -> bool {
    let Some(host) = u.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let port = u.port_or_known_default();
    allowed_hosts.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        let (h, p) = match entry.rsplit_once(':') {
            // `[::1]:8080` or `host:8080`; an IPv6 literal without port ends with `]`.
            Some((h, p)) if !p.contains(']') && p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() => {
                (h.to_owned(), p.parse::<u16>().ok())
            }
            _ => (entry.clone(), None),
        };
        let host_ok = match h.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1 && host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'))
            }
            None => host == h,
        };
        host_ok && p.is_none_or(|p| Some(p) == port)
    })
}

/// Builds `base?clientId=…&orderId=…&returnUrl=…&errorUrl=…`, every value percent-encoded, after
/// checking that `base` is absolute https and that both return URLs are absolute https on an
/// allowed host (so nobody can make the vendor's page bounce the reader to a site of theirs).
pub fn fulfillment_url(
    base: &str,
    client_id: &str,
    order_id: i64,
    return_url: &str,
    error_url: &str,
    allowed_hosts: &[&str],
) -> Result<String, UrlError> {
    let base = check_absolute_https(base).map_err(UrlError::InvalidBase)?;
    if base.has_query_or_fragment() {
        return Err(UrlError::InvalidBase(ErrorCode::InvalidUrl));
    }
    if client_id.trim().is_empty() {
        return Err(UrlError::MissingClientId);
    }
    let ret = check_absolute_https(return_url).map_err(UrlError::InvalidReturnUrl)?;
    let err = check_absolute_https(error_url).map_err(UrlError::InvalidErrorUrl)?;
    for u in [&ret, &err] {
        if !host_allowed(u, allowed_hosts) {
            return Err(UrlError::HostNotAllowed(u.host_str().unwrap_or("").to_owned()));
        }
    }
    Ok(base.with_query_pairs(&[
        ("clientId", client_id),
        ("orderId", &crate::decimal::decimal(order_id)),
        // The parsed (normalised) form: what the browser would send after following the link.
        ("returnUrl", ret.as_str()),
        ("errorUrl", err.as_str()),
    ]))
}

/// `fulfillmentStatus` on the way back to `returnUrl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FulfillmentStatus {
    /// Paid / fulfilled.
    Success,
    /// The reader cancelled.
    Cancel,
    /// The payment failed.
    Error,
    /// Missing, unreadable or any other value: the order stopped, state unknown.
    Unknown,
}

impl FulfillmentStatus {
    /// One `fulfillmentStatus` value, decoded: `success`, `cancel`, `error`; anything else is
    /// `Unknown`.
    pub fn from_wire(value: &str) -> FulfillmentStatus {
        match value {
            "success" => FulfillmentStatus::Success,
            "cancel" => FulfillmentStatus::Cancel,
            "error" => FulfillmentStatus::Error,
            _ => FulfillmentStatus::Unknown,
        }
    }
}

/// What the reader brought back to `returnUrl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentReturn {
    /// The status.
    pub status: FulfillmentStatus,
    /// `orderId`, when present and numeric.
    pub order_id: Option<i64>,
}

/// Reads a return: a full URL, a `?query`, or a bare query string. Only the query is read (not
/// the fragment). A missing, repeated-and-conflicting or unknown `fulfillmentStatus` is `Unknown`:
/// only an unambiguous `success` counts as paid.
pub fn parse_fulfillment_return_full(query_or_url: &str) -> FulfillmentReturn {
    let s = query_or_url.trim();
    let query = match s.find('?') {
        Some(i) => &s[i + 1..],
        // A URL without a query. Bytes, not `contains("://")`: the substring search's two-way
        // algorithm would be linked into the widget for this one test.
        None if s.as_bytes().windows(3).any(|w| w == b"://") => "",
        None => s,
    };
    let query = query.split('#').next().unwrap_or("");
    let mut status: Option<FulfillmentStatus> = None;
    let mut conflict = false;
    let mut order_id: Option<i64> = None;
    for (k, v) in form_pairs(query) {
        match k.as_str() {
            "fulfillmentStatus" => {
                let st = FulfillmentStatus::from_wire(&v);
                match status {
                    Some(prev) if prev != st => conflict = true,
                    _ => status = Some(st),
                }
            }
            "orderId" if order_id.is_none() => order_id = v.parse().ok(),
            _ => {}
        }
    }
    FulfillmentReturn {
        status: if conflict {
            FulfillmentStatus::Unknown
        } else {
            status.unwrap_or(FulfillmentStatus::Unknown)
        },
        order_id,
    }
}

/// The status only; see [`parse_fulfillment_return_full`].
pub fn parse_fulfillment_return(query_or_url: &str) -> FulfillmentStatus {
    parse_fulfillment_return_full(query_or_url).status
}
