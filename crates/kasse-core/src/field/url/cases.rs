//! The cases both [`WebUrl`](super::WebUrl) implementations must pass: natively (this crate's
//! tests) and in a real browser (the widget's `tests/web.rs` calls [`run_all`]).

use super::{check_absolute_https, encode_component, form_pairs, WebUrl};
use crate::error_code::ErrorCode;

/// `check_absolute_https(input)`: the normalised URL, or the error.
pub const CHECKS: &[(&str, Result<&str, ErrorCode>)] = &[
    (
        "https://news.example.no/return?x=1",
        Ok("https://news.example.no/return?x=1"),
    ),
    ("HTTPS://News.Example.NO/a/../b", Ok("https://news.example.no/b")),
    ("https://news.example.no", Ok("https://news.example.no/")),
    ("http://127.0.0.1:8080/r", Ok("http://127.0.0.1:8080/r")),
    ("http://127.1/r", Ok("http://127.0.0.1/r")),
    ("http://localhost/r", Ok("http://localhost/r")),
    ("http://kasse.localhost/r", Ok("http://kasse.localhost/r")),
    ("http://[::1]/r", Ok("http://[::1]/r")),
    ("http://[0:0:0:0:0:0:0:1]:80/r", Ok("http://[::1]/r")),
    ("https://news.example.no:443/", Ok("https://news.example.no/")),
    ("http://news.example.no/", Err(ErrorCode::InsecureUrl)),
    ("http://128.0.0.1/", Err(ErrorCode::InsecureUrl)),
    ("http://127.0.0.1.example.no/", Err(ErrorCode::InsecureUrl)),
    ("http://0x7f000001/", Ok("http://127.0.0.1/")),
    ("http://[::2]/", Err(ErrorCode::InsecureUrl)),
    ("http://[::ffff:127.0.0.1]/", Err(ErrorCode::InsecureUrl)),
    ("http://localhost.evil.com/", Err(ErrorCode::InsecureUrl)),
    ("/relative", Err(ErrorCode::InvalidUrl)),
    ("javascript:alert(1)", Err(ErrorCode::InvalidUrl)),
    ("data:text/html,hi", Err(ErrorCode::InvalidUrl)),
    ("https://good.no@evil.com/", Err(ErrorCode::InvalidUrl)),
    ("https://:pw@evil.com/", Err(ErrorCode::InvalidUrl)),
    ("https://exa mple.no/", Err(ErrorCode::InvalidUrl)),
    ("https://exa%20mple.no/", Err(ErrorCode::InvalidUrl)),
    (
        "https://xn--blbrsyltety-y8ao3x.no/",
        Ok("https://xn--blbrsyltety-y8ao3x.no/"),
    ),
    ("", Err(ErrorCode::Required)),
    ("   ", Err(ErrorCode::Required)),
];

/// `(url, host, port or default, origin)`.
pub const PARTS: &[(&str, &str, Option<u16>, &str)] = &[
    (
        "https://News.example.no/x",
        "news.example.no",
        Some(443),
        "https://news.example.no",
    ),
    (
        "http://localhost:8080/x",
        "localhost",
        Some(8080),
        "http://localhost:8080",
    ),
    ("https://[::1]:8443/", "[::1]", Some(8443), "https://[::1]:8443"),
    // The backslash is a slash to the browser: the host is evil.com, not good.no.
    ("https://evil.com\\@good.no/", "evil.com", Some(443), "https://evil.com"),
    ("https://%65vil.com/", "evil.com", Some(443), "https://evil.com"),
];

/// Query pairs, names and values.
type Pairs = &'static [(&'static str, &'static str)];

/// `(url, pairs appended, result)`.
pub const APPENDS: &[(&str, Pairs, &str)] = &[
    ("https://x.no/p", &[("a", "1")], "https://x.no/p?a=1"),
    ("https://x.no/p?k=v", &[("a", "1")], "https://x.no/p?k=v&a=1"),
    (
        "https://x.no/p",
        &[("returnUrl", "https://a.no/r?x=1&y=2#f"), ("q", "æ ø+å")],
        "https://x.no/p?returnUrl=https%3A%2F%2Fa.no%2Fr%3Fx%3D1%26y%3D2%23f&q=%C3%A6+%C3%B8%2B%C3%A5",
    ),
];

/// `(query, pairs)`.
pub const FORMS: &[(&str, Pairs)] = &[
    ("a=1&b=x+y&c=%C3%A6", &[("a", "1"), ("b", "x y"), ("c", "æ")]),
    ("a&b=&=c", &[("a", ""), ("b", ""), ("", "c")]),
    ("", &[]),
    ("x=1&x=2", &[("x", "1"), ("x", "2")]),
];

/// `(component, encodeURIComponent's answer)`.
pub const COMPONENTS: &[(&str, &str)] = &[
    ("digital-month", "digital-month"),
    ("https://a.no/r?x=1&y=2#f", "https%3A%2F%2Fa.no%2Fr%3Fx%3D1%26y%3D2%23f"),
    ("æ ø+å/%", "%C3%A6%20%C3%B8%2B%C3%A5%2F%25"),
    ("-_.!~*'()", "-_.!~*'()"),
    ("\"<>`{}", "%22%3C%3E%60%7B%7D"),
    ("", ""),
];

/// Runs every case; panics naming the first that fails.
pub fn run_all() {
    for (input, want) in CHECKS {
        let got = check_absolute_https(input).map(|u| u.as_str().to_owned());
        assert_eq!(got.as_deref().map_err(|e| *e), *want, "check_absolute_https({input:?})");
    }
    for (input, host, port, origin) in PARTS {
        let u = WebUrl::parse(input).unwrap_or_else(|| panic!("{input:?} parses"));
        assert_eq!(u.host_str(), Some(*host), "host of {input:?}");
        assert_eq!(u.port_or_known_default(), *port, "port of {input:?}");
        assert_eq!(u.origin(), *origin, "origin of {input:?}");
    }
    for (base, pairs, want) in APPENDS {
        let u = WebUrl::parse(base).unwrap_or_else(|| panic!("{base:?} parses"));
        assert_eq!(u.with_query_pairs(pairs), *want, "{base:?} + {pairs:?}");
    }
    for (query, want) in FORMS {
        let got = form_pairs(query);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, *want, "form_pairs({query:?})");
    }
    for (component, want) in COMPONENTS {
        assert_eq!(encode_component(component), *want, "encode_component({component:?})");
    }
    assert!(WebUrl::parse("https://x.no/?").is_some_and(|u| u.has_query_or_fragment()));
    assert!(WebUrl::parse("https://x.no/#").is_some_and(|u| u.has_query_or_fragment()));
    assert!(WebUrl::parse("https://x.no/a").is_some_and(|u| !u.has_query_or_fragment()));
    assert!(WebUrl::parse("javascript:x").is_some_and(|u| u.host_str().is_none()));
}
