//! The hosted fulfillment page: the URL Kasse sends the reader to, and the return it reads.

use kasse_core::connectid::{fulfillment_url, parse_fulfillment_return, parse_fulfillment_return_full};
use kasse_core::connectid::{FulfillmentStatus, UrlError};
use kasse_core::error_code::ErrorCode;
use kasse_core::i18n::MessageKey;

const ALLOWED: [&str; 2] = ["news.example.no", "localhost:8080"];

#[test]
fn fulfillment_url_encodes_its_parameters() {
    let allowed = ALLOWED;
    let url = fulfillment_url(
        "https://connectid.no/user/fulfillment",
        "kasse-demo",
        9,
        "https://news.example.no/kasse/return?offer=digi-1m&x=a b",
        "https://news.example.no/kasse/error",
        &allowed,
    )
    .unwrap();
    assert_eq!(
        url,
        "https://connectid.no/user/fulfillment?clientId=kasse-demo&orderId=9\
         &returnUrl=https%3A%2F%2Fnews.example.no%2Fkasse%2Freturn%3Foffer%3Ddigi-1m%26x%3Da%2520b\
         &errorUrl=https%3A%2F%2Fnews.example.no%2Fkasse%2Ferror"
    );
    assert!(fulfillment_url(
        "http://127.0.0.1:8090/user/fulfillment",
        "c",
        1,
        "http://localhost:8080/r",
        "http://localhost:8080/e",
        &allowed
    )
    .is_ok());
}

#[test]
fn fulfillment_url_refuses_what_is_not_allowed() {
    let allowed = ALLOWED;
    let err =
        |base: &str, ret: &str| fulfillment_url(base, "c", 1, ret, "https://news.example.no/e", &allowed).unwrap_err();
    let base = "https://connectid.no/user/fulfillment";
    assert_eq!(
        err(base, "https://evil.example.com/r"),
        UrlError::HostNotAllowed("evil.example.com".into())
    );
    assert_eq!(
        err(base, "https://news.example.no.evil.com/r"),
        UrlError::HostNotAllowed("news.example.no.evil.com".into())
    );
    assert_eq!(
        err(base, "https://evil.example.com/r").to_string(),
        r#"host "evil.example.com" is not on the allowlist"#
    );
    assert_eq!(
        err(base, "https://news.example.no@evil.com/r"),
        UrlError::InvalidReturnUrl(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        err(base, "http://localhost:9999/r"),
        UrlError::HostNotAllowed("localhost".into())
    );
    assert_eq!(
        err(base, "/kasse/return"),
        UrlError::InvalidReturnUrl(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        err(base, "http://news.example.no/r"),
        UrlError::InvalidReturnUrl(ErrorCode::InsecureUrl)
    );
    assert_eq!(
        err("http://connectid.no/user/fulfillment", "https://news.example.no/r"),
        UrlError::InvalidBase(ErrorCode::InsecureUrl)
    );
    assert_eq!(
        err("https://connectid.no/f?x=1", "https://news.example.no/r"),
        UrlError::InvalidBase(ErrorCode::InvalidUrl)
    );
    assert_eq!(
        fulfillment_url(
            base,
            " ",
            1,
            "https://news.example.no/r",
            "https://news.example.no/e",
            &allowed
        )
        .unwrap_err(),
        UrlError::MissingClientId
    );
    assert_eq!(
        fulfillment_url(
            base,
            "c",
            1,
            "https://news.example.no/r",
            "https://evil.example.com/e",
            &allowed
        )
        .unwrap_err(),
        UrlError::HostNotAllowed("evil.example.com".into())
    );
}

#[test]
fn wildcard_hosts_cover_subdomains_not_the_apex() {
    let base = "https://connectid.no/user/fulfillment";
    let wild = ["*.example.no"];
    assert!(fulfillment_url(base, "c", 1, "https://a.example.no/r", "https://b.example.no/e", &wild).is_ok());
    assert!(fulfillment_url(base, "c", 1, "https://example.no/r", "https://b.example.no/e", &wild).is_err());
}

#[test]
fn fulfillment_return_parsing() {
    use FulfillmentStatus::*;
    for (input, want) in [
        (
            "https://news.example.no/kasse/return?fulfillmentStatus=success&orderId=9",
            Success,
        ),
        ("?fulfillmentStatus=cancel", Cancel),
        ("fulfillmentStatus=error", Error),
        ("fulfillmentStatus=unknown", Unknown),
        ("fulfillmentStatus=SUCCESS", Unknown),
        ("fulfillmentStatus=success%20", Unknown),
        ("fulfillmentStatus=paid", Unknown),
        ("fulfillmentStatus=success&fulfillmentStatus=error", Unknown),
        ("fulfillmentStatus=success&fulfillmentStatus=success", Success),
        (
            "https://news.example.no/kasse/return#fulfillmentStatus=success",
            Unknown,
        ),
        (
            "https://news.example.no/kasse/return?a=1#fulfillmentStatus=success",
            Unknown,
        ),
        ("https://news.example.no/kasse/fulfillmentStatus=success", Unknown),
        ("", Unknown),
        ("%%%", Unknown),
    ] {
        assert_eq!(parse_fulfillment_return(input), want, "{input}");
    }
    let full = parse_fulfillment_return_full("?orderId=42&fulfillmentStatus=success");
    assert_eq!(full.order_id, Some(42));
    assert_eq!(full.status.message_key(), None);
    assert_eq!(Cancel.message_key(), Some(MessageKey::PaymentCancelled));
}
