//! Field formats shared by both vendors: identifiers, e-mail, phone, postal code, country, URL.
//! Each check answers the [`ErrorCode`](crate::error_code::ErrorCode) a form shows, so ConnectID
//! and S4 rules refuse a bad value the same way.

mod example;
mod phone;
mod postal;
mod url;

pub use example::{phone_example, postal_code_example};
pub use phone::{is_e164, normalize_phone};
pub use postal::normalize_postal_code;
#[doc(hidden)]
pub use url::cases as url_cases;
pub use url::{check_absolute_https, form_pairs, WebUrl};

/// A GUID in the 8-4-4-4-12 hex form S4 uses (either case). A hand check is ten lines; the `uuid`
/// crate would add parsing of forms S4 never sends.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An e-mail address as the browser's `<input type=email>` accepts it (WHATWG's "valid e-mail
/// address"), plus a dot in the domain and a ≤ 254 length: ConnectID sends mail to it, so a
/// dotless intranet host is a typo here. ASCII only, like the browser's check.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.trim() != s {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    const LOCAL_EXTRA: &[u8] = b".!#$%&'*+/=?^_`{|}~-";
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
    local_ok && domain_ok
}

/// ISO 3166-1 alpha-2 codes (officially assigned), sorted for binary search.
const ISO_3166: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// True for an ISO 3166-1 alpha-2 code in upper case (`NO`, `SE`).
pub fn is_iso_country(code: &str) -> bool {
    ISO_3166.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted() {
        assert!(ISO_3166.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO_3166.len(), 249);
    }

    #[test]
    fn emails() {
        for ok in [
            "kari.nordmann@gmail.com",
            "a+b@x.no",
            "o'neil@example.co.uk",
            "x@sub-d.example.se",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "kari",
            "kari@",
            "@x.no",
            "kari@localhost",
            "kari@x..no",
            "kari@-x.no",
            "kari @x.no",
            "kåri@x.no",
            "kari@x.n",
            "kari@1.2",
            " kari@x.no",
            "a@b@c.no",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("10000000-0000-0000-0000-000000000000"));
        assert!(is_uuid("44444444-5555-6666-7777-00000000000A"));
        assert!(!is_uuid("10000000-0000-0000-0000-00000000000"));
        assert!(!is_uuid("10000000x0000-0000-0000-000000000000"));
        assert!(!is_uuid("g0000000-0000-0000-0000-000000000000"));
    }
}
