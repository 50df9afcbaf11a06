//! Does an order that arrived from a browser buy exactly what the offer sells?
//!
//! The widget builds the vendor payload in the browser, so the gateway must not trust it: these
//! checks compare every field that affects price, product, access or payment with the offer from
//! the gateway's own catalog. Each check also runs the payload's validation, so one call returns
//! every problem.

mod connectid;
mod s4;

pub use connectid::{check_order_against_offer, MAX_CAMPAIGN_PARAMETERS};
pub use s4::{check_s4_order_against_offer, check_s4_request_against_offer, S4Expect};

use crate::error_code::{ErrorCode, Errors};
use crate::field::WebUrl;

/// Pushes `UnexpectedField` at `{prefix}{name}` for each field that is present: fields the offer
/// never sets, so a browser must not either.
fn refuse_present(e: &mut Errors, prefix: &str, fields: &[(&str, bool)]) {
    for (name, present) in fields {
        if *present {
            e.push(format!("{prefix}{name}"), ErrorCode::UnexpectedField);
        }
    }
}

/// Whether `candidate` may be sent on: an absolute URL already in the WHATWG parser's normal
/// form (so what was checked is byte for byte what is forwarded), without user info, backslashes,
/// whitespace or control characters, on the origin (scheme, host, port) of one of the prefixes and
/// under its path. A prefix should end in `/`, so `https://news.example.no.evil.com/` cannot pass
/// for `https://news.example.no`; prefixes without a path get one.
pub fn url_has_allowed_prefix(candidate: &str, allowed_prefixes: &[String]) -> bool {
    if candidate
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let Some(c) = WebUrl::parse(candidate) else {
        return false;
    };
    if c.as_str() != candidate || c.has_userinfo() {
        return false;
    }
    allowed_prefixes.iter().any(|prefix| match WebUrl::parse(prefix) {
        Some(p) => c.as_str().starts_with(p.as_str()) && c.origin() == p.origin(),
        None => false,
    })
}
