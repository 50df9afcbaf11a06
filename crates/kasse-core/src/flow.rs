//! The four order-registration flows (seed `002_…txt`), the fulfillment URL and its return.

use serde::{Deserialize, Serialize};

use crate::method::PaymentMethod;
use crate::offer::Offer;
use crate::validate::{check_absolute_https, ErrorCode};

/// Seed 002's flows: prepaid × logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Flow {
    /// Not prepaid, logged in: `POST /v1/order` (user token), then fulfillment redirect.
    #[serde(rename = "1a")]
    OneA,
    /// Not prepaid, not logged in: `POST /v1/client/order`, fulfillment redirect, assign user.
    #[serde(rename = "1b")]
    OneB,
    /// Prepaid, logged in: `POST /v1/order`, complete by API.
    #[serde(rename = "2a")]
    TwoA,
    /// Prepaid, not logged in: `POST /v1/client/order`, complete by API, assign user.
    #[serde(rename = "2b")]
    TwoB,
}

impl Flow {
    /// The seed's name (`"1a"`).
    pub fn name(self) -> &'static str {
        match self {
            Flow::OneA => "1a",
            Flow::OneB => "1b",
            Flow::TwoA => "2a",
            Flow::TwoB => "2b",
        }
    }

    /// Whether the order is prepaid in this flow.
    pub fn prepaid(self) -> bool {
        matches!(self, Flow::TwoA | Flow::TwoB)
    }

    /// Whether the reader is logged in in this flow.
    pub fn logged_in(self) -> bool {
        matches!(self, Flow::OneA | Flow::TwoA)
    }

    /// The register-order path: the user-mode endpoint with the reader's token when logged in,
    /// the client-mode endpoint otherwise.
    pub fn register_path(self) -> &'static str {
        if self.logged_in() {
            "/v1/order"
        } else {
            "/v1/client/order"
        }
    }
}

/// What happens after the order is registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// Send the reader to the fulfillment URL (interactive payment).
    RedirectToFulfillment,
    /// `POST /v1/client/order/fulfillment` (prepaid or no reader interaction).
    CompleteByApi,
    /// `POST /v1/client/order/{orderId}/user` (reader not logged in; digital access).
    AssignUser,
}

/// Seed 002's table: prepaid × logged in.
pub fn decide_flow(prepaid: bool, logged_in: bool) -> Flow {
    match (prepaid, logged_in) {
        (false, true) => Flow::OneA,
        (false, false) => Flow::OneB,
        (true, true) => Flow::TwoA,
        (true, false) => Flow::TwoB,
    }
}

/// The steps after registration, in order.
///
/// Seed 002: flows 1a/1b complete by redirect, 2a/2b by API; 1b/2b then assign the user. One
/// refinement from the reference ("Fulfillment by API"): a not-prepaid order whose method has no
/// interactive payment (`invoice`, `sms`, `other`) completes by API too — the redirect is "not for
/// `other` or `sms`", and invoice "may also be completed by the API".
pub fn next_steps(flow: Flow, method: PaymentMethod) -> Vec<Step> {
    let complete = if flow.prepaid() || !method.is_interactive() {
        Step::CompleteByApi
    } else {
        Step::RedirectToFulfillment
    };
    let mut steps = vec![complete];
    if !flow.logged_in() {
        steps.push(Step::AssignUser);
    }
    steps
}

/// The flow and steps for an offer: as [`next_steps`], without "assign user" when the offer opens
/// no locked digital content (seed 002: the step "is only relevant if the registered order gives
/// access to locked digital content").
pub fn plan(offer: &Offer, method: PaymentMethod, logged_in: bool) -> (Flow, Vec<Step>) {
    let flow = decide_flow(offer.prepaid, logged_in);
    let mut steps = next_steps(flow, method);
    if !offer.digital_access {
        steps.retain(|s| *s != Step::AssignUser);
    }
    (flow, steps)
}

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
            UrlError::HostNotAllowed(h) => write!(f, "host {h:?} is not on the allowlist"),
            UrlError::MissingClientId => f.write_str("clientId is blank"),
        }
    }
}

impl std::error::Error for UrlError {}

/// Whether `host` (with its port, if the allowlist entry names one) is allowed. An entry is a host
/// (`news.example.no`, any port), a host with port (`localhost:8080`), or `*.example.no` for any
/// subdomain (not the apex). Comparison is case-insensitive.
pub fn host_allowed(u: &url::Url, allowed_hosts: &[&str]) -> bool {
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
            Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
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
    let mut base = check_absolute_https(base).map_err(UrlError::InvalidBase)?;
    if base.query().is_some() || base.fragment().is_some() {
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
    base.query_pairs_mut()
        .append_pair("clientId", client_id)
        .append_pair("orderId", &order_id.to_string())
        // The parsed (normalised) form: what the browser would send after following the link.
        .append_pair("returnUrl", ret.as_str())
        .append_pair("errorUrl", err.as_str());
    Ok(base.into())
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
        None if s.contains("://") => "",
        None => s,
    };
    let query = query.split('#').next().unwrap_or("");
    let mut status: Option<FulfillmentStatus> = None;
    let mut conflict = false;
    let mut order_id: Option<i64> = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "fulfillmentStatus" => {
                let st = match v.as_ref() {
                    "success" => FulfillmentStatus::Success,
                    "cancel" => FulfillmentStatus::Cancel,
                    "error" => FulfillmentStatus::Error,
                    _ => FulfillmentStatus::Unknown,
                };
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
        status: if conflict { FulfillmentStatus::Unknown } else { status.unwrap_or(FulfillmentStatus::Unknown) },
        order_id,
    }
}

/// The status only; see [`parse_fulfillment_return_full`].
pub fn parse_fulfillment_return(query_or_url: &str) -> FulfillmentStatus {
    parse_fulfillment_return_full(query_or_url).status
}
